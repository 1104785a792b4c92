"""From document blocks to a tree of numbered items, for any plan document.

The outline step knows nothing about any particular plan. It recognises:

* codes at the start of a paragraph or in a table's code column: ``1.``, ``1.1``,
  ``7.3.13``, ``16.a``, ``1)``, ``(a)``, ``a.``, ``i.``, ``II.``, a structural word and
  a number ("Goal 7", "OBJECTIVE 7.1.", "Action 01:", "Stage I (2021-2030)") and
  ordinals in words ("First.", "Fifty-third."), in any letter case;
* headings (Markdown, Word styles, bold-only lines) as the scope of what follows;
* bullets and indentation as list levels.

A code whose leading part is another item's code ("7.1.3" after "7.1") is placed
under that item; any other item is a sibling of the nearest open item written
the same way, or else a child of the nearest open item. A heading that holds
exactly one item becomes that item's label; a heading over several items gives
them the years it names ("… IN 2021-2030"). Paragraphs that follow an item are its
body; anything else that cannot be placed is listed in ``unplaced``, never glued
into an item. Gaps and repeats in numbering become ``warnings``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .cells import cell_lines
from .document import Document, Paragraph, Table, clean_inline

# --- codes -------------------------------------------------------------------------

# Structural words that may precede a number, and the kind each suggests.
KEYWORD_KINDS: dict[str, str] = {
    "goal": "goal",
    "strategic goal": "goal",
    "objective": "objective",
    "strategic objective": "objective",
    "specific objective": "objective",
    "aim": "objective",
    "target": "objective",
    "stage": "stage",
    "phase": "stage",
    "priority area": "area",
    "support area": "area",
    "focus area": "area",
    "strategic area": "area",
    "area": "area",
    "pillar": "area",
    "theme": "area",
    "direction": "area",
    "chapter": "section",
    "section": "section",
    "part": "section",
    "commitment": "section",
    "cluster": "section",
    "action": "activity",
    "activity": "activity",
    "measure": "activity",
    "task": "activity",
    "intervention": "activity",
    "step": "activity",
    "recommendation": "recommendation",
    "expected result": "expected_result",
    "result": "expected_result",
    "outcome": "expected_result",
    "output": "expected_result",
    "indicator": "indicator",
}
_UNITS = [
    [
        "zeroth",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
    ],
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
]
_TEENS = [
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_TENS = ["twent", "thirt", "fort", "fift", "sixt", "sevent", "eight", "ninet"]


def ordinal_value(word: str) -> int | None:
    """1 for "First", 53 for "Fifty-third" or "fifty third"; None for other words."""
    word = re.sub(r"[\s\-]+", "-", word.strip().lower())
    if word in _UNITS[0][1:]:
        return _UNITS[0].index(word)
    if word in _TEENS:
        return 10 + _TEENS.index(word)
    tens, _, unit = word.partition("-")
    for index, stem in enumerate(_TENS):
        if tens == f"{stem}ieth" and not unit:
            return (index + 2) * 10
        if tens == f"{stem}y" and unit in _UNITS[0][1:]:
            return (index + 2) * 10 + _UNITS[0].index(unit)
    if word == "hundredth":
        return 100
    return None


_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def roman_value(text: str) -> int | None:
    text = text.lower()
    if not text or any(c not in _ROMAN_VALUES for c in text):
        return None
    total = 0
    for index, char in enumerate(text):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total if total > 0 and to_roman(total) == text.upper() else None


def to_roman(number: int) -> str:
    parts = []
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while number >= value:
            parts.append(letters)
            number -= value
    return "".join(parts)


@dataclass
class Code:
    raw: str  # the number as written, leading zeros dropped: "7.1", "I", "a", "3"
    style: str  # how it is written: "kw:goal", "ordinal", "dotted3", "decimal.", "alpha)" …
    title: str  # the text after the code
    keyword: str = ""  # the structural word, lower case, singular ("priority area")
    word: str = ""  # the word as written, for labels ("GOAL", "First")
    value: int | None = None  # the last number's value, for gap checks
    ambiguous: bool = False  # "i." or "C.": a letter or a Roman numeral

    @property
    def parts(self) -> list[str]:
        return self.raw.split(".")


_NUMBER = r"\d{1,4}(?:\.\d{1,4})*(?:\.[a-z](?:\.\d{1,4})*)?|[IVXLCDM]{1,7}|[ivxlcdm]{1,7}|[A-Za-z]"
_KEYWORD = re.compile(
    rf"^(?P<word>[^\W\d_]+(?:[ \t][^\W\d_]+){{0,2}})[ \t]+(?P<num>{_NUMBER})"
    r"(?P<rest>(?:[.:)\-–—]+|(?=\s)|(?=\()|$).*)$",
    re.S,
)
_ORDINAL = re.compile(r"^(?P<word>[A-Za-z]+(?:[- ][A-Za-z]+)?)\s*[.:)](?P<rest>.*)$", re.S)
_DOTTED = re.compile(
    r"^(?P<num>\d{1,4}(?:\.\d{1,4})+(?:\.[a-z](?:\.\d{1,4})*)?|\d{1,4}\.[a-z](?:\.\d{1,4})*)"
    r"(?P<sep>[.):]?)(?=\s|$)(?P<rest>.*)$",
    re.S,
)
_SIMPLE = re.compile(r"^(?P<num>\d{1,3})(?P<sep>[.)])(?=\s|$)(?P<rest>.*)$", re.S)
_PAREN = re.compile(r"^\((?P<num>\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6})\)(?=\s|$)(?P<rest>.*)$", re.S)
_LETTER = re.compile(
    r"^(?P<num>[a-zA-Z]|[ivxlc]{1,6}|[IVXLC]{1,6})(?P<sep>[.)])(?=\s|$)(?P<rest>.*)$", re.S
)


def _letter_style(num: str) -> tuple[str, int | None, bool]:
    """("alpha"|"ALPHA"|"roman"|"ROMAN", value, ambiguous) for a letter code."""
    upper = num.isupper()
    roman = roman_value(num)
    if len(num) == 1 and num.lower() not in "ivxlc":
        return ("ALPHA" if upper else "alpha"), ord(num.lower()) - 96, False
    if roman is None:
        return ("ALPHA" if upper else "alpha"), None, False
    if len(num) == 1:  # "i", "v", "x", "l", "c", "C": the context decides
        return ("ROMAN" if upper else "roman"), roman, True
    return ("ROMAN" if upper else "roman"), roman, False


def _keyword(word: str) -> str:
    key = re.sub(r"\s+", " ", word.lower())
    if key in KEYWORD_KINDS:
        return key
    singular = re.sub(r"(?<=[a-z])s$", "", key)
    return singular if singular in KEYWORD_KINDS else ""


def parse_code(text: str) -> Code | None:
    """The code a paragraph starts with, or None; ``text`` is already plain."""
    text = text.strip()
    if not text:
        return None
    match = _KEYWORD.match(text)
    if match:
        keyword = _keyword(match["word"])
        if keyword:
            num = match["num"]
            if re.fullmatch(r"[A-Za-z]+", num):
                style, value, _ = _letter_style(num)
                if len(num) > 1 and roman_value(num) is None:
                    return None
            else:
                num = ".".join(str(int(p)) if p.isdigit() else p for p in num.split("."))
                value = _last_value(num)
            return Code(num, f"kw:{keyword}", _rest(match["rest"]), keyword, match["word"], value)
    match = _ORDINAL.match(text)
    if match:
        value = ordinal_value(match["word"])
        if value is not None:
            return Code(str(value), "ordinal", _rest(match["rest"]), "", match["word"], value)
    match = _DOTTED.match(text)
    if match:
        num = ".".join(str(int(p)) if p.isdigit() else p for p in match["num"].split("."))
        return Code(
            num, f"dotted{num.count('.') + 1}", _rest(match["rest"]), value=_last_value(num)
        )
    match = _SIMPLE.match(text)
    if match:
        return Code(
            str(int(match["num"])),
            f"decimal{match['sep']}",
            _rest(match["rest"]),
            value=int(match["num"]),
        )
    match = _PAREN.match(text)
    if match:
        num = match["num"]
        if num.isdigit():
            return Code(str(int(num)), "(decimal)", _rest(match["rest"]), value=int(num))
        style, value, ambiguous = _letter_style(num)
        return Code(num, f"({style})", _rest(match["rest"]), value=value, ambiguous=ambiguous)
    match = _LETTER.match(text)
    if match and _LETTER_TITLE.match(match["rest"]):
        num = match["num"]
        style, value, ambiguous = _letter_style(num)
        return Code(
            num, f"{style}{match['sep']}", _rest(match["rest"]), value=value, ambiguous=ambiguous
        )
    return None


# "A. Smith wrote" is not a code: the text after a letter code starts with a word.
_LETTER_TITLE = re.compile(r"^\s+\S{2,}|^\s*$")


def _rest(text: str) -> str:
    return text.strip().lstrip(".:)-–— \t").strip()


def _last_value(num: str) -> int | None:
    last = num.rsplit(".", 1)[-1]
    if last.isdigit():
        return int(last)
    if len(last) == 1 and last.isalpha():
        return ord(last.lower()) - 96
    return None


_PERIOD = re.compile(r"\(?\b((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)\b\)?")


# --- the tree ---------------------------------------------------------------------


@dataclass
class Node:
    code: str  # unique in the document, e.g. "7.1.I.2"
    raw: str  # as written, e.g. "2"
    style: str
    title: str
    line: int
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    keyword: str = ""
    label: str = ""
    body: list[str] = field(default_factory=list)
    start_year: int | None = None
    end_year: int | None = None
    cells: dict[str, str] = field(default_factory=dict)  # table rows: role -> cell
    bullet: bool = False
    groups: list[str] = field(default_factory=list)  # the uncoded headings it sits under
    heading: bool = False  # the item is itself a heading (and carries its own label)

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    @property
    def level(self) -> str:
        """Items written the same way at the same depth share a level."""
        return f"{self.depth}:{self.style}"


@dataclass
class _Group:
    """An uncoded heading: the scope of what follows it, and maybe a label."""

    text: str
    line: int
    rank: int
    items: list[Node] = field(default_factory=list)  # items opened while it was open
    paragraphs: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Frame:
    rank: int | None  # heading rank, None for items that are not headings
    node: Node | None = None
    group: _Group | None = None
    sig: str = ""


@dataclass
class Outline:
    roots: list[Node]
    nodes: list[Node]  # in document order
    front: list[Paragraph]  # what comes before the first item: title, introduction
    unplaced: list[tuple[int, str]]
    warnings: list[str]
    tables: list[Table]
    source: str = "text"  # "text" or "table"
    # For a table source: the column of each role, and the header cells (or first row).
    columns: dict[str, int] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)


BOLD_RANK = 7  # bold-only and all-capital lines rank below every real heading


class _Builder:
    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.nodes: list[Node] = []
        self.roots: list[Node] = []
        self.by_code: dict[str, Node] = {}
        self.by_raw: dict[str, Node] = {}
        self.groups: list[_Group] = []
        self.unplaced: list[tuple[int, str]] = []
        self.warnings: list[str] = []
        self.awaiting_title: Node | None = None
        self.pending: _Group | None = None  # a bold heading that may end an open one
        self.restarted: set[int] = set()  # heading ranks over lists numbered from 1 again
        self.candidates: list[int] = []
        self.missing: list[tuple[str, str]] = []  # (code, warning) for numbering gaps

    def settle_warnings(self) -> None:
        """Drop gaps that were filled further on (a list sorted by theme, not number),
        and say each warning once."""
        found = {message for code, message in self.missing if code in self.by_code}
        self.warnings = list(dict.fromkeys(w for w in self.warnings if w not in found))

    # the stack
    def close_headings(self, rank: int, *, items_too: bool = True) -> None:
        """Close what a heading of ``rank`` ends: headings at its rank or below.

        An uncoded heading ("Stages of implementation") does not end a numbered
        heading of its own rank above it; it sits inside that item.
        """
        for index, frame in enumerate(self.stack):
            if frame.rank is None:
                continue
            if frame.rank > rank or (frame.rank == rank and (items_too or frame.group)):
                del self.stack[index:]
                return

    def top_node(self) -> Node | None:
        for frame in reversed(self.stack):
            if frame.node is not None:
                return frame.node
        return None

    def top_is_group(self) -> bool:
        return bool(self.stack) and self.stack[-1].group is not None

    def open_group(self, text: str, line: int, rank: int) -> None:
        group = _Group(text, line, rank)
        self.groups.append(group)
        if rank >= BOLD_RANK:
            # Bold and capitalised lines all share one rank, so whether this one ends
            # an open one of the same rank or sits inside the item above is decided by
            # the next item: a sibling of something under the open heading ends it.
            if self.pending is not None and self.stack and self.stack[-1].group is self.pending:
                self.stack.pop()  # a heading with nothing under it before the next one
            same = [
                i
                for i, f in enumerate(self.stack)
                if f.group is not None and f.rank == rank and f.group.items
            ]
            self.close_headings(rank + 1, items_too=False)
            if same:
                self.pending, self.candidates = group, same
                self.stack.append(_Frame(rank, group=group))
                return
        self.close_headings(rank, items_too=False)
        self.stack.append(_Frame(rank, group=group))

    def _settle_pending(self, style: str, prefix_parent: Node | None) -> None:
        """Close the open heading the pending one replaces, if the new item says so."""
        pending, candidates = self.pending, self.candidates
        self.pending, self.candidates = None, []
        if pending is None or not self.stack or self.stack[-1].group is not pending:
            return
        for index in candidates:
            after = self.stack[index + 1 : -1]
            before = self.stack[:index]
            if (
                any(f.sig == style for f in after)
                or (prefix_parent is not None and not any(f.node is prefix_parent for f in after))
                or any(f.node is prefix_parent for f in before if prefix_parent is not None)
            ):
                self.stack = [*self.stack[:index], self.stack[-1]]
                return

    # items
    def add(self, code: Code, text_line: int, *, rank: int | None, bullet: bool = False) -> Node:
        if rank is not None:
            self.close_headings(rank)
        style = code.style
        if code.ambiguous:
            style = self._resolve_letter(code)
        if self.pending is not None:
            self._settle_pending(style, self._prefix_parent(code))
        parent = self._prefix_parent(code)
        if parent is not None:
            index = next((i for i, f in enumerate(self.stack) if f.node is parent), None)
            if index is not None:
                kept = self.stack[: index + 1]
                kept += [f for f in self.stack[index + 1 :] if f.group is not None]
                self.stack = kept
        else:
            sibling = next(
                (i for i in range(len(self.stack) - 1, -1, -1) if self.stack[i].sig == style), None
            )
            if sibling is not None:
                crossed = [f.group.rank for f in self.stack[sibling + 1 :] if f.group is not None]
                if crossed and _plain_list(style) and (code.value == 1 or not code.raw):
                    self.restarted.update(crossed)  # a list numbered again under a heading
                node = self.stack[sibling].node
                parent = node.parent if node else None
                del self.stack[sibling:]
            else:
                parent = self.top_node()
        if not code.raw:  # an uncoded list item: its position is its number
            siblings = parent.children if parent else self.roots
            code.raw = str(1 + sum(1 for s in siblings if s.style == style))
        node = Node(
            code=self._full_code(code, parent),
            raw=code.raw,
            style=style,
            title="",
            line=text_line,
            parent=parent,
            keyword=code.keyword,
            bullet=bullet,
            heading=rank is not None,
        )
        self._check_sequence(node, code)
        title = code.title
        period = _PERIOD.search(title)
        if period:
            node.start_year, node.end_year = int(period.group(1)), int(period.group(2))
            if not _PERIOD.sub("", title).strip(" :.-–—"):
                title = ""
        node.title = title.rstrip(":").strip() if title.endswith(":") else title
        if code.keyword:
            node.label = f"{code.word[:1].upper()}{code.word[1:].lower()} {code.raw}"
        elif code.style == "ordinal":
            node.label = code.word[:1].upper() + code.word[1:].lower()
        if parent is None:
            self.roots.append(node)
        else:
            parent.children.append(node)
        self.nodes.append(node)
        self.by_code[node.code] = node
        self.by_raw.setdefault(code.raw, node)
        for frame in self.stack:
            if frame.group is not None:
                frame.group.items.append(node)
                node.groups.append(frame.group.text)
        self.stack.append(_Frame(rank, node=node, sig=style))
        self.awaiting_title = None if node.title else node
        return node

    def _resolve_letter(self, code: Code) -> str:
        alpha = code.style.replace("roman", "alpha").replace("ROMAN", "ALPHA")
        letter_value = ord(code.raw.lower()) - 96
        for frame in reversed(self.stack):
            if frame.sig == alpha and frame.node is not None:
                previous = _last_value(frame.node.raw) or 0
                if previous + 1 == letter_value:
                    code.value = letter_value
                    return alpha
        return code.style

    def _prefix_parent(self, code: Code) -> Node | None:
        parts = code.parts
        if len(parts) < 2 or not (code.style.startswith(("dotted", "kw:", "row"))):
            return None
        prefix = ".".join(parts[:-1])
        return self.by_code.get(prefix) or self.by_raw.get(prefix)

    def _full_code(self, code: Code, parent: Node | None) -> str:
        raw = code.raw
        if (
            parent is None
            or raw.startswith(f"{parent.code}.")
            or raw.startswith(f"{parent.raw}.")
            or ("." in raw and self._prefix_parent(code) is None)
        ):
            full = raw
        else:
            full = f"{parent.code}.{raw}"
        if full in self.by_code:
            self.warnings.append(_("%(code)s appears twice") % {"code": full})
            suffix = 2
            while f"{full}-{suffix}" in self.by_code:
                suffix += 1
            full = f"{full}-{suffix}"
        return full

    def _check_sequence(self, node: Node, code: Code) -> None:
        if code.value is None:
            return
        siblings = node.parent.children if node.parent else self.roots
        previous = next((s for s in reversed(siblings) if s.style == node.style), None)
        if previous is None:
            return
        before = _value_of(previous)
        if before is None:
            return
        if code.value > before + 1:
            prefix = node.code.rsplit(".", 1)[0] + "." if "." in node.code else ""
            for missing in range(before + 1, min(code.value, before + 20)):
                missing_code = f"{prefix}{_format_like(node.raw, missing)}"
                message = _("%(code)s is missing") % {"code": missing_code}
                self.missing.append((missing_code, message))
                self.warnings.append(message)
        elif code.value == before:
            pass  # reported as a repeat by _full_code when the codes clash

    def text(self, paragraph: Paragraph) -> None:
        """An uncoded paragraph: an awaited title, a body, or unplaced."""
        text = paragraph.text
        if self.awaiting_title is not None and not self.top_is_group():
            self.awaiting_title.title = text.rstrip(":").strip()
            self.awaiting_title = None
            return
        self.awaiting_title = None
        if self.stack and self.stack[-1].node is not None:
            self.stack[-1].node.body.append(text)
        elif self.stack and self.stack[-1].group is not None and not self.stack[-1].group.items:
            self.stack[-1].group.paragraphs.append((paragraph.line, text))
        else:
            self.unplaced.append((paragraph.line, text))


def _value_of(node: Node) -> int | None:
    code = parse_code(node.raw + ". x") if node.style.startswith(("alpha", "ALPHA")) else None
    if code is not None and code.value is not None:
        return code.value
    if node.style.startswith(("roman", "ROMAN", "(roman", "(ROMAN")) or node.style == "kw:stage":
        value = roman_value(node.raw)
        if value is not None:
            return value
    return _last_value(node.raw)


def _format_like(raw: str, value: int) -> str:
    if raw.isdigit():
        return str(value)
    if roman_value(raw) is not None and len(raw) > 0:
        roman = to_roman(value)
        return roman if raw.isupper() else roman.lower()
    if len(raw) == 1 and raw.isalpha():
        letter = chr(96 + value) if value <= 26 else str(value)
        return letter.upper() if raw.isupper() else letter
    return str(value)


# --- reading paragraphs -----------------------------------------------------------------


def _paragraph_code(paragraph: Paragraph) -> Code | None:
    if paragraph.number:
        # Word's automatic numbering: the label is the code, the text is the title.
        label = paragraph.number.strip()
        code = parse_code(f"{label} {paragraph.text}") if label else None
        if code is not None:
            return code
    code = parse_code(paragraph.text)
    if code is None and paragraph.heading:
        # "## 3 Services" or "## 3.2 Clinics": a heading may number itself without a dot.
        bare = re.match(r"^(\d{1,3}(?:\.\d{1,3})*)\s+(\S.*)$", paragraph.text)
        if bare:
            num = bare.group(1)
            style = f"dotted{num.count('.') + 1}" if "." in num else "decimal"
            return Code(num, style, bare.group(2), value=_last_value(num))
    return code


def _is_heading_like(paragraph: Paragraph) -> int | None:
    if paragraph.heading:
        return paragraph.heading
    if paragraph.bullet:
        return None
    if paragraph.bold and len(paragraph.text) <= 200:
        return BOLD_RANK
    letters = sum(1 for c in paragraph.text if c.isalpha())
    if letters >= 3 and paragraph.text.upper() == paragraph.text and len(paragraph.text) <= 120:
        return BOLD_RANK
    return None


def _first_coded(blocks: list[Paragraph]) -> int:
    """Where the outline starts: the first numbered paragraph, or the first bullet if none."""
    for index, paragraph in enumerate(blocks):
        if paragraph.role == "text" and _paragraph_code(paragraph) is not None:
            return index
    for index, paragraph in enumerate(blocks):
        if paragraph.role == "text" and paragraph.bullet:
            return index
    return len(blocks)


def build_text_outline(paragraphs: list[Paragraph]) -> Outline:
    """The tree of a text; uncoded headings over lists that restart at 1 become items,
    and so do the headings of a document whose structure is its headings."""
    outline, builder = _build_text(paragraphs, frozenset())
    promote = _restarting_ranks(builder)
    if promote:
        outline, _builder = _build_text(paragraphs, promote)
    return _headings_as_items(paragraphs, outline, promote) or outline


def _headings_as_items(
    paragraphs: list[Paragraph], outline: Outline, promote: frozenset[int]
) -> Outline | None:
    """The outline with the document's own headings as its items, when that reads better.

    Many plans number nothing: their commitments are headings ("## Improve access to
    data") with text under them, and a numbered list appears only here and there. Read
    by codes alone, such a plan is a few list items and a pile of unplaced paragraphs.
    When the codes leave nothing read, or leave at least ``HEADED_UNPLACED`` paragraphs
    unplaced, the headings (Markdown, Word styles; not bold lines) are read as levels
    too, and that reading is kept if it leaves at most half as much unplaced.
    """
    if outline.nodes and len(outline.unplaced) < HEADED_UNPLACED:
        return None
    text = [p for p in paragraphs if p.role == "text"]
    ranks = {p.heading for p in text if p.heading}
    # One top heading before everything else is the document's title, not an item.
    if text and text[0].heading == 1 and sum(1 for p in text if p.heading == 1) == 1:
        ranks.discard(1)
    if not ranks:
        return None
    headed, _builder = _build_text(paragraphs, promote | frozenset(ranks), from_heading=True)
    if not headed.nodes or len(headed.unplaced) * 2 > len(outline.unplaced):
        return None
    if len(headed.nodes) <= len(outline.nodes):
        return None
    return headed


# Unplaced paragraphs, read by codes alone, that make the headings worth trying as items.
HEADED_UNPLACED = 3


def _plain_list(style: str) -> bool:
    """1. a) (i) • …: list numbers that restart; not "Goal 7", "First." or "7.3.1"."""
    return not style.startswith(("kw:", "ordinal", "dotted", "row", "heading"))


def _restarting_ranks(builder: _Builder) -> frozenset[int]:
    """Heading ranks whose headings each hold a list numbered from 1 again.

    "Health: 1. 2." then "Education: 1. 2.": the headings are a level of their own,
    or the numbers would clash. Codes such as 7.3.1 carry their parent and never
    restart, so they never promote a heading.
    """
    restarts: Counter[int] = Counter()
    clashes: set[int] = set()
    for group in builder.groups:
        inside = set(map(id, group.items))
        tops = [n for n in group.items if n.parent is None or id(n.parent) not in inside]
        if not tops or not _plain_list(tops[0].style) or "." in tops[0].raw:
            continue
        if _value_of(tops[0]) == 1 or tops[0].bullet:
            restarts[group.rank] += 1
            if any(re.search(r"-\d+$", node.code) for node in tops):
                clashes.add(group.rank)
    ranks = {rank for rank, count in restarts.items() if count >= 2 or rank in clashes}
    return frozenset(ranks | builder.restarted)


def _build_text(
    paragraphs: list[Paragraph], promote: frozenset[int], *, from_heading: bool = False
) -> tuple[Outline, _Builder]:
    builder = _Builder()
    first = _first_coded(paragraphs)
    if from_heading:  # the outline starts at the first heading that is an item
        first = min(
            first,
            next(
                (
                    index
                    for index, paragraph in enumerate(paragraphs)
                    if paragraph.role == "text" and paragraph.heading in promote
                ),
                len(paragraphs),
            ),
        )
    elif promote:  # the heading right above the first list is its level's first item
        for index in range(first - 1, -1, -1):
            rank = _is_heading_like(paragraphs[index])
            if rank is not None:
                if rank in promote:
                    first = index
                break
    front = [p for p in paragraphs[:first] if p.role == "text"]
    for paragraph in paragraphs[first:]:
        if paragraph.role != "text":
            continue  # captions, footnotes and contents lines carry no plan content
        code = _paragraph_code(paragraph)
        rank = _is_heading_like(paragraph)
        if code is not None:
            builder.add(code, paragraph.line, rank=paragraph.heading, bullet=paragraph.bullet)
            continue
        if rank is not None and not (builder.awaiting_title and paragraph.bold):
            if rank in promote:
                heading = Code("", f"heading{rank}", paragraph.text.rstrip(":").strip())
                builder.add(heading, paragraph.line, rank=rank)
            else:
                builder.open_group(paragraph.text, paragraph.line, rank)
            continue
        if paragraph.bullet:
            sig = f"bullet{paragraph.indent}"
            builder.add(Code("", sig, paragraph.text), paragraph.line, rank=None, bullet=True)
            continue
        builder.text(paragraph)
    _apply_groups(builder)
    outline = Outline(builder.roots, builder.nodes, front, builder.unplaced, builder.warnings, [])
    return outline, builder


def _apply_groups(builder: _Builder) -> None:
    builder.settle_warnings()
    for group in builder.groups:
        inside = set(map(id, group.items))
        tops = [n for n in group.items if n.parent is None or id(n.parent) not in inside]
        period = _PERIOD.search(group.text)
        if len(tops) == 1 and not period and not tops[0].heading:
            node = tops[0]
            node.label = sentence_case(group.text.rstrip(":"))
        elif tops and period:
            for node in tops:
                if node.start_year is None:
                    node.start_year, node.end_year = int(period.group(1)), int(period.group(2))
        if not group.items:
            builder.unplaced.append((group.line, group.text))
            builder.unplaced.extend(group.paragraphs)
    builder.unplaced.sort()


def sentence_case(text: str) -> str:
    text = " ".join(text.split())
    if text.upper() != text:
        return text
    lower = text.lower()
    return lower[:1].upper() + lower[1:]


# --- tables -----------------------------------------------------------------------------

# Header words that say what a column holds (any language the words are given in).
COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "code": ("#", "no", "no.", "№", "nr", "code", "number", "ref", "id", "s/n", "item"),
    "indicators": ("indicator", "measure of success", "kpi", "target"),
    "organisations": (
        "stakeholder",
        "responsib",
        "organi",
        "implement",
        "partner",
        "lead",
        "agency",
        "actor",
    ),
    "deadline": (
        "deadline",
        "timeline",
        "timeframe",
        "time frame",
        "period",
        "due",
        "date",
        "year",
    ),
    "description": ("description", "output", "outcome", "result", "detail"),
    "title": (
        "activit",
        "action",
        "recommendation",
        "measure",
        "task",
        "title",
        "name",
        "objective",
    ),
}
_ROW_CODE = re.compile(r"^(\d{1,4}(?:\.(?:\d{1,4}|[a-zA-Z]))*|[a-zA-Z])\.?$")


def row_code(text: str) -> Code | None:
    # A bare code is matched before cleaning, which would read "1.a.1" as "1.a" and a
    # footnote number "1".
    match = _ROW_CODE.match(text.strip())
    text = clean_inline(text)
    match = match or _ROW_CODE.match(text)
    if match:
        num = ".".join(str(int(p)) if p.isdigit() else p for p in match.group(1).split("."))
        return Code(num, f"row{num.count('.') + 1}", "", value=_last_value(num))
    return parse_code(text)


def column_roles(table: Table, given: dict[str, int] | None = None) -> dict[str, int]:
    """Which column holds the code, title, description, indicators, organisations, deadline."""
    width = max((len(row) for row in table.rows), default=0)
    roles: dict[str, int] = dict(given or {})
    header = [clean_inline(cell).lower() for cell in (table.header or [])]
    for role, words in COLUMN_WORDS.items():
        if role in roles:
            continue
        for index, name in enumerate(header):
            if index in roles.values() or not name:
                continue
            if role == "code":
                hit = name.strip(" .:") in {w.strip(".") for w in words}
            else:
                hit = any(word in name for word in words)
            if hit:
                roles[role] = index
                break
    if "code" not in roles:
        for index in range(width):
            cells = [row[index] for row in table.rows if index < len(row) and row[index].strip()]
            coded = sum(1 for cell in cells if row_code(cell) is not None)
            # A title column may carry the codes itself ("121.1 Ratify the convention").
            free_column = index not in roles.values() or roles.get("title") == index
            if cells and coded >= 0.6 * len(cells) and free_column:
                roles["code"] = index
                break
    free = [i for i in range(width) if i not in roles.values()]
    # A column whose header names nothing Plantrack knows ("Position", "Full list of
    # themes") is not taken for indicators or organisations: only a table without a
    # header row is read by position.
    guessed: tuple[str, ...] = ("title", "description")
    if not header:
        guessed += ("indicators", "organisations")
    for role in guessed:
        if role not in roles and free:
            roles[role] = free.pop(0)
    return roles


def coded_rows(table: Table, roles: dict[str, int]) -> int:
    column = roles.get("code")
    if column is None:
        return 0
    return sum(1 for row in table.rows if column < len(row) and row_code(row[column]) is not None)


def merge_continued_tables(blocks: list[Paragraph | Table]) -> list[Table]:
    """A table split by a page break or a footnote continues when its columns match."""
    tables: list[Table] = []
    previous: Table | None = None
    for block in blocks:
        if isinstance(block, Table):
            width = max((len(r) for r in block.rows), default=0)
            if (
                previous is not None
                and (block.header is None or block.header == previous.header)
                and width == max((len(r) for r in previous.rows), default=0)
            ):
                previous.rows.extend(block.rows)
                previous.row_lines.extend(block.row_lines)
            else:
                previous = Table(list(block.rows), block.line, list(block.row_lines), block.header)
                tables.append(previous)
        elif block.role == "text":
            previous = None
    return tables


TABLE_HEADING_RANK = BOLD_RANK + 1  # a row with one filled cell, between coded rows
_WORD_HEADING = re.compile(r"^([A-Za-z][A-Za-z ]{1,30}?)\s*:\s+(\S.*)$")


def build_table_outline(table: Table, roles: dict[str, int], front: list[Paragraph]) -> Outline:
    """The tree of a table with one code column; heading rows ("Theme: Health") that
    each hold a run of items numbered on their own are a level of their own."""
    outline, builder = _build_table(table, roles, front, promote=False)
    groups = [g for g in builder.groups if g.rank == TABLE_HEADING_RANK and g.items]
    if len(groups) >= 2 and all(node.parent is None for node in outline.nodes):
        outline, _builder = _build_table(table, roles, front, promote=True)
    return outline


def _heading_code(text: str) -> Code:
    """A heading row as an item: "Theme: Health" is a theme titled "Health"."""
    named = _WORD_HEADING.match(text)
    if named and named.group(1).lower() in KEYWORD_KINDS:
        code = Code("", f"heading{TABLE_HEADING_RANK}", named.group(2).strip())
        code.keyword = named.group(1).lower()
        return code
    return Code("", f"heading{TABLE_HEADING_RANK}", text.rstrip(":").strip())


def _build_table(
    table: Table, roles: dict[str, int], front: list[Paragraph], *, promote: bool
) -> tuple[Outline, _Builder]:
    builder = _Builder()
    code_col = roles.get("code", 0)
    title_col = roles.get("title")
    header = [clean_inline(c) for c in table.header] if table.header else None
    named = sorted(i for i in (code_col, title_col) if i is not None)
    header_word = _header_kind_word(
        " ".join(header[i] for i in dict.fromkeys(named) if header and i < len(header))
    )
    for row, line in zip(
        table.rows, table.row_lines or [table.line] * len(table.rows), strict=False
    ):
        cells = [*row, *[""] * (max(roles.values(), default=0) + 1 - len(row))]
        if header and [clean_inline(c) for c in row] == header:
            continue  # the header repeated after a page break
        filled = [clean_inline(c) for c in cells if clean_inline(c)]
        code = row_code(cells[code_col]) if code_col < len(cells) else None
        if code is None:
            if len(filled) == 1 and promote:
                heading = builder.add(_heading_code(filled[0]), line, rank=TABLE_HEADING_RANK)
                if heading.keyword:
                    heading.label = heading.keyword.capitalize()
            elif len(filled) == 1:
                builder.open_group(filled[0], line, TABLE_HEADING_RANK)
            elif filled:
                builder.unplaced.append((line, " | ".join(filled)))
            continue
        title_cell = cells[title_col] if title_col is not None and title_col < len(cells) else ""
        more: list[str] = []
        if title_col == code_col:
            # the code, its title and maybe notes share the cell: title first, notes after
            lines = cell_lines(title_cell)
            first = row_code(lines[0]) if lines else None
            if first is not None:
                code = first
            title_cell, more = "", lines[1:]
        title = clean_inline(title_cell) or code.title
        if not code.keyword and header_word:
            code.keyword = header_word
        inner = parse_code(title)
        keyword_word = ""
        if inner is not None and inner.keyword:
            keyword_word = inner.word
            code.keyword = inner.keyword
            title = inner.title
        code.title = title
        node = builder.add(code, line, rank=None)
        node.title = title.rstrip(":").strip() if title.endswith(":") else title
        if keyword_word and inner is not None:
            node.label = f"{keyword_word[:1].upper()}{keyword_word[1:].lower()} {inner.raw}"
        node.cells = {role: cells[index] for role, index in roles.items() if index < len(cells)}
        if more:
            node.body.extend(more)
        builder.awaiting_title = None
    _apply_groups(builder)
    return _table_outline(builder, table, roles, front), builder


def _table_outline(
    builder: _Builder, table: Table, roles: dict[str, int], front: list[Paragraph]
) -> Outline:
    """The outline a table gave, with its column roles and header cells for the preview."""
    width = max((len(row) for row in table.rows), default=0)
    shown = table.header or (table.rows[0] if table.rows else [])
    headers = [clean_inline(cell)[:80] for cell in shown][:width]
    headers += [""] * (width - len(headers))
    return Outline(
        builder.roots,
        builder.nodes,
        front,
        builder.unplaced,
        builder.warnings,
        [table],
        "table",
        columns=dict(roles),
        headers=headers,
    )


def code_columns(table: Table) -> list[int]:
    """The columns most of whose filled cells are codes ("1", "1.1", "Goal 1. …"), in order."""
    width = max((len(row) for row in table.rows), default=0)
    found = []
    for index in range(width):
        cells = [row[index] for row in table.rows if index < len(row) and row[index].strip()]
        if len(cells) >= 2 and sum(1 for c in cells if row_code(c) is not None) >= 0.6 * len(cells):
            found.append(index)
    return found


def _header_kind_word(name: str) -> str:
    """The one structural word a column's header names ("TargetsNumber" → "target"), or ""."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])|[^A-Za-z]+", " ", name).lower()
    hits = {
        word
        for word in KEYWORD_KINDS
        if re.search(rf"\b{re.escape(word)}s?\b", words)
        and not any(other != word and word in other and other in words for other in KEYWORD_KINDS)
    }
    kinds = {KEYWORD_KINDS[word] for word in hits}
    return sorted(hits)[0] if len(kinds) == 1 else ""


