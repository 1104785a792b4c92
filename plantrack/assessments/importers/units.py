"""The body of a document as units: table rows, headings, paragraphs and rating lines.

Whatever the format, a document reaches the assessment readers as lines of text
(tab-separated cells for a table row; see ``lines_of``). This module turns the lines
left after the footnotes were taken out into units: a row of cells, a Markdown
heading, a paragraph (wrapped lines joined) or list item, and a line that is nothing
but a rating ("Weak", "Decrease", "Supports with Exceptions - …"), which the
one-field-per-line layouts of scorecards put on a line of its own.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from plantrack.plans.importers.document import BULLET_GLYPHS
from plantrack.plans.importers.textclean import join_wrapped

from .vocabulary import MAX_RATING_CHARS, Rating, read_rating


@dataclass
class Row:
    cells: list[str]  # raw cell text, HTML fragments kept for ``cell_paragraphs``
    line: int


@dataclass
class Heading:
    text: str
    level: int
    line: int


@dataclass
class Para:
    text: str
    line: int
    bullet: str = ""  # the list glyph, "" for a plain paragraph
    indent: int = 0
    parts: list[str] = field(default_factory=list)


@dataclass
class RatingLine:
    rating: Rating
    rest: str  # text after "Level - " on the same line, "" when none
    line: int


Unit = Row | Heading | Para | RatingLine

_HEADING = re.compile(r"^(#{1,6})\s*(\S.*?)\s*#*\s*$")
_BULLET = re.compile(rf"^([{re.escape(BULLET_GLYPHS)}])\s+(\S.*)$")
_PIPE_ROW = re.compile(r"^\|.*\|$")
_PIPE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
# "3 = Good", "Level 2: Fair": an entry of a scale, never part of a wrapped paragraph.
_ENTRY = re.compile(r"^(?:level\s+)?\d{1,3}(?:[.,]\d{1,2})?\s*(?:=|:|–|—|\))\s*\S", re.I)
# "Prepared by: …", "**Country:** …", "Overall score (2019): 58": a field of the cover page,
# on a line of its own however the lines around it run.
_FIELD_LINE = re.compile(r"^\**[A-ZА-ЯЁӨҮ][\w ()/'’-]{1,40}:\**\s+\S.{0,200}$")
_RATING_THEN_TEXT = re.compile(r"^(\S.{0,58}?)\s+[-–—:]\s+(\S.*)$")
_TAG = re.compile(r"<[^<>]{0,300}>")
_PARAGRAPH_BREAK = re.compile(
    r"</p\s*>\s*<p\b[^<>]{0,200}>|<br\s*/?>|</li\s*>\s*<li\b[^<>]{0,200}>", re.I
)
_MD_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\((<?[^()\s]{0,2000}>?)\)")
_AUTOLINK = re.compile(r"<(https?://[^<>\s]{1,2000})>")
_EMPHASIS = re.compile(r"\*{1,3}(?=\S)([^*\n]{1,500}?)(?<=\S)\*{1,3}")


def inline_text(text: str) -> str:
    """One piece of text as plain words: Markdown emphasis and HTML tags gone, links kept
    as their text with the address after it."""
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
    if "](" in text:
        text = _MD_LINK.sub(lambda m: _link(m.group(1), m.group(2).strip("<>")), text)
    if "*" in text:
        text = _EMPHASIS.sub(r"\1", text)
    if "<" in text or "&" in text:
        text = html.unescape(_TAG.sub(" ", text))
    return " ".join(text.split())


def _link(label: str, url: str) -> str:
    label = label.strip()
    if not url.startswith(("http://", "https://")):
        return label  # a link within the document ("#"), kept as its words
    return url if label.rstrip("/") == url.rstrip("/") else f"{label} ({url})"


def cell_paragraphs(cell: str) -> list[str]:
    """A cell's paragraphs (``<p>``, ``<br>``, list items), each as plain text."""
    if "<" not in cell:
        text = inline_text(cell)
        return [text] if text else []
    parts = _PARAGRAPH_BREAK.split(cell)
    texts = (inline_text(part) for part in parts)
    return [text for text in texts if text]


def cell_text(cell: str) -> str:
    return " ".join(cell_paragraphs(cell))


def _indent(raw: str) -> int:
    expanded = raw.expandtabs(4)
    return (len(expanded) - len(expanded.lstrip(" "))) // 2


def rating_line(text: str, levels: tuple[str, ...] = ()) -> RatingLine | None:
    """A line that is only a rating, or a rating then " - " and a remark. ``levels`` are
    the document's own level labels, besides the vocabulary's."""
    if len(text) > 2 * MAX_RATING_CHARS and not _RATING_THEN_TEXT.match(text):
        return None
    rating = read_rating(text, levels)
    if rating is not None:
        return RatingLine(rating, "", 0)
    split = _RATING_THEN_TEXT.match(text)
    if split:
        rating = read_rating(split.group(1), levels)
        if rating is not None and rating.level:
            return RatingLine(rating, split.group(2), 0)
    return None


def units_of(body: list[tuple[int, str]], levels: tuple[str, ...] = ()) -> list[Unit]:
    """The units of the body lines, in order (``levels``: as for ``rating_line``)."""
    units: list[Unit] = []
    open_para: Para | None = None  # a paragraph the next line may continue

    def close() -> None:
        nonlocal open_para
        if open_para is not None:
            open_para.text = join_wrapped(open_para.parts)
        open_para = None

    for number, raw in body:
        stripped = raw.strip()
        if not stripped:
            close()
            continue
        if "\t" in raw.rstrip():
            close()
            units.append(Row([cell.strip() for cell in raw.rstrip().split("\t")], number))
            continue
        if _PIPE_ROW.match(stripped):
            close()
            if not _PIPE_RULE.match(stripped):
                cells = re.split(r"(?<!\\)\|", stripped.strip("|"))
                units.append(Row([cell.strip().replace("\\|", "|") for cell in cells], number))
            continue
        heading = _HEADING.match(stripped)
        if heading:
            close()
            units.append(Heading(inline_text(heading.group(2)), len(heading.group(1)), number))
            continue
        bullet = _BULLET.match(stripped)
        if bullet:
            close()
            open_para = Para("", number, bullet.group(1), _indent(raw), [bullet.group(2)])
            units.append(open_para)
            continue
        rated = rating_line(inline_text(stripped) if len(stripped) < 4000 else stripped, levels)
        if rated is not None and (open_para is None or not open_para.bullet):
            close()
            rated.line = number
            if units and isinstance(units[-1], RatingLine) and not units[-1].rest:
                units[-1] = _merged(units[-1], rated)
            else:
                units.append(rated)
            continue
        if _ENTRY.match(stripped) or _FIELD_LINE.match(stripped):
            close()
            units.append(Para(stripped, number, "", _indent(raw), [stripped]))
            continue
        if open_para is None:
            open_para = Para("", number, "", _indent(raw), [])
            units.append(open_para)
        open_para.parts.append(stripped)
    close()
    for unit in units:
        if isinstance(unit, Para):
            unit.text = inline_text(unit.text)
    return units


def _merged(first: RatingLine, second: RatingLine) -> RatingLine:
    """ "Weak" on one line and "Decrease" on the next are one rating."""
    level = first.rating.level or second.rating.level
    change = first.rating.change or second.rating.change
    return RatingLine(Rating(level, change), second.rest, first.line)
