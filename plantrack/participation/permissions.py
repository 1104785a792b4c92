"""Who may do what in participation. Services and views ask these; none decides alone.

| action | who |
|---|---|
| ``participation.create`` | plan managers (on the plans they manage), site administrators |
| ``participation.manage`` | the consultation's plan's managers; site administrators (any) |
| ``participation.take_part`` | any active account not blocked (an organisation-only |
|   | consultation also needs a verified organisation: checked by the service) |
| ``participation.edit_input`` | the author, until the consultation closes (not once hidden) |
| ``participation.respond`` | as ``manage``: answers, marking answered, the final report |
| ``participation.own_inputs`` | any signed-in person (their own list) |
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from plantrack.accounts.permissions import PLAN_MANAGERS, in_group, is_site_admin
from plantrack.lib.rules import rule, signed_in
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.permissions import can_manage_plan, can_view_plan

from .models import Block, Consultation, Input


def is_blocked(user: Any) -> bool:
    if not signed_in(user):
        return False
    cached = getattr(user, "_participation_blocked", None)
    if cached is None:
        cached = Block.objects.filter(user=user, lifted_at__isnull=True).exists()
        user._participation_blocked = cached
    return bool(cached)


def organisations_for(user: Any) -> set[int]:
    """The verified, not retired organisations ``user`` is an active member of."""
    if not signed_in(user):
        return set()
    return set(
        Organisation.objects.filter(
            verified_at__isnull=False,
            retired_at__isnull=True,
            memberships__user=user,
            memberships__state=Membership.State.ACTIVE,
        ).values_list("pk", flat=True)
    )


@rule("participation.create")
def can_create_consultation(user: Any, plan: Any = None) -> bool:
    if not signed_in(user):
        return False
    if plan is None:
        return in_group(user, PLAN_MANAGERS)
    return bool(can_manage_plan(user, plan))


@rule("participation.manage")
def can_manage_consultation(user: Any, consultation: Consultation | None = None) -> bool:
    if not signed_in(user) or consultation is None:
        return False
    if is_site_admin(user):
        return True
    if consultation.plan_id is None:
        return bool(consultation.created_by_id == user.pk and in_group(user, PLAN_MANAGERS))
    return bool(can_manage_plan(user, consultation.plan))


@rule("participation.respond")
def can_respond(user: Any, consultation: Consultation | None = None) -> bool:
    return can_manage_consultation(user, consultation)


@rule("participation.take_part")
def can_take_part(user: Any, consultation: Consultation | None = None) -> bool:
    return signed_in(user) and user.deleted_at is None and not is_blocked(user)


@rule("participation.edit_input")
def can_edit_input(user: Any, input: Input | None = None) -> bool:
    if not signed_in(user) or input is None:
        return False
    return (
        input.author_id == user.pk
        and input.hidden_at is None
        and not input.consultation.has_closed
        and input.consultation.answered_at is None
        and not is_blocked(user)
    )


@rule("participation.own_inputs")
def can_see_own_inputs(user: Any, obj: Any = None) -> bool:
    return signed_in(user)


def can_view_consultation(user: Any, consultation: Consultation) -> bool:
    """A consultation on a draft plan is seen only by those who see the plan."""
    return consultation.plan is None or can_view_plan(user, consultation.plan)


def visible_consultations(user: Any = None) -> QuerySet[Consultation]:
    from plantrack.plans.permissions import hidden_plans

    hidden = hidden_plans(user)
    consultations = Consultation.objects.all()
    return consultations if hidden is None else consultations.exclude(plan__in=hidden)


def get_consultation_for_user(user: Any, slug: str) -> Consultation:
    try:
        consultation = Consultation.objects.select_related("plan").get(slug=slug)
    except Consultation.DoesNotExist as exc:
        raise Http404("No such consultation.") from exc
    if not can_view_consultation(user, consultation):
        raise Http404("No such consultation.")
    return consultation
