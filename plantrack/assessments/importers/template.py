"""The documented framework-and-round template, as CSV or XLSX (docs/assessment-template.md).

One table; the ``record`` column says what each row is: ``framework``, ``guidance``,
``level`` (the rating scale), ``area``, ``indicator`` (with its rating, change,
justification and sources when the file carries a round) and ``round`` (one field
per row: title, subject, year, assessed_on, assessing_body, official, summary,
reported_score). Rows whose first cell starts with "#" are notes and are skipped.

Every problem is reported with its row and column, all of them at once (up to
``_MAX_PROBLEMS``), so a user fixes the file in one go. ``template_writer`` writes any
``ParsedAssessment`` in the same form, so a document read by the general reader can
be downloaded, corrected in a spreadsheet and imported again.
"""

from __future__ import annotations

import csv
import datetime
import math
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.limits import DEFAULT_LIMITS, Limits
from plantrack.plans.importers.sheets import csv_rows
from plantrack.plans.importers.sheets import is_template as _names_columns

from ..parsed import (
    ParsedArea,
    ParsedAssessment,
    ParsedIndicator,
    ParsedLevel,
    ParsedRating,
    ParsedRound,
    ParsedSource,
)
from .footnotes import Footnote, footnote_definition, source_of
from .vocabulary import CHECKLIST, change_of, default_maturity_scale, is_not_assessed

COLUMNS = (
    "record", "area", "code", "title_en", "title_mn", "value", "description_en",
    "description_mn", "kind", "level", "change", "justification", "sources",
)  # fmt: skip
REQUIRED = ("record", "code", "title_en")
RECORDS = ("framework", "guidance", "level", "area", "indicator", "round")
ROUND_FIELDS = (
    "title", "subject", "year", "assessed_on", "assessing_body", "official", "summary",
    "reported_score",
)  # fmt: skip
KINDS = ("rated", "checklist")
_YES = ("yes", "true", "1", "official", "тийм")
_NO = ("no", "false", "0", "shadow", "civil-society", "civil society", "үгүй")
_CHANGES_MN = {"өссөн": "increase", "өөрчлөгдөөгүй": "unchanged", "буурсан": "decrease"}
_DELIMITERS = (",", ";", "\t")
_MAX_PROBLEMS = 20


class _Problems:
    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []

    def add(self, row: int, column: str, message: str) -> None:
        where = _("row %(row)s, column “%(column)s”: %(message)s")
        self.found.append((row, where % {"row": row, "column": column, "message": message}))

    def raise_any(self) -> None:
        if not self.found:
            return
        shown = [text for _row, text in sorted(self.found, key=lambda found: found[0])]
        shown = shown[:_MAX_PROBLEMS]
        more = len(self.found) - len(shown)
        text = "; ".join(shown)
        if more:
            text += _("; and %(count)s more") % {"count": more}
        raise ImportRefused(
            _("the template has %(count)s problem(s): %(list)s")
            % {"count": len(self.found), "list": text}
        )


# --- recognising the template -------------------------------------------------------


def is_template(rows: Sequence[Sequence[str]]) -> bool:
    return _names_columns(rows, REQUIRED)


def _first_row(text: str) -> str:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line
    return ""


