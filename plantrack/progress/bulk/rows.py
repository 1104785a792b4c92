"""One row of a bulk file read and checked: an item row (status, progress, what was done)
or a measurement row (an indicator's value). Permission is checked for each row's own item."""

from __future__ import annotations

from django.utils.translation import gettext as _

from plantrack.lib.rules import has
from plantrack.plans.models import Item, Status

from ..models import Indicator, ReportingPeriod
from .reading import SheetRow
from .results import BulkReport, BulkRow, BulkValue, Context
from .scope import today
from .sheet import norm
from .words import level_name, levels, number, period_key, period_names, squash

NOTE_LIMIT = 4000  # ProgressUpdate.note
VALUE_NOTE_LIMIT = 500  # Measurement.note
MAX_ID = 2**31 - 1  # ids past a 32-bit integer are no indicator's (PostgreSQL would refuse them)


def indicator_id(text: str) -> int | None:
    """An indicator id as a file writes it (ASCII digits, within a database integer)."""
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def read_period(text: str, ctx: Context, errors: list[str]) -> ReportingPeriod | None:
    example = period_key(ctx.periods[-1]) if ctx.periods else "2026-01-01/2026-03-31"
    if not text:
        errors.append(
            _("The period is empty; write it as the template does, like %(example)s.")
            % {"example": example}
        )
        return None
    wanted = squash(text)
    period = next((p for p in ctx.periods if wanted in period_names(p)), None)
    if period is None:
        errors.append(
            _(
                "“%(text)s” is not a reporting period of this plan; write it as the template "
                "does, like %(example)s."
            )
            % {"text": text[:40], "example": example}
        )
    elif period.starts_on > today():
        errors.append(
            _("The period %(period)s has not started; its report can be sent once it starts.")
            % {"period": period.label}
        )
    elif period.is_locked:
        errors.append(
            _("The period %(period)s is locked: its reports are closed.") % {"period": period.label}
        )
    else:
        return period
    return None


def read_item(code: str, row: SheetRow, ctx: Context, errors: list[str]) -> Item | None:
    other_plan = row.get("plan")
    if other_plan and other_plan != ctx.plan.slug:
        errors.append(
            _(
                "This row is for the plan “%(plan)s”, not this one; upload it on that plan's "
                "bulk update page."
            )
            % {"plan": other_plan[:80]}
        )
        return None
    if not code:
        errors.append(_("The code is empty; keep the code the template gave."))
        return None
    item = ctx.items.get(code)
    if item is None:
        errors.append(
            _(
                "There is no item with the code %(code)s in this plan; keep the code the "
                "template gave."
            )
            % {"code": code[:40]}
        )
    elif not _same_title(row.get("item"), item):
        errors.append(
            _(
                "The item title in this row is not the title of %(code)s, so its code may have "
                "changed (Excel turns a code like 1.10 into 1.1 in a CSV file). Keep the code "
                "the template gave, or use the XLSX template."
            )
            % {"code": code}
        )
    elif not item.is_tracked:
        errors.append(
            _("%(code)s is not an activity or a recommendation, so it takes no reports.")
            % {"code": code}
        )
    elif item.is_retired:
        errors.append(_("%(code)s is retired and takes no more reports.") % {"code": code})
    elif not has(ctx.by, "progress.report", item):
        # Checked per row: another organisation's code written into the file gains nothing.
        errors.append(
            _("You do not report on %(code)s: none of your organisations is responsible for it.")
            % {"code": code}
        )
    else:
        return item
    return None


def _same_title(title: str, item: Item) -> bool:
    """An empty title says nothing; a given one must be the item's, in either language."""
    return not title or norm(title) in {norm(item.title_en), norm(item.title_mn)}


def item_row(row: SheetRow, ctx: Context) -> tuple[BulkRow, BulkReport | None]:
    errors: list[str] = []
    code = row.get("code")
    status_text, progress_text, note = row.get("status"), row.get("progress"), row.get("note")
    summary = ", ".join(
        part for part in (status_text, progress_text and f"{progress_text} %") if part
    )
    result = BulkRow(number=row.number, code=code, summary=summary, errors=errors)
    item = read_item(code, row, ctx, errors)
    period = read_period(row.get("period"), ctx, errors) if item else None
    status = ctx.statuses.get(status_text.casefold())
    if status_text and status is None:
        errors.append(
            _("“%(text)s” is not a status; write one of: %(choices)s.")
            % {
                "text": status_text[:40],
                "choices": ", ".join(str(label) for _v, label in Status.choices),
            }
        )
    progress = number(progress_text) if progress_text else None
    if progress_text and progress is None:
        errors.append(
            _("The progress “%(text)s” is not a number; write a number from 0 to 100.")
            % {"text": progress_text[:40]}
        )
    elif progress is not None and not 0 <= progress <= 100:
        errors.append(
            _("The progress is %(value)s; it must be from 0 to 100.")
            % {"value": progress_text[:40]}
        )
    if len(note) > NOTE_LIMIT:
        errors.append(
            _("What was done is %(count)s characters long; the limit is %(limit)s.")
            % {"count": f"{len(note):,}", "limit": f"{NOTE_LIMIT:,}"}
        )
    if item is None or period is None or errors:
        return result, None
    return result, BulkReport(
        row=result,
        item=item,
        period=period,
        status=status or "",
        progress=progress,
        note=note,
    )


