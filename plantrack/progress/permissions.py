"""Progress reporting: an agency reporter reports only on items their organisation owns;
the plan's managers may report too (another manager approves: four eyes)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from plantrack.lib.rules import has, rule, signed_in
from plantrack.organisations.permissions import reporting_organisation_ids
from plantrack.plans.models import Item, Plan, Responsibility

from .models import ProgressUpdate


def reporting_organisations_for(user: Any, item: Item) -> list[int]:
    """The user's agencies that are responsible for this item."""
    mine = reporting_organisation_ids(user)
    if not mine:
        return []
    return list(
        Responsibility.objects.filter(item=item, organisation_id__in=mine)
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def reporting_organisation_for(user: Any, item: Item) -> int | None:
    """The organisation a new update of ``user`` on ``item`` is sent for: the user's own
    responsible agency, else (a plan manager reporting on the agency's behalf) the item's
    first responsible organisation, leads first; None for an item nobody owns."""
    mine = reporting_organisations_for(user, item)
    if mine:
        return mine[0]
    return (
        Responsibility.objects.filter(item=item)
        .order_by("role", "pk")
        .values_list("organisation_id", flat=True)
        .first()
    )


@rule("progress.report")
def can_report(user: Any, item: Item | None = None) -> bool:
    """The reporters of a responsible (verified) organisation, and the plan's managers."""
    # A retired item, or an item of a retired plan, is history: nothing more is reported on it.
    if not signed_in(user) or item is None or not item.is_tracked or item.is_retired:
        return False
    if item.plan.is_retired:
        return False
    if reporting_organisations_for(user, item):
        return True
    return has(user, "plans.change_plan", item.plan)


def may_change_update(user: Any, update: ProgressUpdate) -> bool:
    """Whether ``user`` is among those who change ``update`` while it is a draft or returned:
    the reporters of its organisation (a colleague may finish it), or its author when they
    report as a plan manager; in both cases only while the item still takes their reports."""
    if not signed_in(user) or not can_report(user, update.item):
        return False
    if update.organisation_id is not None and update.organisation_id in reporting_organisation_ids(
        user
    ):
        return True
    return update.author_id is not None and update.author_id == user.pk


@rule("progress.edit_update")
def can_edit_update(user: Any, update: ProgressUpdate | None = None) -> bool:
    """A draft or returned update, by ``may_change_update``; never once submitted or
    approved."""
    return update is not None and update.is_editable and may_change_update(user, update)


@rule("progress.review")
def can_review(user: Any, item: Item | None = None) -> bool:
    """Plan managers approve or return the updates on their own plans."""
    return item is not None and has(user, "plans.change_plan", item.plan)


@rule("progress.view_update")
def can_view_update(user: Any, update: ProgressUpdate | None = None) -> bool:
    """An approved update is public (with its plan); one submitted or returned is seen by
    the reporters of the organisation it was sent for, the plan's managers and the site
    administrators."""
    if update is None:
        return False
    if update.state == ProgressUpdate.State.APPROVED:
        return True
    if not signed_in(user):
        return False
    if has(user, "progress.review", update.item):
        return True
    return update.organisation_id is not None and (
        update.organisation_id in reporting_organisation_ids(user)
    )


def viewable_unpublished_updates(user: Any) -> QuerySet[ProgressUpdate] | None:
    """The updates not yet approved that ``user`` sees as a reporter of their organisation
    (``can_view_update``; the plan's managers see theirs through the plan), or None."""
    mine = reporting_organisation_ids(user)
    if not mine:
        return None
    return ProgressUpdate.objects.filter(organisation_id__in=mine).order_by()


def get_update_for_user(user: Any, plan: Plan, pk: int) -> ProgressUpdate:
    """An update of ``plan`` that ``user`` may see; a 404 for anyone else, as for a draft."""
    update = (
        ProgressUpdate.objects.select_related("item", "item__plan", "author", "organisation")
        .filter(pk=pk, item__plan=plan)
        .first()
    )
    if update is None or not has(user, "progress.view_update", update):
        raise Http404("No such progress update.")
    return update
