"""Who may do what with plans. Every view asks these helpers; none decides on its own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from plantrack.accounts.permissions import PLAN_MANAGERS, in_group, is_site_admin
from plantrack.lib.rules import has, rule, signed_in

from .models import Item, Plan

MANAGER_GROUP = PLAN_MANAGERS


@rule("plans.import")
def can_import_plans(user: Any, obj: Any = None) -> bool:
    """Plan managers and site administrators may create plans by import."""
    return in_group(user, PLAN_MANAGERS)


@rule("plans.change_plan")
def can_manage_plan(user: Any, plan: Plan | None = None) -> bool:
    """A plan manager manages the plans they are assigned to; administrators manage all."""
    if not signed_in(user) or plan is None:
        return False
    if is_site_admin(user):
        return True
    return in_group(user, PLAN_MANAGERS) and plan.managers.filter(pk=user.pk).exists()


def get_plan_for_user(user: Any, slug: str, *, write: bool = False) -> Plan:
    try:
        plan = Plan.objects.get(slug=slug)
    except Plan.DoesNotExist as exc:
        raise Http404("No such plan.") from exc
    if write and not has(user, "plans.change_plan", plan):
        raise PermissionDenied("Only this plan's managers may change it.")
    return plan


def get_item_for_user(user: Any, plan: Plan, code: str, *, write: bool = False) -> Item:
    try:
        item = Item.objects.select_related("plan").get(plan=plan, code=code)
    except Item.DoesNotExist as exc:
        raise Http404("No such item in this plan.") from exc
    if write and not has(user, "plans.change_plan", plan):
        raise PermissionDenied("Only this plan's managers may change it.")
    return item
