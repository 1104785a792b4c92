"""Parser for conference recommendation lists.

These are Word or PDF texts shaped like::

    RECOMMENDATION                         all-caps title block, the conference
    OF “COOPERATION BETWEEN ...”           name in quotes
    INTERNATIONAL SCIENTIFIC CONFERENCE
    Under mandate of ... July 17th - 18th, 2015.    introduction paragraphs
    • Scientific research ...              key issues
    First. Cooperation ... law reform:     ordinal section heading (may wrap)
    - Develop policy documentation ...     one recommendation (may wrap)

The conversion put a blank line after every physical line, so blank lines say
nothing about structure: a recommendation runs from its "- " to the next "- "
or section heading, and introduction paragraphs end at a Markdown hard break.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from .base import ImportRefused, ParsedItem, ParsedPlan
from .textclean import (
    collapse_whitespace,
    drop_footnote_markers,
    has_hard_break,
    is_blank,
    join_wrapped,
    sentence_case,
    slugify,
    tidy_punctuation,
)

FORMAT_NAME = "Recommendation list"

_ORDINALS = (
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
    "Eleventh",
    "Twelfth",
)
# "Second.Cooperation" (no space) occurs in the seed, hence \s*.
_SECTION = re.compile(rf"^({'|'.join(_ORDINALS)})\.\s*(.*)$")
_RECOMMENDATION = re.compile(r"^-\s+(.*)$")
_KEY_ISSUE = re.compile(r"^[•·▪◦]\s*(.*)$")
# No quote mark inside the quotation: ".+?" rescanned the rest of the line from every
# opening quote, quadratic on a line of unclosed quotes.
_QUOTED = re.compile(r"[“\"]([^“”\"\n]+)[”\"]")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# "July 17th - 18th, 2015": the last day is when the recommendations were adopted.
_DATE = re.compile(
    rf"({'|'.join(_MONTHS)})\s+(\d{{1,2}})(?:st|nd|rd|th)?"
    r"(?:\s*[-–]\s*(\d{1,2})(?:st|nd|rd|th)?)?,?\s+(\d{4})"
)
_SENTENCE_END = re.compile(r"[.!?][”\"]?$")


@dataclass(frozen=True)
class _Metadata:
    """What the text itself does not say (or says only in capitals)."""

    title: str
    title_mn: str
    short_name: str
    issuer: str


# Curated details for the recommendation lists we know, by conference name.
_KNOWN: dict[str, _Metadata] = {
    "cooperation between law enforcement organizations": _Metadata(
        title="Recommendations of the International Scientific Conference "
        "“Cooperation between Law Enforcement Organizations”",
        title_mn="“Хууль сахиулах байгууллага хоорондын хамтын ажиллагаа” "
        "олон улсын эрдэм шинжилгээний бага хурлын зөвлөмж",
        short_name="law-enforcement-cooperation-2015",
        issuer="Law Enforcement University of Mongolia",
    ),
}


@dataclass
class _Line:
    number: int  # 1-based line in the source
    raw: str  # as in the file, trailing spaces included (they mark hard breaks)

    @property
    def text(self) -> str:
        return self.raw.strip()


@dataclass
class _Section:
    line: _Line
    ordinal: str
    title_lines: list[str] = field(default_factory=list)
    title_done: bool = False  # the title ends at its colon
    body_lines: list[str] = field(default_factory=list)
    bullets: list[tuple[_Line, list[str]]] = field(default_factory=list)


def looks_like(text: str) -> bool:
    """Cheap check: "First." and "Second." headings and "- " bullets."""
    return all(
        re.search(pattern, text, re.MULTILINE) for pattern in (r"^First\.", r"^Second\.", r"^- ")
    )


def parse(text: str) -> ParsedPlan:
    """Read a recommendation list; raise ``ImportRefused`` if the text does not fit."""
    lines = [
        _Line(number, raw) for number, raw in enumerate(text.splitlines(), 1) if not is_blank(raw)
    ]
    header, intro, rest = _split_front_matter(lines)
    sections = _read_sections(rest)
    items = _build_items(sections)
    return _build_plan(header, intro, items)


# --- front matter -------------------------------------------------------------


def _split_front_matter(lines: list[_Line]) -> tuple[list[_Line], list[_Line], list[_Line]]:
    """Split into the all-caps title block, the introduction and the sections."""
    first_section = next((i for i, line in enumerate(lines) if _SECTION.match(line.text)), None)
    if first_section is None:
        raise ImportRefused(
            "no section heading ('First. …:') found; is this a recommendation list?"
        )
    front = lines[:first_section]
    header_end = next((i for i, line in enumerate(front) if not _is_caps(line.text)), len(front))
    return front[:header_end], front[header_end:], lines[first_section:]


def _is_caps(text: str) -> bool:
    return any(char.isalpha() for char in text) and text == text.upper()


def _intro_blocks(intro: list[_Line]) -> list[tuple[bool, str]]:
    """Paragraphs of the introduction as (is_key_issue, text), in order."""
    blocks: list[tuple[bool, str]] = []
    current: list[_Line] = []
    for index, line in enumerate(intro):
        following = intro[index + 1] if index + 1 < len(intro) else None
        current.append(line)
        if following is None or _ends_paragraph(line, following):
            texts = [part.text for part in current]
            bullet = _KEY_ISSUE.match(texts[0])
            if bullet:  # re-mark key issues with one consistent bullet
                texts[0] = bullet.group(1)
            text = _clean(texts)
            blocks.append((bool(bullet), f"• {text}" if bullet else text))
            current = []
    return blocks


def _ends_paragraph(line: _Line, following: _Line) -> bool:
    # A hard break, a key issue starting, or a finished sentence followed by a
    # capital letter: in this conversion each of these ends a paragraph.
    if has_hard_break(line.raw) or _KEY_ISSUE.match(following.text):
        return True
    return bool(_SENTENCE_END.search(line.text)) and following.text[:1].isupper()


def _description(intro: list[_Line]) -> str:
    """Paragraphs separated by a blank line; consecutive key issues one per line."""
    paragraphs: list[str] = []
    previous_was_issue = False
    for is_issue, text in _intro_blocks(intro):
        if is_issue and previous_was_issue:
            paragraphs[-1] += f"\n{text}"
        else:
            paragraphs.append(text)
        previous_was_issue = is_issue
    return "\n\n".join(paragraphs)


# --- sections and recommendations -------------------------------------------


def _read_sections(lines: list[_Line]) -> list[_Section]:
    sections: list[_Section] = []
    for line in lines:
        heading = _SECTION.match(line.text)
        if heading:
            sections.append(_open_section(line, heading, len(sections)))
        else:
            _add_to_section(sections[-1], line)  # lines[0] is always a heading
    for section in sections:
        if not section.bullets:
            raise ImportRefused(
                f"section '{section.ordinal}.' has no '- ' recommendations",
                line=section.line.number,
            )
    return sections


def _open_section(line: _Line, heading: re.Match[str], index: int) -> _Section:
    ordinal, rest = heading.group(1), heading.group(2)
    expected = _ORDINALS[index] if index < len(_ORDINALS) else "?"
    if ordinal != expected:  # a skipped ordinal means a section was lost
        raise ImportRefused(f"expected '{expected}.' but found '{ordinal}.'", line=line.number)
    section = _Section(line=line, ordinal=ordinal)
    _add_title_line(section, rest)
    return section


def _add_title_line(section: _Section, text: str) -> None:
    section.title_lines.append(text)
    section.title_done = text.rstrip().endswith(":")


def _add_to_section(section: _Section, line: _Line) -> None:
    bullet = _RECOMMENDATION.match(line.text)
    if bullet:
        section.bullets.append((line, [bullet.group(1)]))
    elif section.bullets:  # a recommendation wrapped onto the next line
        section.bullets[-1][1].append(line.text)
    elif not section.title_done:  # the heading wrapped ("… training of law" / "enforcement …:")
        _add_title_line(section, line.text)
    else:
        section.body_lines.append(line.text)


def _build_items(sections: list[_Section]) -> list[ParsedItem]:
    items: list[ParsedItem] = []
    for number, section in enumerate(sections, 1):
        code = str(number)
        items.append(
            ParsedItem(
                code=code,
                kind="section",
                title=_clean(section.title_lines).rstrip(":").rstrip(),
                label=section.ordinal,
                parent_code=None,
                body=_clean(section.body_lines),
                source_line=section.line.number,
            )
        )
        items.extend(
            ParsedItem(
                code=f"{code}.{index}",
                kind="recommendation",
                title=_clean(parts),
                parent_code=code,
                source_line=line.number,
            )
            for index, (line, parts) in enumerate(section.bullets, 1)
        )
    return items


# --- the plan -----------------------------------------------------------------


def _build_plan(header: list[_Line], intro: list[_Line], items: list[ParsedItem]) -> ParsedPlan:
    heading = collapse_whitespace(" ".join(line.text for line in header))
    quoted = _QUOTED.search(heading)
    name = quoted.group(1) if quoted else ""
    adopted_on = _adoption_date(" ".join(line.text for line in intro))
    known = _KNOWN.get(name.casefold())
    year = adopted_on.year if adopted_on else None
    return ParsedPlan(
        title=known.title if known else _fallback_title(heading, name),
        title_mn=known.title_mn if known else "",
        short_name=known.short_name if known else _fallback_short_name(heading, name, year),
        issuer=known.issuer if known else "",
        adopted_on=adopted_on,
        start_year=year,
        end_year=None,  # recommendations are open-ended
        description=_description(intro),
        format_name=FORMAT_NAME,
        items=items,
    )


def _adoption_date(text: str) -> datetime.date | None:
    match = _DATE.search(collapse_whitespace(text))
    if not match:
        return None
    month = _MONTHS.index(match.group(1)) + 1
    day = int(match.group(3) or match.group(2))
    return datetime.date(int(match.group(4)), month, day)


def _fallback_title(heading: str, name: str) -> str:
    if name:
        return f"Recommendations: “{sentence_case(name)}”"
    return sentence_case(heading) if heading else "Recommendations"


def _fallback_short_name(heading: str, name: str, year: int | None) -> str:
    slug = slugify(name or heading) or "recommendations"
    return f"{slug}-{year}" if year else slug


def _clean(texts: list[str]) -> str:
    """Join wrapped lines, then drop the conversion's footnote numbers and stray spaces."""
    return tidy_punctuation(drop_footnote_markers(join_wrapped(texts)))
