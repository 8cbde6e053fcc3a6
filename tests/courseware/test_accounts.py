"""Accounts (issue 12): sign-up with e-mail, password reset from the e-mail's link, password
change, optional e-mail verification, the account page, the data export and deletion."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models import ForeignKey, ManyToManyField, OneToOneField
from django.test import Client

from accounts import services
from accounts.models import Profile
from courseware.models import LessonRead, QuizAttempt
from grading.models import Draft, GradingRun, HintReveal, Submission
from tests.courseware.factories import PASSWORD, UserFactory
from tests.grading.exercise_factory import make_exercise

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "another-long-password-2"
HIDDEN_SECRET = "hidden-test-expected-value-4242"
FAILURE_SECRET = "grader-internal-failure-detail"
RUN_SEED = 1234567


def _page(response) -> str:
    return response.content.decode()


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _link(message: Any) -> str:
    """The one http link in an e-mail's body, as a path the test client can open."""
    links = re.findall(r"https?://[^\s]+", message.body)
    assert len(links) == 1, message.body
    return re.sub(r"^https?://[^/]+", "", links[0])


def _signup(client: Client, username: str, email: str = "") -> Any:
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def _log_in(username: str, password: str = PASSWORD) -> tuple[Client, Any]:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response


# ------------------------------------------------------------------------------ sign-up


@pytest.mark.django_db
def test_signup_with_email_stores_it_and_logs_in() -> None:
    client = Client()
    response = _signup(client, "ada", "ada@example.org")

    assert response.status_code == 302
    assert _logged_in(client)
    user = get_user_model().objects.get(username="ada")
    assert user.email == "ada@example.org"
    assert Profile.objects.get(user=user).email_verified is False
    assert mail.outbox == []  # verification is off by default: nothing to open


@pytest.mark.django_db
def test_signup_refuses_an_email_another_account_uses() -> None:
    UserFactory(username="first", email="Shared@Example.org")

    response = _signup(Client(), "second", "shared@example.org")

    assert response.status_code == 200
    assert "Another account already uses this e-mail address." in _page(response)
    assert not get_user_model().objects.filter(username="second").exists()


@pytest.mark.django_db
def test_signup_form_shows_the_email_field() -> None:
    html = _page(Client().get("/accounts/signup/"))

    assert 'name="email"' in html
    assert "Needed to reset a forgotten password." in html


# ------------------------------------------------------------------------ password reset


@pytest.mark.django_db
def test_password_reset_end_to_end_from_the_emailed_link() -> None:
    UserFactory(username="forgetful", email="forgetful@example.org")
    client = Client()

    response = client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["forgetful@example.org"]
    assert mail.outbox[0].subject == "Reset your Academy password"

    # Django's confirm view swaps the token for a session marker and redirects once.
    response = client.get(_link(mail.outbox[0]), follow=True)
    assert response.status_code == 200
    assert "Choose a new password" in _page(response)
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"

    assert not _logged_in(_log_in("forgetful", PASSWORD)[0])
    assert _logged_in(_log_in("forgetful", NEW_PASSWORD)[0])
    # The link worked once: opening it again shows the refusal, and it proved the address.
    assert "This link does not work" in _page(Client().get(_link(mail.outbox[0]), follow=True))
    assert Profile.objects.get(user__username="forgetful").email_verified is True


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same() -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"
    assert mail.outbox == []


@pytest.mark.django_db
def test_login_page_links_to_password_reset() -> None:
    assert 'href="/accounts/password/reset/"' in _page(Client().get("/accounts/login/"))


# ----------------------------------------------------------------------- password change


@pytest.mark.django_db
def test_password_change_needs_the_old_password_and_keeps_the_session(learner) -> None:
    client = Client()
    client.force_login(learner)

    wrong = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == "/accounts/password/change/done/"
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert client.get("/accounts/").status_code == 200  # still logged in


# -------------------------------------------------------------------------- verification


@pytest.mark.django_db
def test_with_verification_on_signup_needs_an_email(settings) -> None:
    settings.ACCOUNTS_EMAIL_VERIFICATION = True

    response = _signup(Client(), "noemail")

    assert response.status_code == 200
    assert "This field is required." in _page(response)
    assert not get_user_model().objects.filter(username="noemail").exists()


