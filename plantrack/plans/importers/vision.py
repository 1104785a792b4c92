"""Parser for one goal of "Vision 2050", Mongolia's long-term development policy.

The English goal texts are Markdown-ish conversions of the official PDF::

    # SAFE AND SECURE SOCIETY              goal name, then a table of contents
    **GOAL 7.** Ensure human ...           the goal
    ## ARMED FORCES                        theme banner: labels the next objective
    **OBJECTIVE 7.1. Strengthen ...**
    ### THE OBJECTIVE'S STAGES OF ...      fixed heading, carries nothing
    #### STAGE I (2021-2030)
    **The period to strengthen ...**       the stage's title
    1. Strengthen local defense ...        expected results of the stage
    ### ACTIVITIES TO BE IMPLEMENTED IN 2021-2030 OF THE OBJECTIVE
    - 7.1.1. Develop a curriculum ...      activities of the objective

Items come out as goal > objective > (stage > expected result, activity). The
conversion is uneven (heading levels vary, blank lines split lists, banners
repeat with decorative bold paragraphs), so the reader keys on the text of a
line rather than on its heading level, and refuses anything it cannot place.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from .base import ImportRefused, ParsedItem, ParsedPlan
from .textclean import collapse_whitespace, is_blank, sentence_case, strip_markdown

FORMAT_NAME = "Vision 2050 strategy text"

# Facts about Vision 2050 as a whole, true for every goal: the document does
# not repeat them in each goal's text. Parliament resolution No. 52 of 2020.
_ISSUER = "State Great Khural (Parliament) of Mongolia"
_ADOPTED_ON = datetime.date(2020, 5, 13)
# Official Mongolian titles, by goal number; only the goals we have checked
# against the Mongolian text are listed, the others get no Mongolian title.
_TITLES_MN = {"7": "Алсын хараа 2050 — 7 дугаар зорилго: Аюулгүй, найдвартай нийгэм"}

_GOAL = re.compile(r"^\*\*GOAL\s+(\d+)\.(?:\*\*)?\s*(.+)$")
_OBJECTIVE = re.compile(r"^\*\*OBJECTIVE\s+(\d+\.\d+)\.(?:\*\*)?\s*(.+)$")
_STAGES_HEADING = re.compile(r"^#{1,6}\s*THE\s+OBJECTIVE['’]?S\s+STAGES\b", re.IGNORECASE)
_STAGE = re.compile(
    r"^#{1,6}\s*STAGE\s+([IVX]+)\s*\(\s*(\d{4})\s*[-–—]\s*(\d{4})\s*\)", re.IGNORECASE
)
_ACTIVITIES_HEADING = re.compile(
    r"^#{1,6}\s*ACTIVITIES\s+TO\s+BE\s+IMPLEMENTED\s+IN\s+(\d{4})\s*[-–—]\s*(\d{4})",
    re.IGNORECASE,
)
_ACTIVITY = re.compile(r"^[-*•]\s+(\d+(?:\.\d+){2,})\.?\s+(.+)$")
_RESULT = re.compile(r"^(\d+)[.)]\s+(.+)$")
_BOLD = re.compile(r"^\*\*(.+)\*\*$", re.DOTALL)
_TITLE = re.compile(r"^#\s+(.+)$")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$")
# Horizontal rules and captions of figures the text conversion dropped.
_DECORATION = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|(?:Figure|Table)\s+\d.*)$", re.IGNORECASE)
# Lines that open a new block; any other line straight after a list item
# (no blank line between) is that item wrapped onto the next line.
_BLOCK_START = re.compile(
    r"^(?:#|-{3,}|\*\*|[-*•]\s|\d+[.)]\s|(?:Figure|Table)\s+\d)", re.IGNORECASE
)
_LIST_ITEM = re.compile(r"^(?:[-*•]\s|\d+[.)]\s)")


@dataclass
class _Line:
    number: int  # 1-based, of the first physical line
    text: str  # stripped; wrapped lines joined with a space


@dataclass
class _Reader:
    """Everything known while walking the lines; ``mode`` says what may come next."""

    items: list[ParsedItem] = field(default_factory=list)
    name: str = ""  # the "# SAFE AND SECURE SOCIETY" title, sentence-cased
    goal: ParsedItem | None = None
    banner: str = ""  # theme label waiting for the next objective
    objective: ParsedItem | None = None
    stage: ParsedItem | None = None
    mode: str = "preamble"  # preamble, banner, objective, stage_title, results, activities
    activity_years: tuple[int, int] = (0, 0)
    children: dict[str, int] = field(default_factory=dict)  # per parent code and kind

    def add(self, item: ParsedItem) -> ParsedItem:
        self.items.append(item)
        key = f"{item.parent_code}/{item.kind}"
        self.children[key] = self.children.get(key, 0) + 1
        return item

    def count(self, parent: ParsedItem, kind: str) -> int:
        return self.children.get(f"{parent.code}/{kind}", 0)


def looks_like(text: str) -> bool:
    """Cheap check: a goal line, an objective line and a stage heading."""
    return all(
        re.search(pattern, text, re.MULTILINE)
        for pattern in (r"^\*\*GOAL \d+\.", r"^\*\*OBJECTIVE \d+\.\d+\.", r"^#+\s*STAGE [IVX]+\b")
    )


def parse(text: str) -> ParsedPlan:
    """Read one Vision 2050 goal; raise ``ImportRefused`` if the text does not fit."""
    reader = _Reader()
    for line in _logical_lines(text):
        _read_line(reader, line)
    _check_complete(reader)
    return _build_plan(reader)


# --- turning physical lines into logical ones --------------------------------


def _logical_lines(text: str) -> Iterator[_Line]:
    """Yield non-blank lines, with bold spans and wrapped list items re-joined."""
    pending: _Line | None = None
    bold_open = False
    after_list_item = False  # the previous physical line belonged to a list item
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if is_blank(line):
            after_list_item = False
            continue
        joins = bold_open or (after_list_item and not _BLOCK_START.match(line))
        if pending is not None and joins:
            pending.text = f"{pending.text} {line}"
        else:
            if pending is not None:
                yield pending
            pending = _Line(number, line)
            after_list_item = bool(_LIST_ITEM.match(line))
        # An odd number of "**" opens (or closes) a bold span across lines.
        if line.count("**") % 2:
            bold_open = not bold_open
    if pending is not None:
        yield pending


# --- reading logical lines ----------------------------------------------------


def _read_line(reader: _Reader, line: _Line) -> None:
    if reader.goal is None:
        _read_preamble(reader, line)
        return
    for pattern, handler in _HANDLERS:
        match = pattern.match(line.text)
        if match:
            handler(reader, line, match)
            return
    if reader.mode != "banner":  # text under a banner is decoration
        raise ImportRefused(f"unexpected text: {_quote(line.text)}", line=line.number)


def _read_preamble(reader: _Reader, line: _Line) -> None:
    """Before the goal: keep the document title, skip the table of contents."""
    title = _TITLE.match(line.text)
    if title and not reader.name:
        reader.name = sentence_case(strip_markdown(title.group(1)))
    elif goal := _GOAL.match(line.text):
        _on_goal(reader, line, goal)
    elif _OBJECTIVE.match(line.text) or _STAGE.match(line.text):
        raise ImportRefused(
            "an objective or stage comes before the **GOAL N.** line", line=line.number
        )


def _on_goal(reader: _Reader, line: _Line, match: re.Match[str]) -> None:
    if reader.goal is not None:
        raise ImportRefused("a second GOAL line; import one goal per file", line=line.number)
    goal = ParsedItem(
        code=match.group(1),
        kind="goal",
        title=strip_markdown(match.group(2)),
        label=f"Goal {match.group(1)}",
        source_line=line.number,
    )
    reader.goal = reader.add(goal)
    reader.mode = "goal"


def _on_objective(reader: _Reader, line: _Line, match: re.Match[str]) -> None:
    goal = _require(reader.goal, "objective before the goal", line)
    code = match.group(1)
    if not code.startswith(f"{goal.code}."):
        raise ImportRefused(
            f"objective {code} does not belong to goal {goal.code}", line=line.number
        )
    objective = ParsedItem(
        code=code,
        kind="objective",
        title=strip_markdown(match.group(2)),
        label=reader.banner or f"Objective {code}",
        parent_code=goal.code,
        source_line=line.number,
    )
    reader.objective = reader.add(objective)
    reader.stage = None
    reader.banner = ""
    reader.mode = "objective"


def _on_stages_heading(reader: _Reader, line: _Line, match: re.Match[str]) -> None:
    _require_mode(reader, line, ("objective",), "a stages heading")


def _on_stage(reader: _Reader, line: _Line, match: re.Match[str]) -> None:
    _require_mode(reader, line, ("objective", "results"), "a STAGE heading")
    objective = _require(reader.objective, "stage outside an objective", line)
    numeral, start, end = match.group(1).upper(), int(match.group(2)), int(match.group(3))
    stage = ParsedItem(
        code=f"{objective.code}.{numeral}",
        kind="stage",
        title="",  # the bold line that follows
        label=f"Stage {numeral}",
        parent_code=objective.code,
        start_year=start,
        end_year=end,
        source_line=line.number,
    )
    reader.stage = reader.add(stage)
    reader.mode = "stage_title"


def _on_bold(reader: _Reader, line: _Line, match: re.Match[str]) -> None:
    if reader.mode == "stage_title" and reader.stage is not None:
        reader.stage.title = strip_markdown(match.group(1))
        reader.mode = "results"
    elif reader.mode != "banner":  # a banner's bold paragraph repeats the objective
        raise ImportRefused(f"unexpected bold text: {_quote(line.text)}", line=line.number)


def _on_result(reader: _Reader, line: _Line, match: re.Match[str]) -> None:
    if reader.mode == "stage_title":
        raise ImportRefused("the stage has no bold title line before its results", line=line.number)
    _require_mode(reader, line, ("results",), "a numbered expected result")
    stage = _require(reader.stage, "expected result outside a stage", line)
    number = int(match.group(1))
    _check_number(number, reader.count(stage, "expected_result") + 1, line)
    result = ParsedItem(
        code=f"{stage.code}.{number}",
        kind="expected_result",
        title=_plain(match.group(2)),
        parent_code=stage.code,
        start_year=stage.start_year,
        end_year=stage.end_year,
        source_line=line.number,
    )
    reader.add(result)


def _on_activities_heading(reader: _Reader, line: _Line, match: re.Match[str]) -> None:
    _require_mode(reader, line, ("objective", "results"), "an ACTIVITIES heading")
    reader.activity_years = (int(match.group(1)), int(match.group(2)))
    reader.mode = "activities"


def _on_activity(reader: _Reader, line: _Line, match: re.Match[str]) -> None:
    _require_mode(reader, line, ("activities",), "an activity")
    objective = _require(reader.objective, "activity outside an objective", line)
    code = match.group(1)
    parent, _, number = code.rpartition(".")
    if parent != objective.code:
        raise ImportRefused(
            f"activity {code} is not under objective {objective.code}", line=line.number
        )
    _check_number(int(number), reader.count(objective, "activity") + 1, line)
    activity = ParsedItem(
        code=code,
        kind="activity",
        title=_plain(match.group(2)),
        parent_code=objective.code,
        start_year=reader.activity_years[0],
        end_year=reader.activity_years[1],
        source_line=line.number,
    )
    reader.add(activity)


def _on_heading(reader: _Reader, line: _Line, match: re.Match[str]) -> None:
    """Any other heading is a theme banner; it labels the next objective."""
    reader.banner = sentence_case(strip_markdown(match.group(1)))
    reader.mode = "banner"


def _on_decoration(reader: _Reader, line: _Line, match: re.Match[str]) -> None:
    """Rules and figure captions carry no content."""


_T = TypeVar("_T")
_Handler = Callable[[_Reader, _Line, re.Match[str]], None]

# Order matters: the specific headings before the catch-all banner heading,
# and the goal/objective lines before the generic bold line.
_HANDLERS: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (_GOAL, _on_goal),
    (_OBJECTIVE, _on_objective),
    (_STAGES_HEADING, _on_stages_heading),
    (_STAGE, _on_stage),
    (_ACTIVITIES_HEADING, _on_activities_heading),
    (_ACTIVITY, _on_activity),
    (_RESULT, _on_result),
    (_BOLD, _on_bold),
    (_HEADING, _on_heading),
    (_DECORATION, _on_decoration),
)


# --- checks -----------------------------------------------------------------


def _require(value: _T | None, problem: str, line: _Line) -> _T:
    if value is None:
        raise ImportRefused(problem, line=line.number)
    return value


def _require_mode(reader: _Reader, line: _Line, modes: tuple[str, ...], what: str) -> None:
    if reader.mode not in modes:
        raise ImportRefused(f"{what} is out of place here: {_quote(line.text)}", line=line.number)


def _check_number(found: int, expected: int, line: _Line) -> None:
    # A gap or repeat means a line was lost or mangled in conversion.
    if found != expected:
        raise ImportRefused(f"expected item number {expected}, found {found}", line=line.number)


def _check_complete(reader: _Reader) -> None:
    """Refuse a plan with missing parts instead of importing half of it."""
    if reader.goal is None:
        raise ImportRefused("no '**GOAL N.**' line found; is this a Vision 2050 goal text?")
    objectives = [item for item in reader.items if item.kind == "objective"]
    if not objectives:
        raise ImportRefused(
            "the goal has no '**OBJECTIVE N.N.**' lines", line=reader.goal.source_line
        )
    for objective in objectives:
        for kind, words in (("stage", "STAGE headings"), ("activity", "activities")):
            if not reader.count(objective, kind):
                raise ImportRefused(
                    f"objective {objective.code} has no {words}", line=objective.source_line
                )
    for stage in (item for item in reader.items if item.kind == "stage"):
        if not stage.title or not reader.count(stage, "expected_result"):
            raise ImportRefused(
                f"stage {stage.code} needs a bold title and numbered expected results",
                line=stage.source_line,
            )


# --- building the plan --------------------------------------------------------


def _build_plan(reader: _Reader) -> ParsedPlan:
    goal = reader.goal
    assert goal is not None  # _check_complete refused otherwise
    start, end = _span(reader.items)
    for item in reader.items:  # goal and objectives run over all their stages
        if item.kind in ("goal", "objective"):
            item.start_year, item.end_year = _span(_descendants(reader.items, item.code))
    themes = [item.label for item in reader.items if item.kind == "objective"]
    name = f": {reader.name}" if reader.name else ""
    return ParsedPlan(
        title=f"Vision 2050 — Goal {goal.code}{name}",
        title_mn=_TITLES_MN.get(goal.code, ""),
        short_name=f"vision-2050-goal-{goal.code}",
        issuer=_ISSUER,
        adopted_on=_ADOPTED_ON,
        start_year=start,
        end_year=end,
        description=f"{goal.title}\n\nThemes: {', '.join(themes)}.",
        format_name=FORMAT_NAME,
        items=reader.items,
    )


def _descendants(items: list[ParsedItem], code: str) -> list[ParsedItem]:
    return [item for item in items if item.code.startswith(f"{code}.")]


def _span(items: list[ParsedItem]) -> tuple[int | None, int | None]:
    starts = [item.start_year for item in items if item.start_year]
    ends = [item.end_year for item in items if item.end_year]
    return (min(starts) if starts else None, max(ends) if ends else None)


def _plain(text: str) -> str:
    return collapse_whitespace(strip_markdown(text))


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else f"{text[:57]}...")
