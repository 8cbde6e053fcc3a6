"""Names and Role Provisioning Services: the instructor pulls the LMS course's member list and
Academy enrols each member with their role; members the LMS marks inactive or deleted are
dropped (their history stays)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from courseware.enrolment import enrol_with_role, enrolment_drop
from courseware.errors import ApplicationError
from courseware.models import Enrolment
from lti.models import Context
from lti.services.launch import ROLES, academy_role, identity_user
from lti.tool_config import registration_for

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


@dataclass(frozen=True)
class RosterResult:
    enrolled: int
    dropped: int
    skipped: int


def _members(context: Context) -> list[dict[str, Any]]:
    connector = ServiceConnector(registration_for(context.platform))
    service = NamesRolesProvisioningService(
        connector, {"context_memberships_url": context.memberships_url}
    )
    members: list[Any] = service.get_members()
    return [dict(member) for member in members]


def roster_sync(*, context_pk: int) -> RosterResult:
    """Fetch the members (pylti1p3 follows the pages) and apply them in one transaction."""
    context = Context.objects.select_related("platform", "course").get(pk=context_pk)
    if not context.memberships_url:
        raise ApplicationError(
            gettext(
                "The LMS has not offered a member list for this course: launch from it once first."
            )
        )
    members = _members(context)
    enrolled = dropped = skipped = 0
    with transaction.atomic():
        for member in members:
            sub = str(member.get("user_id") or "")
            role = academy_role({ROLES: member.get("roles") or []})
            if not sub or role is None:
                skipped += 1
                continue
            identity = identity_user(platform=context.platform, sub=sub, claims=member)
            if str(member.get("status") or "Active") != "Active":
                enrolment = Enrolment.objects.filter(
                    user_id=identity.user_id, course=context.course
                ).first()
                if enrolment is not None and enrolment.is_active:
                    try:
                        enrolment_drop(enrolment=enrolment)
                    except ApplicationError:
                        skipped += 1  # the course's last instructor stays
                        continue
                    dropped += 1
                continue
            try:
                enrol_with_role(user_id=identity.user_id, course=context.course, role=role)
            except ApplicationError:
                skipped += 1  # the course's last instructor keeps their role
                continue
            enrolled += 1
        Context.objects.filter(pk=context.pk).update(roster_synced_at=timezone.now())
    return RosterResult(enrolled=enrolled, dropped=dropped, skipped=skipped)
