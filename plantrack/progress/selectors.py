"""Reads of progress updates for the item page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plantrack.lib.rules import has, signed_in
from plantrack.plans.models import Item

from .forms import ReviewForm
from .models import ProgressUpdate


@dataclass
class ItemUpdates:
    # The approved ones are the item's timeline (dashboards.item_timeline).
    pending: list[ProgressUpdate] = field(default_factory=list)  # for the plan's managers
    mine: list[ProgressUpdate] = field(default_factory=list)  # the reporter's own, not approved
    can_report: bool = False
    can_review: bool = False
    user_id: int | None = None

    @property
    def reviews(self) -> list[tuple[ProgressUpdate, ReviewForm | None]]:
        """Each pending update with its review form; none for the viewer's own updates,
        which another manager reviews (four eyes)."""
        return [
            (update, None if update.author_id == self.user_id else ReviewForm.for_update(update))
            for update in self.pending
        ]


def item_updates(*, item: Item, user: Any) -> ItemUpdates:
    base = ProgressUpdate.objects.filter(item=item).select_related("author", "organisation")
    result = ItemUpdates()
    if not signed_in(user) or not item.is_tracked:
        return result
    result.user_id = user.pk
    result.can_review = has(user, "progress.review", item)
    result.can_report = has(user, "progress.report", item)
    if result.can_review:
        result.pending = list(base.filter(state=ProgressUpdate.State.SUBMITTED))
    if result.can_report:
        result.mine = list(base.filter(author=user).exclude(state=ProgressUpdate.State.APPROVED))
    return result
