"""The public export of a plan's progress: approved updates and indicator actuals only.

One row per approved update, and one per stored indicator actual (per period, per
dimension value, and the overall figure), in one table whose ``record`` column says
which. Column names are English keys (they are data, like JSON keys); texts are in the
reader's language. Every text cell that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) is written with a leading apostrophe, in CSV and
XLSX alike; the CSV is UTF-8 with a byte-order mark so that Excel shows Cyrillic.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import F

from plantrack.lib.bilingual import pick
from plantrack.plans.models import Plan

from .models import IndicatorActual, IndicatorTarget, ProgressUpdate

COLUMNS = (
    "record",
    "item_code",
    "item_title",
    "period",
    "period_start",
    "period_end",
    "status",
    "progress",
    "note",
    "organisation",
    "approved_at",
    "indicator",
    "unit",
    "dimension",
    "dimension_value",
    "value",
    "numerator",
    "denominator",
    "target",
    "updates",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (openpyxl refuses them); they carry no meaning in a cell.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CHUNK = 2000
SHEET_ROWS = 1_048_576  # the most rows a spreadsheet's sheet holds
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | float | int | None


def safe_cell(value: Cell) -> Cell:
    """A text that a spreadsheet would take for a formula gets a leading apostrophe; numbers
    and empty cells stay as they are. Control characters no cell can hold are dropped first."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _row(**values: Cell) -> list[Cell]:
    return [safe_cell(values.get(column)) for column in COLUMNS]


def _update_rows(plan: Plan) -> Iterator[list[Cell]]:
    updates = (
        ProgressUpdate.objects.filter(item__plan=plan, state=ProgressUpdate.State.APPROVED)
        .select_related("item", "period", "organisation")
        .order_by("item__path", F("period__starts_on").asc(nulls_first=True), "reviewed_at", "pk")
    )
    for update in updates.iterator(chunk_size=CHUNK):
        period = update.period
        yield _row(
            record="update",
            item_code=update.item.code,
            item_title=pick(update.item, "title"),
            period=period.label if period else "",
            period_start=period.starts_on.isoformat() if period else "",
            period_end=period.ends_on.isoformat() if period else "",
            status=update.status,
            progress=update.progress,
            note=update.note,
            organisation=update.organisation.name if update.organisation else "",
            approved_at=update.reviewed_at.isoformat() if update.reviewed_at else "",
            updates=str(update.pk),
        )


def _actual_rows(plan: Plan) -> Iterator[list[Cell]]:
    targets = {
        (indicator_id, period_id): value
        for indicator_id, period_id, value in IndicatorTarget.objects.filter(
            indicator__item__plan=plan
        ).values_list("indicator_id", "period_id", "value")
    }
    actuals = (
        IndicatorActual.objects.filter(indicator__item__plan=plan)
        .select_related("indicator", "indicator__item", "period", "dimension_value__dimension")
        .order_by(
            "indicator__item__path",
            "indicator__position",
            "indicator_id",
            # Each period's total, then its breakdown; the overall figures last.
            F("period__starts_on").asc(nulls_last=True),
            F("dimension_value__dimension__position").asc(nulls_first=True),
            F("dimension_value__position").asc(nulls_first=True),
            "pk",
        )
    )
    for actual in actuals.iterator(chunk_size=CHUNK):
        indicator, period, value = actual.indicator, actual.period, actual.dimension_value
        target = None
        if value is None:
            target = targets.get((indicator.pk, period.pk)) if period else indicator.end_target
        yield _row(
            record="indicator_actual",
            item_code=indicator.item.code,
            item_title=pick(indicator.item, "title"),
            period=period.label if period else "overall",
            period_start=period.starts_on.isoformat() if period else "",
            period_end=period.ends_on.isoformat() if period else "",
            indicator=indicator.title,
            unit="%" if indicator.kind == "percentage" else indicator.unit,
            dimension=value.dimension.name if value else "",
            dimension_value=value.name if value else "",
            value=actual.value,
            numerator=actual.numerator,
            denominator=actual.denominator,
            target=target,
            updates=" ".join(str(pk) for pk in actual.source_updates or []),
        )


def progress_rows(plan: Plan) -> Iterator[list[Cell]]:
    """The header, then every approved update, then every indicator actual: two queries
    (three with the targets), read in chunks."""
    yield list(COLUMNS)
    yield from _update_rows(plan)
    yield from _actual_rows(plan)


class _Line:
    """A file-like object whose ``write`` returns what was written (for streaming)."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[list[Cell]]) -> Iterator[bytes]:
    """The CSV file in pieces: a byte-order mark, then one encoded line per row."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield "\ufeff".encode()
    for row in rows:
        yield writer.writerow(["" if cell is None else cell for cell in row]).encode("utf-8")


def xlsx_bytes(
    rows: Iterable[list[Cell]], *, sheet_title: str = "progress", sheet_rows: int = SHEET_ROWS
) -> bytes:
    """The rows as a workbook; past a sheet's last row they go on in another sheet
    ("progress 2" …) under the same header."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    iterator = iter(rows)
    header: list[Cell] = next(iterator, list(COLUMNS))

    def line(sheet: Any, values: list[Cell], font: Any = None) -> None:
        cells: list[Any] = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, whatever it starts with
            if font is not None:
                cell.font = font
            cells.append(cell)
        sheet.append(cells)

    sheet, used, number = None, sheet_rows, 0
    for row in iterator:
        if used >= sheet_rows:
            number += 1
            sheet = workbook.create_sheet(sheet_title if number == 1 else f"{sheet_title} {number}")
            line(sheet, header, bold)
            used = 1
        line(sheet, row)
        used += 1
    if sheet is None:
        line(workbook.create_sheet(sheet_title), header, bold)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