def read_value(text: str, indicator: Indicator, ctx: Context, errors: list[str]) -> float | None:
    if not text:
        return None
    if indicator.kind == Indicator.Kind.QUALITATIVE:
        known = levels(indicator)
        if text.casefold() not in known:
            names = ", ".join(level_name(level) for level in indicator.scale or [])
            errors.append(
                _("“%(text)s” is not a level of this indicator; write one of: %(levels)s.")
                % {"text": text[:40], "levels": names}
            )
            return None
        return float(known[text.casefold()])
    if indicator.kind == Indicator.Kind.YES_NO:
        if text.casefold() not in ctx.yes_no:
            errors.append(
                _("Write %(yes)s or %(no)s, not “%(text)s”.")
                % {"yes": _("Yes"), "no": _("No"), "text": text[:40]}
            )
            return None
        return ctx.yes_no[text.casefold()]
    found = number(text)
    if found is None:
        errors.append(_("“%(text)s” is not a number.") % {"text": text[:40]})
    return found


def measurement_row(row: SheetRow, ctx: Context) -> tuple[BulkRow, BulkValue | None]:
    errors: list[str] = []
    code, id_text, key = row.get("code"), row.get("indicator_id"), row.get("breakdown_key")
    cells = {name: row.get(name) for name in ("value", "numerator", "denominator")}
    note = row.get("measurement_note")
    summary = " · ".join(
        part
        for part in (
            _("indicator %(id)s") % {"id": id_text[:20]},
            row.get("breakdown") or key or _("Total"),
            " / ".join(v for v in (cells["numerator"], cells["denominator"]) if v)
            or cells["value"],
        )
        if part
    )
    result = BulkRow(number=row.number, code=code, summary=summary, measurement=True, errors=errors)
    if not any(cells.values()):
        return result, None  # nothing reported for this indicator: the row says nothing
    if any(row.get(name) for name in ("status", "progress", "note")):
        errors.append(
            _(
                "A row with an indicator takes only values; write the status, progress and "
                "what was done on the item's own row (the one without an Indicator ID)."
            )
        )
    indicator = ctx.indicators.get(indicator_id(id_text) or 0)
    if indicator is None:
        errors.append(
            _("There is no indicator with the ID “%(id)s”; keep the ID the template gave.")
            % {"id": id_text[:20]}
        )
        return result, None
    if indicator.item.plan_id != ctx.plan.pk or indicator.item.code != code:
        errors.append(
            _(
                "Indicator %(id)s is not one of %(code)s's indicators; keep the code and ID "
                "the template gave."
            )
            % {"id": indicator.pk, "code": code[:40]}
        )
        return result, None
    if not indicator.measured:
        errors.append(
            _("Indicator %(id)s is not set up for measurement yet; ask the plan's managers.")
            % {"id": indicator.pk}
        )
        return result, None
    dimension_value = None
    if key:
        dimension_value = ctx.breakdowns[indicator.pk].get(key.casefold())
        if dimension_value is None:
            keys = ", ".join(sorted(ctx.breakdowns[indicator.pk])) or _("none")
            errors.append(
                _(
                    "“%(key)s” is not a breakdown of this indicator; use one of: %(keys)s, or "
                    "leave it empty for the total."
                )
                % {"key": key[:60], "keys": keys}
            )
    numerator = denominator = value = None
    if indicator.kind == Indicator.Kind.PERCENTAGE:
        if not (cells["numerator"] and cells["denominator"]):
            errors.append(
                _(
                    "This indicator is a percentage: give the numerator and the denominator "
                    "(the percentage is computed)."
                )
            )
        numerator = read_value(cells["numerator"], indicator, ctx, errors)
        denominator = read_value(cells["denominator"], indicator, ctx, errors)
        if numerator is not None and numerator < 0:
            errors.append(_("The numerator must be 0 or more."))
        if denominator is not None and denominator <= 0:
            errors.append(_("The denominator must be more than 0."))
    else:
        if cells["numerator"] or cells["denominator"]:
            errors.append(_("This indicator takes a value, not a numerator and a denominator."))
        value = read_value(cells["value"], indicator, ctx, errors)
        if value is None and not errors:
            errors.append(_("The value is empty."))
    if len(note) > VALUE_NOTE_LIMIT:
        errors.append(
            _("The value note is %(count)s characters long; the limit is %(limit)s.")
            % {"count": f"{len(note):,}", "limit": VALUE_NOTE_LIMIT}
        )
    if errors:
        return result, None
    return result, BulkValue(
        row=result,
        indicator=indicator,
        dimension_value_id=dimension_value.pk if dimension_value else None,
        value=value,
        numerator=numerator,
        denominator=denominator,
        note=note,
    )
