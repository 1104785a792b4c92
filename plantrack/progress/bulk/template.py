"""The rows of one person's template: their items in a period, pre-filled with the open
report where there is one, else the item's own status and progress."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.plans.models import Plan, Status

from ..models import Dimension, DimensionValue, Indicator, ProgressUpdate, ReportingPeriod
from .scope import OPEN_STATES, bulk_items
from .sheet import Template, TemplateRow
from .words import level_name, period_key


def _indicators(items: Any) -> dict[int, list[Indicator]]:
    values = Prefetch("values", queryset=DimensionValue.objects.order_by("position", "name_en"))
    dimensions = Prefetch("dimensions", queryset=Dimension.objects.prefetch_related(values))
    found: dict[int, list[Indicator]] = {}
    for indicator in (
        Indicator.objects.filter(item__in=items, measured=True)
        .prefetch_related(dimensions)
        .order_by("item_id", "position", "pk")
    ):
        found.setdefault(indicator.item_id, []).append(indicator)
    return found


def open_updates(items: Any, periods: Iterable[ReportingPeriod]) -> dict[tuple[int, int], Any]:
    """{(item id, period id): its open update (the newest)}, with its measurements."""
    found: dict[tuple[int, int], ProgressUpdate] = {}
    for update in (
        ProgressUpdate.objects.filter(
            item__in=items, period__in=list(periods), state__in=OPEN_STATES
        )
        .prefetch_related("measurements")
        .order_by("created_at", "pk")
    ):
        assert update.period_id is not None
        found[(update.item_id, update.period_id)] = update
    return found


def _kind_hint(indicator: Indicator, yes_no: tuple[str, str]) -> str:
    if indicator.kind == Indicator.Kind.PERCENTAGE:
        return _("numerator and denominator (more than 0); the percentage is computed")
    if indicator.kind == Indicator.Kind.QUALITATIVE:
        names = [level_name(level) for level in indicator.scale or []]
        return _("one of: %(levels)s") % {"levels": ", ".join(names)}
    if indicator.kind == Indicator.Kind.YES_NO:
        return _("%(yes)s or %(no)s") % {"yes": yes_no[0], "no": yes_no[1]}
    if indicator.unit:
        return _("a number, in %(unit)s") % {"unit": indicator.unit}
    return _("a number")


def _written_value(indicator: Indicator, value: float | None, yes_no: tuple[str, str]) -> Any:
    if value is None:
        return None
    if indicator.kind == Indicator.Kind.QUALITATIVE:
        scale = indicator.scale or []
        index = int(value)
        return level_name(scale[index]) if 0 <= index < len(scale) else value
    if indicator.kind == Indicator.Kind.YES_NO:
        return yes_no[0] if value else yes_no[1]
    return value


def bulk_template(*, plan: Plan, by: Any, period: ReportingPeriod, url: str = "") -> Template:
    """The rows for ``by``'s items in ``period``, pre-filled with the open report where
    there is one, else the item's own status and progress."""
    items_qs = bulk_items(by, plan)
    items = list(items_qs.only("pk", "code", "title_en", "title_mn", "status", "progress"))
    indicators = _indicators(items_qs)
    updates = open_updates(items_qs, [period])
    status_labels = dict(Status.choices)
    yes_no = (_("Yes"), _("No"))
    rows: list[TemplateRow] = []
    common = {"period": period_key(period), "plan": plan.slug}
    for item in items:
        update = updates.get((item.pk, period.pk))
        status = update.status if update else item.status
        progress = update.progress if update else item.progress
        rows.append(
            TemplateRow(
                cells={
                    **common,
                    "code": item.code,
                    "item": item.title,
                    "status": str(status_labels.get(status, status or "")),
                    "progress": progress,
                    "note": update.note if update else "",
                }
            )
        )
        given = (
            {(m.indicator_id, m.dimension_value_id): m for m in update.measurements.all()}
            if update
            else {}
        )
        for indicator in indicators.get(item.pk, []):
            parts: list[tuple[str, str, int | None]] = [(_("Total"), "", None)]
            for dimension in indicator.dimensions.all():
                parts += [
                    (f"{dimension.name}: {value.name}", f"{dimension.slug}/{value.slug}", value.pk)
                    for value in dimension.values.all()
                ]
            for label, key, value_pk in parts:
                measured = given.get((indicator.pk, value_pk))
                rows.append(
                    TemplateRow(
                        cells={
                            **common,
                            "code": item.code,
                            "indicator_id": indicator.pk,
                            "indicator": indicator.title,
                            "unit": indicator.unit,
                            "kind": str(indicator.get_kind_display()),
                            "breakdown": label,
                            "breakdown_key": key,
                            "hint": _kind_hint(indicator, yes_no),
                            "value": None
                            if indicator.kind == Indicator.Kind.PERCENTAGE
                            else _written_value(indicator, measured and measured.value, yes_no),
                            "numerator": measured.numerator if measured else None,
                            "denominator": measured.denominator if measured else None,
                            "measurement_note": measured.note if measured else "",
                        },
                        measurement=True,
                        kind=indicator.kind,
                        levels=tuple(level_name(level) for level in indicator.scale or []),
                    )
                )
    statuses = tuple(str(label) for read_value, label in Status.choices)
    return Template(
        rows=rows,
        statuses=statuses,
        yes_no=yes_no,
        instructions=_instructions(plan, period, statuses, url),
        facts=[
            (_("Plan"), plan.short_name or plan.title),
            (_("Period"), f"{period.label} ({period_key(period)})"),
            (_("Report due"), period.due_on.isoformat()),
            (_("Items"), str(len(items))),
            (_("Downloaded"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ],
    )


def _instructions(
    plan: Plan, period: ReportingPeriod, statuses: tuple[str, ...], url: str
) -> list[str]:
    return [
        _(
            "This file lists the items you report on in “%(plan)s” for the period %(period)s. "
            "Fill in the white cells; the grey ones are read only."
        )
        % {"plan": plan.short_name or plan.title, "period": period.label},
        _(
            "Each item has one row for its status, progress and what was done (its Indicator ID "
            "is empty). The rows under it with an Indicator ID take the indicator's values for "
            "the period: the Total row the whole value, a row with a breakdown key one part of "
            "it (for example, women)."
        ),
        _(
            "A row you leave as it is sends nothing. To report on an item, write what was done "
            "in the period; a changed status, progress or value needs it too."
        ),
        _("Status is one of: %(statuses)s. Progress is a number from 0 to 100.")
        % {"statuses": ", ".join(statuses)},
        _(
            "Percentage indicators take a numerator and a denominator, and the percentage is "
            "computed; qualitative ones one of the levels in “What to write”; yes/no ones yes "
            "or no. When you give the total and every part of a breakdown, the parts must add "
            "up to the total."
        ),
        _(
            "Upload the file on the plan's bulk update page%(url)s. You see every row's problems "
            "before anything is saved; a file with a problem saves nothing, so fix it and "
            "upload it again."
        )
        % {"url": f" ({url})" if url else ""},
        _(
            "Each report goes to the plan's managers for approval, as if sent through the "
            "report form. Uploading the same file again sends nothing twice."
        ),
        _(
            "You may save the file as CSV (UTF-8) instead of XLSX; keep the header row and "
            "the columns as they are. Excel changes codes like 1.10 into 1.1 in CSV files: "
            "the item's title shows when that happened, but XLSX is safer."
        ),
    ]
