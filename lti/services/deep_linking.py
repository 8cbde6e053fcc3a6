"""Deep linking: an LMS instructor picks modules, quizzes or exercises and Academy answers
with the content items, each graded one carrying a line item for its maximum points."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from courseware.models import Course
from lti.errors import LaunchRefused
from lti.models import Context, Platform
from lti.selectors import courses_taught, target_resolve
from lti.services.launch import (
    CONTEXT,
    TARGET_PARAMETER,
    academy_role,
    enrol_from_lms,
    identity_user,
)

DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


@dataclass(frozen=True)
class DeepLinkStart:
    user_id: int
    courses: list[Course]


def deep_link_start(*, claims: Mapping[str, Any]) -> DeepLinkStart:
    """Who is picking and from which courses: staff of the LMS course only. A context already
    linked to an Academy course offers that course (and makes the LMS instructor its staff);
    otherwise the courses the person teaches in Academy."""
    role = academy_role(claims)
    if role not in ("instructor", "ta"):
        raise LaunchRefused("role-not-allowed", "Only the course's staff may add Academy content.")
    audience = claims.get("aud")
    client_id = audience[0] if isinstance(audience, list) else audience
    platform = Platform.objects.get(issuer=claims["iss"], client_id=client_id)
    identity = identity_user(platform=platform, sub=str(claims["sub"]), claims=claims)
    context_id = str((claims.get(CONTEXT) or {}).get("id") or "")
    context = Context.objects.filter(platform=platform, context_id=context_id).first()
    if context_id and context is not None:
        enrol_from_lms(user_id=identity.user_id, course=context.course, role=role)
        return DeepLinkStart(user_id=identity.user_id, courses=[context.course])
    return DeepLinkStart(user_id=identity.user_id, courses=courses_taught(user_id=identity.user_id))


def deep_link_resources(
    *, keys: Iterable[str], allowed_courses: Iterable[Course], launch_url: str
) -> list[DeepLinkResource]:
    """The content items for the picked targets; each must belong to an offered course."""
    allowed = {course.pk for course in allowed_courses}
    resources = []
    for key in keys:
        target = target_resolve(key=key)
        if target.course.pk not in allowed:
            raise LaunchRefused("role-not-allowed", f"You do not teach the course of {key!r}.")
        resource = (
            DeepLinkResource()
            .set_url(launch_url)
            .set_title(target.title)
            .set_custom_params({TARGET_PARAMETER: target.key})
        )
        if target.max_points:  # a line item needs a maximum above 0
            resource.set_lineitem(
                LineItem()
                .set_label(target.title)
                .set_score_maximum(target.max_points)
                .set_resource_id(target.key)
            )
        resources.append(resource)
    if not resources:
        raise LaunchRefused("nothing-picked", "Pick at least one item to add to the LMS.")
    return resources
