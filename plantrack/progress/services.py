"""Progress updates: a reporter submits, a plan manager approves or returns."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.models import User
from plantrack.history.services import record
from plantrack.lib.rules import has, require
from plantrack.plans.models import Item, Status
from plantrack.plans.rollup import item_rollup_ancestors

from .models import ProgressUpdate
from .permissions import reporting_organisations_for


class NotAllowedToReview(PermissionDenied):
    """The user may not review updates on this item."""

    code = "not_allowed"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("You may not review updates on this item."))


class OwnUpdate(NotAllowedToReview):
    """Four eyes: nobody approves or returns an update they wrote themselves."""

    code = "own_update"

    def __init__(self) -> None:
        super().__init__(
            _(
                "You cannot review an update you wrote yourself; "
                "another manager of this plan must review it."
            )
        )


class AlreadyReviewed(ValidationError):
    """Someone approved or returned the update before this decision arrived."""

    def __init__(self) -> None:
        super().__init__(
            _("This update was already reviewed. Reload the page to see the decision."),
            code="already_reviewed",
        )


@transaction.atomic
def progress_update_submit(
    *, item: Item, by: User, status: str, progress: float, note: str
) -> ProgressUpdate:
    require(by, "progress.report", item)
    organisations = reporting_organisations_for(by, item)
    update = ProgressUpdate(
        item=item,
        organisation_id=organisations[0] if organisations else None,
        author=by,
        status=status,
        progress=progress,
        note=note.strip(),
    )
    if status == Status.COMPLETED and progress != 100:
        raise ValidationError(
            {"progress": _("A completed item is at 100 %. Change one of the two.")}
        )
    update.full_clean()
    update.save()
    # Not public until approved: only the plan's managers and the reporters see it.
    _record(update, "submitted", by=by, organisation=update.organisation_id, public=False)
    return update


def _record(update: ProgressUpdate, action: str, **extra: Any) -> None:
    item = update.item
    changes = extra.pop("changes", None) or {
        "status": [None, update.status],
        "progress": [None, update.progress],
    }
    record(
        update,
        action,
        label=f"{item.code} {item.title}",
        plan_id=item.plan_id,
        item_id=item.pk,
        changes=changes,
        reason=update.note if action == "submitted" else update.review_note,
        **extra,
    )


@transaction.atomic
def progress_update_review(
    *, update: ProgressUpdate, by: User, approve: bool, note: str = ""
) -> ProgressUpdate:
    """Approve (the item takes the reported status and progress) or return with a note.

    Refusals are distinct: NotAllowedToReview (not a manager of this plan), OwnUpdate (the
    reviewer wrote it) and AlreadyReviewed (someone decided first)."""
    locked = (
        ProgressUpdate.objects.select_for_update().select_related("item__plan").get(pk=update.pk)
    )
    item = locked.item
    if not has(by, "progress.review", item):
        raise NotAllowedToReview()
    if locked.author_id is not None and locked.author_id == by.pk:
        raise OwnUpdate()
    if not approve and not note.strip():
        raise ValidationError({"review_note": _("Say what the reporter should change.")})
    if approve and item.retired_at is not None:
        # Retired after the report came in: its figures would change nothing public.
        raise ValidationError(
            _(
                "Item %(code)s was retired after this report was sent, so the report cannot be "
                "approved. Return it with a note, or restore the item first."
            )
            % {"code": item.code}
        )
    if approve and item.plan.retired_at is not None:
        raise ValidationError(
            _(
                "The plan was retired after this report was sent, so the report cannot be "
                "approved. Return it with a note, or restore the plan first."
            )
        )
    now = timezone.now()
    state = ProgressUpdate.State.APPROVED if approve else ProgressUpdate.State.RETURNED
    # Guarded: only a still-submitted update is decided, whatever this process read before.
    decided = ProgressUpdate.objects.filter(
        pk=locked.pk, state=ProgressUpdate.State.SUBMITTED
    ).update(state=state, reviewed_by=by, reviewed_at=now, review_note=note.strip())
    if not decided:
        raise AlreadyReviewed()
    before = {"status": item.status, "progress": item.progress}
    if approve:
        # The version is bumped in the database: an edit saved since our read still counts.
        Item.objects.filter(pk=item.pk).update(
            status=locked.status,
            progress=locked.progress,
            version=F("version") + 1,
            updated_at=now,
        )
        item.refresh_from_db()
        item_rollup_ancestors(item=item)
    locked.refresh_from_db()
    if approve:
        after = {"status": item.status, "progress": item.progress}
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        _record(locked, "approved", by=by, changes=changes or {"state": ["submitted", "approved"]})
    else:
        changes = {"state": ["submitted", "returned"]}
        _record(locked, "returned", by=by, changes=changes, public=False)
    return locked
