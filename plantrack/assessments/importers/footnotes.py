"""Footnotes: taken out of the running text, kept as sources for the ratings that cite them.

A scorecard printed from a word processor puts its footnotes at the foot of each page,
so in the extracted text they sit between the rows of the table, often in the middle
of a justification that runs on to the next page. ``split_footnotes`` takes every
footnote out of the line stream (so the justification closes up again) and returns
them by marker; ``cited`` finds the markers a justification carries.

A footnote starts a paragraph with its marker: superscript digits ("¹⁴ UNOHCHR, …"),
Markdown's ``[^14]:`` or HTML's ``<sup>14</sup>``. A footnote runs on over wrapped
lines and over a following paragraph that only continues it (a link, or text in lower
case, as when a long address was pushed to the next line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..parsed import ParsedSource

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_DIGITS = str.maketrans(SUPERSCRIPTS, "0123456789")
_TO_SUPERSCRIPTS = str.maketrans("0123456789", SUPERSCRIPTS)

_DEFINITION = re.compile(
    rf"^\s*(?:(?P<sup>[{SUPERSCRIPTS}]{{1,4}})|\[\^(?P<md>\w{{1,10}})\]:|<sup>\s*(?P<html>\d{{1,4}})\s*</sup>)"
    r"\s*(?P<text>\S.*)$"
)
_CITATION = re.compile(
    rf"[{SUPERSCRIPTS}]{{1,4}}|\[\^(\w{{1,10}})\](?!:)|<sup>\s*(\d{{1,4}})\s*</sup>"
)
_LINK_START = re.compile(r"^\s*<?(?:https?://|www\.)")
_LOWER_START = re.compile(r"^\s*[a-z(]")
_URL = re.compile(r"https?://[^\s<>()\]]+(?:\([^\s<>()]*\)[^\s<>()\]]*)*")


@dataclass
class Footnote:
    marker: str  # digits, e.g. "14"
    text: str
    line: int


def marker_digits(mark: str) -> str:
    return mark.translate(_TO_DIGITS)


def as_superscript(digits: str) -> str:
    return digits.translate(_TO_SUPERSCRIPTS)


def footnote_definition(line: str) -> tuple[str, str] | None:
    if "\t" in line:
        return None
    match = _DEFINITION.match(line)
    if not match:
        return None
    marker = match.group("sup") or match.group("md") or match.group("html") or ""
    return marker_digits(marker), match.group("text")


def split_footnotes(lines: list[str]) -> tuple[list[tuple[int, str]], dict[str, Footnote]]:
    """The lines that are not footnotes (with their 1-based numbers) and the footnotes.

    A marker defined twice keeps its first text; the second is kept under "14#2" so it is
    not lost (some documents restart their numbering).
    """
    body: list[tuple[int, str]] = []
    notes: dict[str, Footnote] = {}
    current: Footnote | None = None
    blank_since = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        found = footnote_definition(line)
        if found:
            marker, text = found
            key, again = marker, 1
            while key in notes:
                again += 1
                key = f"{marker}#{again}"
            current = notes[key] = Footnote(marker, text.strip(), number)
            blank_since = False
            continue
        if current is not None:
            if not stripped:
                blank_since = True
                continue
            joins = "\t" not in line and (
                _continues(current.text, line) if blank_since else _wraps(current.text, line)
            )
            if joins:
                current.text = f"{current.text} {stripped}"
                blank_since = False
                continue
            current = None
        body.append((number, line))
    return body, notes


def _wraps(note: str, line: str) -> bool:
    """The next line of a footnote wrapped by the page: it runs on unless the footnote has
    ended a sentence and the line starts a new one (in a PDF the next page follows at once)."""
    if not note.rstrip().endswith((".", "!", "?")):
        return True
    return bool(_LINK_START.match(line) or _LOWER_START.match(line))


def _continues(note: str, line: str) -> bool:
    """A paragraph after a blank line that only continues the footnote above: a link, or
    lower-case text when the footnote stopped in mid-sentence."""
    if _LINK_START.match(line):
        return True
    return bool(_LOWER_START.match(line)) and not note.rstrip().endswith((".", "!", "?"))


def cited(text: str) -> list[str]:
    """The footnote markers a text cites, as digits, in order, each once."""
    seen: list[str] = []
    for match in _CITATION.finditer(text):
        mark = match.group(1) or match.group(2) or marker_digits(match.group(0))
        if mark and mark not in seen:
            seen.append(mark)
    return seen


def superscript_markers(text: str) -> str:
    """``[^14]`` and ``<sup>14</sup>`` written as "¹⁴", the way most scorecards print them."""

    def replace(match: re.Match[str]) -> str:
        mark = match.group(1) or match.group(2)
        return as_superscript(mark) if mark and mark.isdigit() else match.group(0)

    return _CITATION.sub(replace, text)


def source_of(note: Footnote) -> ParsedSource:
    text = " ".join(note.text.split())
    url = _URL.search(text)
    link = url.group(0).rstrip(".,;:>") if url else ""
    return ParsedSource(text=text, url=link, marker=note.marker)
