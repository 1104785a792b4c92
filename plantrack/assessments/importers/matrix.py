"""Tables of scores: one row per subject and year, one column per indicator.

Index publishers release their data this way: a sheet whose header row names the
indicators by code (``A1``, ``B3``, ``2.1``), a column naming the subject (a country, an
agency) and one naming the year or edition, and under them the score each subject got
on each indicator, often with area subtotals and a total beside them. A file like this
holds many rounds; the person importing says which one (the ``subject`` and ``year``
hints, ``--subject``/``--year`` on the command line, the upload form's fields) and the
rest of the table gives the framework.

Everything is decided by general rules over the table's shape and content, never by a
publisher's column names:

- the **header row** is the one of the first rows with the most cells written like
  indicator codes (letters then a number, or dotted numbers), at least three;
- an **indicator column** is a code column whose values are numbers, or a mark for "not
  assessed" (``N/A``, ``-``, empty);
- a code's **area** is its letters (``A`` of ``A1``) or its number less the last part
  (``2`` of ``2.1``); a column headed by an area's code alone holds that area's subtotal,
  which Plantrack recomputes rather than reads;
- the **subject column** is the first other column holding words, the **year column**
  the first whose header says year, edition or period or whose values are all years;
- a column headed total, overall or score (in English or Mongolian) is the **reported
  score**, kept as stated beside the computed one;
- the **scale** is the whole numbers from the lowest to the highest score in the table
  (more than eleven levels, or fractions, are refused: Plantrack rates on named levels).

Every column not read is named in a warning, so the preview shows what was left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from plantrack.plans.importers.base import ImportRefused

from ..parsed import (
    ParsedArea,
    ParsedAssessment,
    ParsedIndicator,
    ParsedLevel,
    ParsedRating,
    ParsedRound,
)

_HEADER_ROWS = 20  # how far down the header row may be
_MIN_CODES = 3
_MAX_LEVELS = 11
_CODE = re.compile(
    r"^(?:(?P<letters>[A-Za-z]{1,3})\s?\d{1,3}[a-z]?|(?P<dotted>\d{1,3}(?:\.\d{1,3})+))$"
)
_NOT_ASSESSED = {"", "n/a", "na", "-", "–", "—", "..", "not assessed", "үнэлээгүй"}
_YEAR_HEADER = re.compile(r"\b(?:year|edition|period|он|жил)\b", re.IGNORECASE)
_TOTAL_HEADER = re.compile(
    r"^(?:total|total score|overall|overall score|score|нийт|нийт оноо|оноо)$", re.IGNORECASE
)
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


@dataclass
class Matrix:
    """Where the parts of a table of scores are."""

    header_row: int
    header: list[str]
    codes: dict[int, str]  # column → indicator code
    subject_col: int
    year_col: int | None
    total_col: int | None
    title: str  # the text above the header, when there is one
    rows: list[list[str]] = field(default_factory=list)  # the data rows


def _cell(row: Sequence[str], col: int) -> str:
    return row[col].strip() if col < len(row) else ""


def _area(code: str) -> str:
    match = _CODE.match(code)
    if match and match.group("letters"):
        return match.group("letters").upper()
    return code.rsplit(".", 1)[0]


def _number(text: str) -> float | None:
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", "."))


def find_matrix(rows: Sequence[Sequence[str]]) -> Matrix | None:
    """The table of scores in a sheet's rows, or None when the sheet is not one."""
    best, best_count = -1, 0
    for index, row in enumerate(rows[:_HEADER_ROWS]):
        count = sum(1 for cell in row if _CODE.match(cell.strip()))
        if count > best_count:
            best, best_count = index, count
    if best_count < _MIN_CODES:
        return None
    header = [cell.strip() for cell in rows[best]]
    data = [list(row) for row in rows[best + 1 :] if any(cell.strip() for cell in row)]
    if not data:
        return None
    codes: dict[int, str] = {}
    for col, name in enumerate(header):
        if not _CODE.match(name):
            continue
        values = [_cell(row, col) for row in data]
        written = [v for v in values if v.lower() not in _NOT_ASSESSED]
        if name not in codes.values() and written and all(_number(v) is not None for v in written):
            codes[col] = name
    if len(codes) < _MIN_CODES:
        return None
    subject_col = _subject_column(header, data, codes)
    if subject_col is None:
        return None
    title = next(
        (row[0].strip() for row in rows[:best] if row and row[0].strip()),
        "",
    )
    return Matrix(
        header_row=best,
        header=header,
        codes=codes,
        subject_col=subject_col,
        year_col=_year_column(header, data, codes),
        total_col=next(
            (c for c, name in enumerate(header) if _TOTAL_HEADER.match(name) and c not in codes),
            None,
        ),
        title=title,
        rows=data,
    )


