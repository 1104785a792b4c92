"""Who may do what with plans. Every view asks these helpers; none decides on its own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
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


def can_view_plan(user: Any, plan: Plan) -> bool:
    """A published plan is public; a draft is seen by its managers and administrators only."""
    return plan.published_at is not None or can_manage_plan(user, plan)


def visible_plans(user: Any = None) -> QuerySet[Plan]:
    """The plans ``user`` may see (None: a visitor): every published plan, and the drafts
    they manage. Every list of plans or items on a public page starts from this."""
    plans = Plan.objects.all()
    if is_site_admin(user):
        return plans
    published = Q(published_at__isnull=False)
    if signed_in(user) and in_group(user, PLAN_MANAGERS):
        return plans.filter(published | Q(managers=user)).distinct()
    return plans.filter(published)


def managed_plans(user: Any = None) -> QuerySet[Plan, Any]:
    """The ids of the plans ``user`` manages (``plans.change_plan``), as a lazy subquery;
    all plans for a site administrator, none for anyone else without the role."""
    if is_site_admin(user):
        return Plan.objects.order_by().values("pk")
    if not (signed_in(user) and in_group(user, PLAN_MANAGERS)):
        return Plan.objects.none().values("pk")
    return Plan.objects.filter(managers=user).order_by().values("pk")


def hidden_plans(user: Any = None) -> QuerySet[Plan, Any] | None:
    """The drafts ``user`` may not see, as a lazy subquery of ids; None when they see all.

    Lists of items exclude these (``.exclude(plan__in=…)``), which costs no extra query."""
    if is_site_admin(user):
        return None
    drafts = Plan.objects.filter(published_at__isnull=True)
    if signed_in(user) and in_group(user, PLAN_MANAGERS):
        drafts = drafts.exclude(managers=user)
    return drafts.order_by().values("pk")


def get_plan_for_user(user: Any, slug: str, *, write: bool = False) -> Plan:
    try:
        plan = Plan.objects.get(slug=slug)
    except Plan.DoesNotExist as exc:
        raise Http404("No such plan.") from exc
    if not can_view_plan(user, plan):
        raise Http404("No such plan.")  # a draft is not there for anyone else
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
