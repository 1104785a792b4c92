"""Progress reporting: an agency reporter reports only on items their organisation owns."""

from __future__ import annotations

from typing import Any

from plantrack.lib.rules import has, rule, signed_in
from plantrack.organisations.permissions import reporting_organisation_ids
from plantrack.plans.models import Item, Responsibility


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
