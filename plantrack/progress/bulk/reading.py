"""An uploaded bulk file, read as hostile input.

The format is decided from the bytes, never the name: an XLSX is a ZIP that ``safezip``
checks (declared and real sizes, compression ratios, XML depth and entities) before
openpyxl opens it read-only; anything else must be text (``detect.decode_text_named``:
UTF-8, UTF-16 or Windows-1251) read as CSV. Programs, old .xls files and PDFs are named as
such. Reading runs in the import ``sandbox`` (a child process with a memory and time
budget), and every refusal names its limit: the file's size, the rows, a cell's length.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from plantrack.plans.importers import safezip, sandbox
from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.detect import decode_text_named, encoding_warning
from plantrack.plans.importers.limits import Limits, check_upload_size, count_text, current

from .sheet import COLUMNS, header_names, headers, norm

# A bulk file holds one person's items for a period or two: a few thousand rows at most.
MAX_ROWS = 10_000
# The narrative is at most 4,000 characters; a longer cell is kept to this so its row can
# say how long it is, and anything longer is not a progress report.
MAX_CELL_CHARS = 10_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other old Office files
_PROGRAMS = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"#!")


def limits() -> Limits:
    """The import budgets, with the bulk file's own row and cell caps."""
    from django.conf import settings

    return current(max_bytes=settings.PLANTRACK_MAX_IMPORT_BYTES).but(
        max_table_rows=MAX_ROWS, max_cell_chars=MAX_CELL_CHARS
    )


@dataclass
class SheetRow:
    number: int  # the row's number as the spreadsheet program shows it
    cells: dict[str, str]

    def get(self, key: str) -> str:
        return self.cells.get(key, "").strip()


@dataclass
class Sheet:
    format_name: str
    columns: tuple[str, ...]
    rows: list[SheetRow]
    warnings: list[str] = field(default_factory=list)


def _refuse_other_kinds(data: bytes) -> None:
    """Name what an uploaded file is when it is plainly not a spreadsheet."""
    if data.startswith(_PROGRAMS):
        raise ImportRefused(
            _(
                "this is a program, not a spreadsheet, whatever its name says; upload the "
                "progress template saved as XLSX or CSV"
            )
        )
    if data.startswith(_OLE2):
        raise ImportRefused(
            _(
                "this is an old Excel 97-2003 file (.xls) or another old Office document; open "
                "it in Excel or LibreOffice, save it as XLSX (Excel workbook) and upload that"
            )
        )
    if data.startswith(b"%PDF-"):
        raise ImportRefused(
            _(
                "this is a PDF document, not a spreadsheet; upload the progress template as "
                "XLSX or CSV"
            )
        )


def read(data: bytes, budget: Limits) -> Sheet:
    """The rows of an uploaded file (runs in the sandbox); ``ImportRefused`` says why not."""
    _refuse_other_kinds(data)
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, budget)
    try:
        text, encoding = decode_text_named(data)
    except ImportRefused as exc:
        if b"\x00" in data[:8192]:
            raise ImportRefused(
                _(
                    "this file is neither an XLSX workbook nor CSV text (it holds binary "
                    "data); download the template, fill it in and upload it as XLSX or CSV"
                )
            ) from exc
        raise
    sheet = _read_csv(text, budget)
    if encoding:
        sheet.warnings.append(encoding_warning(encoding))
    return sheet


def read_upload(data: bytes) -> Sheet:
    """Read an uploaded file in a child process within the budgets."""
    budget = limits()
    if not data.strip():
        raise ImportRefused(_("the file is empty; fill in the template and upload it"))
    check_upload_size(len(data), budget)
    outcome = sandbox.run(read, data, budget)  # type: ignore[arg-type]
    if outcome.plan is None:
        raise ImportRefused(outcome.refusal, line=outcome.line)
    result: Any = outcome.plan
    assert isinstance(result, Sheet)
    return result


def _too_long(number: int, budget: Limits) -> ImportRefused:
    return ImportRefused(
        _("a cell holds more than %(limit)s characters; the limit is %(limit)s")
        % {"limit": count_text(budget.max_cell_chars)},
        line=number,
    )


def _too_many_rows(budget: Limits) -> ImportRefused:
    return ImportRefused(
        _("the sheet has more than %(limit)s rows; the limit is %(limit)s rows")
        % {"limit": count_text(budget.max_table_rows)}
    )


def _header(cells: Sequence[str], number: int) -> dict[int, str]:
    """{cell position: column key} for a header row; refuses unknown or repeated names."""
    names = header_names()
    found: dict[int, str] = {}
    for position, raw in enumerate(cells):
        text = norm(raw)
        if not text:
            continue
        key = names.get(text)
        if key is None:
            raise ImportRefused(
                _(
                    "the column “%(name)s” is not one of the template's; rename or remove it "
                    "(a misspelt column would lose its data). The columns are: %(known)s"
                )
                % {"name": raw.strip()[:80], "known": ", ".join(headers())},
                line=number,
            )
        if key in found.values():
            raise ImportRefused(
                _("the column “%(name)s” appears twice; keep one") % {"name": raw.strip()[:80]},
                line=number,
            )
        found[position] = key
    missing = [str(c.header) for c in COLUMNS if c.required and c.key not in found.values()]
    if missing:
        raise ImportRefused(
            _(
                "the first row must name the template's columns; %(missing)s missing. "
                "Download the template again and fill that one in"
            )
            % {"missing": ", ".join(missing)},
            line=number,
        )
    return found


