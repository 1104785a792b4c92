"""A framework written as headed lists, with no ratings: a benchmark to rate oneself against.

Self-assessment guides and slide decks state a benchmark as a list under a heading
("An ideal … has:", "Attributes of …", "Principles"), the risks to check for as other
lists ("Sources of deficits", "Causes of corruption", "Red flags") and advice as the
rest ("Focus 1: …", "Challenges …"). This reader keeps that meaning:

- a benchmark list becomes rated indicators (one area per list);
- a list of deficits, risks or causes becomes checklist indicators (present / partly /
  absent), an item that only leads in to sub-items ("Poor management in:") giving one
  indicator per sub-item;
- every other list becomes the framework's guidance text.

Lines are read the way slide and PDF exports write them: a bullet's wrapped text, or a
heading's, goes on after a line break (even a blank line) when the next line starts in
lower case; a bare number on a line is a page number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plantrack.plans.importers.document import BULLET_GLYPHS, normalise_characters

from .identity import title_case
from .units import inline_text

_BULLET = re.compile(rf"^\s*([{re.escape(BULLET_GLYPHS)}]|o(?=\s))\s*(\S.*)$")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_BENCHMARK = re.compile(
    r"(?:\b(?:ideal|good|effective|model|benchmark|well[- ]functioning|desired|democratic)\b"
    r".{0,80}\b(?:has|have|is|are|should|must|includes?)\s*:?\s*$)"
    r"|^\W{0,3}(?:key\s+)?(?:attributes|characteristics|principles|standards|criteria|"
    r"benchmarks|elements|features)\b",
    re.I,
)
_RISKS = re.compile(
    r"\b(?:sources?|causes?|drivers?|kinds?|types?|forms?|roots?)\s+of\s+(?:the\s+)?"
    r"(?:deficits?|corruption|risks?|gaps?|weakness(?:es)?|failures?|problems?|"
    r"vulnerabilit(?:y|ies)|deficienc(?:y|ies)|shortcomings?)\b"
    r"|^\W{0,3}(?:deficits|risks?|risk factors|red flags|warning signs|vulnerabilities|"
    r"threats|gaps|weaknesses|shortcomings|deficiencies)\b",
    re.I,
)
_TRAILING = re.compile(r"\s*[;,.]\s*$")
_LEAD_VERB = re.compile(r"\s+(?:has|have|is|are|should have|must have|includes?)\s*:?\s*$", re.I)


@dataclass
class Item:
    text: str
    level: int
    children: list[Item] = field(default_factory=list)
    more: list[str] = field(default_factory=list)  # wrapped lines, joined by ``_tidy``


@dataclass
class Section:
    heading: str
    context: str = ""  # a heading with no list of its own just above, e.g. "Focus 3: Integrity"
    items: list[Item] = field(default_factory=list)
    more: list[str] = field(default_factory=list)  # wrapped lines, joined by ``_tidy``

    @property
    def kind(self) -> str:
        if _RISKS.search(self.heading):
            return "checklist"
        if _BENCHMARK.search(self.heading):
            return "rated"
        return "guidance"


def _lines(text: str) -> list[str]:
    text = normalise_characters(text).replace("\u2010", "-").replace("\u2011", "-")
    return [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def read_sections(text: str) -> list[Section]:
    """The document's headed lists, in order."""
    sections: list[Section] = []
    glyphs: list[str] = []  # bullet glyphs in order of first use: the list levels
    last: Item | Section | None = None
    pending_context = ""
    bare = ""  # a bullet glyph alone on its line: its text is on the next line
    for raw in _lines(text):
        if not raw.strip() or _PAGE_NUMBER.match(raw):
            continue
        if raw.strip() in BULLET_GLYPHS:
            bare = raw.strip()
            continue
        if bare:
            raw, bare = f"{bare} {raw.strip()}", ""
        bullet = _BULLET.match(raw)
        if bullet:
            glyph, body = bullet.groups()
            if glyph not in glyphs:
                glyphs.append(glyph)
            if not sections:
                sections.append(Section(""))
            item = Item(body.strip(), glyphs.index(glyph))
            _place(sections[-1], item)
            last = item
            continue
        line = raw.strip()
        if line[:1].islower() and last is not None:
            last.more.append(line)
            continue
        if sections and not sections[-1].items:
            empty = sections.pop()
            pending_context = _joined(empty.heading, empty.more) or pending_context
        section = Section(line, context=pending_context)
        pending_context = ""
        sections.append(section)
        last = section
    return [_tidy(section) for section in sections if section.items]


def _joined(text: str, more: list[str]) -> str:
    """Wrapped lines added to the text before them; a line broken after a hyphen
    ("resource-" / "based") closes up, keeping the hyphen."""
    parts = [text.rstrip()]
    for line in more:
        parts.append(line if parts[-1].endswith("-") else f" {line}")
    return "".join(parts)


def _place(section: Section, item: Item) -> None:
    """Put an item under the last item of a shallower level, or at the top."""
    siblings = section.items
    while siblings and siblings[-1].level < item.level:
        siblings = siblings[-1].children
    siblings.append(item)


def _tidy(section: Section) -> Section:
    heading = _joined(section.heading, section.more)
    section.heading = title_case(inline_text(" ".join(heading.split())))
    section.context = title_case(inline_text(" ".join(section.context.split())))

    def clean(items: list[Item]) -> None:
        for item in items:
            item.text = inline_text(" ".join(_joined(item.text, item.more).split()))
            clean(item.children)

    clean(section.items)
    return section


def area_title(heading: str) -> str:
    """ "A good public service has:" → "A good public service"."""
    return _LEAD_VERB.sub("", heading).rstrip(" :")


def indicator_texts(section: Section) -> list[tuple[str, str]]:
    """(title, guidance) of each indicator of a benchmark or checklist section: an item
    that leads in to sub-items ("Poor management in:") gives one per sub-item."""
    found: list[tuple[str, str]] = []
    for item in section.items:
        text = _TRAILING.sub("", item.text)
        if item.children and text.endswith(":"):
            for child in item.children:
                found.append((f"{text} {_TRAILING.sub('', child.text)}", ""))
        else:
            guidance = "\n".join(f"– {_TRAILING.sub('', c.text)}" for c in item.children)
            found.append((text, guidance))
    return found


def guidance_text(section: Section) -> str:
    lines = [section.heading]

    def walk(items: list[Item], depth: int) -> None:
        for item in items:
            lines.append(f"{'  ' * depth}{'•' if depth == 0 else '–'} {item.text}")
            walk(item.children, depth + 1)

    walk(section.items, 0)
    return "\n".join(lines)
