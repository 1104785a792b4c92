"""Reporting periods: a plan's calendar of periods with due dates.

Writes (``periods_generate``, ``period_lock``, ``period_unlock``) follow the services' rules:
keyword-only, atomic, the permission checked here, one history event each. Reads: the
periods a reporter may report on (``open_periods``) and the one a new report starts on
(``default_period``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plantrack.lib.rules import require

if TYPE_CHECKING:
    from plantrack.plans.models import Item, Plan

    from .models import ReportingPeriod

# One generation makes at most this many periods (25 years of quarters).
MAX_PERIODS_AT_ONCE = 100
MAX_DUE_DAYS = 366
MONTHS = {"quarterly": 3, "half_yearly": 6, "annual": 12}


def period_label(period: ReportingPeriod) -> str:
    """ "2026 Q3", "2026 H1", "2026"; the dates for a period that is none of these."""
    start, end = period.starts_on, period.ends_on
    same_year = start.year == end.year
    if same_year and start.day == 1 and start.month == 1 and end.month == 12 and end.day == 31:
        return str(start.year)
    if same_year and start.day == 1 and (start.month - 1) % 3 == 0:
        quarter = (start.month - 1) // 3 + 1
        months = end.month - start.month + 1
        if months == 3:
            return _("%(year)s Q%(quarter)s") % {"year": start.year, "quarter": quarter}
        if months == 6 and start.month in (1, 7):
            return _("%(year)s H%(half)s") % {
                "year": start.year,
                "half": 1 if start.month == 1 else 2,
            }
    return f"{start.isoformat()} – {end.isoformat()}"


def today() -> dt.date:
    return timezone.localdate()


# -- The calendar's shape ---------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _spans(frequency: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar periods of ``frequency`` from the one holding ``first`` to the one
    holding ``last``: quarters, halves or years."""
    months = MONTHS[frequency]
    start = dt.date(first.year, (first.month - 1) // months * months + 1, 1)
    spans: list[tuple[dt.date, dt.date]] = []
    while start <= last and len(spans) <= MAX_PERIODS_AT_ONCE:
        following = _add_months(start, months)
        spans.append((start, following - dt.timedelta(days=1)))
        start = following
    return spans


def _check_generation(frequency: str, first: Any, last: Any, due_days: Any) -> None:
    errors: dict[str, str] = {}
    if frequency not in MONTHS:
        errors["frequency"] = _("Choose quarterly, half-yearly or annual.")
    if not isinstance(first, dt.date):
        errors["first"] = _("Give the date the first period starts, as YYYY-MM-DD.")
    if not isinstance(last, dt.date):
        errors["last"] = _("Give the date the last period ends, as YYYY-MM-DD.")
    elif isinstance(first, dt.date) and last < first:
        errors["last"] = _("The last period cannot end before the first one starts.")
    if not isinstance(due_days, int) or not 0 <= due_days <= MAX_DUE_DAYS:
        errors["due_days"] = _(
            "Reports fall due 0 to %(limit)s days after their period ends; give a number in "
            "that range."
        ) % {"limit": MAX_DUE_DAYS}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def periods_generate(
    *,
    plan: Plan,
    by: Any,
    frequency: str = "quarterly",
    first: dt.date,
    last: dt.date,
    due_days: int = 30,
) -> list[ReportingPeriod]:
    """Add the plan's reporting periods from ``first`` to ``last`` (whole quarters, halves
    or years; each due ``due_days`` after it ends). Periods the plan already has are kept
    as they are, so generating again adds only what is missing; a new period that would
    overlap an existing one of another shape is refused. Returns the periods added."""
    from plantrack.history.services import record
    from plantrack.plans.models import Plan

    from .models import ReportingPeriod

    require(by, "plans.change_plan", plan)
    _check_generation(frequency, first, last, due_days)
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    spans = _spans(frequency, first, last)
    if len(spans) > MAX_PERIODS_AT_ONCE:
        raise ValidationError(
            {
                "last": _(
                    "That makes more than %(limit)s periods; the limit is %(limit)s at once. "
                    "Choose a shorter range and generate the rest afterwards."
                )
                % {"limit": MAX_PERIODS_AT_ONCE}
            }
        )
    existing = list(ReportingPeriod.objects.filter(plan=plan))
    kept = {(p.starts_on, p.ends_on) for p in existing}
    new = []
    for start, end in spans:
        if (start, end) in kept:
            continue
        clash = next((p for p in existing if p.starts_on <= end and p.ends_on >= start), None)
        if clash is not None:
            raise ValidationError(
                {
                    "first": _(
                        "The period %(new)s would overlap the existing period %(old)s. "
                        "Choose the frequency of the existing calendar, or a range after it."
                    )
                    % {
                        "new": f"{start.isoformat()} – {end.isoformat()}",
                        "old": f"{clash.starts_on.isoformat()} – {clash.ends_on.isoformat()}",
                    }
                }
            )
        new.append(
            ReportingPeriod(
                plan=plan,
                starts_on=start,
                ends_on=end,
                due_on=end + dt.timedelta(days=due_days),
                frequency=frequency,
            )
        )
    if not new:
        return []
    for period in new:
        period.full_clean(validate_unique=False)
    created = ReportingPeriod.objects.bulk_create(new)
    span = f"{created[0].label} – {created[-1].label}" if len(created) > 1 else created[0].label
    record(
        plan,
        "added",
        by=by,
        label=plan.short_name,
        plan_id=plan.pk,
        changes={"reporting_periods": [None, f"{span} ({len(created)})"]},
    )
    return list(ReportingPeriod.objects.filter(pk__in=[p.pk for p in created]))


def _locked_period(period: ReportingPeriod) -> ReportingPeriod:
    from .models import ReportingPeriod

    return (
        ReportingPeriod.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=period.pk)
    )


