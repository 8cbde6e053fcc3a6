"""import_course on a small course folder: errors, idempotence, updates, removals."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from content.importer import ImportFailed, course_import
from courseware.models import (
    Course,
    Lesson,
    LessonRead,
    Module,
    Question,
    QuestionResponse,
    Quiz,
    QuizAttempt,
)
from courseware.services import (
    lesson_mark_read,
    quiz_attempt_answers_save,
    quiz_attempt_start,
    quiz_attempt_submit,
)

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list]:
    """Everything an import may write, to assert that a refused import wrote nothing."""
    return {
        "courses": list(Course.objects.order_by("pk").values_list("slug", "title", "description")),
        "modules": list(
            Module.objects.order_by("pk").values_list("slug", "title", "order", "is_active")
        ),
        "lessons": list(
            Lesson.objects.order_by("pk").values_list(
                "slug", "module_id", "order", "content_hash", "html", "is_active"
            )
        ),
        "quizzes": list(
            Quiz.objects.order_by("pk").values_list("module_id", "content_hash", "is_active")
        ),
        "questions": list(
            Question.objects.order_by("pk").values_list("slug", "content_hash", "is_active")
        ),
        "reads": list(LessonRead.objects.order_by("pk").values_list("user_id", "lesson_id")),
    }


def errors_of(path: Path, **options) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        course_import(path=path, **options)
    return failure.value.errors


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_first_import_reports_everything_added(mini_course_dir):
    report = course_import(path=mini_course_dir)

    assert report.added["course"] == ["mini"]
    assert report.added["modules"] == ["basics", "more"]
    assert report.added["lessons"] == [
        "first-steps", "variational-autoencoders", "tables-and-math", "last-words"
    ]  # fmt: skip
    assert report.added["quizzes"] == ["basics"]
    assert len(report.added["questions"]) == 5
    lesson = Lesson.objects.get(slug="first-steps")
    assert lesson.title == "First Steps"
    assert lesson.toc == [
        {"level": 2, "id": "the-reparameterization-trick", "text": "The Reparameterization Trick"},
        {"level": 2, "id": "second-heading", "text": "Second heading"},
    ]


def test_reimport_is_a_no_op_and_says_so(mini_course_dir, capsys):
    call_command("import_course", str(mini_course_dir))
    before = snapshot()
    capsys.readouterr()

    call_command("import_course", str(mini_course_dir))

    assert capsys.readouterr().out.splitlines()[-1] == "Nothing changed: mini is up to date."
    assert snapshot() == before


def test_import_shows_progress_per_module(mini_course_dir, capsys):
    call_command("import_course", str(mini_course_dir))

    out = capsys.readouterr().out.splitlines()
    assert out[0] == "[ 1/2] basics: reading lessons"
    assert out[1] == "[ 2/2] more: reading lessons"
    assert "       basics: 5 questions in quizzes/01-basics.yaml" in out


def test_an_edited_lesson_updates_alone_and_keeps_its_reads(mini_course_dir, learner):
    course_import(path=mini_course_dir)
    lesson = Lesson.objects.get(slug="last-words")
    lesson_mark_read(user_id=learner.pk, lesson=lesson)
    others = list(Lesson.objects.exclude(pk=lesson.pk).values_list("pk", "content_hash", "html"))
    replace(mini_course_dir / "lessons/02-more/02-last-words.md", "The end.", "The very end.")

    report = course_import(path=mini_course_dir)

    assert report.changed["lessons"] == ["last-words"]
    assert report.lines() == ["lessons: 1 changed (last-words)"]
    lesson.refresh_from_db()
    assert lesson.html == "<p>The very end.</p>\n"
    assert LessonRead.objects.filter(user=learner, lesson=lesson).count() == 1
    assert list(Lesson.objects.exclude(pk=lesson.pk).values_list("pk", "content_hash", "html")) == (
        others
    )


def test_dry_run_reports_and_writes_nothing(mini_course_dir, capsys):
    course_import(path=mini_course_dir)
    before = snapshot()
    replace(mini_course_dir / "lessons/02-more/02-last-words.md", "The end.", "Changed.")

    call_command("import_course", str(mini_course_dir), "--dry-run")

    out = capsys.readouterr().out
    assert "Dry run, rolled back." in out
    assert "lessons: 1 changed (last-words)" in out
    assert snapshot() == before


@pytest.mark.parametrize(
    ("relative", "old", "new", "expected"),
    [
        (
            "course.yaml",
            "file: lessons/02-more/02-last-words.md",
            "file: lessons/02-more/99-missing.md",
            "course.yaml:19: lesson 'last-words': file not found: lessons/02-more/99-missing.md",
        ),
        (
            "course.yaml",
            "- slug: last-words",
            "- slug: first-steps",
            "course.yaml:18: duplicate lesson slug 'first-steps' (first at line 8)",
        ),
        (
            "course.yaml",
            "  - slug: more\n    title: More",
            "  - slug: more\n   title: [More",
            "course.yaml:14: malformed YAML:",
        ),
        (
            "course.yaml",
            "quiz: quizzes/01-basics.yaml",
            "quiz: quizzes/09-nothing.yaml",
            "course.yaml:12: module 'basics' quiz: file not found: quizzes/09-nothing.yaml",
        ),
        (
            "course.yaml",
            "quiz: quizzes/01-basics.yaml",
            "quiz: quizzes/01-basics.yaml\n    exercises: [no-such-exercise]",
            "course.yaml:13: module 'basics': exercise folder not found: exercises/no-such-exercise",
        ),
        (
            "course.yaml",
            "title: Mini Course",
            "title: Mini Course\nlessons_dir: x",
            "course.yaml:3: course: unknown key 'lessons_dir'",
        ),
        (
            "lessons/02-more/02-last-words.md",
            "---\ntitle: Last Words\n---\n",
            "# Last Words\n",
            "lessons/02-more/02-last-words.md:1: missing front matter: the file must start with "
            "---, a line `title: ...` and ---",
        ),
        (
            "lessons/02-more/02-last-words.md",
            "title: Last Words\n",
            "title: [Last Words\n",
            "lessons/02-more/02-last-words.md:",
        ),
        (
            "lessons/02-more/02-last-words.md",
            "title: Last Words\n",
            "summary: no title\n",
            "lessons/02-more/02-last-words.md:2: front matter: `title` is required",
        ),
        (
            "lessons/02-more/02-last-words.md",
            "The end.",
            "The end.\n\n$$x^$$",
            "lessons/02-more/02-last-words.md:6: cannot render the math `x^`:",
        ),
        (
            "quizzes/01-basics.yaml",
            "lesson: variational-autoencoders",
            "lesson: no-such-lesson",
            "quizzes/01-basics.yaml: q-multiple: unknown lesson `no-such-lesson`",
        ),
        (
            "quizzes/01-basics.yaml",
            "lesson: first-steps#the-reparameterization-trick",
            "lesson: first-steps#no-such-heading",
            "quizzes/01-basics.yaml: q-single: lesson `first-steps` has no heading with the "
            "anchor `#no-such-heading`",
        ),
        (
            "quizzes/01-basics.yaml",
            '{id: b, text: "Speed"}',
            '{id: b, text: "Speed", correct: true}',
            "quizzes/01-basics.yaml: q-single: a single-choice question needs exactly one correct "
            "option, not 2",
        ),
        (
            "quizzes/01-basics.yaml",
            "- id: q-text",
            "- id: q-numeric",
            "quizzes/01-basics.yaml: q-numeric: duplicate question id (also in "
            "quizzes/01-basics.yaml)",
        ),
        (
            "quizzes/01-basics.yaml",
            'answer: "softmax(z)[0]"',
            'answer: "z.__class__"',
            "quizzes/01-basics.yaml: q-softmax: `answer`: `Attribute` is not allowed in an "
            "expression",
        ),
        (
            "quizzes/01-basics.yaml",
            'answer: "softmax(z)[0]"',
            'answer: "1 / (z[0] - z[0])"',
            "quizzes/01-basics.yaml: q-softmax: `answer`: cannot evaluate `1 / (z[0] - z[0])`:",
        ),
        (
            "quizzes/01-basics.yaml",
            "questions_per_attempt: 5",
            "questions_per_attempt: 6",
            "quizzes/01-basics.yaml:2: questions_per_attempt is 6 but the bank has only 5 "
            "questions",
        ),
        (
            "quizzes/01-basics.yaml",
            "keep: best",
            "keep: first",
            "quizzes/01-basics.yaml:5: keep must be best or last",
        ),
    ],
)
def test_bad_content_is_refused_with_file_and_line_and_changes_nothing(
    mini_course_dir, learner, relative, old, new, expected
):
    course_import(path=mini_course_dir)
    lesson_mark_read(user_id=learner.pk, lesson=Lesson.objects.get(slug="first-steps"))
    replace(mini_course_dir / "lessons/01-basics/01-first-steps.md", "More text", "Edited text")
    before = snapshot()
    replace(mini_course_dir / relative, old, new)

    errors = errors_of(mini_course_dir)

    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{mini_course_dir}/{expected}"), errors[0]
    assert snapshot() == before


def test_the_command_prints_errors_and_fails(mini_course_dir, capsys):
    replace(mini_course_dir / "course.yaml", "- slug: last-words", "- slug: first-steps")

    with pytest.raises(CommandError, match=r"1 problem\(s\) found; nothing was imported."):
        call_command("import_course", str(mini_course_dir))

    err = capsys.readouterr().err
    assert f"{mini_course_dir}/course.yaml:18: duplicate lesson slug 'first-steps'" in err
    assert Course.objects.count() == 0


def test_every_error_is_reported_at_once(mini_course_dir):
    replace(mini_course_dir / "course.yaml", "- slug: last-words", "- slug: first-steps")
    replace(mini_course_dir / "quizzes/01-basics.yaml", "keep: best", "keep: first")

    errors = errors_of(mini_course_dir)

    assert [error.removeprefix(f"{mini_course_dir}/") for error in errors] == [
        "course.yaml:18: duplicate lesson slug 'first-steps' (first at line 8)",
        "quizzes/01-basics.yaml:5: keep must be best or last",
    ]


def test_a_path_outside_the_course_is_refused(mini_course_dir, tmp_path):
    (tmp_path / "secret.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    replace(
        mini_course_dir / "course.yaml",
        "file: lessons/02-more/02-last-words.md",
        "file: ../secret.md",
    )

    assert errors_of(mini_course_dir) == [
        f"{mini_course_dir}/course.yaml:19: lesson 'last-words': ../secret.md is outside the course"
    ]


def _remove_last_words(course_dir: Path) -> None:
    replace(
        course_dir / "course.yaml",
        "      - slug: last-words\n        file: lessons/02-more/02-last-words.md\n",
        "",
    )


def test_removing_a_lesson_nobody_read_deletes_it(mini_course_dir):
    course_import(path=mini_course_dir)
    _remove_last_words(mini_course_dir)

    report = course_import(path=mini_course_dir)

    assert report.removed["lessons"] == ["last-words"]
    assert not Lesson.objects.filter(slug="last-words").exists()


def test_removing_a_lesson_with_progress_needs_force_and_keeps_history(mini_course_dir, learner):
    course_import(path=mini_course_dir)
    lesson = Lesson.objects.get(slug="last-words")
    lesson_mark_read(user_id=learner.pk, lesson=lesson)
    _remove_last_words(mini_course_dir)
    before = snapshot()

    errors = errors_of(mini_course_dir)

    assert errors == [
        "lesson 'last-words' was removed from the course but 1 learner(s) have read it: rerun "
        "with --force to deactivate it (their progress is kept)"
    ]
    assert snapshot() == before

    report = course_import(path=mini_course_dir, force=True)

    assert report.removed["lessons"] == ["last-words"]
    lesson.refresh_from_db()
    assert lesson.is_active is False
    assert LessonRead.objects.filter(lesson=lesson, user=learner).exists()

    # Putting it back reactivates the same row: the learner's read mark comes back with it.
    replace(
        mini_course_dir / "course.yaml",
        "        file: lessons/02-more/01-tables-and-math.md\n",
        "        file: lessons/02-more/01-tables-and-math.md\n"
        "      - slug: last-words\n        file: lessons/02-more/02-last-words.md\n",
    )
    report = course_import(path=mini_course_dir)
    assert report.changed["lessons"] == ["last-words"]
    lesson.refresh_from_db()
    assert lesson.is_active is True


def test_removing_an_answered_question_needs_force_and_keeps_responses(mini_course_dir, learner):
    course_import(path=mini_course_dir)
    quiz = Quiz.objects.get()
    attempt, _ = quiz_attempt_start(user_id=learner.pk, quiz=quiz)
    quiz_attempt_answers_save(
        attempt_id=attempt.pk, user_id=learner.pk, answers={"q-numeric": 1024}
    )
    quiz_attempt_submit(attempt_id=attempt.pk, user_id=learner.pk)
    bank = mini_course_dir / "quizzes/01-basics.yaml"
    text = bank.read_text(encoding="utf-8")
    start = text.index("  - id: q-text")
    end = text.index("  - id: q-softmax")
    bank.write_text(
        text[:start].replace("questions_per_attempt: 5", "questions_per_attempt: 4") + text[end:],
        encoding="utf-8",
    )

    assert errors_of(mini_course_dir) == [
        "question 'q-text' was removed from its bank but learners have answered it: rerun with "
        "--force to deactivate it (their attempts are kept)"
    ]
    report = course_import(path=mini_course_dir, force=True)

    assert report.removed["questions"] == ["q-text"]
    assert report.changed["quizzes"] == ["basics"]
    question = Question.objects.get(slug="q-text")
    assert question.is_active is False
    assert QuestionResponse.objects.filter(question=question).count() == 1
    assert QuizAttempt.objects.get().score == 0.2


def test_removing_a_module_without_history_deletes_it(mini_course_dir):
    course_import(path=mini_course_dir)
    text = (mini_course_dir / "course.yaml").read_text(encoding="utf-8")
    start, end = text.index("  - slug: more"), text.index("figures:")
    (mini_course_dir / "course.yaml").write_text(text[:start] + text[end:], encoding="utf-8")

    report = course_import(path=mini_course_dir)

    assert report.removed["modules"] == ["more"]
    assert report.removed["lessons"] == ["tables-and-math", "last-words"]
    assert list(Module.objects.values_list("slug", flat=True)) == ["basics"]


def test_moving_a_lesson_to_another_module_keeps_the_row(mini_course_dir, learner):
    course_import(path=mini_course_dir)
    lesson = Lesson.objects.get(slug="last-words")
    lesson_mark_read(user_id=learner.pk, lesson=lesson)
    _remove_last_words(mini_course_dir)
    replace(
        mini_course_dir / "course.yaml",
        "        file: lessons/01-basics/02-vae.md\n",
        "        file: lessons/01-basics/02-vae.md\n"
        "      - slug: last-words\n        file: lessons/02-more/02-last-words.md\n",
    )

    report = course_import(path=mini_course_dir)

    assert report.changed["lessons"] == ["last-words"]
    lesson.refresh_from_db()
    assert (lesson.module.slug, lesson.order, lesson.is_active) == ("basics", 3, True)
    assert LessonRead.objects.filter(lesson=lesson).count() == 1


GUIDE_EXERCISES = Path(__file__).resolve().parents[2] / "content" / "gen-ai-guide" / "exercises"


def _add_exercise(course_dir: Path, lesson: str = "first-steps") -> None:
    import shutil

    shutil.copytree(GUIDE_EXERCISES / "stable-softmax", course_dir / "exercises" / "stable-softmax")
    meta = course_dir / "exercises" / "stable-softmax" / "exercise.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(
        "\n".join(
            f"lesson: {lesson}" if line.startswith("lesson:") else line for line in text.split("\n")
        ),
        encoding="utf-8",
    )
    replace(
        course_dir / "course.yaml",
        "quiz: quizzes/01-basics.yaml",
        "quiz: quizzes/01-basics.yaml\n    exercises: [stable-softmax]",
    )


def test_exercises_are_imported_through_the_grading_app(mini_course_dir):
    from grading.models import Exercise

    _add_exercise(mini_course_dir)

    report = course_import(path=mini_course_dir)

    assert report.added["exercises"] == ["stable-softmax"]
    exercise = Exercise.objects.get(slug="stable-softmax")
    assert (exercise.module.slug, exercise.is_active) == ("basics", True)
    assert course_import(path=mini_course_dir).is_empty

    replace(mini_course_dir / "course.yaml", "\n    exercises: [stable-softmax]", "")
    report = course_import(path=mini_course_dir)

    assert report.removed["exercises"] == ["stable-softmax"]
    exercise.refresh_from_db()
    assert exercise.is_active is False


def test_an_exercise_naming_an_unknown_lesson_is_refused(mini_course_dir):
    _add_exercise(mini_course_dir, lesson="no-such-lesson")
    before = snapshot()

    errors = errors_of(mini_course_dir)

    meta = mini_course_dir / "exercises" / "stable-softmax" / "exercise.yaml"
    line = meta.read_text(encoding="utf-8").split("\n").index("lesson: no-such-lesson") + 1
    assert errors == [f"{meta}:{line}: unknown lesson 'no-such-lesson'"]
    assert snapshot() == before


def test_a_broken_exercise_reports_the_grading_apps_error(mini_course_dir):
    _add_exercise(mini_course_dir)
    (mini_course_dir / "exercises" / "stable-softmax" / "source.ipynb").write_text(
        "{not json", encoding="utf-8"
    )

    errors = errors_of(mini_course_dir)

    assert len(errors) == 1
    assert errors[0].startswith(f"{mini_course_dir}/exercises/stable-softmax/source.ipynb:1: ")
    assert Course.objects.count() == 0


def test_a_broken_lesson_is_reported_once_not_again_by_questions_that_link_to_it(
    mini_course_dir,
):
    (mini_course_dir / "lessons/01-basics/01-first-steps.md").write_text("no front matter\n")

    errors = errors_of(mini_course_dir)

    assert errors == [
        f"{mini_course_dir}/lessons/01-basics/01-first-steps.md:1: missing front matter: the "
        "file must start with ---, a line `title: ...` and ---"
    ]