def build_levelled_table_outline(
    table: Table, levels: list[int], roles: dict[str, int], front: list[Paragraph]
) -> Outline:
    """A table whose row is a path down the tree: a code column (and its title column)
    for each level, parents repeated on every row or written once above their children.

    A global framework's "Goal | Target | Indicator" columns, or "SDG no. | SDG | Target
    no. | Target | Indicator no. | Indicator": each code column is a level; the column
    after a column of bare codes is its title; the other roles (description,
    organisations, deadline) belong to the deepest item a row names.
    """
    builder = _Builder()
    width = max((len(row) for row in table.rows), default=0)
    header = [clean_inline(c) for c in table.header] if table.header else []
    titles: dict[int, int | None] = {}
    for index in levels:
        bare = [
            row[index]
            for row in table.rows
            if index < len(row) and (c := row_code(row[index])) is not None and not c.title
        ]
        nxt = index + 1
        titles[index] = nxt if bare and nxt < width and nxt not in levels else None
    words = {
        index: _header_kind_word(
            " ".join(header[i] for i in (index, titles[index]) if i is not None and i < len(header))
        )
        for index in levels
    }
    used = set(levels) | {t for t in titles.values() if t is not None}
    others = {role: i for role, i in roles.items() if i not in used and role != "title"}
    for row, line in zip(
        table.rows, table.row_lines or [table.line] * len(table.rows), strict=False
    ):
        cells = [*row, *[""] * (width - len(row))]
        if header and [clean_inline(c) for c in row] == header:
            continue  # the header repeated after a page break
        deepest: Node | None = None
        for index in levels:
            code = row_code(cells[index]) if cells[index].strip() else None
            if code is None:
                continue
            if deepest is not None and not code.raw.startswith(f"{deepest.raw}."):
                # "0" under target 11.c: a placeholder, not a child; said, not invented
                builder.warnings.append(
                    _("line %(line)s: %(code)s does not continue %(parent)s; left out")
                    % {"line": line, "code": code.raw, "parent": deepest.raw}
                )
                break
            if code.raw in builder.by_code:  # a parent repeated on its children's rows
                deepest = builder.by_code[code.raw]
                path: list[Node] = []
                walk: Node | None = deepest
                while walk is not None:
                    path.insert(0, walk)
                    walk = walk.parent
                builder.stack = [_Frame(None, node=n, sig=n.style) for n in path]
                continue
            title_col = titles[index]
            title = code.title or (clean_inline(cells[title_col]) if title_col is not None else "")
            inner = parse_code(title) if not code.title else None
            if inner is not None and inner.keyword:
                code.keyword, title = inner.keyword, inner.title
            if not code.keyword and words[index]:
                code.keyword = words[index]
            code.title = title
            node = builder.add(code, line, rank=None)
            node.title = title.rstrip(":").strip() if title.endswith(":") else title
            builder.awaiting_title = None
            deepest = node
        if deepest is None:
            filled = [clean_inline(c) for c in cells if clean_inline(c)]
            if len(filled) == 1:
                builder.open_group(filled[0], line, TABLE_HEADING_RANK)
            elif filled:
                builder.unplaced.append((line, " | ".join(filled)))
            continue
        for role, index in others.items():
            if index < len(cells) and cells[index].strip() and role not in deepest.cells:
                deepest.cells[role] = cells[index]
    _apply_groups(builder)
    return _table_outline(builder, table, {**roles, "code": levels[0]}, front)


