"""The bulk progress spreadsheet's columns, and the files written for people to fill.

One table, the same in XLSX and CSV. An *item row* (no indicator id) carries an item's
status, progress and narrative for a period; the *measurement rows* under it (an indicator
id, and a breakdown key for a disaggregated value) carry the values. Headers are written in
the reader's language and read in either language, or as the column keys (``header_names``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    width: int
    help: Promise  # what the column holds, on the instructions sheet
    editable: bool = False
    required: bool = False  # a file without this column is refused


COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        gettext_lazy("Code"),
        10,
        gettext_lazy("The item's code: keep it as it is."),
        required=True,
    ),
    Column("item", gettext_lazy("Item"), 48, gettext_lazy("The item's title, for reading.")),
    Column(
        "period",
        gettext_lazy("Period"),
        24,
        gettext_lazy("The reporting period, as its first and last days: keep it as it is."),
        required=True,
    ),
    Column(
        "status",
        gettext_lazy("Status"),
        16,
        gettext_lazy("On an item's row: one of the statuses in the list."),
        editable=True,
        required=True,
    ),
    Column(
        "progress",
        gettext_lazy("Progress (%)"),
        12,
        gettext_lazy("On an item's row: a number from 0 to 100."),
        editable=True,
        required=True,
    ),
    Column(
        "note",
        gettext_lazy("What was done"),
        60,
        gettext_lazy("On an item's row: what was done in the period (at most 4,000 characters)."),
        editable=True,
        required=True,
    ),
    Column(
        "indicator_id",
        gettext_lazy("Indicator ID"),
        12,
        gettext_lazy("Which indicator: keep it as it is."),
    ),
    Column("indicator", gettext_lazy("Indicator"), 40, gettext_lazy("The indicator, for reading.")),
    Column("unit", gettext_lazy("Unit"), 12, gettext_lazy("The indicator's unit, for reading.")),
    Column("kind", gettext_lazy("Kind"), 18, gettext_lazy("The indicator's kind, for reading.")),
    Column(
        "breakdown",
        gettext_lazy("Breakdown"),
        22,
        gettext_lazy("Total, or the part of the value the row is for (Sex: Female, say)."),
    ),
    Column(
        "breakdown_key",
        gettext_lazy("Breakdown key"),
        18,
        gettext_lazy("Which part (empty for the total): keep it as it is."),
    ),
    Column(
        "hint", gettext_lazy("What to write"), 30, gettext_lazy("What the row's value cells take.")
    ),
    Column(
        "value",
        gettext_lazy("Value"),
        12,
        gettext_lazy("Quantitative, qualitative and yes/no indicators: the value."),
        editable=True,
    ),
    Column(
        "numerator",
        gettext_lazy("Numerator"),
        12,
        gettext_lazy("Percentage indicators: the part counted."),
        editable=True,
    ),
    Column(
        "denominator",
        gettext_lazy("Denominator"),
        12,
        gettext_lazy("Percentage indicators: the whole it is counted of (more than 0)."),
        editable=True,
    ),
    Column(
        "measurement_note",
        gettext_lazy("Value note"),
        30,
        gettext_lazy("If you like, a note on the value (at most 500 characters)."),
        editable=True,
    ),
    Column(
        "plan",
        gettext_lazy("Plan"),
        18,
        gettext_lazy("The plan the file is for: keep it as it is."),
    ),
)
KEYS = tuple(column.key for column in COLUMNS)
ITEM_CELLS = ("status", "progress", "note")  # filled on item rows
VALUE_CELLS = ("value", "numerator", "denominator", "measurement_note")  # on measurement rows


def norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def header_names() -> dict[str, str]:
    """Every header a file may use -> its column key: the key itself, and the header in each
    language of the site."""
    names: dict[str, str] = {}
    for column in COLUMNS:
        names[norm(column.key)] = column.key
        names[norm(column.key.replace("_", " "))] = column.key
        for language in ("en", "mn"):
            with override(language):
                names[norm(str(column.header))] = column.key
    return names


@dataclass
class TemplateRow:
    """One row of the template: its cells by column key, and how it may be filled."""

    cells: dict[str, Any]
    measurement: bool = False
    kind: str = ""  # the indicator's kind, on measurement rows
    levels: tuple[str, ...] = ()  # a qualitative indicator's level names, as written


@dataclass
class Template:
    rows: list[TemplateRow]
    statuses: tuple[str, ...]  # the status names as written
    yes_no: tuple[str, str]
    instructions: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value) for the README


def headers() -> list[str]:
    return [str(column.header) for column in COLUMNS]


def write_csv(template: Template) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows Cyrillic; comma-separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers())
    for row in template.rows:
        writer.writerow([_csv_cell(row.cells.get(key)) for key in KEYS])
    return out.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_title(text: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(ch for ch in text if ch not in "[]:*?/\\").strip("' ")
    return cleaned[:31] or "Sheet"


def _list_formula(names: Sequence[str]) -> str | None:
    """An Excel list validation's formula, or None when the names cannot be one (a comma or
    quote inside a name, or over Excel's 255 characters)."""
    if not names or any("," in n or '"' in n for n in names):
        return None
    joined = ",".join(names)
    return f'"{joined}"' if len(joined) <= 255 else None


