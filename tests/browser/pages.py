"""One of each kind of page Academy serves, with the data that fills it, for the browser tests
that check every page kind (axe-core, small screens, zoom): a course with lessons, a quiz
taken once and open again, an exercise graded for real by the worker (twice, to compare), a
certificate, the password-reset pages, a join link, a page that is not found, and an
instructor who sees the dashboard, the gradebook and its weights, a learner's page and the
similarity report."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from certificates.services import certificate_issue
from content.importer import course_import
from courseware.enrolment import enrol_with_role, join_code_regenerate
from courseware.models import Course, CourseRole, Lesson, Quiz, QuizAttempt
from courseware.services import (
    lesson_mark_read,
    quiz_attempt_answers_save,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from grading.services import submission_create
from tests.courseware.helpers import right_answers
from tests.courseware.mini_course import write_mini_course
from tests.grading.exercise_factory import make_exercise
from tests.integration.conftest import wait_for_run
from tests.integration.test_grading_stack import RIGHT

PASSWORD = "a-long-password-1"
LEARNER = "ada"
INSTRUCTOR = "teacher"


@dataclass(frozen=True)
class PageKind:
    name: str
    path: str
    username: str | None  # None: a visitor who is not logged in
    status: int = 200


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@contextmanager
def logged_in_page(browser, base: str, username: str = LEARNER, **context_options) -> Iterator:
    """A page of a fresh browser context (1200 x 900 unless told), logged in as the user."""
    context = browser.new_context(**{"viewport": {"width": 1200, "height": 900}, **context_options})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        log_in(page, base, username)
        yield page
    finally:
        context.close()


def assert_scored_full(attempt: QuizAttempt) -> None:
    """The attempt is submitted and scored 100%."""
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == (QuizAttempt.Status.SUBMITTED, 1.0)


def every_page_kind(folder: Path) -> list[PageKind]:
    """Fill the database (the worker fixture must be running: the exercise is graded for real)
    and name one page of each kind, with the user who opens it."""
    course_import(path=write_mini_course(folder / "course"))
    course = Course.objects.get(slug="mini")
    exercise = make_exercise(folder / "exercises", course_slug="mini")
    users = get_user_model().objects
    learner = users.create_user(
        LEARNER, email="ada@example.org", password=PASSWORD, first_name="Ada", last_name="Lovelace"
    )
    enrol_with_role(user_id=learner.pk, course=course)
    teacher = users.create_user(INSTRUCTOR, password=PASSWORD)
    enrol_with_role(user_id=teacher.pk, course=course, role=CourseRole.INSTRUCTOR)

    for lesson in Lesson.objects.filter(course=course):
        lesson_mark_read(user_id=learner.pk, lesson=lesson)
    quiz = Quiz.objects.get(module__course=course, module__slug="basics")
    taken, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_answers_save(attempt_id=taken.pk, user_id=learner.pk, answers=right_answers(taken))
    quiz_attempt_submit(attempt_id=taken.pk, user_id=learner.pk)
    submission = submission_create(user=learner, exercise=exercise, code={"answer": RIGHT})
    run = wait_for_run(submission.pk)
    assert run.status == "graded", run.status  # type: ignore[attr-defined]
    # A second submission, for the page that compares two.
    second = submission_create(user=learner, exercise=exercise, code={"answer": RIGHT + "\n"})
    assert wait_for_run(second.pk).status == "graded"  # type: ignore[attr-defined]
    certificate = certificate_issue(user=learner, course=course)
    join_code = join_code_regenerate(course=course)
    uid = urlsafe_base64_encode(force_bytes(learner.pk))
    reset = f"{uid}/{default_token_generator.make_token(learner)}"
    # The second attempt stays open: the page where a quiz is answered.
    open_attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)

    exercise_path = f"/exercises/mini/{exercise.slug}/"
    return [
        PageKind("log in", "/accounts/login/", None),
        PageKind("sign up", "/accounts/signup/", None),
        PageKind("home, logged out", "/", None),
        PageKind("password reset", "/accounts/password/reset/", None),
        PageKind("password reset sent", "/accounts/password/reset/sent/", None),
        # The link of the e-mail, which goes on to the form for a new password.
        PageKind("password reset link", f"/accounts/password/reset/{reset}/", None),
        PageKind("password reset done", "/accounts/password/reset/done/", None),
        PageKind("e-mail verification, logged out", "/accounts/verify/", None),
        PageKind("home", "/", LEARNER),
        PageKind("course", "/courses/mini/", LEARNER),
        PageKind("module", "/courses/mini/modules/basics/", LEARNER),
        PageKind("lesson", "/courses/mini/lessons/first-steps/", LEARNER),
        PageKind("lesson with a table and math", "/courses/mini/lessons/tables-and-math/", LEARNER),
        PageKind("search", "/courses/mini/search/?q=softmax", LEARNER),
        PageKind("glossary", "/courses/mini/glossary/", LEARNER),
        PageKind("quiz", "/courses/mini/modules/basics/quiz/", LEARNER),
        PageKind("quiz attempt", f"/attempts/{open_attempt.pk}/", LEARNER),
        PageKind("quiz results", f"/attempts/{taken.pk}/results/", LEARNER),
        PageKind("exercise", exercise_path, LEARNER),
        PageKind("submission", f"{exercise_path}submissions/{submission.pk}/", LEARNER),
        PageKind(
            "submissions compared",
            f"{exercise_path}compare/?old={submission.pk}&new={second.pk}",
            LEARNER,
        ),
        PageKind("account", "/accounts/", LEARNER),
        PageKind("password change", "/accounts/password/change/", LEARNER),
        PageKind("join link", f"/join/{join_code}/", LEARNER),
        PageKind("page not found", "/courses/no-such-course/", LEARNER, status=404),
        PageKind("certificate", "/courses/mini/certificate/", LEARNER),
        PageKind("certificate verification", f"/certificates/{certificate.code}/", LEARNER),
        PageKind("dashboard", "/courses/mini/dashboard/", INSTRUCTOR),
        PageKind("learner page", f"/courses/mini/dashboard/learners/{learner.pk}/", INSTRUCTOR),
        PageKind("gradebook", "/courses/mini/teach/gradebook/", INSTRUCTOR),
        PageKind("gradebook weights", "/courses/mini/teach/gradebook/weights/", INSTRUCTOR),
        PageKind(
            "gradebook learner", f"/courses/mini/teach/gradebook/learners/{learner.pk}/", INSTRUCTOR
        ),
        PageKind("roster", "/courses/mini/teach/roster/", INSTRUCTOR),
        PageKind("deadlines", "/courses/mini/teach/deadlines/", INSTRUCTOR),
        PageKind("quiz analysis", "/courses/mini/dashboard/quizzes/basics/", INSTRUCTOR),
        PageKind(
            "exercise submissions",
            f"/courses/mini/dashboard/exercises/basics/{exercise.slug}/submissions/",
            INSTRUCTOR,
        ),
        PageKind(
            "similarity",
            f"/courses/mini/dashboard/exercises/basics/{exercise.slug}/similarity/",
            INSTRUCTOR,
        ),
        PageKind("all submissions", f"{exercise_path}all-submissions/", INSTRUCTOR),
        PageKind("certificates issued", "/courses/mini/teach/certificates/", INSTRUCTOR),
    ]


def visit_each(page, base: str, kinds: list[PageKind]):
    """Open each page as its user (logging in when the user changes); yields each kind once its
    page has loaded."""
    current: str | None = None
    for kind in kinds:
        if kind.username != current:
            page.context.clear_cookies()
            if kind.username is not None:
                log_in(page, base, kind.username)
            current = kind.username
        response = page.goto(f"{base}{kind.path}")
        assert response is not None and response.status == kind.status, (kind.name, response)
        page.wait_for_load_state("load")
        yield kind
