"""The one create/update/remove helper of the importer (content/applying/sync.py), on real rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.applying.report import ImportReport
from content.applying.sync import RowSync, remove_unless_used
from courseware.models import Course, Module

pytestmark = pytest.mark.django_db


def modules_sync(course: Course, report: ImportReport) -> RowSync[Module]:
    return RowSync(
        Module,
        kind="modules",
        report=report,
        rows=Module.objects.filter(course=course),
        create_with={"course": course},
    )


def test_put_creates_updates_and_leaves_alone_and_reports_each():
    course = Course.objects.create(slug="c", title="C")
    Module.objects.create(course=course, slug="same", title="Same", order=1)
    Module.objects.create(course=course, slug="retitled", title="Old", order=2)
    report = ImportReport(course_slug="c")
    sync = modules_sync(course, report)

    with CaptureQueriesContext(connection) as queries:
        same = sync.put("same", "same", {"title": "Same", "order": 1})
    new = sync.put("new", "new", {"title": "New", "order": 3})
    retitled = sync.put("retitled", "retitled", {"title": "Renamed", "order": 2})

    assert len(queries) == 0
    assert report.added["modules"] == ["new"]
    assert report.changed["modules"] == ["retitled"]
    assert (new.course_id, new.slug, new.title) == (course.pk, "new", "New")
    assert Module.objects.get(pk=retitled.pk).title == "Renamed"
    assert Module.objects.get(pk=same.pk).title == "Same"
    assert Module.objects.filter(course=course).count() == 3


def test_remove_missing_removes_only_active_unwanted_rows_and_returns_refusals():
    course = Course.objects.create(slug="c", title="C")
    Module.objects.create(course=course, slug="kept", title="Kept")
    Module.objects.create(course=course, slug="gone", title="Gone")
    Module.objects.create(course=course, slug="used", title="Used")
    Module.objects.create(course=course, slug="inactive", title="Inactive", is_active=False)
    report = ImportReport(course_slug="c")
    sync = modules_sync(course, report)
    sync.put("kept", "kept", {"title": "Kept"})

    def remove(module: Module) -> str | None:
        refusal = "used has history" if module.slug == "used" else None
        return remove_unless_used(module, refusal=refusal, force=False)

    refusals = sync.remove_missing(remove, name=lambda module: module.title)

    assert refusals == ["used has history"]
    assert report.removed["modules"] == ["Gone"]
    assert sorted(Module.objects.values_list("slug", "is_active")) == [
        ("inactive", False),
        ("kept", True),
        ("used", True),
    ]


def test_remove_unless_used_deactivates_with_force_and_takes_the_dependents_along():
    course = Course.objects.create(slug="c", title="C")
    used = Module.objects.create(course=course, slug="used", title="Used")
    unused = Module.objects.create(course=course, slug="unused", title="Unused")
    other = Course.objects.create(slug="d", title="D")
    Module.objects.create(course=other, slug="x", title="X")

    kept = remove_unless_used(
        used,
        refusal="has history",
        force=True,
        dependents=Module.objects.filter(course=other),
    )
    deleted = remove_unless_used(unused, refusal=None, force=True)

    assert (kept, deleted) == (None, None)
    assert list(Module.objects.order_by("slug").values_list("slug", "is_active")) == [
        ("used", False),
        ("x", False),
    ]
    assert Module.objects.filter(pk=unused.pk).exists() is False
