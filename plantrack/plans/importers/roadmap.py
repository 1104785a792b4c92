"""Parser for the DICE "Inclusive Digitalization Advocacy Roadmap" (2024).

The source is a Markdown-ish narrative (vision, mission, purpose, priority and
support areas with one objective each, expected outcomes, an abbreviations list)
followed by "Table 4. Activity Plan": tab-separated rows whose cells hold HTML
lists. Columns: ``# | Activities | Description/Expected outputs | Indicators |
Stakeholders``. Area rows ("1\t<b>Priority Area 1: …</b>") open an area, group
header rows ("<b>Activities to implement on policy:</b>"), footnotes and blank
lines sit between activity rows and are skipped.

Output: five ``area`` items (codes "1"–"5") and their ``activity`` children
("1.1" …), all plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from plantrack.plans.importers.base import ImportRefused, ParsedItem, ParsedPlan
from plantrack.plans.importers.organisation_names import normalise_organisation

FORMAT_NAME = "Roadmap activity table"

# Facts the document does not state in a parseable form (the Mongolian title is
# not in the English text at all); they identify this one roadmap.
FALLBACK_TITLE = "Inclusive Digitalization Advocacy Roadmap"
TITLE_MN = "Хүртээмжтэй цахимжилтын нөлөөллийн замын зураг"
SHORT_NAME = "dice-inclusive-digitalization-roadmap"
ISSUER = "People in Need (PIN) — DICE project, with the financial support of the European Union"

COLUMN_COUNT = 5
_HEADING = re.compile(r"^(?P<hashes>#{1,6}) (?P<text>.*\S)\s*$")
_AREA_CODE = re.compile(r"^\d+$")
_ACTIVITY_CODE = re.compile(r"^(?P<area>\d+)\.\d+$")
_AREA_PREFIX = re.compile(r"^(?:priority|support)\s+areas?\s+\d+\s*:\s*", re.IGNORECASE)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}
_ROMAN_ITEM = re.compile(r"^(?:[-*]\s+)?(?P<roman>[IVX]+)\.\s+(?P<name>.+)$")
_OBJECTIVE = re.compile(r"^\**Objective\s+(?P<number>\d+):?\**:?\s*(?P<text>.+)$")
_BULLET_CHARS = "•·▪◦●✓ \t"


# --------------------------------------------------------------------------- HTML


@dataclass
class _Node:
    tag: str
    children: list[_Node | str] = field(default_factory=list)


class _CellTreeBuilder(HTMLParser):
    """Builds a tiny tree of the cell; enough to tell lists from inline text."""

    _VOID = frozenset({"br", "img", "hr"})

    def __init__(self) -> None:
        # convert_charrefs turns "&amp;" and friends into characters for us.
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag)
        self._stack[-1].children.append(node)
        if tag not in self._VOID:
            self._stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching tag; stray end tags are ignored.
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def _parse_cell(cell: str) -> _Node:
    builder = _CellTreeBuilder()
    builder.feed(cell)
    builder.close()
    return builder.root


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _is_skipped(node: _Node, *, skip_lists: bool) -> bool:
    """Nested lists (rendered on their own lines) and numeric footnote markers."""
    if skip_lists and node.tag in ("ul", "ol"):
        return True
    return node.tag == "sup" and _inline_text(node).isdigit()


def _inline_text(node: _Node, *, skip_lists: bool = False) -> str:
    """Text of ``node`` with tags dropped; footnote markers (<sup>13</sup>) removed."""
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif _is_skipped(child, skip_lists=skip_lists):
            continue
        elif child.tag in ("br", "p", "li", "div"):
            parts.append(" " + _inline_text(child, skip_lists=skip_lists) + " ")
        else:
            parts.append(_inline_text(child, skip_lists=skip_lists))
    return _squash("".join(parts))


def plain_text(cell: str) -> str:
    """One line of plain text from an HTML cell (for titles and headings)."""
    return _inline_text(_parse_cell(cell))


def _strip_bullet(text: str) -> str:
    return text.lstrip(_BULLET_CHARS)


def _numbered(text: str, number: int) -> str:
    """Keep the source's own "1." numbering; add it when the item lacks one."""
    return text if re.match(r"^\d+[.)]\s", text) else f"{number}. {text}"


