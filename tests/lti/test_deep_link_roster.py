"""Deep linking (the instructor picks Academy content, the platform gets content items with line
items) and the roster sync from the platform's Names and Role Provisioning Service."""

from __future__ import annotations

import html
import re
from typing import Any

import requests

from courseware.models import CourseRole, Enrolment
from lti.models import Context, Identity
from tests.lti.conftest import EXERCISE_TARGET, QUIZ_TARGET
from tests.lti.platform import INSTRUCTOR, LEARNER, MENTOR, TEACHING_ASSISTANT, LaunchSpec


def _instructor(lti_launch: Any) -> Any:
    outcome = lti_launch(
        LaunchSpec(sub="t-1", roles=[INSTRUCTOR], custom={"academy_target": "course:algebra"})
    )
    assert outcome.response.status_code == 302, outcome.response.text
    return outcome


def _csrf(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_deep_linking_returns_content_items_with_line_items(
    lti_launch: Any, course: Any, platform: Any
) -> None:
    session = _instructor(lti_launch).session
    picking = lti_launch(LaunchSpec(sub="t-1", roles=[INSTRUCTOR], deep_link=True), session=session)
    assert picking.response.status_code == 302, picking.response.text
    picker_url = platform.tool_url + picking.response.headers["Location"]
    picker = session.get(picker_url)
    assert picker.status_code == 200
    assert f'value="{QUIZ_TARGET}"' in picker.text and f'value="{EXERCISE_TARGET}"' in picker.text

    answer = session.post(
        picker_url,
        data={
            "csrfmiddlewaretoken": _csrf(picker.text),
            "target": [QUIZ_TARGET, EXERCISE_TARGET, "module:algebra/basics"],
        },
        headers={"Referer": picker_url},
    )
    assert answer.status_code == 200, answer.text
    assert (
        f"form-action 'self' {platform.url}/deep-link-return"
        in answer.headers["Content-Security-Policy"]
    )
    form = re.search(
        r'id="lti-deep-link-return" method="post" action="([^"]+)".*?name="JWT" value="([^"]+)"',
        answer.text,
        re.S,
    )
    assert form is not None
    # What the page's script does: post the signed answer to the platform.
    returned = requests.post(html.unescape(form.group(1)), data={"JWT": form.group(2)})
    assert returned.json() == {"received": 3}

    items = {item["custom"]["academy_target"]: item for item in platform.deep_link_items}
    assert items[QUIZ_TARGET]["lineItem"] == {
        "scoreMaximum": 2.0,
        "label": "Basics quiz",
        "resourceId": QUIZ_TARGET,
    }
    assert items[EXERCISE_TARGET]["lineItem"]["scoreMaximum"] == 10
    assert "lineItem" not in items["module:algebra/basics"]
    assert {item["url"] for item in items.values()} == {f"{platform.tool_url}/lti/launch/"}

    # The platform then launches the new placement with the item's custom parameters.
    learner = lti_launch(
        LaunchSpec(
            sub="s-1",
            roles=[LEARNER],
            resource_link_id="placed-1",
            custom=items[EXERCISE_TARGET]["custom"],
        )
    )
    assert learner.response.headers["Location"] == "/exercises/algebra/ex1/"


def test_a_learner_cannot_deep_link(lti_launch: Any, course: Any) -> None:
    outcome = lti_launch(LaunchSpec(sub="s-1", roles=[LEARNER], deep_link=True))

    assert outcome.response.status_code == 403
    assert outcome.response.headers["X-LTI-Refusal"] == "role-not-allowed"
    assert Identity.objects.count() == 0


def test_the_instructor_syncs_the_roster_from_the_lms(
    lti_launch: Any, course: Any, platform: Any
) -> None:
    session = _instructor(lti_launch).session
    gone = lti_launch(
        LaunchSpec(sub="s-gone", roles=[LEARNER], custom={"academy_target": "course:algebra"})
    )
    assert gone.response.status_code == 302
    platform.members = [
        {"user_id": "t-1", "roles": [INSTRUCTOR], "status": "Active", "name": "Teacher"},
        {"user_id": "s-1", "roles": [LEARNER], "name": "Learner One", "email": "one@example.org"},
        {"user_id": "a-1", "roles": [INSTRUCTOR, TEACHING_ASSISTANT], "status": "Active"},
        {"user_id": "s-gone", "roles": [LEARNER], "status": "Inactive"},
        {"user_id": "m-1", "roles": [MENTOR], "status": "Active"},
    ]
    context = Context.objects.get()
    roster_url = f"{platform.tool_url}/courses/algebra/teach/roster/"
    roster = session.get(roster_url)
    sync_url = f"{platform.tool_url}/lti/courses/algebra/contexts/{context.pk}/roster-sync/"
    assert f'action="{sync_url.removeprefix(platform.tool_url)}"' in roster.text

    synced = session.post(
        sync_url, data={"csrfmiddlewaretoken": _csrf(roster.text)}, headers={"Referer": roster_url}
    )

    assert synced.status_code == 200  # back on the roster page
    assert "3 enrolled, 1 dropped, 1 skipped" in synced.text
    roles = {
        e.user.lti_identities.get().sub: (e.role, e.status)
        for e in Enrolment.objects.filter(course=course)
    }
    assert roles == {
        "t-1": (CourseRole.INSTRUCTOR, "active"),
        "s-1": (CourseRole.LEARNER, "active"),
        "a-1": (CourseRole.TEACHING_ASSISTANT, "active"),
        "s-gone": (CourseRole.LEARNER, "dropped"),
    }
    assert Context.objects.get().roster_synced_at is not None


def test_a_learner_cannot_sync_the_roster(lti_launch: Any, course: Any, platform: Any) -> None:
    _instructor(lti_launch)
    learner = lti_launch(
        LaunchSpec(sub="s-1", roles=[LEARNER], custom={"academy_target": "course:algebra"})
    )
    context = Context.objects.get()
    page = learner.session.get(f"{platform.tool_url}/courses/algebra/")
    before = list(Enrolment.objects.values_list("user_id", "role", "status"))

    refused = learner.session.post(
        f"{platform.tool_url}/lti/courses/algebra/contexts/{context.pk}/roster-sync/",
        data={"csrfmiddlewaretoken": _csrf(page.text)},
        headers={"Referer": f"{platform.tool_url}/courses/algebra/"},
    )

    assert refused.status_code == 403
    assert list(Enrolment.objects.values_list("user_id", "role", "status")) == before
