"""Forms of the courseware pages."""

from django.contrib.auth.forms import UserCreationForm


class SignupForm(UserCreationForm):
    """A username and a password, twice: all a learner needs to start."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)
