"""The dashboard's pages as the instructor sees them: the heatmap's cells (level, pattern
class, counts on hover and focus), the link from "needs attention" to the learner's page, and
that page's timeline with code, gradings and diffs, and its extension form."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from deadlines.models import Extension
from tests.dashboard.conftest import client_of, enrol, read_all, submit


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_heatmap_cells_say_their_level_in_text_and_counts_on_focus(built, cohort, instructor):
    now = timezone.now()
    learner = enrol(built, "reader", cohort=cohort, since=now - timedelta(days=2))
    read_all(built, learner, at=now)

    html = _html(client_of(instructor).get("/courses/dash/dashboard/"))

    row = html[html.index(f'<a href="/courses/dash/dashboard/learners/{learner.pk}/">') :]
    row = row.split("</tr>")[0]
    cells = re.findall(r'<td class="heat heat-(\d)" tabindex="0" title="([^"]*)"', row)
    assert cells == [
        (
            "2",
            "Module 1: 2 of 2 lessons read; quiz not attempted; "
            "0 of 1 exercises passed, 0 of 5 points",
        ),
        (
            "2",
            "Module 2: 2 of 2 lessons read; quiz not attempted; "
            "0 of 1 exercises passed, 0 of 5 points",
        ),
    ]
    assert '<span class="cell-lines">2/2 read</span>' in row
    assert "; 33% done</span>" in row
    assert "stripes" in html  # the legend names each pattern


def test_needs_attention_links_to_the_learner_page(built, cohort, instructor):
    now = timezone.now()
    idle = enrol(built, "sleepy", cohort=cohort, since=now - timedelta(days=40))
    read_all(built, idle, at=now - timedelta(days=20))

    html = _html(client_of(instructor).get("/courses/dash/dashboard/?days=14"))

    listed = html[html.index('id="needs-attention"') :].split("</section>")[0]
    assert f'<a href="/courses/dash/dashboard/learners/{idle.pk}/"><strong>sleepy</strong></a>' in (
        listed
    )
    assert "<li>No activity for 20 days</li>" in listed


def test_a_bad_rule_is_a_clear_400(built, instructor):
    response = client_of(instructor).get("/courses/dash/dashboard/?days=-1")

    assert response.status_code == 400
    assert "“days” must be a whole number from 1 to 365." in response.content.decode()


def test_the_learner_page_shows_the_timeline_code_gradings_and_diff(built, cohort, instructor):
    now = timezone.now()
    learner = enrol(built, "coder", cohort=cohort, since=now - timedelta(days=5))
    read_all(built, learner, at=now - timedelta(days=3))
    exercise = built.exercises[built.modules[0].pk][0]
    submit(
        exercise,
        learner,
        code="def softmax(x):\n    return x",
        points=1.0,
        at=now - timedelta(days=2),
        hidden_fails=True,
    )
    submit(
        exercise,
        learner,
        code="def softmax(x):\n    return x / x.sum()",
        points=5.0,
        at=now - timedelta(days=1),
        hidden_fails=False,
    )

    html = _html(client_of(instructor).get(f"/courses/dash/dashboard/learners/{learner.pk}/"))

    kinds = re.findall(r'data-kind="(\w+)"', html)
    assert kinds == ["submission", "submission", "read", "read", "read", "read"]
    assert "1 of 5 points" in html and "5 of 5 points" in html
    assert "<del>-     return x</del>" in html
    assert "<ins>+     return x / x.sum()</ins>" in html
    assert "<code>test_hidden</code> (hidden)" in html
    assert f'href="/courses/dash/teach/gradebook/learners/{learner.pk}/"' in html


def test_an_extension_is_granted_from_the_learner_page(built, cohort, instructor):
    learner = enrol(built, "late", cohort=cohort, since=timezone.now())
    exercise = built.exercises[built.modules[0].pk][0]
    client = client_of(instructor)
    path = f"/courses/dash/dashboard/learners/{learner.pk}/"

    response = client.post(
        f"{path}extensions/",
        {"item": f"exercise:{exercise.pk}", "due_at": "2030-05-01T12:00", "reason": "Ill"},
    )

    assert response.status_code == 302
    assert response.url == path
    extension = Extension.objects.get()
    assert (extension.user_id, extension.exercise_id, extension.reason) == (
        learner.pk,
        exercise.pk,
        "Ill",
    )
    assert "“Ill”" in _html(client.get(path))


def test_a_bad_extension_is_refused_and_changes_nothing(built, cohort, instructor):
    learner = enrol(built, "late", cohort=cohort, since=timezone.now())
    exercise = built.exercises[built.modules[0].pk][0]

    response = client_of(instructor).post(
        f"/courses/dash/dashboard/learners/{learner.pk}/extensions/",
        {"item": f"exercise:{exercise.pk}", "due_at": "someday", "reason": "Ill"},
    )

    assert response.status_code == 400
    assert "The extension is not granted (due_at: Enter a valid date/time.)." in (
        response.content.decode()
    )
    assert not Extension.objects.exists()


def test_a_learner_of_another_course_has_no_page_here(built, instructor):
    outsider = enrol(built, "outsider", cohort=None, since=timezone.now())
    outsider.enrolments.all().delete()

    response = client_of(instructor).get(f"/courses/dash/dashboard/learners/{outsider.pk}/")

    assert response.status_code == 404


def test_the_heatmap_and_the_attention_list_are_paged(built, cohort, instructor, monkeypatch):
    monkeypatch.setattr("dashboard.selectors.paging.ROWS_PER_PAGE", 2)
    long_ago = timezone.now() - timedelta(days=30)
    for name in ("amy", "ben", "cat"):
        enrol(built, name, cohort=cohort, since=long_ago)
    client = client_of(instructor)

    first = _html(client.get("/courses/dash/dashboard/?days=3"))
    last = _html(client.get("/courses/dash/dashboard/?days=3&page=2&attention=2"))

    assert first.count('class="heat heat-0"') == 2 * 2 and last.count('class="heat heat-0"') == 2
    assert re.findall(r'data-learner="(\w+)"', first) == ["amy", "ben"]
    assert re.findall(r'data-learner="(\w+)"', last) == ["cat"]
    assert 'Needs attention <small class="muted">(3)</small>' in first
    refused = client.get("/courses/dash/dashboard/?page=7")
    assert refused.status_code == 400
    assert "There is no page “7” of this list." in refused.content.decode()
