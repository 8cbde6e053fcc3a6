"""Item analysis for the instructor: each question's prompt, blanks counted, each answer under
the letter the learner saw, and flags on questions that look broken (negative discrimination, a
distractor nobody picks, a "correct" answer most strong attempts miss)."""

from __future__ import annotations

from courseware.models import QuestionResponse, QuizAttempt
from courseware.selectors import quiz_item_analysis
from tests.courseware.factories import QuestionFactory, UserFactory
from tests.dashboard.conftest import client_of

OPTIONS = [
    {"id": "a", "text": "Too small", "correct": False},
    {"id": "b", "text": "Just right", "correct": True},
    {"id": "c", "text": "Never chosen", "correct": False},
]


def _question(quiz, slug: str, prompt: str):
    spec = {"type": "single", "prompt": prompt, "explanation": "", "options": OPTIONS}
    return QuestionFactory(course=quiz.module.course, quiz=quiz, slug=slug, spec=spec)


def test_flags_blanks_prompts_and_letters(built) -> None:
    quiz = built.quizzes[built.modules[0].pk]
    fair = _question(quiz, "fair", "Pick the **right** size.")
    broken = _question(quiz, "broken", "Which one?")
    for n in range(12):
        user = UserFactory(username=f"l{n:02d}")
        strong = n >= 6
        attempt = QuizAttempt.objects.create(
            user=user,
            quiz=quiz,
            number=1,
            seed=n,
            question_ids=[fair.pk, broken.pk],
            option_order={"fair": ["c", "b", "a"], "broken": ["a", "b", "c"]},
            status=QuizAttempt.Status.SUBMITTED,
            score=n / 12,
        )
        # fair: the strong pick b, the weak a, two of the weakest leave it blank.
        fair_answer = None if n < 2 else ("b" if strong else "a")
        QuestionResponse.objects.create(
            attempt=attempt,
            question=fair,
            answer=fair_answer,
            score=float(strong),
            is_correct=strong,
        )
        # broken: the weak pick the keyed answer b, the strong pick a.
        QuestionResponse.objects.create(
            attempt=attempt,
            question=broken,
            answer="a" if strong else "b",
            score=float(not strong),
            is_correct=not strong,
        )

    items = {item.question.slug: item for item in quiz_item_analysis(quiz=quiz)}

    assert items["fair"].prompt_html == "<p>Pick the <strong>right</strong> size.</p>"
    assert items["fair"].blanks == 2
    assert items["fair"].flags == ["Nobody picks the distractor “Never chosen”."]
    assert [(line.username, line.shown) for line in items["fair"].lines[:3]] == [
        ("l00", "blank"),
        ("l01", "blank"),
        ("l02", "c"),  # option a, shown third
    ]
    assert items["fair"].lines[-1].shown == "b"
    assert items["broken"].discrimination == -1.0
    assert items["broken"].flags == [
        "Negative discrimination: weaker attempts get it right more often.",
        "Nobody picks the distractor “Never chosen”.",
        "Most of the strongest attempts miss the “correct” answer: check the answer key.",
    ]


def test_the_analysis_page_shows_prompt_flags_and_blanks(built, instructor) -> None:
    quiz = built.quizzes[built.modules[0].pk]
    question = _question(quiz, "lonely", "What is *it*?")
    for n in range(5):
        attempt = QuizAttempt.objects.create(
            user=UserFactory(username=f"p{n}"),
            quiz=quiz,
            number=1,
            seed=n,
            question_ids=[question.pk],
            status=QuizAttempt.Status.SUBMITTED,
            score=0.5,
        )
        QuestionResponse.objects.create(
            attempt=attempt, question=question, answer="b", score=1.0, is_correct=True
        )

    html = client_of(instructor).get("/courses/dash/dashboard/quizzes/m1/").content.decode()

    assert "<p>What is <em>it</em>?</p>" in html
    assert "⚠ Nobody picks the distractor “Too small”." in html
    assert "<li>p0: b ✓</li>" in html
