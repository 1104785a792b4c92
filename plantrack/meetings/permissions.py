"""Who may do what with meetings. Services and views ask these; none decides alone.

| action | who |
|---|---|
| ``meetings.create`` | plan managers, site administrators, active members of a |
|   | verified organisation |
| ``meetings.manage`` | the meeting's creator while still entitled (a plan manager, or |
|   | a member of its organisation), the organisation's administrators, the |
|   | linked plan's managers for a meeting without an organisation, site |
|   | administrators: edit, cancel, minutes, offline inputs, registrations |
| ``meetings.register`` | any active account |
| ``meetings.own_registrations`` | any signed-in person (their own list) |
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from plantrack.accounts.permissions import PLAN_MANAGERS, in_group, is_site_admin
from plantrack.lib.rules import rule, signed_in
from plantrack.organisations.models import Membership, Organisation
from plantrack.participation.permissions import can_view_consultation
from plantrack.plans.permissions import can_manage_plan, can_view_plan, hidden_plans

from .models import Meeting


def organiser_organisations(user: Any) -> set[int]:
    """The verified, not retired civil-society organisations ``user`` is an active member of:
    the ones they may organise a meeting for."""
    if not signed_in(user):
        return set()
    return set(
        Organisation.objects.filter(
            kind=Organisation.Kind.CSO,
            verified_at__isnull=False,
            retired_at__isnull=True,
            memberships__user=user,
            memberships__state=Membership.State.ACTIVE,
        ).values_list("pk", flat=True)
    )


@rule("meetings.create")
def can_create_meeting(user: Any, obj: Any = None) -> bool:
    if not signed_in(user):
        return False
    return in_group(user, PLAN_MANAGERS) or bool(organiser_organisations(user))


def _org_admin(user: Any, organisation_id: int) -> bool:
    return Membership.objects.filter(
        user=user,
        organisation_id=organisation_id,
        role=Membership.Role.ADMIN,
        state=Membership.State.ACTIVE,
    ).exists()


@rule("meetings.manage")
def can_manage_meeting(user: Any, meeting: Meeting | None = None) -> bool:
    if not signed_in(user) or meeting is None:
        return False
    if is_site_admin(user):
        return True
    if meeting.organisation_id is not None:
        if meeting.created_by_id == user.pk and meeting.organisation_id in organiser_organisations(
            user
        ):
            return True
        return _org_admin(user, meeting.organisation_id)
    if meeting.created_by_id == user.pk and in_group(user, PLAN_MANAGERS):
        return True
    return meeting.plan_id is not None and bool(can_manage_plan(user, meeting.plan))


@rule("meetings.register")
def can_register(user: Any, meeting: Meeting | None = None) -> bool:
    return signed_in(user) and user.deleted_at is None


@rule("meetings.own_registrations")
def can_see_own_registrations(user: Any, obj: Any = None) -> bool:
    return signed_in(user)


def visible_meetings(user: Any = None) -> QuerySet[Meeting]:
    """Meetings linked to a draft plan (directly or through the consultation) are seen only by
    those who see the plan."""
    hidden = hidden_plans(user)
    meetings = Meeting.objects.all()
    if hidden is None:
        return meetings
    return meetings.exclude(plan__in=hidden).exclude(consultation__plan__in=hidden)


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    if meeting.plan is not None and not can_view_plan(user, meeting.plan):
        return False
    return meeting.consultation is None or can_view_consultation(user, meeting.consultation)


def get_meeting_for_user(user: Any, pk: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related(
            "organisation", "consultation__plan", "plan", "region", "soum", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None or not can_view_meeting(user, meeting):
        raise Http404("No such meeting.")
    return meeting
