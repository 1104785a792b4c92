"""Progress reporting: an agency reporter reports only on items their organisation owns."""

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


@rule("progress.report")
def can_report(user: Any, item: Item | None = None) -> bool:
    # A retired item, or an item of a retired plan, is history: nothing more is reported on it.
    if not signed_in(user) or item is None or not item.is_tracked or item.is_retired:
        return False
    if item.plan.is_retired:
        return False
    return bool(reporting_organisations_for(user, item))


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