def _list_lines(node: _Node, *, ordered: bool) -> list[str]:
    lines: list[str] = []
    items = [child for child in node.children if isinstance(child, _Node) and child.tag == "li"]
    for number, item in enumerate(items, start=1):
        text = _strip_bullet(_inline_text(item, skip_lists=True))
        if text:
            lines.append(_numbered(text, number) if ordered else f"• {text}")
        for nested in item.children:
            if isinstance(nested, _Node) and nested.tag in ("ul", "ol"):
                lines.extend(_list_lines(nested, ordered=nested.tag == "ol"))
    return lines


def _split_inline_enumeration(text: str) -> list[str]:
    """Break "intro: 1) a 2) b 3) c" into lines, but only for a clean 1, 2, 3… run.

    Cell 2.2 is a list written as running text; a number that is not part of a
    consecutive run starting at 1 is left alone so prose is never cut.
    """
    markers = list(re.finditer(r"(?<!\S)(\d{1,2})\)\s", text))
    run: list[re.Match[str]] = []
    for marker in markers:
        if int(marker.group(1)) == len(run) + 1:
            run.append(marker)
    if len(run) < 2:
        return [text]
    cuts = [marker.start() for marker in run]
    pieces = [
        text[: cuts[0]],
        *(text[a:b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)),
    ]
    return [piece.strip() for piece in pieces if piece.strip()]


def cell_lines(cell: str) -> list[str]:
    """Plain-text lines of a description cell: "• " per bullet, "1. " per numbered item."""
    lines: list[str] = []
    inline: list[_Node | str] = []

    def flush() -> None:
        text = _inline_text(_Node("span", list(inline)))
        inline.clear()
        if text:
            lines.extend(_split_inline_enumeration(text))

    for child in _parse_cell(cell).children:
        if isinstance(child, _Node) and child.tag in ("ul", "ol"):
            flush()
            lines.extend(_list_lines(child, ordered=child.tag == "ol"))
        elif isinstance(child, _Node) and child.tag in ("p", "br", "div"):
            flush()
            inline.append(child)
            flush()
        else:
            inline.append(child)
    flush()
    return lines


def cell_entries(cell: str) -> list[str]:
    """One entry per list item (bullets stripped); a cell without a list is one entry."""
    root = _parse_cell(cell)
    items: list[str] = []

    def walk(node: _Node) -> None:
        for child in node.children:
            if isinstance(child, _Node):
                if child.tag == "li":
                    text = _strip_bullet(_inline_text(child, skip_lists=True))
                    if text:
                        items.append(text)
                walk(child)

    walk(root)
    if items:
        return items
    text = _strip_bullet(_inline_text(root))
    return [text] if text else []


# ---------------------------------------------------------------------- narrative


def _clean_markdown(text: str) -> str:
    return _squash(re.sub(r"\*+", "", plain_text(text)))


def _heading_key(text: str) -> str:
    return _clean_markdown(text).strip(" :").upper()


def _headings(lines: list[str]) -> list[tuple[int, str]]:
    """(0-based index, normalised text) of each Markdown heading."""
    found = []
    for index, line in enumerate(lines):
        match = _HEADING.match(line)
        if match:
            found.append((index, _heading_key(match["text"])))
    return found


def _section_lines(lines: list[str], key: str) -> list[str]:
    """Non-blank lines under the first heading equal to ``key``, up to the next heading."""
    headings = _headings(lines)
    for position, (index, text) in enumerate(headings):
        if text == key:
            end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
            return [line.strip() for line in lines[index + 1 : end] if line.strip()]
    return []


def read_abbreviations(lines: list[str]) -> dict[str, str]:
    """The ABBREVIATIONS section's "ACRONYM<TAB>full name" rows."""
    abbreviations: dict[str, str] = {}
    for line in _section_lines(lines, "ABBREVIATIONS"):
        acronym, tab, full = line.partition("\t")
        if tab and acronym.strip() and full.strip():
            abbreviations[acronym.strip()] = _squash(full)
    return abbreviations


@dataclass
class _AreaFacts:
    labels: dict[int, str] = field(default_factory=dict)  # area number -> "Priority area 1"
    objectives: dict[int, str] = field(default_factory=dict)  # area number -> "Objective 1: …"


