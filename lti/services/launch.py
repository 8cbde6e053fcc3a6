"""What an accepted launch does: find or make the LMS user's account by (issuer, sub), enrol it
with the role the LMS states, remember the link and the context, and say where to go."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from pylti1p3.roles import StudentRole, TeacherRole, TeachingAssistantRole

from courseware.enrolment import enrol_with_role
from courseware.errors import ApplicationError
from courseware.models import Course, CourseRole
from lti.errors import LaunchRefused
from lti.models import ALL_ROLES, Context, Identity, Platform, ResourceLink
from lti.selectors import Target, target_resolve

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
RESOURCE_LINK = CLAIM + "resource_link"
CONTEXT = CLAIM + "context"
CUSTOM = CLAIM + "custom"
ROLES = CLAIM + "roles"
DEPLOYMENT = CLAIM + "deployment_id"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
TARGET_PARAMETER = "academy_target"
ROLES_PARAMETER = "academy_roles"


def academy_role(claims: Mapping[str, Any]) -> str | None:
    """The course role the LMS's roles claim states, or None if it states none Academy has.
    A teaching assistant often also carries the Instructor base role: the narrower role wins."""
    if TeachingAssistantRole(claims).check():
        return CourseRole.TEACHING_ASSISTANT
    if TeacherRole(claims).check():
        return CourseRole.INSTRUCTOR
    if StudentRole(claims).check():
        return CourseRole.LEARNER
    return None


def _required(claims: Mapping[str, Any], name: str) -> Any:
    value = claims.get(name)
    if not value:
        raise LaunchRefused("missing-claim", f"The launch lacks the required claim {name!r}.")
    return value


def _platform(claims: Mapping[str, Any]) -> Platform:
    audience = claims.get("aud")
    client_id = audience[0] if isinstance(audience, list) else audience
    return Platform.objects.get(issuer=claims["iss"], client_id=client_id)


def _username(platform: Platform, sub: str) -> str:
    digest = hashlib.sha256(f"{platform.issuer}\n{sub}".encode()).hexdigest()[:20]
    return f"lti{platform.pk}-{digest}"


def identity_user(*, platform: Platform, sub: str, claims: Mapping[str, Any]) -> Identity:
    """The account of (issuer, sub), made on first sight. The e-mail and names the LMS sends are
    copied onto a new account but never used to find one: e-mail alone identifies no one."""
    identity = Identity.objects.select_related("user").filter(platform=platform, sub=sub).first()
    if identity is not None:
        return identity
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username=_username(platform, sub),
        defaults={
            "first_name": str(claims.get("given_name", ""))[:150],
            "last_name": str(claims.get("family_name", ""))[:150],
            "email": str(claims.get("email", ""))[:254],
        },
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    identity, _ = Identity.objects.get_or_create(
        platform=platform, sub=sub, defaults={"user": user}
    )
    return identity


def _link_for(platform: Platform, claims: Mapping[str, Any]) -> tuple[ResourceLink, Target]:
    link_claim = _required(claims, RESOURCE_LINK)
    link_id = str(link_claim.get("id") or "")
    if not link_id:
        raise LaunchRefused("missing-claim", "The launch lacks the resource link's id.")
    custom = claims.get(CUSTOM) or {}
    link = ResourceLink.objects.filter(platform=platform, resource_link_id=link_id).first()
    if link is not None:
        return link, target_resolve(key=link.target)
    key = str(custom.get(TARGET_PARAMETER) or "")
    if not key:
        raise LaunchRefused(
            "missing-claim",
            f"The link does not say what it opens (custom parameter {TARGET_PARAMETER}).",
        )
    target = target_resolve(key=key)
    allowed = [r.strip() for r in str(custom.get(ROLES_PARAMETER, "")).split(",") if r.strip()]
    link, _ = ResourceLink.objects.get_or_create(
        platform=platform,
        resource_link_id=link_id,
        defaults={
            "title": str(link_claim.get("title", ""))[:300],
            "target": target.key,
            "course": target.course,
            "module": target.module,
            "quiz": target.quiz,
            "exercise": target.exercise,
            "allowed_roles": [r for r in allowed if r in ALL_ROLES] or list(ALL_ROLES),
        },
    )
    return link, target


def _context_record(platform: Platform, claims: Mapping[str, Any], course: Course) -> None:
    context = claims.get(CONTEXT) or {}
    context_id = str(context.get("id") or "")
    if not context_id:
        return
    memberships_url = str((claims.get(NRPS) or {}).get("context_memberships_url") or "")
    defaults: dict[str, Any] = {
        "course": course,
        "title": str(context.get("title", ""))[:300],
        "deployment_id": str(claims.get(DEPLOYMENT, "")),
    }
    if memberships_url:
        defaults["memberships_url"] = memberships_url
    Context.objects.update_or_create(platform=platform, context_id=context_id, defaults=defaults)


def _ags_record(link: ResourceLink, claims: Mapping[str, Any]) -> None:
    endpoint = claims.get(AGS_ENDPOINT) or {}
    lineitem = str(endpoint.get("lineitem") or "")
    lineitems = str(endpoint.get("lineitems") or "")
    scopes = list(endpoint.get("scope") or [])
    if not (lineitem or lineitems):
        return
    if (lineitem, lineitems, scopes) != (link.lineitem_url, link.lineitems_url, link.ags_scopes):
        link.lineitem_url, link.lineitems_url, link.ags_scopes = lineitem, lineitems, scopes
        link.save(update_fields=["lineitem_url", "lineitems_url", "ags_scopes"])


@dataclass(frozen=True)
class LaunchResult:
    user_id: int
    role: str
    course_id: int
    link_pk: int
    path: str


def enrol_from_lms(*, user_id: int, course: Course, role: str) -> None:
    try:
        enrol_with_role(user_id=user_id, course=course, role=role)
    except ApplicationError as error:
        raise LaunchRefused("role-conflict", error.message) from error


@transaction.atomic
def launch_accept(*, claims: Mapping[str, Any]) -> LaunchResult:
    """Act on a resource-link launch whose signature, nonce, state, issuer, audience and
    deployment pylti1p3 has checked. Refused (nothing written) on a missing claim, a target that
    does not exist or a role the link does not admit."""
    platform = _platform(claims)
    sub = str(_required(claims, "sub"))
    role = academy_role(claims)
    link, target = _link_for(platform, claims)
    if role is None or role not in link.allowed_roles:
        raise LaunchRefused("role-not-allowed", "Your role in the LMS may not open this link.")
    identity = identity_user(platform=platform, sub=sub, claims=claims)
    enrol_from_lms(user_id=identity.user_id, course=target.course, role=role)
    _context_record(platform, claims, target.course)
    _ags_record(link, claims)
    Identity.objects.filter(pk=identity.pk).update(last_launch_at=timezone.now())
    return LaunchResult(
        user_id=identity.user_id,
        role=role,
        course_id=target.course.pk,
        link_pk=link.pk,
        path=target.path(),
    )