def _subject_column(
    header: Sequence[str], data: Sequence[Sequence[str]], codes: dict[int, str]
) -> int | None:
    for col in range(len(header)):
        if col in codes:
            continue
        values = [_cell(row, col) for row in data]
        words = [v for v in values if v and _number(v) is None]
        many = len(words) >= 0.9 * len(values) and len(set(words)) > 1
        if many or (len(data) == 1 and words):
            return col
    return None


def _is_year(text: str) -> bool:
    number = _number(text)
    return number is not None and number.is_integer() and 1900 <= number <= 2100


def _year_column(
    header: Sequence[str], data: Sequence[Sequence[str]], codes: dict[int, str]
) -> int | None:
    candidates = [c for c in range(len(header)) if c not in codes]
    for col in candidates:
        if _YEAR_HEADER.search(header[col]) and all(
            _is_year(_cell(row, col)) for row in data if _cell(row, col)
        ):
            return col
    for col in candidates:
        values = [_cell(row, col) for row in data]
        if values and all(_is_year(v) for v in values):
            return col
    return None


def read_matrix(matrix: Matrix, hints: dict[str, Any], *, sheet: str = "") -> ParsedAssessment:
    """The round the hints choose (or the table's only row) and the framework around it."""
    row = _chosen_row(matrix, hints)
    levels = _levels(matrix)
    areas: dict[str, ParsedArea] = {}
    for code in matrix.codes.values():
        area = _area(code)
        areas.setdefault(area, ParsedArea(code=area, title_en=area)).indicators.append(
            ParsedIndicator(code=code, title_en=code)
        )
    subject = _cell(row, matrix.subject_col)
    year_text = _cell(row, matrix.year_col) if matrix.year_col is not None else ""
    year = int(float(year_text)) if year_text else None
    if year is None and hints.get("year"):
        year = int(hints["year"])
    title = str(hints.get("framework_title") or matrix.title or sheet)
    where = title or _("the table")
    ratings = []
    for col, code in matrix.codes.items():
        value = _cell(row, col)
        if value.lower() in _NOT_ASSESSED:
            ratings.append(ParsedRating(indicator_code=code, not_assessed=True))
            continue
        ratings.append(
            ParsedRating(
                indicator_code=code,
                level_label=_label(float(value.replace(",", "."))),
                justification=_(
                    "Score as published in %(source)s (%(subject)s, %(year)s, column "
                    "%(column)s); the table gives no justification text."
                )
                % {"source": where, "subject": subject, "year": year or "—", "column": code},
            )
        )
    reported: dict[str, float] = {}
    if matrix.total_col is not None:
        total = _number(_cell(row, matrix.total_col))
        if total is not None and year:
            reported[str(year)] = total
    body = str(hints.get("assessing_body") or "")
    round_ = ParsedRound(
        title=str(hints.get("title") or (f"{subject} {year}" if year else subject)),
        subject=subject,
        year=year,
        assessed_on=str(hints.get("assessed_on") or ""),
        assessing_body=body,
        official=bool(hints["official"]) if "official" in hints else False,
        ratings=ratings,
        reported_scores=reported,
    )
    parsed = ParsedAssessment(
        framework_title_en=title,
        scale=levels,
        areas=list(areas.values()),
        round=round_,
    )
    parsed.warnings.extend(_warnings(matrix))
    if not body:
        parsed.warnings.append(
            _(
                "the table does not name the assessing body; give it in the preview or with "
                "--assessing-body"
            )
        )
    return parsed