@pytest.mark.django_db
def test_with_verification_on_a_learner_logs_in_only_after_opening_the_link(settings) -> None:
    settings.ACCOUNTS_EMAIL_VERIFICATION = True
    client = Client()

    response = _signup(client, "careful", "careful@example.org")
    assert response.status_code == 200
    assert "Check your e-mail" in _page(response)
    assert not _logged_in(client)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["careful@example.org"]

    refused_client, refused = _log_in("careful")
    assert refused.status_code == 200
    assert not _logged_in(refused_client)
    assert "Verify your e-mail address first" in _page(refused)

    link = _link(mail.outbox[0])
    assert Client().get(link).status_code == 302
    assert Profile.objects.get(user__username="careful").email_verified is True
    assert _logged_in(_log_in("careful")[0])
    # Used once, the link no longer works.
    assert Client().get(link).status_code == 400


@pytest.mark.django_db
def test_with_verification_on_staff_without_an_address_still_log_in(settings, staff_user):
    settings.ACCOUNTS_EMAIL_VERIFICATION = True

    assert _logged_in(_log_in("teacher")[0])


@pytest.mark.django_db
def test_with_verification_off_an_unverified_learner_logs_in(learner) -> None:
    assert Profile.objects.filter(user=learner, email_verified=True).exists() is False
    assert _logged_in(_log_in("learner")[0])


@pytest.mark.django_db
def test_a_wrong_verification_link_verifies_nothing(learner) -> None:
    response = Client().get("/accounts/verify/MQ/not-a-token/")

    assert response.status_code == 400
    assert Profile.objects.filter(email_verified=True).count() == 0


@pytest.mark.django_db
def test_verification_resend_answers_the_same_for_unknown_addresses(settings) -> None:
    settings.ACCOUNTS_EMAIL_VERIFICATION = True
    UserFactory(username="waiting", email="waiting@example.org")

    unknown = Client().post("/accounts/verify/", {"email": "unknown@example.org"})
    known = Client().post("/accounts/verify/", {"email": "waiting@example.org"})

    assert unknown.status_code == known.status_code == 200
    assert [message.to for message in mail.outbox] == [["waiting@example.org"]]


@pytest.mark.django_db
def test_with_verification_on_a_new_address_is_unverified_and_gets_a_link(settings, learner):
    settings.ACCOUNTS_EMAIL_VERIFICATION = True
    Profile.objects.create(user=learner, email_verified=True)
    client = Client()
    client.force_login(learner)

    response = _account_post(client, email="moved@example.org")

    assert response.status_code == 302
    assert Profile.objects.get(user=learner).email_verified is False
    assert [message.to for message in mail.outbox] == [["moved@example.org"]]
    assert Client().get(_link(mail.outbox[0])).status_code == 302
    assert Profile.objects.get(user=learner).email_verified is True


