"""Account operations: profiles, e-mail verification, the data export and deletion.

Deleting an account deletes everything Academy holds about the learner with it: the profile,
lesson reads, enrolments, quiz attempts and their answers, submissions with their gradings,
hint reveals, drafts and exercise progress (every such row points at the user with
on_delete=CASCADE). Nothing is kept under a placeholder name: a submission without its author
tells an instructor nothing they may use, and keeping it would keep the learner's code.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.models import ApiToken, Profile
from accounts.tokens import email_verification_token
from certificates.selectors import certificates_export
from courseware.models import Enrolment, ExerciseProgress, LessonRead, QuizAttempt
from deadlines.models import Extension
from gradebook.models import GradeOverride
from grading.models import Draft, HintReveal, PracticeRun, Submission
from lti.models import Identity

EXPORT_FORMAT = "academy-account-export/1"


def verification_required() -> bool:
    """Whether learners must verify their e-mail address before logging in (a setting)."""
    return bool(settings.ACCOUNTS_EMAIL_VERIFICATION)


def profile_get(*, user: Any) -> Profile:
    """The user's profile, created on first use (users made before the app have none)."""
    try:
        return user.profile  # type: ignore[no-any-return]
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        user.profile = profile
        return profile


def email_taken(*, email: str, except_user: Any = None) -> bool:
    """Whether another account already uses this address (compared without case)."""
    users = get_user_model().objects.filter(email__iexact=email)
    if except_user is not None:
        users = users.exclude(pk=except_user.pk)
    return bool(email) and users.exists()


def login_blocked_by_verification(*, user: Any) -> bool:
    """Whether the learner must verify first. Staff are made by an administrator (often with
    no e-mail address at all), so the rule is for learners who signed up themselves."""
    if not verification_required() or user.is_staff or user.is_superuser:
        return False
    return not profile_get(user=user).email_verified


def verification_send(*, request: HttpRequest, user: Any) -> None:
    """E-mail the learner a link that verifies their address."""
    if not user.email:
        return
    profile_get(user=user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    link = request.build_absolute_uri(reverse("email_verify", args=[uid, token]))
    context = {"user": user, "link": link, "site_name": request.get_host()}
    subject = render_to_string("accounts/email/verify_subject.txt", context).strip()
    body = render_to_string("accounts/email/verify_email.txt", context)
    send_mail(subject, body, None, [user.email])


def verification_confirm(*, uidb64: str, token: str) -> Any | None:
    """The user whose address the link verifies, now marked verified; None if the link is
    wrong, used or expired (PASSWORD_RESET_TIMEOUT)."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = get_user_model().objects.get(pk=pk)
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        return None
    profile = profile_get(user=user)
    if not email_verification_token.check_token(user, token):
        return None
    profile.email_verified = True
    profile.save(update_fields=["email_verified", "updated_at"])
    return user


def email_mark_verified(*, user: Any) -> None:
    """The learner proved they read mail at their address (a password-reset link worked)."""
    profile = profile_get(user=user)
    if not profile.email_verified:
        profile.email_verified = True
        profile.save(update_fields=["email_verified", "updated_at"])


@transaction.atomic
def account_update(
    *, user: Any, first_name: str, last_name: str, email: str, time_zone: str, language: str
) -> bool:
    """Store the account page's fields. Returns whether the e-mail address changed (it is then
    unverified until its link is opened)."""
    profile = profile_get(user=user)
    email_changed = email.lower() != (user.email or "").lower()
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.save(update_fields=["first_name", "last_name", "email"])
    profile.time_zone, profile.language = time_zone, language
    if email_changed:
        profile.email_verified = False
    profile.save()
    return email_changed


@transaction.atomic
def profile_language_set(*, user: Any, language: str) -> None:
    """Save the language the learner picked with the switcher: it follows them to every
    device they log in on. A code that is not one of settings.LANGUAGES is refused."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"{language!r} is not a language of the site")
    Profile.objects.update_or_create(user=user, defaults={"language": language})


