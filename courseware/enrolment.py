"""Writes about course membership: roles, cohorts, join codes, self-enrolment, enrolment by a
list of e-mails or usernames with invitations, and the LTI entry point (`enrol_with_role`).

Services are keyword-only and atomic. A dropped member keeps their row (status `dropped`), so
their history stays and re-admitting them restores it. A course always keeps one active
instructor: the last one cannot be dropped or given another role.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from courseware.errors import ApplicationError
from courseware.models import Cohort, Course, CourseRole, Enrolment, Invitation
from courseware.selectors.roster import join_target

MAX_LIST_ROWS = 2000
HEADER_NAMES = frozenset({"email", "e-mail", "username", "user", "login"})


def _new_code() -> str:
    return secrets.token_urlsafe(9)


def _check_cohort(course: Course, cohort: Cohort | None) -> None:
    if cohort is not None and cohort.course_id != course.pk:
        raise ApplicationError(gettext("That cohort belongs to another course."), status_code=400)


def _is_last_instructor(enrolment: Enrolment) -> bool:
    if enrolment.role != CourseRole.INSTRUCTOR or not enrolment.is_active:
        return False
    others = Enrolment.objects.filter(
        course_id=enrolment.course_id, role=CourseRole.INSTRUCTOR, status=Enrolment.Status.ACTIVE
    ).exclude(pk=enrolment.pk)
    return not others.exists()


@transaction.atomic
def enrol_with_role(
    *, user_id: int, course: Course, role: str = CourseRole.LEARNER, cohort: Cohort | None = None
) -> Enrolment:
    """Make the user an active member with this role (and cohort, if given): the entry point
    for an LMS launch (LTI) and for instructors. A dropped member is re-admitted."""
    _check_cohort(course, cohort)
    enrolment, created = Enrolment.objects.select_for_update().get_or_create(
        user_id=user_id, course=course, defaults={"role": role, "cohort": cohort}
    )
    if created:
        return enrolment
    if enrolment.role != role and _is_last_instructor(enrolment):
        raise ApplicationError(gettext("A course needs an instructor: add another one first."))
    enrolment.role = role
    enrolment.status = Enrolment.Status.ACTIVE
    if cohort is not None:
        enrolment.cohort = cohort
    enrolment.save(update_fields=["role", "status", "cohort", "updated_at"])
    return enrolment


@transaction.atomic
def _join_as_learner(*, user_id: int, course: Course, cohort: Cohort | None) -> Enrolment:
    """Join by code or by oneself: a new member is a learner; a member keeps their role."""
    enrolment, created = Enrolment.objects.select_for_update().get_or_create(
        user_id=user_id, course=course, defaults={"cohort": cohort}
    )
    if created:
        return enrolment
    if not enrolment.is_active:
        raise ApplicationError(
            gettext("You were removed from this course: ask its instructor to re-admit you."),
            status_code=403,
        )
    if cohort is not None and enrolment.role == CourseRole.LEARNER:
        enrolment.cohort = cohort
        enrolment.save(update_fields=["cohort", "updated_at"])
    return enrolment


def enrolment_self(*, user_id: int, course: Course) -> Enrolment:
    """A logged-in user enrols themselves, when the course allows it."""
    if not course.self_enrolment:
        raise ApplicationError(
            gettext("This course is by invitation: ask its instructor for a join link."),
            status_code=403,
        )
    return _join_as_learner(user_id=user_id, course=course, cohort=None)


def enrolment_join(*, user_id: int, code: str) -> Enrolment:
    """Join the course (and cohort) that a join code belongs to."""
    target = join_target(code=code)
    if target is None:
        raise ApplicationError(gettext("This join link is not valid (any more)."), status_code=404)
    return _join_as_learner(user_id=user_id, course=target.course, cohort=target.cohort)


@transaction.atomic
def join_code_regenerate(*, course: Course, cohort: Cohort | None = None) -> str:
    """A new join code for the course or one of its cohorts; the old link stops working."""
    _check_cohort(course, cohort)
    code = _new_code()
    if cohort is not None:
        Cohort.objects.filter(pk=cohort.pk).update(join_code=code)
        cohort.join_code = code
    else:
        Course.objects.filter(pk=course.pk).update(join_code=code)
        course.join_code = code
    return code


@transaction.atomic
def join_code_disable(*, course: Course, cohort: Cohort | None = None) -> None:
    """No join link for the course or cohort any more."""
    _check_cohort(course, cohort)
    if cohort is not None:
        Cohort.objects.filter(pk=cohort.pk).update(join_code="")
        cohort.join_code = ""
    else:
        Course.objects.filter(pk=course.pk).update(join_code="")
        course.join_code = ""


@transaction.atomic
def course_settings_update(*, course: Course, self_enrolment: bool) -> None:
    course.self_enrolment = self_enrolment
    course.save(update_fields=["self_enrolment", "updated_at"])


def _cohort_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ApplicationError(gettext("A cohort needs a name."))
    if len(cleaned) > 100:
        raise ApplicationError(gettext("A cohort's name has at most 100 characters."))
    return cleaned


def cohort_create(*, course: Course, name: str) -> Cohort:
    cleaned = _cohort_name(name)
    try:
        with transaction.atomic():
            return Cohort.objects.create(course=course, name=cleaned)
    except IntegrityError:
        raise ApplicationError(
            gettext("There is already a cohort named %(cleaned)r.") % {"cleaned": cleaned}
        ) from None


def cohort_rename(*, cohort: Cohort, name: str) -> Cohort:
    cleaned = _cohort_name(name)
    try:
        with transaction.atomic():
            cohort.name = cleaned
            cohort.save(update_fields=["name"])
    except IntegrityError:
        raise ApplicationError(
            gettext("There is already a cohort named %(cleaned)r.") % {"cleaned": cleaned}
        ) from None
    return cohort


@transaction.atomic
def enrolment_move(*, enrolment: Enrolment, cohort: Cohort | None) -> Enrolment:
    """Put the learner into another cohort, or into none."""
    _check_cohort(enrolment.course, cohort)
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort", "updated_at"])
    return enrolment


@transaction.atomic
def enrolment_drop(*, enrolment: Enrolment) -> Enrolment:
    """Drop the member: they lose access to the course's staff pages and leave the roster's
    active list; every row of their history stays."""
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if _is_last_instructor(locked):
        raise ApplicationError(gettext("A course needs an instructor: add another one first."))
    locked.status = Enrolment.Status.DROPPED
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def enrolment_readmit(*, enrolment: Enrolment) -> Enrolment:
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.ACTIVE, updated_at=timezone.now()
    )
    enrolment.refresh_from_db()
    return enrolment


def enrolment_role_set(*, enrolment: Enrolment, role: str) -> Enrolment:
    if role not in CourseRole.values:
        raise ApplicationError(gettext("Unknown role %(role)r.") % {"role": role})
    return enrol_with_role(user_id=enrolment.user_id, course=enrolment.course, role=role)


# --------------------------------------------------------------------------- lists and invitations


@dataclass
class ListResult:
    """What applying a list did: usernames enrolled, re-admitted or already there, and the
    e-mail addresses invited."""

    enrolled: list[str] = field(default_factory=list)
    readmitted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    invited: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    line: int
    entry: str


def list_rows(*, text: str) -> list[_Row]:
    """The entries of a pasted list or CSV file: the first cell of each non-blank row, a
    header row (`email`, `username`) skipped."""
    rows: list[_Row] = []
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        entry = cells[0].strip() if cells else ""
        if not entry or (number == 1 and entry.lower() in HEADER_NAMES):
            continue
        rows.append(_Row(line=number, entry=entry))
    if len(rows) > MAX_LIST_ROWS:
        raise ApplicationError(
            gettext("A list has at most %(MAX_LIST_ROWS)s rows; this one has %(value)s.")
            % {"MAX_LIST_ROWS": MAX_LIST_ROWS, "value": len(rows)}
        )
    return rows


def _resolve(rows: list[_Row]) -> tuple[dict[int, int | str], list[str]]:
    """Line -> user pk (an account) or normalised e-mail (to invite), and the errors."""
    users = get_user_model().objects
    resolved: dict[int, int | str] = {}
    errors: list[str] = []
    seen: set[int | str] = set()
    for row in rows:
        target: int | str
        if "@" in row.entry:
            try:
                validate_email(row.entry)
            except ValidationError:
                errors.append(f"Line {row.line}: {row.entry!r} is not a valid e-mail address.")
                continue
            matches = list(users.filter(email__iexact=row.entry).values_list("pk", flat=True))
            if len(matches) > 1:
                errors.append(
                    f"Line {row.line}: several accounts use {row.entry!r}: give the username."
                )
                continue
            target = matches[0] if matches else row.entry.lower()
        else:
            match = users.filter(username=row.entry).values_list("pk", flat=True).first()
            if match is None:
                errors.append(f"Line {row.line}: no account has the username {row.entry!r}.")
                continue
            target = int(match)
        if target not in seen:  # the same person twice is enrolled once
            seen.add(target)
            resolved[row.line] = target
    return resolved, errors


def _invitation_send(*, invitation: Invitation, link: str) -> None:
    body = (
        f"You are invited to the course {invitation.course.title!r} on Academy.\n\n"
        f"Sign up with this link to join it:\n{link}\n"
    )
    send_mail(f"Invitation to {invitation.course.title}", body, None, [invitation.email])


def enrolment_list_apply(
    *,
    course: Course,
    text: str,
    role: str = CourseRole.LEARNER,
    cohort: Cohort | None = None,
    invited_by_id: int | None,
    invitation_link: Callable[[str], str],
) -> ListResult:
    """Enrol every account the list names and invite every unknown e-mail address, or, if any
    row is wrong, change nothing and report each wrong row by its line number. The invitation
    e-mails go out once the transaction has committed."""
    _check_cohort(course, cohort)
    rows = list_rows(text=text)
    if not rows:
        raise ApplicationError(gettext("The list is empty."))
    resolved, errors = _resolve(rows)
    result = ListResult()
    with transaction.atomic():
        existing = {
            row.user_id: row
            for row in Enrolment.objects.select_for_update().filter(
                course=course, user_id__in=[t for t in resolved.values() if isinstance(t, int)]
            )
        }
        for line, target in resolved.items():
            if isinstance(target, str):
                invitation, _ = Invitation.objects.update_or_create(
                    course=course,
                    email=target,
                    accepted_at__isnull=True,
                    defaults={"role": role, "cohort": cohort, "invited_by_id": invited_by_id},
                    create_defaults={
                        "role": role,
                        "cohort": cohort,
                        "invited_by_id": invited_by_id,
                        "token": secrets.token_urlsafe(32),
                    },
                )
                link = invitation_link(invitation.token)
                transaction.on_commit(partial(_invitation_send, invitation=invitation, link=link))
                result.invited.append(target)
                continue
            member = existing.get(target)
            if member is not None and member.role != role and member.is_active:
                errors.append(
                    f"Line {line}: {member.user.get_username()} is already "
                    f"{member.get_role_display().lower()} of this course."
                )
                continue
            enrolment = enrol_with_role(user_id=target, course=course, role=role, cohort=cohort)
            username = enrolment.user.get_username()
            if member is None:
                result.enrolled.append(username)
            elif not member.is_active:
                result.readmitted.append(username)
            else:
                result.unchanged.append(username)
        if errors:
            # Nothing half-applied: raising inside the block rolls back the rows written above.
            raise ApplicationError(
                gettext("Nothing was changed: fix these rows and try again."),
                extra={"errors": sorted(errors, key=_line_of)},
            )
    return result


def _line_of(error: str) -> int:
    return int(error.split(":", 1)[0].removeprefix("Line "))


@transaction.atomic
def invitation_accept(*, token: str, user_id: int) -> Enrolment | None:
    """Enrol the user as the invitation says (on sign-up through its link); None when the
    token is unknown or already used."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("course", "cohort")
        .filter(token=token, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return None
    enrolment = enrol_with_role(
        user_id=user_id, course=invitation.course, role=invitation.role, cohort=invitation.cohort
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by_id = user_id
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return enrolment
