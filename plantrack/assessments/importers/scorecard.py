"""Rated indicators read from a document, whatever layout its scorecard uses.

A published scorecard rates each indicator with a level (and often the change since
the last round) and justifies it. The layouts seen in real documents, all read here:

- table rows: cells separated by tabs (or Markdown pipes, or a Word table), with an
  area cell on the first row of each area, the indicator, the rating ("Strong
  Unchanged") and the justification, possibly as HTML paragraphs;
- rows split across a page break: the footnotes of the page sit between the two
  halves (``footnotes`` takes them out), and the second half is a row whose rating
  cell is empty, or the first paragraph of the next row, in lower case, continuing a
  justification left in mid-sentence;
- one field per line: the indicator, then the rating on a line of its own, then the
  justification's paragraphs, each block under the area heading or table above it;
- a table that only groups the indicators by level ("Very Strong | indicator, …"),
  which names the scale's levels in order.

The rating cell is found by its words (``vocabulary``), not by its column, because a
split row loses its leading cells. The result is a ``Reading`` of draft indicators;
``scale`` turns their level names into the framework's scale.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .units import Heading, Para, RatingLine, Row, Unit, cell_paragraphs, cell_text
from .vocabulary import Rating, is_not_assessed, normalise, read_rating

ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "area": (
        "thematic area", "area", "theme", "pillar", "dimension", "category", "domain",
        "principle", "component", "section", "cluster", "focus area", "sector", "chapter",
    ),
    "indicator": (
        "indicator", "criteria", "criterion", "success criteria", "question", "standard",
        "requirement", "item", "attribute", "provision", "benchmark", "element", "measure",
        "commitment", "recommendation",
    ),
    "rating": (
        "assessment", "rating", "score", "grade", "conformance level", "conformance", "level",
        "status", "result", "compliance", "performance", "maturity", "judgement", "judgment",
    ),
    "change": ("change", "trend", "direction", "movement"),
    "justification": (
        "notes", "note", "justification", "remarks", "remarks and explanations", "explanation",
        "comments", "comment", "evidence", "rationale", "reasoning", "findings", "description",
        "details", "commentary", "narrative",
    ),
}  # fmt: skip

# An indicator's code in a cell of its own ("1.2", "A3", "2.") or leading its title
# ("1.2 Judges are …": a dotted code only, so "2022 budget law" keeps its year).
_CODE_CELL = re.compile(r"^[A-Za-z]{0,3}\d{1,3}(?:\.\d{1,3}){0,3}\.?$")
_CODE_LEAD = re.compile(r"^(?P<code>\d{1,3}(?:\.\d{1,3}){1,3})\.?\s+(?P<title>\S.*)$")
# A short numbered title ("2. Staff", "B. Oversight") with no sentence end: above rated
# rows, the heading of their area, written as a plain line.
_NUMBERED_TITLE = re.compile(r"^(?:\d{1,2}|[A-Z])[.)]\s+\S.{0,78}$")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_TRAILING_MARKS = re.compile(r"[\s⁰¹²³⁴⁵⁶⁷⁸⁹]+$")
# Running heads repeated under every section are not areas.
_BOILERPLATE_REPEATS = 3


@dataclass
class Draft:
    area: str
    title: str
    level: str
    change: str
    line: int
    not_assessed: bool = False
    paragraphs: list[str] = field(default_factory=list)
    code: str = ""  # the document's own code for the indicator ("1.2"), when it gives one

    @property
    def justification(self) -> str:
        return "\n\n".join(p for p in self.paragraphs if p)


@dataclass
class Reading:
    drafts: list[Draft] = field(default_factory=list)
    # A table grouping indicators by level: (level as written, [indicator titles]).
    groups: list[tuple[str, list[str]]] = field(default_factory=list)
    narrative: list[Para] = field(default_factory=list)  # paragraphs outside the scorecard
    running_heads: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _role(cell: str) -> str:
    text = normalise(cell)
    for role, words in ROLE_WORDS.items():
        if text in words or any(text.startswith(word + " ") for word in words):
            return role
    return ""


def header_roles(texts: list[str], levels: tuple[str, ...] = ()) -> dict[int, str] | None:
    """Column roles when the row names them (Indicator, Assessment, Notes…), else None."""
    if any(read_rating(text, levels) for text in texts if text):
        return None
    roles = {index: _role(text) for index, text in enumerate(texts) if text}
    named = {role for role in roles.values() if role}
    if len(named) >= 2 and named & {"indicator", "rating"}:
        return {index: role for index, role in roles.items() if role}
    return None


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(_TRAILING_MARKS.sub("", text)))


def continues(text: str) -> bool:
    """Text that starts in the middle of a sentence: lower case, or punctuation."""
    first = text.lstrip()[:1]
    return first.islower() or first in ",;)]"


def title_of(text: str) -> str:
    return re.sub(r"(?<![.\s][a-z])[.;:]$", "", text.strip()).strip()


class _Reader:
    def __init__(
        self, units: list[Unit], levels: tuple[str, ...], values: dict[str, str] | None = None
    ) -> None:
        self.units = units
        self.levels = levels
        self.values = values or {}  # "3" → "Strong": numbers in a rating column
        self.reading = Reading()
        self.header: dict[int, str] | None = None
        self.header_width = 0
        self.mode = ""  # "", "group" or "score"
        self.current: Draft | None = None
        self.area = ""
        self.headings: list[Heading] = []  # open headings, outermost first
        self.boilerplate = self._running_heads()
        self.reading.running_heads = sorted(self.boilerplate)

    def _running_heads(self) -> set[str]:
        counts = Counter(normalise(u.text) for u in self.units if isinstance(u, Heading))
        return {text for text, count in counts.items() if count >= _BOILERPLATE_REPEATS}

    def _next(self, index: int) -> Unit | None:
        return self.units[index + 1] if index + 1 < len(self.units) else None

    def read(self) -> Reading:
        for index, unit in enumerate(self.units):
            if isinstance(unit, Row):
                self._row(unit)
            elif isinstance(unit, Heading):
                self._heading(unit, index)
            elif isinstance(unit, Para):
                self._para(unit, index)
            else:
                self._rating_line(unit, index)
        return self.reading

    # --- headings and areas ---------------------------------------------------------

    def _heading(self, heading: Heading, index: int) -> None:
        if isinstance(self._next(index), RatingLine):
            return  # the title of the indicator rated on the next line
        self.mode, self.current = "", None
        while self.headings and self.headings[-1].level >= heading.level:
            self.headings.pop()
        self.headings.append(heading)
        if normalise(heading.text) not in self.boilerplate:
            self.area = heading.text

    def _area_above(self, level: int) -> str:
        """The nearest open heading above an indicator heading of ``level``."""
        for heading in reversed(self.headings):
            if heading.level < level and normalise(heading.text) not in self.boilerplate:
                return heading.text
        return self.area

    # --- paragraphs and one-field-per-line blocks ---------------------------------------

    def _para(self, para: Para, index: int) -> None:
        if isinstance(self._next(index), RatingLine):
            return  # the title of the indicator rated on the next line
        if self._area_line(para, index):
            self.mode, self.current = "", None
            self.area = para.text.strip()
            return
        if self.mode == "score" and self.current is not None:
            text = f"• {para.text}" if para.bullet else para.text
            self._append(self.current, [text])
            return
        self.mode = ""
        self.reading.narrative.append(para)

    def _area_line(self, para: Para, index: int) -> bool:
        """A numbered title on a line of its own right above a rated row: an area heading
        written as plain text, not a paragraph of the justification above."""
        text = para.text.strip()
        if para.bullet or not _NUMBERED_TITLE.match(text) or ends_sentence(text):
            return False
        following = self._next(index)
        if not isinstance(following, Row):
            return False
        texts = [cell_text(cell) for cell in following.cells]
        return self._rating_index(texts) is not None

    def _rating_line(self, line: RatingLine, index: int) -> None:
        title_unit = self.units[index - 1] if index else None
        if isinstance(title_unit, Heading):
            title, area = title_unit.text, self._area_above(title_unit.level)
        elif isinstance(title_unit, Para):
            title, area = title_unit.text, self.area
        else:
            self.reading.warnings.append(
                _("line %(line)s: a rating (%(rating)s) with no indicator named above it; left out")
                % {"line": line.line, "rating": line.rating.level or line.rating.change}
            )
            return
        draft = self._draft(area, title, line.rating.level, line.rating.change, line.line)
        if line.rest:
            draft.paragraphs.append(line.rest)
        self.mode = "score"

    # --- table rows ------------------------------------------------------------------

    def _row(self, row: Row) -> None:
        texts = [cell_text(cell) for cell in row.cells]
        if not any(texts):
            return
        roles = header_roles(texts, self.levels)
        if roles is not None:
            self.header, self.header_width = roles, len(texts)
            self.mode, self.current = "", None
            return
        at = self._rating_index(texts)
        if at is None:
            self._plain_row(row, texts)
            return
        rating = read_rating(texts[at], self.levels) or self._valued(texts[at])
        assert rating is not None
        before = [text for text in texts[:at] if text]
        after = [cell for cell in row.cells[at + 1 :] if cell.strip()]
        if not before and len(after) == 1 and self.mode != "score":
            self.mode = "group"
            self.reading.groups.append((rating.level, [title_of(cell_text(after[0]))]))
            return
        if not before:
            before, after = [cell_text(after[0])] if after else [], after[1:]
        if not before:
            return
        code = ""
        if len(before) >= 2 and _CODE_CELL.match(before[-2]):
            # A code column, not an area: "1.2 | Judges are … | Weak | …"
            code = before[-2].rstrip(".")
            before = before[:-2] + before[-1:]
        else:
            lead = _CODE_LEAD.match(before[-1])
            if lead:
                code, before = lead.group("code"), [*before[:-1], lead.group("title")]
        if len(before) >= 2:
            self.area = before[-2]
        paragraphs = [p for cell in after for p in cell_paragraphs(cell)]
        change = rating.change
        stated = read_rating(paragraphs[0], self.levels) if paragraphs and not change else None
        if stated is not None and not stated.level and stated.change:
            change = stated.change  # a change column of its own
            paragraphs = paragraphs[1:]
        if self._continues_current(paragraphs):
            self._append(self.current, paragraphs[:1])  # type: ignore[arg-type]
            paragraphs = paragraphs[1:]
        draft = self._draft(self.area, before[-1], rating.level, change, row.line)
        draft.code = code
        draft.paragraphs.extend(paragraphs)
        self.mode = "score"

    def _continues_current(self, paragraphs: list[str]) -> bool:
        """The row's first paragraph ends the justification above, cut by a page break."""
        if self.current is None or not paragraphs or not continues(paragraphs[0]):
            return False
        last = self.current.paragraphs[-1] if self.current.paragraphs else ""
        return not ends_sentence(last)

    def _rating_index(self, texts: list[str]) -> int | None:
        """Where the rating cell is: the header's rating column when the row is whole,
        else the first cell that reads as a level."""
        if self.header and len(texts) == self.header_width:
            for index, role in self.header.items():
                if role == "rating" and (
                    read_rating(texts[index], self.levels) or self._valued(texts[index])
                ):
                    return index
        for index, text in enumerate(texts):
            rating = read_rating(text, self.levels) if text else None
            if rating is not None and rating.level:
                return index
        return None

    def _valued(self, text: str) -> Rating | None:
        """A number in the rating column that is a value the document's scale defines."""
        number = text.strip().replace(",", ".")
        try:
            key = f"{float(number):g}" if number else ""
        except ValueError:
            return None
        return Rating(self.values[key], "") if key in self.values else None

    def _plain_row(self, row: Row, texts: list[str]) -> None:
        """A row with no rating: more of the group or of the indicator above, or neither."""
        filled = [index for index, text in enumerate(texts) if text]
        if self.mode == "group" and len(filled) == 1 and self.reading.groups:
            self.reading.groups[-1][1].append(title_of(texts[filled[0]]))
            return
        if self.mode != "score" or self.current is None:
            return
        whole = self.header is not None and len(texts) == self.header_width
        for index in filled:
            role = self.header.get(index, "") if whole and self.header else ""
            if role == "indicator":
                self.current.title = title_of(f"{self.current.title} {texts[index]}")
            elif role != "area":
                self._append(self.current, cell_paragraphs(row.cells[index]), page_break=True)

    # --- drafts ------------------------------------------------------------------

    def _draft(self, area: str, title: str, level: str, change: str, line: int) -> Draft:
        not_assessed = is_not_assessed(level)
        draft = Draft(area, title_of(title), "" if not_assessed else level, change, line)
        draft.not_assessed = not_assessed
        self.reading.drafts.append(draft)
        self.current = draft
        return draft

    @staticmethod
    def _append(draft: Draft, paragraphs: list[str], *, page_break: bool = False) -> None:
        """More text for a justification. A paragraph joins the last one when that stopped in
        mid-sentence and this one starts mid-sentence, or comes after a page break."""
        for paragraph in paragraphs:
            if not paragraph:
                continue
            last = draft.paragraphs[-1] if draft.paragraphs else ""
            open_sentence = last and not ends_sentence(last) and not last.endswith(":")
            if (
                open_sentence
                and not paragraph.startswith("• ")
                and (page_break or continues(paragraph))
            ):
                draft.paragraphs[-1] = f"{last} {paragraph}"
            elif paragraph.startswith("• ") and last.startswith("• "):
                draft.paragraphs[-1] = f"{last}\n{paragraph}"  # one list, an item a line
            else:
                draft.paragraphs.append(paragraph)