# ------------------------------------------------------------------------------- export


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _visible_feedback(feedback: dict[str, Any]) -> dict[str, Any]:
    """A grading's feedback as the submission page shows it. feedback_for already stores only
    that; hidden cells are trimmed again here so an export can never carry a hidden test's
    output or traceback, whatever an older row holds."""
    cells = []
    for cell in feedback.get("cells", []):
        if cell.get("hidden"):
            keep = ("grade_id", "points", "max_points", "passed", "hidden", "hint")
            cells.append({key: cell[key] for key in keep if key in cell})
        else:
            cells.append(dict(cell))
    visible = {key: value for key, value in feedback.items() if key != "cells"}
    if "cells" in feedback:
        visible["cells"] = cells
    return visible


def _quiz_attempts(user: Any) -> list[dict[str, Any]]:
    attempts = (
        QuizAttempt.objects.filter(user=user)
        .select_related("quiz__module__course")
        .prefetch_related("responses__question")
        .order_by("started_at", "pk")
    )
    return [
        {
            "course": attempt.quiz.module.course.slug,
            "module": attempt.quiz.module.slug,
            "number": attempt.number,
            "status": attempt.status,
            "answers": attempt.answers,
            "score": attempt.score,
            "points": attempt.points,
            "max_points": attempt.max_points,
            "results": attempt.results if attempt.is_submitted else {},
            "responses": [
                {
                    "question": response.question.slug,
                    "answer": response.answer,
                    "score": response.score,
                    "is_correct": response.is_correct,
                }
                for response in attempt.responses.all()
            ],
            "started_at": _iso(attempt.started_at),
            "saved_at": _iso(attempt.saved_at),
            "submitted_at": _iso(attempt.submitted_at),
        }
        for attempt in attempts
    ]


def _exercise_ref(exercise: Any) -> dict[str, str]:
    return {
        "course": exercise.module.course.slug,
        "module": exercise.module.slug,
        "exercise": exercise.slug,
    }


def _submissions(user: Any) -> list[dict[str, Any]]:
    submissions = (
        Submission.objects.filter(user=user)
        .select_related("exercise__module__course")
        .prefetch_related("runs", "comments")
        .order_by("created_at", "pk")
    )
    return [
        {
            **_exercise_ref(submission.exercise),
            "kind": submission.kind,
            "payload": submission.payload,
            "answers": submission.answers,
            "created_at": _iso(submission.created_at),
            # The learner's view of each grading: never its seed, claim or failure detail.
            "gradings": [
                {
                    "number": run.number,
                    "status": run.status,
                    "message": run.status_message,
                    "points": run.points,
                    "max_points": run.max_points,
                    "feedback": _visible_feedback(run.feedback or {}),
                    "queued_at": _iso(run.queued_at),
                    "finished_at": _iso(run.finished_at),
                }
                for run in submission.runs.all()
            ],
            # What the teaching staff wrote to the learner about it (not who wrote it).
            "comments": [
                {"text": comment.text, "created_at": _iso(comment.created_at)}
                for comment in submission.comments.all()
            ],
        }
        for submission in submissions
    ]


