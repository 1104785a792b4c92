"""Progress updates: a reporter (or a plan manager) writes a draft or submits, a plan manager
approves or returns, the reporter corrects and submits again.

draft → submitted → approved | returned; returned → (edit) → submitted. One open update
(draft, submitted or returned) per item and period; a new update on a period that already
has an approved one is a correction (the latest approved one counts). A locked period takes
no new update, edit, submission or approval. Every transition writes one history event (not
public until approved) and tells ``notify.progress_notify``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.models import User
from plantrack.history.services import record
from plantrack.lib.rules import has, require
from plantrack.plans.models import Item
from plantrack.plans.rollup import item_rollup_ancestors

from . import actuals, evidence, notify
from .checks import Errors, MeasurementInput, check
from .models import Evidence, Measurement, ProgressUpdate, ReportingPeriod
from .permissions import may_change_update, reporting_organisation_for


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


def progress_update_validate(
    *,
    item: Item,
    by: Any,
    period: ReportingPeriod | None,
    status: Any,
    progress: Any,
    note: Any,
    measurements: Iterable[MeasurementInput] = (),
    update: ProgressUpdate | None = None,
) -> None:
    """Check a report without writing anything: a ValidationError whose messages are keyed
    by field ("period", "status", "progress", "note", "measurements", ``measurement_key``)
    and name the indicator they are about. It does not check ``by``'s permission; saving
    does (``progress.report``, ``progress.edit_update``)."""
    errors = Errors()
    check(
        errors,
        item=item,
        period=period,
        status=status,
        progress=progress,
        note=note,
        measurements=measurements,
        update=update,
    )
    errors.raise_any()


# -- Writes -------------------------------------------------------------------------------------


def _locked_update(
    update: ProgressUpdate, item: Item, by: Any, version: int | None
) -> ProgressUpdate:
    locked = (
        ProgressUpdate.objects.select_for_update(of=("self",))
        .select_related("item__plan", "period")
        .filter(pk=update.pk)
        .first()
    )
    if locked is None or locked.item_id != item.pk:
        raise PermissionDenied("progress.edit_update")
    # Who may change it at all, whatever its state (a stranger learns nothing of its state).
    if not may_change_update(by, locked):
        raise PermissionDenied("progress.edit_update")
    if not locked.is_editable:
        raise ValidationError(
            _(
                "This report is %(state)s, so it can no longer be changed. To correct an "
                "approved report, write a new report on the same period."
            )
            % {"state": locked.get_state_display().lower()},
            code="not_editable",
        )
    if version is not None and version != locked.version:
        raise ValidationError(
            _(
                "Someone changed this report after you opened it. Reload the page, check "
                "their changes and make yours again."
            ),
            code="stale",
        )
    return locked


def _locked_period(period: ReportingPeriod | None) -> ReportingPeriod | None:
    if period is None:
        return None
    # Serialises reports on a period with its locking (period_lock counts waiting reports).
    return ReportingPeriod.objects.select_for_update().filter(pk=period.pk).first() or period


def _summary(update: ProgressUpdate) -> dict[str, Any]:
    files = update.evidence.order_by("pk")
    return {
        "status": update.status,
        "progress": update.progress,
        "period": update.period.label if update.period_id and update.period else None,
        "note": update.note,
        "measurements": update.measurements.count(),
        "evidence": [e.original_name or e.url for e in files],
    }


@transaction.atomic
def progress_update_save(
    *,
    item: Item,
    by: Any,
    period: ReportingPeriod | None,
    status: Any,
    progress: Any,
    note: Any,
    measurements: Iterable[MeasurementInput] = (),
    evidence_files: Sequence[Any] = (),
    evidence_links: Iterable[Any] = (),
    update: ProgressUpdate | None = None,
    version: int | None = None,
    submit: bool = True,
    remove_evidence: Iterable[int] = (),
) -> ProgressUpdate:
    """Write a new report (``update`` None) or change a draft or returned one, and submit it
    for approval (``submit``) or keep it as a draft. ``measurements`` replace the report's
    values; ``evidence_files`` and ``evidence_links`` are added, ``remove_evidence`` (ids of
    this report's evidence) taken away. A stale ``version`` is refused. All checks run
    before anything is written; one history event and, on submission, one notice."""
    if update is None:
        require(by, "progress.report", item)
        item = Item.objects.select_related("plan").get(pk=item.pk)
        existing = None
    else:
        existing = _locked_update(update, item, by, version)
        item = existing.item
    period = _locked_period(period)
    errors = Errors()
    checked = check(
        errors,
        item=item,
        period=period,
        status=status,
        progress=progress,
        note=note,
        measurements=measurements,
        update=existing,
    )
    removed = []
    if existing is not None:
        wanted = {pk for pk in remove_evidence if isinstance(pk, int)}
        removed = list(existing.evidence.filter(pk__in=wanted))
        if len(removed) != len(set(remove_evidence)):
            errors.add("evidence_files", _("Some of the evidence to remove is not on this report."))
    kept = existing.evidence.exclude(pk__in=[e.pk for e in removed]) if existing else None
    files: list[evidence.CheckedFile] = []
    links: list[evidence.EvidenceLink] = []
    try:
        files = evidence.evidence_check_all(
            evidence_files, already=kept.filter(url="").count() if kept is not None else 0
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                errors.add(key, message)
    try:
        links = evidence.links_check(
            evidence_links, already=kept.exclude(url="").count() if kept is not None else 0
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                errors.add(key, message)
    errors.raise_any()

    now = timezone.now()
    state: str = ProgressUpdate.State.SUBMITTED if submit else ProgressUpdate.State.DRAFT
    if existing is None:
        before = None
        saved = ProgressUpdate(
            item=item,
            period=period,
            organisation_id=reporting_organisation_for(by, item),
            author=by,
            status=checked.status,
            progress=checked.progress,
            note=checked.note,
            state=state,
            submitted_at=now if submit else None,
        )
        saved.save()
        action = "submitted" if submit else "created"
    else:
        saved = existing
        before = _summary(saved)
        previous = saved.state
        if not submit:
            # A returned report saved unsent stays returned: its review note still applies.
            state = previous
        saved.period = period
        saved.status, saved.progress, saved.note = checked.status, checked.progress, checked.note
        saved.state = state
        if submit:
            saved.submitted_at = now
        saved.version = F("version") + 1  # type: ignore[assignment]
        saved.save()
        saved.refresh_from_db()
        action = (
            "changed"
            if not submit
            else ("resubmitted" if previous == ProgressUpdate.State.RETURNED else "submitted")
        )
        Measurement.objects.filter(update=saved).delete()
        if removed:
            evidence.remove_files_after_commit(e.file.name for e in removed if e.file)
            Evidence.objects.filter(pk__in=[e.pk for e in removed]).delete()
    for row in checked.measurements:
        row.update = saved
        row.period = period
        row.approved = False
    Measurement.objects.bulk_create(checked.measurements)
    evidence.evidence_store(update=saved, files=files, links=links, by=by)
    after = _summary(saved)
    if before is None:
        changes = {k: [None, v] for k, v in after.items() if k != "note" and v not in (None, 0, [])}
        changes["status"], changes["progress"] = [None, saved.status], [None, saved.progress]
    else:
        changes = {k: [before[k], after[k]] for k in after if k != "note" and before[k] != after[k]}
        if before["note"] != after["note"]:
            changes["note"] = [before["note"], after["note"]]
        if previous != saved.state or not changes:
            changes["state"] = [previous, saved.state]
    _record(saved, action, by=by, organisation=saved.organisation_id, changes=changes, public=False)
    if submit:
        notify.progress_notify(update=saved, action="submitted", by=by)
    return saved


def progress_update_submit(
    *,
    item: Item,
    by: Any,
    status: Any,
    progress: Any,
    note: Any,
    period: ReportingPeriod | None = None,
    measurements: Iterable[MeasurementInput] = (),
    evidence_files: Sequence[Any] = (),
    evidence_links: Iterable[Any] = (),
) -> ProgressUpdate:
    """A new report sent for approval at once (``progress_update_save`` with ``submit``)."""
    return progress_update_save(
        item=item,
        by=by,
        period=period,
        status=status,
        progress=progress,
        note=note,
        measurements=measurements,
        evidence_files=evidence_files,
        evidence_links=evidence_links,
        submit=True,
    )


def _record(update: ProgressUpdate, action: str, **extra: Any) -> None:
    item = update.item
    changes = extra.pop("changes", None) or {
        "status": [None, update.status],
        "progress": [None, update.progress],
    }
    sent = action in ("submitted", "resubmitted")
    record(
        update,
        action,
        label=f"{item.code} {item.title}",
        plan_id=item.plan_id,
        item_id=item.pk,
        changes=changes,
        reason=update.note if sent else update.review_note if action != "changed" else "",
        **extra,
    )


def _newer_approved(update: ProgressUpdate) -> bool:
    """Whether an approved report on a later period already set the item's figures."""
    if update.period_id is None or update.period is None:
        return False
    return (
        ProgressUpdate.objects.filter(
            item_id=update.item_id,
            state=ProgressUpdate.State.APPROVED,
            period__starts_on__gt=update.period.starts_on,
        )
        .exclude(pk=update.pk)
        .exists()
    )


@transaction.atomic
def progress_update_review(
    *, update: ProgressUpdate, by: User, approve: bool, note: str = ""
) -> ProgressUpdate:
    """Approve (the item takes the reported status and progress, the measurements count
    and the indicators' actuals are recomputed) or return with a note.

    Refusals are distinct: NotAllowedToReview (not a manager of this plan), OwnUpdate (the
    reviewer wrote it) and AlreadyReviewed (someone decided first); a locked period takes
    no approval."""
    locked = (
        ProgressUpdate.objects.select_for_update(of=("self",))
        .select_related("item__plan", "period")
        .get(pk=update.pk)
    )
    item = locked.item
    if not has(by, "progress.review", item):
        raise NotAllowedToReview()
    if locked.author_id is not None and locked.author_id == by.pk:
        raise OwnUpdate()
    if locked.state == ProgressUpdate.State.DRAFT:
        raise ValidationError(
            _("This report is still a draft; it can be reviewed once its reporter submits it."),
            code="draft",
        )
    if locked.state != ProgressUpdate.State.SUBMITTED:
        raise AlreadyReviewed()  # decided before: that, not the period's lock, is the answer
    if not approve and not note.strip():
        raise ValidationError({"review_note": _("Say what the reporter should change.")})
    note_limit = ProgressUpdate._meta.get_field("review_note").max_length or 2000
    if len(note.strip()) > note_limit:
        raise ValidationError(
            {
                "review_note": _(
                    "The note is %(length)s characters long; the limit is %(limit)s. Shorten it."
                )
                % {"length": len(note.strip()), "limit": note_limit}
            }
        )
    period = _locked_period(locked.period)
    if approve and period is not None and period.is_locked:
        raise ValidationError(
            _(
                "The period %(period)s is locked, so no report on it can be approved. Open the "
                "period again on the plan's reporting periods page first."
            )
            % {"period": period.label},
            code="period_locked",
        )
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
    ).update(
        state=state,
        reviewed_by=by,
        reviewed_at=now,
        review_note=note.strip(),
        version=F("version") + 1,
    )
    if not decided:
        raise AlreadyReviewed()
    before = {"status": item.status, "progress": item.progress}
    if approve and not _newer_approved(locked):
        # The version is bumped in the database: an edit saved since our read still counts.
        Item.objects.filter(pk=item.pk).update(
            status=locked.status,
            progress=locked.progress,
            version=F("version") + 1,
            updated_at=now,
        )
        item.refresh_from_db()
        item_rollup_ancestors(item=item)
    if approve:
        Measurement.objects.filter(update=locked).update(approved=True)
        indicator_ids = sorted(
            set(Measurement.objects.filter(update=locked).values_list("indicator_id", flat=True))
        )
        if indicator_ids:
            actuals.indicator_actuals_recompute(indicator_ids=indicator_ids)
    locked.refresh_from_db()
    if approve:
        after = {"status": item.status, "progress": item.progress}
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        _record(locked, "approved", by=by, changes=changes or {"state": ["submitted", "approved"]})
        notify.progress_notify(update=locked, action="approved", by=by)
    else:
        changes = {"state": ["submitted", "returned"]}
        _record(locked, "returned", by=by, changes=changes, public=False)
        notify.progress_notify(update=locked, action="returned", by=by)
    return locked