def _record_period(period: ReportingPeriod, by: Any, changes: dict[str, Any], reason: str) -> None:
    from plantrack.history.services import record

    record(
        period,
        "changed",
        by=by,
        label=f"{period.plan.short_name} {period.label}",
        plan_id=period.plan_id,
        changes=changes,
        reason=reason,
    )


@transaction.atomic
def period_lock(*, period: ReportingPeriod, by: Any) -> ReportingPeriod:
    """Close a period: it takes no new report, edit, submission or approval. Refused while
    reports on it still wait for a decision."""
    from .models import ProgressUpdate

    locked = _locked_period(period)
    require(by, "plans.change_plan", locked.plan)
    if locked.is_locked:
        raise ValidationError(
            _("The period %(period)s is already locked.") % {"period": locked.label}
        )
    waiting = ProgressUpdate.objects.filter(
        period=locked, state=ProgressUpdate.State.SUBMITTED
    ).count()
    if waiting:
        raise ValidationError(
            ngettext(
                "The period %(period)s still has %(count)s report waiting for approval. "
                "Approve or return it first, then lock the period.",
                "The period %(period)s still has %(count)s reports waiting for approval. "
                "Approve or return them first, then lock the period.",
                waiting,
            )
            % {"period": locked.label, "count": waiting},
            code="reports_waiting",
        )
    locked.locked_at = timezone.now()
    locked.locked_by = by
    locked.save(update_fields=["locked_at", "locked_by"])
    _record_period(locked, by, {"locked_at": [None, locked.locked_at]}, "")
    return locked


@transaction.atomic
def period_unlock(*, period: ReportingPeriod, by: Any, reason: str) -> ReportingPeriod:
    """Open a locked period again (to correct a report), saying why."""
    locked = _locked_period(period)
    require(by, "plans.change_plan", locked.plan)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the period is opened again.")})
    if len(reason) > 2000:
        raise ValidationError(
            {"reason": _("The reason is longer than %(limit)s characters.") % {"limit": 2000}}
        )
    if not locked.is_locked:
        raise ValidationError(_("The period %(period)s is not locked.") % {"period": locked.label})
    before = locked.locked_at
    locked.locked_at = None
    locked.locked_by = None
    locked.save(update_fields=["locked_at", "locked_by"])
    _record_period(locked, by, {"locked_at": [before, None]}, reason)
    return locked


# -- Reads --------------------------------------------------------------------------------------


def open_periods(*, plan: Plan, on: dt.date | None = None) -> list[ReportingPeriod]:
    """The periods of ``plan`` a report may be written for: started, not locked; latest
    first (the current period leads the list)."""
    from .models import ReportingPeriod

    return list(
        ReportingPeriod.objects.filter(
            plan=plan, starts_on__lte=on or today(), locked_at__isnull=True
        ).order_by("-starts_on")
    )


def default_period(
    *, item: Item, on: dt.date | None = None, periods: list[ReportingPeriod] | None = None
) -> ReportingPeriod | None:
    """The period a new report on ``item`` starts on: the earliest ended, unlocked period
    with no submitted or approved report on the item, else the current period (else the
    latest open one)."""
    from .models import ProgressUpdate

    on = on or today()
    candidates = periods if periods is not None else open_periods(plan=item.plan, on=on)
    if not candidates:
        return None
    ended = [p for p in candidates if p.ends_on < on]
    if ended:
        reported = set(
            ProgressUpdate.objects.filter(
                item=item,
                period__in=ended,
                state__in=[ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.APPROVED],
            ).values_list("period_id", flat=True)
        )
        unreported = sorted((p for p in ended if p.pk not in reported), key=lambda p: p.starts_on)
        if unreported:
            return unreported[0]
    current = [p for p in candidates if p.starts_on <= on <= p.ends_on]
    return current[0] if current else max(candidates, key=lambda p: p.starts_on)


@dataclass
class PeriodRow:
    period: ReportingPeriod
    submitted: int
    approved: int
    open: int  # drafts and returned reports

    @property
    def started(self) -> bool:
        return self.period.starts_on <= today()


def plan_periods(*, plan: Plan) -> list[PeriodRow]:
    """The plan's periods with their reports counted by state, for the managers' page: one
    query."""
    from .models import ProgressUpdate, ReportingPeriod

    state = ProgressUpdate.State
    rows = (
        ReportingPeriod.objects.filter(plan=plan)
        .select_related("locked_by")
        .annotate(
            n_submitted=Count("updates", filter=Q(updates__state=state.SUBMITTED)),
            n_approved=Count("updates", filter=Q(updates__state=state.APPROVED)),
            n_open=Count("updates", filter=Q(updates__state__in=[state.DRAFT, state.RETURNED])),
        )
        .order_by("starts_on")
    )
    return [
        PeriodRow(p, p.n_submitted, p.n_approved, p.n_open)  # type: ignore[attr-defined]
        for p in rows
    ]
