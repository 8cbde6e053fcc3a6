"""OIDC login and resource-link launch from a third-party platform (lti1p3platform): users
matched by (issuer, sub), enrolled with the LMS's role, landing on the linked content."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from courseware.models import CourseRole, Enrolment
from lti.models import Context, Identity, ResourceLink
from tests.lti.conftest import EXERCISE_TARGET, QUIZ_TARGET
from tests.lti.platform import INSTRUCTOR, LEARNER, TEACHING_ASSISTANT, LaunchSpec


def test_learner_launch_makes_the_account_enrols_and_lands_on_the_quiz(
    lti_launch: Any, course: Any, platform: Any
) -> None:
    outcome = lti_launch(
        LaunchSpec(sub="s-1", roles=[LEARNER], custom={"academy_target": QUIZ_TARGET})
    )

    assert outcome.response.status_code == 302, outcome.response.text
    assert outcome.response.headers["Location"] == "/courses/algebra/modules/basics/quiz/"
    identity = Identity.objects.get(sub="s-1")
    assert identity.user.username.startswith("lti")
    assert identity.user.email == "ada@example.org"
    assert not identity.user.has_usable_password()
    enrolment = Enrolment.objects.get(user=identity.user, course=course)
    assert (enrolment.role, enrolment.status) == (CourseRole.LEARNER, Enrolment.Status.ACTIVE)
    link = ResourceLink.objects.get(resource_link_id="link-1")
    assert link.target == QUIZ_TARGET
    assert link.lineitem_url == f"{platform.url}/lineitems/1"
    context = Context.objects.get(context_id="lms-course-1")
    assert (context.course, context.memberships_url) == (course, f"{platform.url}/memberships")
    page = outcome.session.get(platform.tool_url + outcome.response.headers["Location"])
    assert page.status_code == 200
    assert identity.user.username in page.text  # logged in as the LMS user


def test_instructor_and_teaching_assistant_get_their_roles(lti_launch: Any, course: Any) -> None:
    custom = {"academy_target": EXERCISE_TARGET}
    teacher = lti_launch(LaunchSpec(sub="t-1", roles=[INSTRUCTOR], custom=custom))
    assistant = lti_launch(
        LaunchSpec(sub="a-1", roles=[INSTRUCTOR, TEACHING_ASSISTANT], custom=custom)
    )

    assert teacher.response.headers["Location"] == "/exercises/algebra/ex1/"
    assert assistant.response.status_code == 302
    roles = {
        e.user.lti_identities.get().sub: e.role for e in Enrolment.objects.filter(course=course)
    }
    assert roles == {"t-1": CourseRole.INSTRUCTOR, "a-1": CourseRole.TEACHING_ASSISTANT}


def test_the_same_sub_is_the_same_account_and_the_same_email_is_not(
    lti_launch: Any, course: Any
) -> None:
    custom = {"academy_target": "course:algebra"}
    lti_launch(LaunchSpec(sub="s-1", roles=[LEARNER], custom=custom))
    again = lti_launch(LaunchSpec(sub="s-1", roles=[LEARNER], custom=custom))
    other = lti_launch(LaunchSpec(sub="s-2", roles=[LEARNER], custom=custom))

    assert again.response.headers["Location"] == "/courses/algebra/"
    assert other.response.status_code == 302
    users = get_user_model().objects.filter(lti_identities__isnull=False)
    assert users.count() == 2  # one per sub, though both LMS users gave the same e-mail
    assert set(Identity.objects.values_list("sub", flat=True)) == {"s-1", "s-2"}


def test_the_login_offers_a_new_window_when_cookies_cannot_be_kept(
    platform: Any, course: Any
) -> None:
    import requests

    page = requests.get(
        platform.preflight_url(LaunchSpec(sub="s-1", roles=[LEARNER])), allow_redirects=False
    )

    assert page.status_code == 200
    assert 'target="_blank"' in page.text
    assert "lti1p3_new_window=1" in page.text
    assert "/static/lti/cookie_check.js" in page.text