def read_scorecard(
    units: list[Unit], levels: tuple[str, ...] = (), values: dict[str, str] | None = None
) -> Reading:
    """The rated indicators in ``units``; ``levels`` are the document's own level labels,
    ``values`` its levels by value, for a rating column written in numbers."""
    reading = _Reader(units, levels, values).read()
    _drop_summaries_of_areas(reading)
    return reading


def _drop_summaries_of_areas(reading: Reading) -> None:
    """An area whose "indicators" are the other areas' titles is the document's summary of
    its areas (often rated only "not applicable" as a whole): not part of the framework."""
    areas: dict[str, list[Draft]] = {}
    for draft in reading.drafts:
        areas.setdefault(draft.area, []).append(draft)
    titles = [normalise(area) for area in areas]
    for area, drafts in areas.items():
        others = [title for title in titles if title != normalise(area)]
        summary = sum(
            1
            for draft in drafts
            if any(other.startswith(normalise(draft.title)) for other in others)
        )
        if len(areas) > 1 and summary * 2 >= len(drafts) and summary >= 2:
            reading.drafts = [d for d in reading.drafts if d.area != area]
            reading.warnings.append(
                _(
                    "“%(area)s” lists the other areas rather than indicators; it was read as "
                    "the document's summary and left out"
                )
                % {"area": area}
            )