def build_outline(
    document: Document, *, source: str = "", columns: dict[str, int] | None = None
) -> Outline:
    """The tree of a document: from its main table, or from its text."""
    paragraphs = [b for b in document.blocks if isinstance(b, Paragraph)]
    text = build_text_outline(paragraphs)
    tables = merge_continued_tables(document.blocks)
    best: tuple[int, Table, dict[str, int], list[int]] | None = None
    for table in tables:
        roles = column_roles(table, columns)
        levels = [] if columns and "code" in columns else code_columns(table)
        if len(levels) >= 2:
            count = sum(
                1
                for row in table.rows
                if any(i < len(row) and row_code(row[i]) is not None for i in levels)
            )
        else:
            levels, count = [], coded_rows(table, roles)
        if best is None or count > best[0]:
            best = (count, table, roles, levels)
    coded_text = sum(1 for node in text.nodes if not node.bullet)
    use_table = best is not None and (
        source == "table" or (source != "text" and best[0] >= max(3, coded_text))
    )
    if use_table and best is not None:
        first_line = best[1].line
        front = [p for p in paragraphs if p.line < first_line and p.role == "text"]
        if best[3]:
            outline = build_levelled_table_outline(best[1], best[3], best[2], front)
        else:
            outline = build_table_outline(best[1], best[2], front)
        outline.tables = tables
        return outline
    text.tables = tables
    return text