def _rows(raw: Sequence[tuple[int, Sequence[str]]], format_name: str) -> Sheet:
    """The header (the first non-empty row) and the non-empty rows under it."""
    filled = [(number, cells) for number, cells in raw if any(c.strip() for c in cells)]
    if not filled:
        raise ImportRefused(_("the file is empty; fill in the template and upload it"))
    header_number, header_cells = filled[0]
    header = _header(header_cells, header_number)
    rows = [
        SheetRow(
            number=number,
            cells={key: cells[pos] for pos, key in header.items() if pos < len(cells)},
        )
        for number, cells in filled[1:]
    ]
    if not rows:
        raise ImportRefused(
            _("the file has its header but no rows; download the template, which lists your items")
        )
    return Sheet(format_name=format_name, columns=tuple(header.values()), rows=rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


def _is_header(cells: Sequence[str]) -> bool:
    names = header_names()
    keys = {names.get(norm(cell)) for cell in cells}
    return {"code", "status"} <= keys


def _read_xlsx(data: bytes, budget: Limits) -> Sheet:
    import warnings

    from openpyxl import load_workbook

    archive = safezip.open_archive(data, budget)
    names = archive.names()
    if not any(name.startswith("xl/") for name in names) or "xl/workbook.xml" not in archive:
        raise ImportRefused(
            _(
                "this ZIP file is not an XLSX workbook (it may be a Word, OpenDocument or other "
                "file renamed); save the progress template as XLSX or CSV and upload that"
            )
        )
    archive.check()
    warnings.filterwarnings("ignore", module="openpyxl")  # unknown extensions are harmless
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for worksheet in workbook.worksheets:
            worksheet.reset_dimensions()  # type: ignore[union-attr]
            raw = _sheet_cells(worksheet, budget)
            if raw is not None:
                workbook.close()
                return _rows(raw, "XLSX")
        workbook.close()
    except ImportRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ImportRefused(
            _(
                "the XLSX workbook could not be opened (%(reason)s); open it in Excel or "
                "LibreOffice, save it again as XLSX and upload the new file"
            )
            % {"reason": str(exc)[:200]}
        ) from exc
    raise ImportRefused(
        _(
            "no sheet of this workbook starts with the template's header row (Code, Status, "
            "…); download the template again and fill that one in"
        )
    )


def _sheet_cells(worksheet: Any, budget: Limits) -> list[tuple[int, list[str]]] | None:
    """The sheet's rows when its first filled row is the template's header, else None."""
    raw: list[tuple[int, list[str]]] = []
    filled = 0
    rows = worksheet.iter_rows(max_col=budget.max_table_columns, values_only=True)
    for number, values in enumerate(rows, start=1):
        cells = [_cell_text(value) for value in values]
        if not any(cell.strip() for cell in cells):
            continue
        if not raw and not _is_header(cells):
            return None
        filled += 1
        if filled > budget.max_table_rows + 1:  # the header and MAX_ROWS rows
            raise _too_many_rows(budget)
        if any(len(cell) > budget.max_cell_chars for cell in cells):
            raise _too_long(number, budget)
        raw.append((number, cells))
    return raw or None


def _delimiter(text: str) -> str:
    """The separator that splits the first line into the most known headers."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    names = header_names()
    best, best_count, tie = ",", 0, False
    for delimiter in (",", ";", "\t"):
        try:
            cells = next(csv.reader([first[:100_000]], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        count = sum(1 for cell in cells if norm(cell) in names)
        if count > best_count:
            best, best_count, tie = delimiter, count, False
        elif count == best_count and count:
            tie = True
    if best_count < 2:
        raise ImportRefused(
            _(
                "the first row must name the template's columns (Code, Period, Status, …); "
                "download the template again and fill that one in"
            ),
            line=1,
        )
    if tie:
        raise ImportRefused(
            _(
                "the CSV file can be read with more than one separator; save it again with "
                "commas between the cells"
            ),
            line=1,
        )
    return best


def _read_csv(text: str, budget: Limits) -> Sheet:
    delimiter = _delimiter(text)
    csv.field_size_limit(budget.max_cell_chars)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    raw: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if len(raw) > budget.max_table_rows:
                raise _too_many_rows(budget)
            if any(cell.strip() for cell in cells):
                raw.append((number, cells[: budget.max_table_columns]))
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise _too_long(number + 1, budget) from exc
        raise ImportRefused(
            _(
                "the CSV file could not be read at row %(row)s (%(reason)s); save it again as "
                "CSV UTF-8"
            )
            % {"row": number + 1, "reason": str(exc)[:200]},
            line=number + 1,
        ) from exc
    name = {",": _("CSV"), ";": _("CSV, semicolon-separated"), "\t": _("CSV, tab-separated")}
    return _rows(raw, name[delimiter])