def _label(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _levels(matrix: Matrix) -> list[ParsedLevel]:
    values = set()
    for row in matrix.rows:
        for col in matrix.codes:
            number = _number(_cell(row, col))
            if number is not None:
                values.add(number)
    if any(not v.is_integer() for v in values):
        raise ImportRefused(
            _(
                "the scores in this table are not whole numbers; Plantrack rates on a scale of "
                "named levels, so give each level a whole number (or use the assessment template)"
            )
        )
    low, high = int(min(values)), int(max(values))
    if high - low + 1 > _MAX_LEVELS:
        raise ImportRefused(
            _(
                "the scores in this table run from %(low)s to %(high)s, more than %(limit)s "
                "levels; Plantrack rates on a scale of at most %(limit)s named levels"
            )
            % {"low": low, "high": high, "limit": _MAX_LEVELS}
        )
    return [ParsedLevel(label_en=str(v), value=v) for v in range(high, low - 1, -1)]


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _chosen_row(matrix: Matrix, hints: dict[str, Any]) -> list[str]:
    rows = matrix.rows
    subjects = [_cell(row, matrix.subject_col) for row in rows]
    wanted = _fold(str(hints.get("subject") or ""))
    if wanted:
        rows = [row for row, s in zip(rows, subjects, strict=True) if _fold(s) == wanted]
        if not rows:
            names = list(dict.fromkeys(subjects))
            examples = ", ".join(names[:5])
            raise ImportRefused(
                _(
                    "no row of the table names the subject “%(subject)s”; it has %(count)s "
                    "subjects, such as %(examples)s"
                )
                % {"subject": hints.get("subject"), "count": len(names), "examples": examples}
            )
    year = hints.get("year")
    if year and matrix.year_col is not None:
        chosen = [row for row in rows if _cell(row, matrix.year_col) in (str(year), f"{year}.0")]
        if not chosen:
            years = sorted({_cell(row, matrix.year_col) for row in rows})
            raise ImportRefused(
                _("the table has no row for %(year)s; its years are %(years)s")
                % {"year": year, "years": ", ".join(years)}
            )
        rows = chosen
    if len(rows) == 1:
        return rows[0]
    names = list(dict.fromkeys(_cell(row, matrix.subject_col) for row in rows))
    years = sorted(
        {_cell(row, matrix.year_col) for row in rows} if matrix.year_col is not None else set()
    )
    if len(names) == 1 and years:
        raise ImportRefused(
            _("“%(subject)s” is assessed in %(count)s years (%(years)s); say which year to import")
            % {"subject": names[0], "count": len(years), "years": ", ".join(years)}
        )
    raise ImportRefused(
        _(
            "this table holds %(rows)s assessments, one row per subject and year "
            "(%(subjects)s subjects%(years)s); say which one to import: the subject and the year"
        )
        % {
            "rows": len(rows),
            "subjects": len(names),
            "years": f", {years[0]}–{years[-1]}" if years else "",
        }
    )


def _warnings(matrix: Matrix) -> list[str]:
    used = {*matrix.codes, matrix.subject_col}
    if matrix.year_col is not None:
        used.add(matrix.year_col)
    if matrix.total_col is not None:
        used.add(matrix.total_col)
    areas = {_area(code) for code in matrix.codes.values()}
    subtotals = [name for c, name in enumerate(matrix.header) if c not in used and name in areas]
    others = [
        name or f"#{c + 1}"
        for c, name in enumerate(matrix.header)
        if c not in used and name not in areas
    ]
    warnings = [
        _(
            "one row per subject and year: the ratings are read from the %(count)s indicator "
            "columns (%(first)s … %(last)s)"
        )
        % {
            "count": len(matrix.codes),
            "first": next(iter(matrix.codes.values())),
            "last": list(matrix.codes.values())[-1],
        }
    ]
    if subtotals:
        warnings.append(
            _("the area subtotals (%(columns)s) are recomputed from the ratings, not read")
            % {"columns": ", ".join(subtotals)}
        )
    if others:
        warnings.append(
            _("these columns are not read: %(columns)s") % {"columns": ", ".join(others)}
        )
    return warnings