def read_area_facts(lines: list[str]) -> _AreaFacts:
    """Labels and objectives from the narrative PRIORITY AREAS / SUPPORT AREAS section.

    Areas are numbered I–V across both groups; the label counts within its group,
    so IV is "Support area 1". The objective that follows an area belongs to it.
    """
    facts = _AreaFacts()
    group = ""
    counters = {"Priority": 0, "Support": 0}
    current_area: int | None = None
    for line in lines:
        heading = _HEADING.match(line)
        text = _clean_markdown(heading["text"] if heading else line.strip())
        key = text.strip(" :").upper()
        if heading and key == "PRIORITY AREAS":
            group = "Priority"
            continue
        if heading and key == "SUPPORT AREAS" and group:
            group = "Support"
            continue
        if not group:
            continue
        roman = _ROMAN_ITEM.match(text)
        if roman and roman["roman"] in _ROMAN:
            current_area = _ROMAN[roman["roman"]]
            counters[group] += 1
            facts.labels[current_area] = f"{group} area {counters[group]}"
            continue
        if heading:
            break  # "STAKEHOLDERS IN THE ROADMAP" and later: the section is over
        objective = _OBJECTIVE.match(text)
        if objective:
            area = current_area or int(objective["number"])
            facts.objectives.setdefault(
                area, f"Objective {objective['number']}: {_squash(objective['text'])}"
            )
    return facts


def _expected_outcomes(lines: list[str]) -> list[str]:
    outcomes = []
    for line in _section_lines(lines, "EXPECTED OUTCOMES OF THE ROADMAP"):
        match = re.match(r"^(?P<number>\d+)\.\s+(?P<text>.+)$", line)
        if not match:
            continue
        text = _clean_markdown(match["text"])
        name, colon, rest = text.partition(": ")
        label = f"Expected outcome {match['number']}"
        outcomes.append(f"{label} ({name}): {rest}" if colon else f"{label}: {text}")
    return outcomes


def build_description(lines: list[str], facts: _AreaFacts) -> str:
    """Vision, mission, purpose, objectives and expected outcomes as labelled paragraphs."""
    paragraphs = []
    for key in ("VISION", "MISSION", "PURPOSE"):
        text = _clean_markdown(" ".join(_section_lines(lines, key)))
        if text:
            paragraphs.append(f"{key.title()}: {text}")
    paragraphs.extend(facts.objectives[area] for area in sorted(facts.objectives))
    paragraphs.extend(_expected_outcomes(lines))
    return "\n\n".join(paragraphs)


def _title(text: str, lines: list[str]) -> str:
    """The cover heading in the document's own capitalisation.

    The cover is in capitals; the body quotes the same title in normal case, so we
    take that quotation ("“Inclusive Digitalization Advocacy Roadmap”").
    """
    for line in lines:
        match = _HEADING.match(line)
        if match and match["hashes"] == "##" and "ROADMAP" in match["text"].upper():
            cover = _clean_markdown(match["text"])
            quoted = re.search(rf"[“\"]({re.escape(cover)})[”\"]", text, re.IGNORECASE)
            return quoted.group(1) if quoted else cover.title()
    return FALLBACK_TITLE


def _cover_year(lines: list[str]) -> int | None:
    """The year printed under the place name on the cover ("Ulaanbaatar / 2024")."""
    for line in lines[:30]:
        if re.fullmatch(r"(19|20)\d\d", line.strip()):
            return int(line.strip())
    return None


# -------------------------------------------------------------------------- table


def _header_cells(line: str) -> list[str]:
    return [plain_text(cell) for cell in line.split("\t")]


def _is_header(line: str) -> bool:
    if "\t" not in line or "Indicators" not in line:
        return False
    cells = _header_cells(line)
    return (
        "Activities" in cells
        and "Indicators" in cells
        and any(cell.startswith("Stakeholders") for cell in cells)
    )


def looks_like(text: str) -> bool:
    """True when the text has a tab-separated Activities/Indicators/Stakeholders table."""
    return any(_is_header(line) for line in text.splitlines())