def _delimiter(text: str) -> str:
    line = _first_row(text)
    for delimiter in _DELIMITERS:
        try:
            cells = next(csv.reader([line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        names = {cell.strip().lower() for cell in cells}
        if all(column in names for column in REQUIRED):
            return delimiter
    return ""


def looks_like_template(text: str) -> bool:
    return bool(_delimiter(text))


def parse_csv(text: str, limits: Limits = DEFAULT_LIMITS) -> ParsedAssessment:
    return parse_rows(csv_rows(text, _delimiter(text) or ",", limits))


# --- reading ------------------------------------------------------------------------


class _Row:
    def __init__(self, cells: Sequence[str], columns: dict[str, int], number: int) -> None:
        self.cells, self.columns, self.number = cells, columns, number

    def __getitem__(self, column: str) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(self.cells):
            return ""
        return str(self.cells[index] or "").strip()


def _rows(rows: Sequence[Sequence[str]]) -> list[_Row]:
    columns: dict[str, int] = {}
    found: list[_Row] = []
    for number, cells in enumerate(rows, start=1):
        first = (cells[0] if cells else "").strip()
        if first.startswith("#") or not any(str(c or "").strip() for c in cells):
            continue
        if not columns:
            names = [str(cell or "").strip().lower() for cell in cells]
            columns = {name: index for index, name in enumerate(names) if name}
            continue
        found.append(_Row(cells, columns, number))
    return found


def parse_rows(rows: Sequence[Sequence[str]]) -> ParsedAssessment:
    """The assessment in the template's rows, or every problem with its row and column."""
    reader = _TemplateReader()
    for row in _rows(rows):
        reader.row(row)
    return reader.finish()


class _TemplateReader:
    def __init__(self) -> None:
        self.parsed = ParsedAssessment()
        self.problems = _Problems()
        self.areas: dict[str, ParsedArea] = {}
        self.indicators: dict[str, tuple[ParsedIndicator, int]] = {}
        self.rated_rows: list[tuple[_Row, ParsedIndicator]] = []
        self.round_fields: dict[str, str] = {}
        self.reported: dict[str, float] = {}

    def row(self, row: _Row) -> None:
        record = row["record"].lower()
        if record not in RECORDS:
            self.problems.add(
                row.number,
                "record",
                _("“%(value)s” is not a record type; use one of: %(types)s")
                % {"value": row["record"], "types": ", ".join(RECORDS)},
            )
            return
        getattr(self, f"_{record}")(row)

    def _framework(self, row: _Row) -> None:
        self.parsed.framework_title_en = row["title_en"]
        self.parsed.framework_title_mn = row["title_mn"]
        self.parsed.framework_description_en = row["description_en"]

    def _guidance(self, row: _Row) -> None:
        for attribute, column in (
            ("guidance_en", "description_en"),
            ("guidance_mn", "description_mn"),
        ):
            text = row[column]
            if text:
                old = getattr(self.parsed, attribute)
                setattr(self.parsed, attribute, f"{old}\n\n{text}" if old else text)

    def _level(self, row: _Row) -> None:
        label = row["title_en"] or row["title_mn"]
        if not label:
            self.problems.add(row.number, "title_en", _("a level needs a label"))
            return
        value = _number(row["value"])
        if value is None:
            self.problems.add(
                row.number,
                "value",
                _("“%(value)s” is not a number; give each level a value, e.g. 4")
                % {"value": row["value"]},
            )
            return
        if any(level.label_en.lower() == label.lower() for level in self.parsed.scale):
            self.problems.add(
                row.number, "title_en", _("the level “%(label)s” is given twice") % {"label": label}
            )
            return
        self.parsed.scale.append(
            ParsedLevel(
                label_en=row["title_en"] or label,
                label_mn=row["title_mn"],
                value=value,
                description_en=row["description_en"],
                description_mn=row["description_mn"],
            )
        )

    def _area(self, row: _Row) -> None:
        code = row["code"]
        if not code:
            self.problems.add(row.number, "code", _("an area needs a code, e.g. 1"))
            return
        if code in self.areas:
            self.problems.add(
                row.number, "code", _("the area code “%(code)s” is used twice") % {"code": code}
            )
            return
        if not (row["title_en"] or row["title_mn"]):
            self.problems.add(row.number, "title_en", _("an area needs a title"))
        area = ParsedArea(
            code=code,
            title_en=row["title_en"],
            title_mn=row["title_mn"],
            description_en=row["description_en"],
            description_mn=row["description_mn"],
        )
        self.areas[code] = area
        self.parsed.areas.append(area)

    def _indicator(self, row: _Row) -> None:
        code, area_code = row["code"], row["area"]
        if not code:
            self.problems.add(row.number, "code", _("an indicator needs a code, e.g. 1.2"))
            return
        if code in self.indicators:
            self.problems.add(
                row.number,
                "code",
                _("the indicator code “%(code)s” is used twice") % {"code": code},
            )
            return
        area = self.areas.get(area_code)
        if area is None:
            self.problems.add(
                row.number,
                "area",
                _("“%(area)s” is not the code of an area row above; add the area first")
                % {"area": area_code},
            )
            return
        kind = (row["kind"] or "rated").lower()
        if kind not in KINDS:
            self.problems.add(
                row.number,
                "kind",
                _("“%(kind)s” is not rated or checklist") % {"kind": row["kind"]},
            )
            return
        if not (row["title_en"] or row["title_mn"]):
            self.problems.add(row.number, "title_en", _("an indicator needs a title"))
        indicator = ParsedIndicator(
            code=code,
            title_en=row["title_en"],
            title_mn=row["title_mn"],
            guidance_en=row["description_en"],
            guidance_mn=row["description_mn"],
            kind=kind,
        )
        area.indicators.append(indicator)
        self.indicators[code] = (indicator, row.number)
        if row["level"] or row["justification"] or row["change"] or row["sources"]:
            self.rated_rows.append((row, indicator))

    def _round(self, row: _Row) -> None:
        field = row["code"].lower()
        if field not in ROUND_FIELDS:
            self.problems.add(
                row.number,
                "code",
                _("“%(field)s” is not a round field; use one of: %(fields)s")
                % {"field": row["code"], "fields": ", ".join(ROUND_FIELDS)},
            )
            return
        if field == "reported_score":
            value = _number(row["value"])
            if value is None:
                self.problems.add(
                    row.number, "value", _("“%(value)s” is not a number") % {"value": row["value"]}
                )
                return
            self.reported[row["title_en"] or "overall"] = value
            return
        self.round_fields[field] = row["title_en"]
        self.round_fields[f"{field}:row"] = str(row.number)

    # --- the round ----------------------------------------------------------------

    def finish(self) -> ParsedAssessment:
        if self.rated_rows or self.round_fields or self.reported:
            self.parsed.round = self._round_of()
            for row, indicator in self.rated_rows:
                rating = self._rating(row, indicator)
                if rating is not None:
                    self.parsed.round.ratings.append(rating)
        if not self.parsed.areas and not self.problems.found:
            raise ImportRefused(
                _(
                    "the template has no area and no indicator rows; add at least one row with "
                    "record “area” and one with record “indicator”"
                )
            )
        self.problems.raise_any()
        if not self.parsed.scale and any(i.kind == "rated" for i, _row in self.indicators.values()):
            self.parsed.scale = default_maturity_scale()
            self.parsed.warnings.append(
                _("the template gives no level rows; the default maturity scale was used")
            )
        missing = (
            [
                r.indicator_code
                for r in self.parsed.round.ratings
                if not r.justification and not r.not_assessed
            ]
            if self.parsed.round
            else []
        )
        if missing:
            self.parsed.warnings.append(
                _("%(count)s ratings have no justification: %(codes)s")
                % {"count": len(missing), "codes": ", ".join(missing[:20])}
            )
        return self.parsed

    def _round_of(self) -> ParsedRound:
        fields = self.round_fields
        round_ = ParsedRound(
            title=fields.get("title", ""),
            subject=fields.get("subject", ""),
            assessing_body=fields.get("assessing_body", ""),
            summary=fields.get("summary", ""),
            reported_scores=dict(self.reported),
        )
        if fields.get("year"):
            if fields["year"].isdigit():
                round_.year = int(fields["year"])
            else:
                self.problems.add(
                    int(fields["year:row"]), "title_en", _("the year must be a number, e.g. 2024")
                )
        if fields.get("assessed_on"):
            try:
                round_.assessed_on = datetime.date.fromisoformat(fields["assessed_on"]).isoformat()
            except ValueError:
                self.problems.add(
                    int(fields["assessed_on:row"]),
                    "title_en",
                    _("“%(value)s” is not a date; write it as YYYY-MM-DD")
                    % {"value": fields["assessed_on"]},
                )
        official = fields.get("official", "").lower()
        if official in _NO:
            round_.official = False
        elif official and official not in _YES:
            self.problems.add(int(fields["official:row"]), "title_en", _("write yes or no"))
        return round_

    def _rating(self, row: _Row, indicator: ParsedIndicator) -> ParsedRating | None:
        rating = ParsedRating(indicator_code=indicator.code, justification=row["justification"])
        written = row["level"]
        if not written or is_not_assessed(written):
            rating.not_assessed = True
        elif indicator.kind == "checklist":
            answer = _checklist_answer(written)
            if not answer:
                self.problems.add(
                    row.number,
                    "level",
                    _("a checklist indicator is answered %(answers)s, not “%(value)s”")
                    % {
                        "answers": ", ".join(entry[0] for entry in CHECKLIST),
                        "value": written,
                    },
                )
                return None
            rating.level_label = answer
        else:
            level = next(
                (
                    level
                    for level in self.parsed.scale
                    if written.lower() in (level.label_en.lower(), level.label_mn.lower())
                ),
                None,
            )
            if level is None:
                labels = ", ".join(level.label_en or level.label_mn for level in self.parsed.scale)
                self.problems.add(
                    row.number,
                    "level",
                    _("“%(value)s” is not a level of the scale (%(levels)s)")
                    % {"value": written, "levels": labels or _("no level rows given")},
                )
                return None
            rating.level_label = level.label_en or level.label_mn
        if row["change"]:
            rating.change = change_of(row["change"]) or _CHANGES_MN.get(row["change"].lower(), "")
            if not rating.change:
                self.problems.add(
                    row.number,
                    "change",
                    _("write increase, unchanged or decrease, not “%(value)s”")
                    % {"value": row["change"]},
                )
        rating.sources = [_source(entry) for entry in row["sources"].splitlines() if entry.strip()]
        return rating


def _checklist_answer(written: str) -> str:
    lowered = written.strip().lower()
    for label, mn, _value, _text in CHECKLIST:
        if lowered in (label.lower(), mn.lower()):
            return label
    synonyms = {"partly present": "Partly", "partial": "Partly", "partially present": "Partly"}
    return synonyms.get(lowered, "")


def _number(text: str) -> float | None:
    """A finite number ("nan", "inf" and 1e400 are not one), or None."""
    try:
        number = float(text.replace(",", ".")) if text else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def _source(entry: str) -> ParsedSource:
    """ "text https://…", or "¹⁴ text …" keeping the footnote mark the document gave it."""
    found = footnote_definition(entry)
    marker, text = found if found else ("", entry.strip())
    return source_of(Footnote(marker, text.strip(), 0))


def with_hints(parsed: ParsedAssessment, hints: dict[str, Any]) -> ParsedAssessment:
    """The preview's corrections over what the template says."""
    if hints.get("framework_title"):
        parsed.framework_title_en = str(hints["framework_title"])
    if parsed.round is not None:
        for field in ("title", "subject", "assessed_on", "assessing_body"):
            if hints.get(field):
                setattr(parsed.round, field, str(hints[field]))
        if hints.get("year"):
            parsed.round.year = int(hints["year"])
        if "official" in hints:
            parsed.round.official = bool(hints["official"])
    return parsed