def write_xlsx(template: Template) -> bytes:
    """The data sheet first (it opens on it), then the instructions. Grey cells are read
    only (locked, with the sheet protected without a password: a guard against slips, not
    a lock); status, yes/no and qualitative cells offer their choices as lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _sheet_title(_("Progress"))
    grey = PatternFill("solid", fgColor="EEEEEE")
    header_fill = PatternFill("solid", fgColor="D9D9D9")
    sheet.append(headers())
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    position = {key: index for index, key in enumerate(KEYS, start=1)}
    letter = {key: get_column_letter(index) for key, index in position.items()}
    validations: dict[str, DataValidation] = {}

    def validate(key: str, **options: Any) -> DataValidation:
        name = repr(sorted(options.items()))
        if name not in validations:
            validations[name] = DataValidation(
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Not a value this cell takes"),
                **options,
            )
        return validations[name]

    statuses = _list_formula(template.statuses)
    for number, row in enumerate(template.rows, start=2):
        sheet.append([row.cells.get(key) for key in KEYS])
        editable = set(VALUE_CELLS if row.measurement else ITEM_CELLS)
        if row.measurement and row.kind == "percentage":
            editable.discard("value")
        elif row.measurement:
            editable -= {"numerator", "denominator"}
        for key in KEYS:
            cell = sheet.cell(row=number, column=position[key])
            if key in editable:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = grey
            if key in ("item", "note", "indicator", "hint", "measurement_note"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ref = f"{{}}{number}"
        if not row.measurement:
            if statuses:
                validate("status", type="list", formula1=statuses).add(ref.format(letter["status"]))
            validate(
                "progress", type="decimal", operator="between", formula1="0", formula2="100"
            ).add(ref.format(letter["progress"]))
            continue
        if row.kind == "percentage":
            validate("numerator", type="decimal", operator="greaterThanOrEqual", formula1="0").add(
                ref.format(letter["numerator"])
            )
            validate("denominator", type="decimal", operator="greaterThan", formula1="0").add(
                ref.format(letter["denominator"])
            )
        elif row.kind == "yes_no":
            formula = _list_formula(template.yes_no)
            if formula:
                validate("yes_no", type="list", formula1=formula).add(ref.format(letter["value"]))
        elif row.kind == "qualitative":
            formula = _list_formula(row.levels)
            if formula:
                validate("levels", type="list", formula1=formula).add(ref.format(letter["value"]))
        else:
            validate(
                "value", type="decimal", operator="between", formula1="-1E+15", formula2="1E+15"
            ).add(ref.format(letter["value"]))
    for validation in validations.values():
        validation.error = _(
            "Choose or write a value this column takes; see the Instructions sheet."
        )
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "C2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # people may still widen columns and rows
    sheet.protection.formatRows = False
    _instructions(workbook.create_sheet(_sheet_title(_("Instructions"))), template)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions(sheet: Any, template: Template) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90
    sheet.append([_("How to fill in this file")])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in template.facts:
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    for number, line in enumerate(template.instructions, start=1):
        sheet.append([str(number), line])
        sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(wrap_text=True)
    sheet.append([])
    sheet.append([_("Columns")])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for column in COLUMNS:
        kind = _("you fill this in") if column.editable else _("read only")
        sheet.append([str(column.header), f"{column.help} ({kind})"])