def _find_header(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _is_header(line):
            return index
    raise ImportRefused(
        "No activity plan table found: expected a tab-separated header row "
        "'#<TAB>Activities<TAB>…<TAB>Indicators<TAB>Stakeholders' (Table 4. Activity Plan)."
    )


def _cells(line: str) -> list[str]:
    """The row's cells, padded: rows such as 4.4 stop after the Activities cell."""
    cells = line.split("\t")
    return (cells + [""] * COLUMN_COUNT)[:COLUMN_COUNT]


def _before_numbered_colon(heading: str) -> str:
    """``heading`` cut before its first "<spaces><digits><spaces>:" ("Priority areas 4: x").

    A linear scan; the pattern ``\\s*\\d+\\s*:.*$`` it replaces was cubic on long runs
    of spaces or digits.
    """
    colon = heading.find(":")
    while colon >= 0:
        start = colon
        while start > 0 and heading[start - 1].isspace():
            start -= 1
        digits = start
        while digits > 0 and heading[digits - 1].isdecimal():
            digits -= 1
        if digits < start:
            while digits > 0 and heading[digits - 1].isspace():
                digits -= 1
            return heading[:digits]
        colon = heading.find(":", colon + 1)
    return heading


def _area_item(cells: list[str], line_number: int, facts: _AreaFacts) -> ParsedItem:
    code = cells[0].strip()
    heading = plain_text(cells[1])
    number = int(code)
    # The table calls both support areas "Priority Area 4/5"; the narrative is right.
    fallback_label = _before_numbered_colon(heading).rstrip("s").capitalize()
    return ParsedItem(
        code=code,
        kind="area",
        title=_AREA_PREFIX.sub("", heading),
        label=facts.labels.get(number, f"{fallback_label} {number}"),
        body=facts.objectives.get(number, ""),
        source_line=line_number,
    )


def _activity_item(
    cells: list[str], line_number: int, parent: str, abbreviations: dict[str, str]
) -> ParsedItem:
    code, title, description, indicators, stakeholders = cells
    return ParsedItem(
        code=code.strip(),
        kind="activity",
        title=plain_text(title),
        parent_code=parent,
        body="\n".join(cell_lines(description)),
        indicators=cell_entries(indicators),
        responsibilities=normalise_organisation(plain_text(stakeholders), abbreviations),
        source_line=line_number,
    )


def _table_items(
    lines: list[str], header: int, facts: _AreaFacts, abbreviations: dict[str, str]
) -> list[ParsedItem]:
    items: list[ParsedItem] = []
    codes: set[str] = set()
    for index in range(header + 1, len(lines)):
        line = lines[index]
        line_number = index + 1
        if _HEADING.match(line):
            break  # "## ADDITIONAL INFORMATION": the table is over
        if "\t" not in line:
            continue  # blank line or a footnote paragraph between rows
        cells = _cells(line)
        code = cells[0].strip()
        if not _AREA_CODE.match(code) and not any(cell.strip() for cell in cells[1:]):
            continue  # group header such as "<b>On legal and regulation:</b>", alone in column 1
        if code in codes:
            raise ImportRefused(f"Row code {code!r} appears twice in the table.", line=line_number)
        if _AREA_CODE.match(code):
            items.append(_area_item(cells, line_number, facts))
        elif match := _ACTIVITY_CODE.match(code):
            if match["area"] not in codes:
                raise ImportRefused(
                    f"Activity {code} comes before its area row {match['area']}.",
                    line=line_number,
                )
            items.append(_activity_item(cells, line_number, match["area"], abbreviations))
        else:
            raise ImportRefused(
                f"Unrecognised activity-plan row starting {plain_text(cells[0])[:40]!r}: "
                "expected an area number ('1') or an activity code ('1.1').",
                line=line_number,
            )
        codes.add(code)
    return items


def parse(text: str) -> ParsedPlan:
    """Read the roadmap; raise ``ImportRefused`` when the activity plan is missing or empty."""
    lines = text.splitlines()
    header = _find_header(lines)
    facts = read_area_facts(lines[:header])
    abbreviations = read_abbreviations(lines)
    items = _table_items(lines, header, facts, abbreviations)
    if not any(item.kind == "activity" for item in items):
        raise ImportRefused(
            "The activity plan table has a header but no activity rows ('1.1<TAB>…').",
            line=header + 1,
        )
    return ParsedPlan(
        title=_title(text, lines),
        title_mn=TITLE_MN,
        short_name=SHORT_NAME,
        issuer=ISSUER,
        adopted_on=None,
        start_year=_cover_year(lines),
        end_year=None,
        description=build_description(lines[:header], facts),
        items=items,
        format_name=FORMAT_NAME,
    )
