"""Pages in Spanish: asked for by the browser (Accept-Language), by the switcher (its cookie) or
by the account's saved language, with Spanish words and Spanish dates in the learner's time
zone; the switcher on every page; the scripts' catalog from our own URL, under the CSP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Profile
from grading.models import Exercise, Submission
from tests.courseware.factories import UserFactory
from tests.grading.exercise_factory import make_exercise

COURSE_URL = "/courses/test-course/"
EXERCISE_URL = "/exercises/test-course/stable-softmax/"
HANDED_IN = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def exercise(db, tmp_path) -> Exercise:
    return make_exercise(tmp_path)


def _signed_in(user, **headers: str) -> Client:
    client = Client(headers=headers)
    client.force_login(user)
    return client


def _save_preferences(user, *, language: str, time_zone: str = "") -> None:
    Profile.objects.update_or_create(
        user=user, defaults={"language": language, "time_zone": time_zone}
    )


def _submission(user, exercise: Exercise) -> Submission:
    submission = Submission.objects.create(
        user=user, exercise=exercise, answers={"answer": "x = 1"}
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=HANDED_IN)
    return submission


def test_english_is_the_default(exercise) -> None:
    page = Client().get(COURSE_URL).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Iniciar sesión" not in page


def test_the_browser_language_gives_the_course_page_in_spanish(exercise) -> None:
    response = Client(headers={"accept-language": "es-ES,es;q=0.9"}).get(COURSE_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]
    assert '<html lang="es">' in page
    assert "Iniciar sesión" in page
    assert ">Regístrate</a> o <a" in page
    assert "Lecciones leídas" in page
    assert "Saltar al contenido" in page
    # The course content stays as its authors wrote it.
    assert "Test course" in page
    assert "Basics" in page


def test_the_saved_language_gives_the_exercise_page_in_spanish(exercise, learner) -> None:
    _save_preferences(learner, language="es")
    # The account's choice wins over what the browser asks for.
    page = _signed_in(learner, accept_language="en").get(EXERCISE_URL).content.decode()
    assert '<html lang="es">' in page
    assert "Enviar para calificar" in page
    assert "Ejecutar las pruebas visibles" in page
    assert "Pistas" in page
    assert "Tus envíos" in page
    assert "Submit for grading" not in page
    assert "Stable softmax" in page


def test_dates_follow_the_language_and_the_time_zone(exercise, learner) -> None:
    submission = _submission(learner, exercise)
    url = f"{EXERCISE_URL}submissions/{submission.pk}/"
    _save_preferences(learner, language="es", time_zone="Europe/Madrid")
    spanish = _signed_in(learner).get(url).content.decode()
    assert "jue 3 de dic de 2026, 11:00 CET" in spanish
    assert f"Envío {submission.pk}" in spanish
    _save_preferences(learner, language="en", time_zone="Asia/Tokyo")
    english = _signed_in(learner).get(url).content.decode()
    assert "Thu 03 Dec 2026, 19:00 JST" in english
    assert f"Submission {submission.pk}" in english


def test_numbers_follow_the_language(exercise, learner) -> None:
    Exercise.objects.filter(pk=exercise.pk).update(max_points=2.5)
    _save_preferences(learner, language="es")
    assert "2,50 puntos" in _signed_in(learner).get(EXERCISE_URL).content.decode()
    _save_preferences(learner, language="en")
    assert "2.50 points" in _signed_in(learner).get(EXERCISE_URL).content.decode()


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", COURSE_URL]
)
def test_the_switcher_is_on_every_page(exercise, url: str) -> None:
    page = Client().get(url).content.decode()
    assert '<form class="language-form inline-form" action="/i18n/setlang/" method="post">' in page
    assert '<option value="en" lang="en" selected>English</option>' in page
    assert '<option value="es" lang="es">Español</option>' in page
    assert f'<input type="hidden" name="next" value="{url}">' in page


def test_the_switcher_on_a_signed_in_page(exercise, learner) -> None:
    page = _signed_in(learner).get(EXERCISE_URL).content.decode()
    assert 'action="/i18n/setlang/"' in page


def test_the_switcher_sets_the_language_of_an_anonymous_visitor(exercise) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "es", "next": COURSE_URL})
    assert response.status_code == 302
    assert response["Location"] == COURSE_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert "Lecciones leídas" in client.get(COURSE_URL).content.decode()
    assert Profile.objects.count() == 0


def test_the_switcher_saves_the_language_of_a_signed_in_learner(exercise, learner) -> None:
    client = _signed_in(learner)
    response = client.post("/i18n/setlang/", {"language": "es", "next": EXERCISE_URL})
    assert response.status_code == 302
    assert response["Location"] == EXERCISE_URL
    assert Profile.objects.get(user=learner).language == "es"
    # Another device, without the cookie: the saved language follows the learner.
    assert "Enviar para calificar" in _signed_in(learner).get(EXERCISE_URL).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": EXERCISE_URL})
    assert Profile.objects.get(user=learner).language == "en"


def test_the_switcher_refuses_an_unknown_language(exercise, learner) -> None:
    _save_preferences(learner, language="es")
    response = _signed_in(learner).post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert Profile.objects.get(user=learner).language == "es"


def test_the_switcher_only_posts(exercise) -> None:
    assert Client().get("/i18n/setlang/?language=es").status_code == 405


def test_the_account_page_language_takes_effect(exercise, learner) -> None:
    client = _signed_in(learner)
    form = {"first_name": "", "last_name": "", "email": "", "time_zone": "", "language": "es"}
    response = client.post("/accounts/", form)
    assert response.status_code == 302
    assert Profile.objects.get(user=learner).language == "es"
    page = client.get("/accounts/").content.decode()
    assert "<h1>Tu cuenta</h1>" in page
    assert '<option value="es" selected>Español</option>' in page


def test_another_learner_keeps_their_own_language(exercise, learner) -> None:
    _save_preferences(learner, language="es")
    other = UserFactory(username="other-learner")
    assert "Submit for grading" in _signed_in(other).get(EXERCISE_URL).content.decode()


def test_the_scripts_catalog_serves_spanish_from_our_own_url(exercise) -> None:
    response = Client(headers={"accept-language": "es"}).get("/jsi18n/")
    script = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == 'text/javascript; charset="utf-8"'
    assert '"next": "siguiente"' in script
    assert '"Find": "Buscar"' in script
    assert "django.interpolate" in script
    english = Client().get("/jsi18n/").content.decode()
    assert '"next": "siguiente"' not in english


def test_pages_load_the_catalog_under_the_content_security_policy(exercise, learner) -> None:
    response = _signed_in(learner).get(EXERCISE_URL)
    page = response.content.decode()
    # Same origin, before the page's own scripts: the CSP's script-src 'self' lets it in.
    assert page.index('<script src="/jsi18n/"></script>') < page.index("js/exercise-draft.js")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"


def test_a_page_without_scripts_loads_no_catalog(exercise) -> None:
    assert "/jsi18n/" not in Client().get(COURSE_URL).content.decode()
