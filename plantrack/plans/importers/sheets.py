"""Spreadsheets that are not the plan template, read as documents.

A workbook or CSV file that does not name the template's columns (code, kind, title) is
a table like any other: its title rows become the document's first paragraphs, its first
row of several cells is the header, and the rest go to the outline reader's table
reading (``outline.build_outline``), which finds the code column or columns, the titles,
indicators and organisations by their headers and content.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence

from django.utils.translation import gettext as _

from .base import ImportRefused
from .document import Block, Document, Paragraph, Table, clean_inline
from .limits import Limits, count_text
from .outline import row_code

# How many lines of a text decide whether it is delimited, and how many of them must
# split into the same number of cells (two or more).
_SNIFF_LINES = 50
_CONSISTENT = 0.9
_MIN_LINES = 3
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def is_template(rows: Sequence[Sequence[str]], required: Sequence[str]) -> bool:
    """The first row that is not a '#' line or empty names every required column."""
    for row in rows:
        first = (row[0] if row else "").strip()
        if first.startswith("#") or not any(cell.strip() for cell in row):
            continue
        names = {cell.strip().lower() for cell in row}
        return all(column in names for column in required)
    return False


def delimiter_of(text: str) -> str:
    """ "," or ";" when the text is a delimited table (its lines split into the same number
    of cells, two or more), else "" (tabs are read as tables by the text reader)."""
    lines = [line for line in text.splitlines() if line.strip()][:_SNIFF_LINES]
    if len(lines) < _MIN_LINES:
        return ""
    best = ""
    best_share = 0.0
    for delimiter in (";", ","):
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        width, count = Counter(widths).most_common(1)[0]
        share = count / len(widths)
        if width >= 2 and share >= _CONSISTENT and share > best_share:
            best, best_share = delimiter, share
    return best


def csv_rows(text: str, delimiter: str, limits: Limits) -> list[list[str]]:
    csv.field_size_limit(limits.max_cell_chars)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(rows) >= limits.max_table_rows:
                raise ImportRefused(
                    _("the sheet has more than %(limit)s rows; the limit is %(limit)s rows")
                    % {"limit": count_text(limits.max_table_rows)}
                )
            rows.append(row[: limits.max_table_columns])
    except csv.Error as exc:
        raise ImportRefused(
            _("the CSV file could not be read at line %(line)s; save it again as CSV")
            % {"line": reader.line_num},
            line=reader.line_num,
        ) from exc
    return rows


def rows_document(rows: Sequence[Sequence[str]], format_name: str) -> Document:
    """Title rows as paragraphs, then one table whose header is its first wide row."""
    blocks: list[Block] = []
    numbered = [(number, [cell.strip() for cell in row]) for number, row in enumerate(rows, 1)]
    numbered = [(number, row) for number, row in numbered if any(row)]
    index = 0
    while index < len(numbered) and sum(1 for cell in numbered[index][1] if cell) == 1:
        number, row = numbered[index]
        blocks.append(Paragraph(clean_inline(next(c for c in row if c)), number, bold=True))
        index += 1
    body = numbered[index:]
    if not body:
        raise ImportRefused(_("the sheet holds no table: no row has more than one filled cell"))
    header: list[str] | None = None
    if not any(row_code(cell) is not None for cell in body[0][1] if cell):
        header = list(body[0][1])
        body = body[1:]
    blocks.append(
        Table(
            [list(row) for _number, row in body],
            body[0][0] if body else numbered[-1][0],
            [number for number, _row in body],
            header,
        )
    )
    return Document(blocks, format_name)