def _email_backend(**variables: str) -> str:
    """EMAIL_BACKEND as config/settings.py computes it from these environment variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("EMAIL_")}
    env.update(DEBUG="true", **variables)
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.EMAIL_BACKEND)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    return result.stdout.strip()


def test_mail_goes_to_the_console_by_default_and_to_smtp_when_a_host_is_set() -> None:
    assert _email_backend() == "django.core.mail.backends.console.EmailBackend"
    assert _email_backend(EMAIL_BACKEND="") == "django.core.mail.backends.console.EmailBackend"
    assert _email_backend(EMAIL_HOST="smtp.example.org") == (
        "django.core.mail.backends.smtp.EmailBackend"
    )


# -------------------------------------------------------------------------- account page


def _account_post(client: Client, **fields: str) -> Any:
    data = {"first_name": "", "last_name": "", "email": "", "time_zone": "", "language": ""}
    return client.post("/accounts/", {**data, **fields})


@pytest.mark.django_db
def test_account_page_saves_name_email_time_zone_and_language(learner, settings) -> None:
    language = settings.LANGUAGES[-1][0]
    client = Client()
    client.force_login(learner)

    response = _account_post(
        client,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.org",
        time_zone="Europe/Berlin",
        language=language,
    )

    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.first_name, learner.last_name, learner.email) == (
        "Ada",
        "Lovelace",
        "ada@example.org",
    )
    profile = Profile.objects.get(user=learner)
    assert (profile.time_zone, profile.language) == ("Europe/Berlin", language)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    assert 'value="Europe/Berlin" selected' in _page(client.get("/accounts/"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value",
    [
        ("email", "not-an-address"),
        ("time_zone", "Mars/Olympus_Mons"),
        ("language", "xx-nonsense"),
        ("first_name", "x" * 151),
    ],
)
def test_account_page_refuses_bad_input_and_changes_nothing(learner, field, value) -> None:
    learner.email = "kept@example.org"
    learner.save()
    client = Client()
    client.force_login(learner)

    fields = {"first_name": "Changed", "email": "changed@example.org", field: value}
    response = _account_post(client, **fields)

    assert response.status_code == 400
    assert 'class="errorlist' in _page(response)
    learner.refresh_from_db()
    assert (learner.first_name, learner.email) == ("", "kept@example.org")
    assert Profile.objects.filter(user=learner).exclude(time_zone="", language="").count() == 0


@pytest.mark.django_db
def test_account_page_refuses_an_email_another_account_uses(learner, other_learner) -> None:
    other_learner.email = "taken@example.org"
    other_learner.save()
    client = Client()
    client.force_login(learner)

    response = _account_post(client, email="TAKEN@example.org")

    assert response.status_code == 400
    learner.refresh_from_db()
    assert learner.email == ""


@pytest.mark.django_db
def test_times_follow_the_learner_time_zone(learner) -> None:
    from django.utils import timezone

    Profile.objects.create(user=learner, time_zone="Asia/Tokyo")
    client = Client()
    client.force_login(learner)
    seen: list[str] = []

    from django.test.signals import template_rendered

    def record(sender: Any, **kwargs: Any) -> None:
        seen.append(str(timezone.get_current_timezone()))

    template_rendered.connect(record)
    try:
        client.get("/accounts/")
    finally:
        template_rendered.disconnect(record)
    assert seen and set(seen) == {"Asia/Tokyo"}


@pytest.mark.django_db
def test_header_links_to_the_account_page(learner, course) -> None:
    client = Client()
    client.force_login(learner)

    assert '<a href="/accounts/">Account</a>' in _page(client.get("/courses/mini/"))


# -------------------------------------------------------------------------------- export


@pytest.fixture
def learner_data(learner, other_learner, tmp_path, course) -> dict[str, Any]:
    """Rows of every kind for the learner, and for another learner with markers of their own."""
    exercise = make_exercise(tmp_path)
    lesson = course.lessons.order_by("order").first()
    quiz = course.modules.get(slug="basics").quiz
    for user, marker in ((learner, "mine"), (other_learner, "theirs")):
        LessonRead.objects.create(user=user, lesson=lesson)
        QuizAttempt.objects.create(
            user=user,
            quiz=quiz,
            number=1,
            seed=99,
            question_ids=[],
            answers={"q": f"answer-{marker}"},
        )
        submission = Submission.objects.create(
            exercise=exercise,
            user=user,
            kind=Submission.Kind.CODE,
            payload=f"code-{marker}",
            answers={"softmax": f"code-{marker}"},
        )
        GradingRun.objects.create(
            submission=submission,
            status=GradingRun.Status.GRADED,
            seed=RUN_SEED,
            failure_detail=FAILURE_SECRET,
            points=1,
            max_points=2,
            feedback={
                "message": f"feedback-{marker}",
                "cells": [
                    {"grade_id": "visible", "hidden": False, "passed": True, "output": "ok"},
                    {
                        "grade_id": "hidden-1",
                        "hidden": True,
                        "passed": False,
                        "hint": "Check shapes.",
                        # Never in stored feedback today; the export trims it regardless.
                        "hidden_output": HIDDEN_SECRET,
                        "traceback": HIDDEN_SECRET,
                    },
                ],
            },
        )
        HintReveal.objects.create(exercise=exercise, user=user, revealed=1)
        Draft.objects.create(exercise=exercise, user=user, code={"softmax": f"draft-{marker}"})
    return {"exercise": exercise}


def _export(user: Any) -> tuple[Any, dict[str, Any]]:
    client = Client()
    client.force_login(user)
    response = client.get("/accounts/export/")
    return response, json.loads(response.content)


def test_export_holds_the_learner_data_and_nothing_else(learner, learner_data) -> None:
    response, data = _export(learner)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="academy-learner.json"'
    assert data["account"]["username"] == "learner"
    assert [row["lesson"] for row in data["lesson_reads"]] == ["first-steps"]
    assert [row["answers"] for row in data["quiz_attempts"]] == [{"q": "answer-mine"}]
    assert [row["payload"] for row in data["submissions"]] == ["code-mine"]
    grading = data["submissions"][0]["gradings"][0]
    assert grading["feedback"]["message"] == "feedback-mine"
    assert grading["feedback"]["cells"][1] == {
        "grade_id": "hidden-1",
        "hidden": True,
        "passed": False,
        "hint": "Check shapes.",
    }
    assert [row["revealed"] for row in data["hint_reveals"]] == [1]
    assert [row["code"] for row in data["drafts"]] == [{"softmax": "draft-mine"}]

    text = response.content.decode()
    assert "theirs" not in text and '"other"' not in text
    assert HIDDEN_SECRET not in text and FAILURE_SECRET not in text
    assert str(RUN_SEED) not in text and '"seed"' not in text


def test_export_needs_a_login(db) -> None:
    response = Client().get("/accounts/export/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/accounts/export/"


def test_export_covers_every_model_that_points_at_the_user() -> None:
    """A new model holding learner data must join the export (or say why it need not)."""
    user_model = get_user_model()
    pointing = set()
    for relation in user_model._meta.get_fields():
        if relation.auto_created and not relation.concrete:
            model = relation.related_model
            pointing.add(f"{model._meta.app_label}.{model._meta.object_name}")
        elif isinstance(relation, ManyToManyField):
            through = relation.remote_field.through
            pointing.add(f"{through._meta.app_label}.{through._meta.object_name}")
    pointing.discard("axes.AccessAttempt")  # not a foreign key; listed for clarity only
    assert isinstance(Profile._meta.get_field("user"), OneToOneField)
    assert isinstance(Submission._meta.get_field("user"), ForeignKey)
    known = services.EXPORTED_MODELS | services.NOT_EXPORTED_MODELS
    assert pointing - known == set()


# ------------------------------------------------------------------------------ deletion


def test_delete_page_explains_what_is_deleted(learner) -> None:
    client = Client()
    client.force_login(learner)

    html = _page(client.get("/accounts/delete/"))

    assert "your exercise submissions, their gradings and feedback" in html
    assert "You can no longer log in" in html


def test_delete_needs_the_password(learner, learner_data) -> None:
    client = Client()
    client.force_login(learner)

    response = client.post("/accounts/delete/", {"password": "wrong"})

    assert response.status_code == 400
    assert "That is not your password." in _page(response)
    assert get_user_model().objects.filter(username="learner").exists()
    assert Submission.objects.filter(user=learner).count() == 1


def test_delete_removes_the_user_and_their_rows_only(learner, other_learner, learner_data):
    client = Client()
    client.force_login(learner)

    response = client.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"
    assert not _logged_in(client)
    assert not get_user_model().objects.filter(username="learner").exists()
    assert not _logged_in(_log_in("learner")[0])
    assert Submission.objects.filter(payload="code-mine").count() == 0
    assert GradingRun.objects.count() == 1
    assert Draft.objects.get().user == other_learner
    assert QuizAttempt.objects.get().user == other_learner
    assert LessonRead.objects.get().user == other_learner


@pytest.mark.django_db
def test_staff_cannot_delete_their_account_here(staff_user) -> None:
    client = Client()
    client.force_login(staff_user)

    response = client.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 403
    assert get_user_model().objects.filter(pk=staff_user.pk).exists()


# ------------------------------------------------------------------- permission matrix

LOGGED_IN_PAGES = (
    "/accounts/",
    "/accounts/export/",
    "/accounts/delete/",
    "/accounts/password/change/",
)


@pytest.mark.django_db
@pytest.mark.parametrize("path", LOGGED_IN_PAGES)
def test_anonymous_is_sent_to_login(path) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={path}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", LOGGED_IN_PAGES)
def test_a_learner_reaches_their_own_pages(learner, path) -> None:
    client = Client()
    client.force_login(learner)

    assert client.get(path).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["?user=other", "?username=other", "?pk=2", "?id=2"])
def test_a_learner_cannot_reach_another_learner_export(learner, other_learner, query) -> None:
    other_learner.email = "other@example.org"
    other_learner.save()
    client = Client()
    client.force_login(learner)

    data = json.loads(client.get(f"/accounts/export/{query}").content)

    assert data["account"]["username"] == "learner"
    assert "other@example.org" not in json.dumps(data)