def account_export(*, user: Any) -> dict[str, Any]:
    """Everything Academy holds about the learner, as JSON-ready data."""
    profile = profile_get(user=user)
    related = ("exercise__module__course",)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "email_verified": profile.email_verified,
            "time_zone": profile.time_zone,
            "language": profile.language,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "enrolments": [
            {
                "course": row.course.slug,
                "role": row.role,
                "status": row.status,
                "cohort": row.cohort.name if row.cohort else None,
                "created_at": _iso(row.created_at),
            }
            for row in Enrolment.objects.filter(user=user)
            .select_related("course", "cohort")
            .order_by("pk")
        ],
        "lesson_reads": [
            {
                "course": row.lesson.course.slug,
                "lesson": row.lesson.slug,
                "read_at": _iso(row.read_at),
            }
            for row in LessonRead.objects.filter(user=user)
            .select_related("lesson__course")
            .order_by("read_at", "pk")
        ],
        "quiz_attempts": _quiz_attempts(user),
        "submissions": _submissions(user),
        "exercise_progress": [
            {
                "course": row.module.course.slug,
                "module": row.module.slug,
                "exercise": row.exercise_key,
                "best_points": row.best_points,
                "max_points": row.max_points,
                "updated_at": _iso(row.updated_at),
            }
            for row in ExerciseProgress.objects.filter(user=user)
            .select_related("module__course")
            .order_by("pk")
        ],
        "hint_reveals": [
            {**_exercise_ref(row.exercise), "revealed": row.revealed}
            for row in HintReveal.objects.filter(user=user).select_related(*related).order_by("pk")
        ],
        "drafts": [
            {**_exercise_ref(row.exercise), "code": row.code, "updated_at": _iso(row.updated_at)}
            for row in Draft.objects.filter(user=user).select_related(*related).order_by("pk")
        ],
        # Extensions granted to the learner (those they granted as staff are the course's).
        "extensions": [
            {
                "course": row.course.slug,
                "item": str(row.module or row.quiz or row.exercise),
                "due_at": _iso(row.due_at),
                "reason": row.reason,
                "granted_at": _iso(row.granted_at),
            }
            for row in Extension.objects.filter(user=user)
            .select_related("course", "module", "quiz", "exercise")
            .order_by("pk")
        ],
        # "Run the visible tests": the code run and what the visible tests said.
        "practice_runs": [
            {
                **_exercise_ref(row.exercise),
                "answers": row.answers,
                "status": row.status,
                "points": row.points,
                "max_points": row.max_points,
                "queued_at": _iso(row.queued_at),
                "finished_at": _iso(row.finished_at),
            }
            for row in PracticeRun.objects.filter(user=user).select_related(*related).order_by("pk")
        ],
        # Scores of the learner's that teaching staff overrode, with the reason they gave.
        "grade_overrides": [
            {
                "course": row.course.slug,
                "item": row.item_key,
                "score": row.score,
                "original_score": row.original_score,
                "reason": row.reason,
                "created_at": _iso(row.created_at),
            }
            for row in GradeOverride.objects.filter(user=user)
            .select_related("course")
            .order_by("pk")
        ],
        # The LMS accounts (issuer, sub) that launch into this account.
        "lti_identities": [
            {
                "platform": row.platform.name,
                "issuer": row.platform.issuer,
                "sub": row.sub,
                "created_at": _iso(row.created_at),
                "last_launch_at": _iso(row.last_launch_at),
            }
            for row in Identity.objects.filter(user=user).select_related("platform").order_by("pk")
        ],
        # The tokens' names and dates; their secrets are not stored, their hashes stay here.
        "api_tokens": [
            {
                "name": row.name,
                "prefix": row.prefix,
                "created_at": _iso(row.created_at),
                "last_used_at": _iso(row.last_used_at),
                "revoked_at": _iso(row.revoked_at),
            }
            for row in ApiToken.objects.filter(user=user).order_by("pk")
        ],
        # The learner's own certificates (the certificates app says what each holds).
        "certificates": certificates_export(user=user),
    }


# Every model that points at the user, and where the export shows it (or why it need not):
# tests/courseware/test_accounts.py fails when a new one appears that is in neither list.
EXPORTED_MODELS = frozenset(
    {
        "accounts.Profile",
        "accounts.ApiToken",
        "courseware.Enrolment",
        "courseware.LessonRead",
        "courseware.QuizAttempt",
        "courseware.ExerciseProgress",
        "grading.Submission",
        "grading.HintReveal",
        "grading.Draft",
        "deadlines.Extension",
        "grading.PracticeRun",
        "gradebook.GradeOverride",
        "lti.Identity",
        "certificates.Certificate",
    }
)
NOT_EXPORTED_MODELS = frozenset(
    {
        # A comment's staff author (SET_NULL): the comments a learner received are exported
        # with their submissions; those a staff member wrote are the course's record.
        "grading.SubmissionComment",
        # Who sent or accepted a course invitation (SET_NULL on deletion): the enrolment it
        # made is exported; the row itself is the course's record of an e-mail it sent.
        "courseware.Invitation",
        # The admin's log of what staff changed: about the site, not the learner's data.
        "admin.LogEntry",
        # Django's permission tables (a learner has none).
        "auth.User_groups",
        "auth.User_user_permissions",
    }
)


@transaction.atomic
def account_delete(*, user: AbstractBaseUser) -> None:
    """Delete the user and, by cascade, every row that belongs to them (see the module note)."""
    user.delete()
