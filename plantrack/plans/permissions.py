"""Who may do what with plans. Every view asks these helpers; none decides on its own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Item, Plan

MANAGER_GROUP = "Plan managers"


def _signed_in(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_import_plans(user: Any) -> bool:
    """Plan managers and site administrators may create plans by import."""
    if not _signed_in(user):
        return False
    return bool(user.is_superuser or user.groups.filter(name=MANAGER_GROUP).exists())


def can_manage_plan(user: Any, plan: Plan) -> bool:
    """A plan manager manages the plans they are assigned to; administrators manage all."""
    if not _signed_in(user):
        return False
    return bool(user.is_superuser or plan.managers.filter(pk=user.pk).exists())


def get_plan_for_user(user: Any, slug: str, *, write: bool = False) -> Plan:
    try:
        plan = Plan.objects.get(slug=slug)
    except Plan.DoesNotExist as exc:
        raise Http404("No such plan.") from exc
    if write and not can_manage_plan(user, plan):
        raise PermissionDenied("Only this plan's managers may change it.")
    return plan


def get_item_for_user(user: Any, plan: Plan, code: str, *, write: bool = False) -> Item:
    try:
        item = Item.objects.select_related("plan").get(plan=plan, code=code)
    except Item.DoesNotExist as exc:
        raise Http404("No such item in this plan.") from exc
    if write and not can_manage_plan(user, plan):
        raise PermissionDenied("Only this plan's managers may change it.")
    return item
