"""Progress updates: a reporter submits, a plan manager approves or returns."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.models import User
from plantrack.lib.rules import require
from plantrack.plans.models import Item, Status
from plantrack.plans.rollup import item_rollup_ancestors

from .models import ProgressUpdate
from .permissions import reporting_organisations_for


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
    return update


@transaction.atomic
def progress_update_review(
    *, update: ProgressUpdate, by: User, approve: bool, note: str = ""
) -> ProgressUpdate:
    """Approve (the item takes the reported status and progress) or return with a note."""
    locked = (
        ProgressUpdate.objects.select_for_update().select_related("item__plan").get(pk=update.pk)
    )
    require(by, "progress.review", locked.item)
    if locked.state != ProgressUpdate.State.SUBMITTED:
        raise PermissionDenied("This update was already reviewed.")
    if not approve and not note.strip():
        raise ValidationError({"review_note": _("Say what the reporter should change.")})
    locked.state = ProgressUpdate.State.APPROVED if approve else ProgressUpdate.State.RETURNED
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    locked.review_note = note.strip()
    locked.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    if approve:
        item = locked.item
        Item.objects.filter(pk=item.pk).update(
            status=locked.status,
            progress=locked.progress,
            version=item.version + 1,
            updated_at=timezone.now(),
        )
        item.refresh_from_db()
        item_rollup_ancestors(item=item)
    return locked
