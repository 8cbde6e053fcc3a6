"""Server-rendered pages: reading, searching, taking a quiz with plain forms, the dashboard."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from courseware.models import Enrolment, LessonRead, QuizAttempt
from tests.courseware.factories import PASSWORD
from tests.courseware.helpers import answers_shown_after_every_attempt, attempt_state, right_answers


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()


def test_home_redirects_to_the_only_course(course):
    response = client_for().get("/")

    assert response.status_code == 302
    assert response.url == "/courses/mini/"


def test_course_page_lists_modules_with_progress(course, learner):
    LessonRead.objects.create(user=learner, lesson=course.lessons.get(slug="first-steps"))

    html = page(client_for(learner).get("/courses/mini/"))

    assert html.index(">Basics</a>") < html.index(">More</a>")
    assert "1/2 read" in html
    assert '<a href="/courses/mini/modules/basics/quiz/">Quiz</a>' in html


def test_module_page_lists_lessons_with_read_marks_and_the_exercises_slot(course, learner):
    LessonRead.objects.create(user=learner, lesson=course.lessons.get(slug="first-steps"))

    html = page(client_for(learner).get("/courses/mini/modules/basics/"))

    first = html[html.index("First Steps") - 300 : html.index("First Steps")]
    second = html[
        html.index("Variational Autoencoders") - 300 : html.index("Variational Autoencoders")
    ]
    assert 'title="Read">✓' in first
    assert 'title="Read">✓' not in second
    assert "1/2 lessons read" in html
    assert "Go to the quiz" in html


def test_lesson_page_has_everything_a_reader_needs(course):
    html = page(client_for().get("/courses/mini/lessons/variational-autoencoders/"))

    assert '<nav class="breadcrumbs"' in html
    assert '<a href="/courses/mini/">Mini Course</a>' in html
    assert '<a href="/courses/mini/modules/basics/">Basics</a>' in html
    assert '<span aria-current="page">Variational Autoencoders (VAEs)</span>' in html
    assert '<a href="/courses/mini/lessons/first-steps/">First Steps</a>' in html  # module list
    assert "1 min read" in html
    assert 'rel="prev"><small>← Previous</small>First Steps</a>' in html
    assert 'rel="next"><small>Next →</small>Tables and Math</a>' in html
    assert '<svg class="diagram"' in html
    assert "Log in</a> to mark lessons as read." in html


def test_lesson_page_table_of_contents_links_to_anchors(course):
    html = page(client_for().get("/courses/mini/lessons/first-steps/"))

    assert '<a href="#the-reparameterization-trick">The Reparameterization Trick</a>' in html
    assert '<h2 id="the-reparameterization-trick">' in html
    assert 'class="pager__previous"' not in html  # the first lesson


def test_mark_as_read_is_idempotent_and_can_continue(course, learner):
    client = client_for(learner)
    url = "/courses/mini/lessons/first-steps/read/"

    first = client.post(url)
    second = client.post(url)
    onward = client.post(url, {"next": "next"})

    assert first.url == second.url == "/courses/mini/lessons/first-steps/"
    assert onward.url == "/courses/mini/lessons/variational-autoencoders/"
    assert LessonRead.objects.filter(user=learner).count() == 1
    assert Enrolment.objects.filter(user=learner).count() == 1
    assert "✓ You have read this lesson." in page(client.get("/courses/mini/lessons/first-steps/"))


def test_anonymous_mark_as_read_goes_to_login_and_records_nothing(course):
    response = client_for().post("/courses/mini/lessons/first-steps/read/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert LessonRead.objects.count() == 0


def test_search_page_finds_and_highlights(course):
    html = page(client_for().get("/courses/mini/search/", {"q": "reparameterization"}))

    assert '<a href="/courses/mini/lessons/variational-autoencoders/">' in html
    assert "<mark>Reparameterization</mark>" in html
    assert "No lesson matches" in page(client_for().get("/courses/mini/search/", {"q": "zebra"}))


def test_search_escapes_the_query_and_content(course):
    html = page(client_for().get("/courses/mini/search/", {"q": "<script>alert(1)</script>"}))

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


# --------------------------------------------------------------------------- quiz with forms


def form_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(shown-[^"]+)" value="([^"]*)"', html))


def start_attempt(client: Client) -> QuizAttempt:
    response = client.post("/courses/mini/modules/basics/quiz/")
    assert response.status_code == 302
    return QuizAttempt.objects.get(pk=int(response.url.strip("/").split("/")[-1]))


def shown(html: str) -> dict[str, str]:
    import html as html_module

    return {name: html_module.unescape(value) for name, value in form_fields(html).items()}


def test_quiz_page_states_the_rules(quiz, learner):
    html = page(client_for(learner).get("/courses/mini/modules/basics/quiz/"))

    assert "5 questions per attempt, drawn from a bank of 5" in html
    assert "Unlimited attempts" in html
    assert "(correct options chosen − wrong options chosen) ÷ number of correct options" in html


def test_attempt_page_shows_no_answers_and_saves_with_a_plain_form(quiz, learner):
    client = client_for(learner)
    attempt = start_attempt(client)

    html = page(client.get(f"/attempts/{attempt.pk}/"))
    for marker in ("EXPLANATION", "1024", "(correct)", "reparameterisation"):
        assert marker not in html
    assert "Select every correct option." in html  # the rule, next to the question

    data = {"action": "save", **shown(html), "q-q-numeric": "1024", "q-q-text": "mode"}
    response = client.post(f"/attempts/{attempt.pk}/", data)

    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.answers == {"q-numeric": 1024.0, "q-text": "mode"}
    reloaded = page(client.get(f"/attempts/{attempt.pk}/"))
    assert 'name="q-q-numeric" value="1024"' in reloaded
    assert 'name="q-q-text" value="mode"' in reloaded


def test_a_stale_second_tab_does_not_erase_answers_saved_in_the_first(quiz, learner):
    client = client_for(learner)
    attempt = start_attempt(client)
    tab_two = shown(page(client.get(f"/attempts/{attempt.pk}/")))
    tab_one = shown(page(client.get(f"/attempts/{attempt.pk}/")))
    client.post(f"/attempts/{attempt.pk}/", {"action": "save", **tab_one, "q-q-numeric": "1024"})

    client.post(f"/attempts/{attempt.pk}/", {"action": "save", **tab_two, "q-q-text": "mode"})

    attempt.refresh_from_db()
    assert attempt.answers == {"q-numeric": 1024.0, "q-text": "mode"}


def test_a_bad_answer_in_the_form_is_a_400_that_keeps_what_was_typed(quiz, learner):
    client = client_for(learner)
    attempt = start_attempt(client)
    fields = shown(page(client.get(f"/attempts/{attempt.pk}/")))
    before = attempt_state(attempt)

    response = client.post(
        f"/attempts/{attempt.pk}/",
        {"action": "save", **fields, "q-q-numeric": "twelve", "q-q-text": "typed"},
    )

    assert response.status_code == 400
    html = page(response)
    assert "“twelve” is not a number." in html
    assert 'name="q-q-numeric" value="twelve"' in html
    assert 'name="q-q-text" value="typed"' in html
    assert attempt_state(attempt) == before


def test_submitting_the_form_shows_results_with_explanations(quiz, learner):
    answers_shown_after_every_attempt(quiz)
    client = client_for(learner)
    attempt = start_attempt(client)
    fields = shown(page(client.get(f"/attempts/{attempt.pk}/")))
    answers = right_answers(attempt)
    data = {"action": "submit", **fields}
    for key, value in answers.items():
        data[f"q-{key}"] = value if not isinstance(value, float) else repr(value)

    response = client.post(f"/attempts/{attempt.pk}/", data)

    assert response.status_code == 302
    assert response.url == f"/attempts/{attempt.pk}/results/"
    html = page(client.get(response.url))
    assert '<p class="score-big">100%</p>' in html
    assert html.count("Right</span>") == 5
    for marker in ("SINGLE", "MULTIPLE", "NUMERIC", "TEXT", "PARAM"):
        assert f"{marker}-EXPLANATION" in html
    assert '<a href="/courses/mini/lessons/first-steps/#the-reparameterization-trick">' in html
    assert client.get(f"/attempts/{attempt.pk}/").url == f"/attempts/{attempt.pk}/results/"
    # Submitting again from a stale tab scores nothing new.
    client.post(f"/attempts/{attempt.pk}/", {"action": "submit", **fields})
    attempt.refresh_from_db()
    assert attempt.score == 1.0


def test_wrong_answers_show_the_correct_answer(quiz, learner):
    answers_shown_after_every_attempt(quiz)
    client = client_for(learner)
    attempt = start_attempt(client)
    fields = shown(page(client.get(f"/attempts/{attempt.pk}/")))
    client.post(f"/attempts/{attempt.pk}/", {"action": "submit", **fields, "q-q-numeric": "3"})

    html = page(client.get(f"/attempts/{attempt.pk}/results/"))

    assert "<dt>Your answer</dt><dd>3</dd><dt>Correct answer</dt><dd>1024 (± 0.5)</dd>" in html
    assert '<p class="score-big">0%</p>' in html


def test_results_before_submission_redirect_to_the_attempt(quiz, learner):
    client = client_for(learner)
    attempt = start_attempt(client)

    response = client.get(f"/attempts/{attempt.pk}/results/")

    assert response.url == f"/attempts/{attempt.pk}/"


@pytest.mark.parametrize("path", ["/attempts/{pk}/", "/attempts/{pk}/results/"])
def test_attempt_pages_permission_matrix(quiz, learner, other_learner, staff_user, path):
    owner = client_for(learner)
    attempt = start_attempt(owner)
    fields = shown(page(owner.get(f"/attempts/{attempt.pk}/")))
    url = path.format(pk=attempt.pk)
    before = attempt_state(attempt)

    anonymous = client_for().post(url, {"action": "submit", **fields})
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    for user in (other_learner, staff_user):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(url, {"action": "submit", **fields}).status_code in (404, 405)
    assert attempt_state(attempt) == before
    assert owner.get(url).status_code in (200, 302)


def test_attempt_limit_is_explained_on_the_quiz_page(quiz, learner):
    quiz.max_attempts = 1
    quiz.save()
    client = client_for(learner)
    attempt = start_attempt(client)
    client.post(f"/attempts/{attempt.pk}/", {"action": "submit"})

    html = page(client.get("/courses/mini/modules/basics/quiz/"))
    refused = client.post("/courses/mini/modules/basics/quiz/")

    assert "You have used all your attempts." in html
    assert refused.status_code == 409
    assert "You have used all 1 attempt(s) of this quiz." in page(refused)
    assert QuizAttempt.objects.count() == 1


# --------------------------------------------------------------------------- dashboard


@pytest.mark.parametrize(
    "path", ["/courses/mini/dashboard/", "/courses/mini/dashboard/quizzes/basics/"]
)
def test_dashboard_permission_matrix(quiz, learner, other_learner, instructor, path):
    attempt = start_attempt(client_for(learner))
    before = attempt_state(attempt)

    anonymous = client_for().get(path)
    assert anonymous.status_code == 302
    assert anonymous.url == f"/accounts/login/?next={path}"
    for user in (learner, other_learner):
        refused = client_for(user).get(path)
        assert refused.status_code == 403
        assert "This page is for the instructors and teaching assistants of this course." in page(
            refused
        )
        assert "data-table" not in page(refused)
    assert client_for(instructor).get(path).status_code == 200
    assert attempt_state(attempt) == before


def test_dashboard_shows_learners_by_modules(quiz, learner, instructor):
    client = client_for(learner)
    client.post("/courses/mini/lessons/first-steps/read/")
    attempt = start_attempt(client)
    answers = right_answers(attempt)
    fields = shown(page(client.get(f"/attempts/{attempt.pk}/")))
    client.post(
        f"/attempts/{attempt.pk}/",
        {"action": "submit", **fields, "q-q-single": answers["q-single"], "q-q-numeric": "1024"},
    )

    html = page(client_for(instructor).get("/courses/mini/dashboard/"))

    row = html[html.index(f'/dashboard/learners/{learner.pk}/">learner</a></th>') :]
    row = row.split("</tr>")[0]
    assert '<span class="cell-lines">1/2 read</span>' in row
    assert '<span class="cell-lines">quiz 40% (1)</span>' in row
    assert '<span class="cell-lines">0/2 read</span>' in row


def test_item_analysis_page(quiz, learner, instructor):
    client = client_for(learner)
    attempt = start_attempt(client)
    client.post(f"/attempts/{attempt.pk}/", {"action": "submit", "q-q-numeric": "1024"})

    html = page(client_for(instructor).get("/courses/mini/dashboard/quizzes/basics/"))

    assert "<code>q-numeric</code>" in html
    assert "Discrimination" in html


# --------------------------------------------------------------------------- accounts


def test_signup_logs_in_and_login_logout_work(course):
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert "newbie" in page(client.get("/courses/mini/"))

    assert client.post("/accounts/logout/").status_code == 302
    assert "Log in" in page(client.get("/courses/mini/"))

    response = client.post("/accounts/login/", {"username": "newbie", "password": PASSWORD})
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="newbie").count() == 1


def test_signup_refuses_mismatched_passwords(course):
    response = Client().post(
        "/accounts/signup/", {"username": "x", "password1": PASSWORD, "password2": "other"}
    )

    assert response.status_code == 200
    assert "didn’t match" in page(response)
    assert not get_user_model().objects.filter(username="x").exists()


def test_pages_need_no_javascript(course, learner):
    client = client_for(learner)
    for url in (
        "/courses/mini/",
        "/courses/mini/modules/basics/",
        "/courses/mini/lessons/tables-and-math/",
        "/courses/mini/modules/basics/quiz/",
        "/courses/mini/search/?q=math",
    ):
        html = page(client.get(url))
        assert "<script" not in html, url
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_the_form_remembers_what_it_showed(quiz, learner):
    client = client_for(learner)
    attempt = start_attempt(client)

    values = shown(page(client.get(f"/attempts/{attempt.pk}/")))

    assert values == {
        "shown-q-single": '""',
        "shown-q-multiple": "[]",
        "shown-q-numeric": '""',
        "shown-q-text": '""',
        "shown-q-softmax": '""',
    }
