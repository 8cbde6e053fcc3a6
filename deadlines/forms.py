"""Forms of the instructor's deadlines page. Dates are typed in the instructor's own time zone
(the active one) and stored as UTC."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from deadlines.models import CoursePolicy

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _moment(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_LOCAL,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class DueDateForm(forms.Form):
    item = forms.CharField(max_length=40)
    cohort = forms.CharField(max_length=20, required=False)  # blank: the course-wide default
    due_at = _moment("Due")


class DueDateClearForm(forms.Form):
    item = forms.CharField(max_length=40)
    cohort = forms.CharField(max_length=20, required=False)


class ExtensionForm(forms.Form):
    learner = forms.IntegerField(min_value=1)
    item = forms.CharField(max_length=40)
    due_at = _moment("New due date")
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PolicyForm(forms.Form):
    late = forms.ChoiceField(label=gettext_lazy("Late work"), choices=CoursePolicy.Late.choices)
    penalty_percent_per_day = forms.IntegerField(
        label=gettext_lazy("Penalty per day late (%)"), min_value=0, max_value=100
    )
    penalty_cap_percent = forms.IntegerField(
        label=gettext_lazy("Penalty at most (%)"), min_value=0, max_value=100
    )
    answer_reveal = forms.ChoiceField(
        label=gettext_lazy("Show correct answers and explanations"),
        choices=CoursePolicy.Reveal.choices,
    )


class QuizAnswerPolicyForm(forms.Form):
    item = forms.CharField(max_length=40)
    answer_reveal = forms.ChoiceField(
        choices=[("", "The course's choice"), *CoursePolicy.Reveal.choices], required=False
    )
