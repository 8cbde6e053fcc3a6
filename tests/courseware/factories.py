"""factory_boy factories for courseware rows."""

import factory
from django.contrib.auth import get_user_model

from courseware import models

PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Module

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    order = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Lesson

    module = factory.SubFactory(ModuleFactory)
    course = factory.SelfAttribute("module.course")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    source = "Text."
    html = "<p>Text.</p>"
    text = "Text."
    order = factory.Sequence(lambda n: n)
    content_hash = "x"


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Quiz

    module = factory.SubFactory(ModuleFactory)
    title = "Quiz"
    questions_per_attempt = 3
    content_hash = "x"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Question

    quiz = factory.SubFactory(QuizFactory)
    course = factory.SelfAttribute("quiz.module.course")
    slug = factory.Sequence(lambda n: f"question-{n}")
    type = "single"
    spec = factory.LazyAttribute(
        lambda question: {
            "type": "single",
            "prompt": "Pick B.",
            "explanation": "B is right.",
            "lesson": "lesson",
            "anchor": "",
            "options": [
                {"id": "a", "text": "A", "correct": False},
                {"id": "b", "text": "B", "correct": True},
            ],
        }
    )
    content_hash = "x"
