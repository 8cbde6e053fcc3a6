"""Forms of the courseware pages."""

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext, gettext_lazy

from courseware.models import Cohort, Course, CourseRole


class SignupForm(UserCreationForm):
    """A username and a password, twice: all a learner needs to start."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)


MAX_LIST_BYTES = 1_000_000


class EnrolListForm(forms.Form):
    """A pasted list or a CSV file of e-mail addresses or usernames (first column)."""

    entries = forms.CharField(
        label=gettext_lazy("E-mail addresses or usernames, one per line"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    csv_file = forms.FileField(label=gettext_lazy("Or a CSV file (first column)"), required=False)
    role = forms.ChoiceField(choices=CourseRole.choices, initial=CourseRole.LEARNER)
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none(), required=False)

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohort_field = self.fields["cohort"]
        assert isinstance(cohort_field, forms.ModelChoiceField)
        cohort_field.queryset = Cohort.objects.filter(course=course)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("csv_file")
        text = cleaned.get("entries") or ""
        if upload is not None:
            if upload.size > MAX_LIST_BYTES:
                raise forms.ValidationError(gettext("The CSV file is larger than 1 MB."))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(gettext("The CSV file is not UTF-8 text.")) from None
        if not text.strip():
            raise forms.ValidationError(gettext("Paste a list or choose a CSV file."))
        cleaned["text"] = text
        return cleaned


class CohortNameForm(forms.Form):
    name = forms.CharField(max_length=100, label=gettext_lazy("Cohort name"))


class CompletionRuleForm(forms.Form):
    """The course settings' completion rule: pass marks in whole percent."""

    requires_lessons = forms.BooleanField(required=False)
    quiz_percent = forms.IntegerField(min_value=0, max_value=100)
    exercise_percent = forms.IntegerField(min_value=0, max_value=100)
