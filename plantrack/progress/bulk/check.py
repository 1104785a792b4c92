"""Check a whole bulk file: every row, the reports it makes, and what each would do.
Writes nothing; a fixed number of queries besides the per-row permission and service checks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from plantrack.plans.models import Item, Plan, Status

from ..models import Indicator, ProgressUpdate, ReportingPeriod
from ..services import progress_update_validate
from .reading import Sheet, SheetRow
from .results import (
    CORRECTION,
    DRAFT,
    NEW,
    RETURNED,
    UNCHANGED,
    WAITING,
    BulkCheck,
    BulkReport,
    BulkRow,
    BulkValue,
    Context,
)
from .rows import indicator_id, item_row, measurement_row, read_period
from .template import open_updates
from .words import statuses, yes_no_words
from .workflow import arguments, may_change


def _ids(sheet: Sheet) -> set[int]:
    return {pk for row in sheet.rows if (pk := indicator_id(row.get("indicator_id")))}


def _context(plan: Plan, by: Any, sheet: Sheet) -> Context:
    """Everything the rows refer to, in a fixed number of queries."""
    codes = {row.get("code") for row in sheet.rows} - {""}
    items = {
        item.code: item
        for item in Item.objects.filter(plan=plan, code__in=list(codes)).select_related("plan")
    }
    periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("starts_on"))
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(pk__in=list(_ids(sheet)))
        .select_related("item")
        .prefetch_related("dimensions__values")
    }
    breakdowns = {
        pk: {
            f"{dimension.slug}/{value.slug}".casefold(): value
            for dimension in indicator.dimensions.all()
            for value in dimension.values.all()
        }
        for pk, indicator in indicators.items()
    }
    live = [item.pk for item in items.values()]
    approved: set[tuple[int, int]] = set(
        ProgressUpdate.objects.filter(
            item_id__in=live, period__in=periods, state=ProgressUpdate.State.APPROVED
        ).values_list("item_id", "period_id")
    )
    return Context(
        plan=plan,
        by=by,
        items=items,
        periods=periods,
        indicators=indicators,
        breakdowns=breakdowns,
        updates=open_updates(live, periods),
        approved=approved,
        statuses=statuses(),
        yes_no=yes_no_words(),
    )


def _baseline(report: BulkReport) -> tuple[Any, ...]:
    update = report.update
    if update is None:
        return (report.item.status, report.item.progress, "", frozenset())
    values = frozenset(
        (
            m.indicator_id,
            m.dimension_value_id,
            None if m.numerator is not None else m.value,
            m.numerator,
            m.denominator,
            m.note,
        )
        for m in update.measurements.all()
    )
    return (update.status, update.progress, update.note.strip(), values)


def _said(report: BulkReport) -> tuple[Any, ...]:
    return (report.status, report.progress, report.note, frozenset(v.key() for v in report.values))


def _judge(report: BulkReport, ctx: Context) -> None:
    """What sending this report would do, or why it would send nothing."""
    update = ctx.updates.get((report.item.pk, report.period.pk))
    report.update = update
    changed = _said(report) != _baseline(report)
    errors = report.row.errors
    if update is not None and update.state == ProgressUpdate.State.DRAFT:
        report.effect = DRAFT
    elif not changed:
        submitted = update is not None and update.state == ProgressUpdate.State.SUBMITTED
        report.effect = WAITING if submitted else UNCHANGED
        return
    elif update is not None and update.state == ProgressUpdate.State.SUBMITTED:
        errors.append(
            _(
                "%(code)s already has a report on %(period)s waiting for approval, with other "
                "figures; it can be changed once a manager returns it."
            )
            % {"code": report.item.code, "period": report.period.label}
        )
        return
    elif update is not None:
        report.effect = RETURNED
    elif (report.item.pk, report.period.pk) in ctx.approved:
        report.effect = CORRECTION
    else:
        report.effect = NEW
    if update is not None and not may_change(ctx.by, update):
        errors.append(
            _(
                "%(code)s has an unfinished report on %(period)s that you may not change; "
                "the reporters of the organisation it was written for can."
            )
            % {"code": report.item.code, "period": report.period.label}
        )
        return
    if not report.status:
        errors.append(
            _("The status is empty; write one of: %(choices)s.")
            % {"choices": ", ".join(str(label) for _v, label in Status.choices)}
        )
    if report.progress is None:
        errors.append(_("The progress is empty; write a number from 0 to 100."))
    if not report.note:
        errors.append(_("Write what was done in the period: a report needs it."))
    if not errors:
        _service_check(report, ctx)


def _service_check(report: BulkReport, ctx: Context) -> None:
    try:
        progress_update_validate(**arguments(report, ctx.by))
    except PermissionDenied as exc:
        report.row.errors.append(str(exc) or _("You may not report on this item."))
    except ValidationError as exc:
        report.row.errors.extend(dict.fromkeys(exc.messages))


def bulk_check(*, plan: Plan, by: Any, sheet: Sheet) -> BulkCheck:
    """Every row's problems and what each report would do; writes nothing."""
    ctx = _context(plan, by, sheet)
    rows: list[BulkRow] = []
    reports: dict[tuple[int, int], BulkReport] = {}
    firsts: dict[tuple[int, int], int] = {}
    loose: list[tuple[SheetRow, BulkValue]] = []
    for sheet_row in sheet.rows:
        if sheet_row.get("indicator_id"):
            row, value = measurement_row(sheet_row, ctx)
            if value is not None:
                loose.append((sheet_row, value))
        else:
            row, report = item_row(sheet_row, ctx)
            if report is not None:
                key = (report.item.pk, report.period.pk)
                if key in reports:
                    row.errors.append(
                        _("%(code)s already has a row for this period (row %(row)s); keep one.")
                        % {"code": report.item.code, "row": firsts[key]}
                    )
                else:
                    reports[key], firsts[key] = report, row.number
        rows.append(row)
    _attach(loose, reports, ctx)
    for report in reports.values():
        if not report.row.errors:
            _judge(report, ctx)
    ordered = sorted(reports.values(), key=lambda r: r.row.number)
    return BulkCheck(
        format_name=sheet.format_name,
        rows=rows,
        reports=[r for r in ordered if r.effect not in (UNCHANGED, WAITING)],
        unchanged=[r for r in ordered if r.effect in (UNCHANGED, WAITING)],
        warnings=list(sheet.warnings),
    )


def _attach(
    loose: list[tuple[SheetRow, BulkValue]],
    reports: dict[tuple[int, int], BulkReport],
    ctx: Context,
) -> None:
    """Each value to its item's report for the same period; a value without one is a problem."""
    seen: dict[tuple[int, int, int, int | None], int] = {}
    for sheet_row, value in loose:
        errors = value.row.errors
        period = read_period(sheet_row.get("period"), ctx, errors)
        item = value.indicator.item
        report = reports.get((item.pk, period.pk)) if period else None
        if period is not None and report is None:
            errors.append(
                _(
                    "%(code)s has no row of its own for this period (or that row has a "
                    "problem); a value goes with the item's status, progress and what was done."
                )
                % {"code": item.code}
            )
        if report is None:
            continue
        key = (item.pk, period.pk if period else 0, value.indicator.pk, value.dimension_value_id)
        if key in seen:
            errors.append(
                _("This indicator and breakdown already has a value on row %(row)s; keep one.")
                % {"row": seen[key]}
            )
            continue
        seen[key] = value.row.number
        report.values.append(value)
