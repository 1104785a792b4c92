"""Small pure text helpers shared by the plan parsers.

The seeds are text extracted from PDFs and Word files: Markdown-ish headings,
``**bold**`` spans, lines broken mid-sentence, words hyphenated across line
breaks and footnote numbers glued to punctuation. These helpers turn such
fragments into the plain text stored on ``ParsedItem`` and ``ParsedPlan``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_HEADING_MARKS = re.compile(r"^\s*#{1,6}\s*")
_BOLD_MARKS = re.compile(r"\*\*|__")
# A word broken by the PDF's line wrap: "mea-" at the end of a line.
_HYPHEN_AT_END = re.compile(r"[^\W\d_]-$")
# Footnote numbers that the extraction glued to the punctuation after a word,
# e.g. "by special order;19". Requiring a letter before the punctuation keeps
# section numbers such as "7.1" intact.
# The word before the mark has two letters or more: "1.a.1" is a code, not "1.a" and a note.
_FOOTNOTE_MARKER = re.compile(r"(?<=[^\W\d_]{2}[;:.,])\d{1,3}(?=\s|$)")
# Starts only where a run of spaces starts: without the look-behind the engine retried
# from every space of a long run, quadratic in its length.
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<!\s)\s+(?=[;:,.!?](?:\s|$))")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def is_blank(line: str) -> bool:
    """True for empty and whitespace-only lines (the seeds contain both)."""
    return not line.strip()


def has_hard_break(raw_line: str) -> bool:
    """True when a line ends in two spaces, Markdown's explicit line break.

    The converters that produced the seeds mark the end of a paragraph this
    way, while lines merely wrapped by the page width end in one space or none.
    """
    return raw_line.rstrip("\n").endswith("  ")


def collapse_whitespace(text: str) -> str:
    """Turn every run of whitespace (including newlines) into one space."""
    return " ".join(text.split())


def strip_markdown(text: str) -> str:
    """Remove heading marks and bold markers, keeping the words."""
    return collapse_whitespace(_BOLD_MARKS.sub("", _HEADING_MARKS.sub("", text)))


def join_wrapped(lines: Iterable[str]) -> str:
    """Join the physical lines of one paragraph into a single line of text.

    A line ending in ``letter-`` followed by a line starting in lower case is a
    word hyphenated by the page wrap ("mea-" + "sures"), so the hyphen goes.
    A genuine compound split exactly at its hyphen would lose it; the seeds
    have none, and a stray hyphen mid-word is the worse failure.
    """
    # Pieces in a list, and only the last piece's end looked at: linear in the text.
    pieces: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if pieces and _HYPHEN_AT_END.search(pieces[-1][-2:]) and line[0].islower():
            pieces[-1] = pieces[-1][:-1] + line
        else:
            pieces.append(line)
    return collapse_whitespace(" ".join(pieces))


def drop_footnote_markers(text: str) -> str:
    """Remove footnote numbers glued to punctuation ("order;19" -> "order;")."""
    return _FOOTNOTE_MARKER.sub("", text)


def tidy_punctuation(text: str) -> str:
    """Remove the space the source sometimes puts before punctuation ("x ;")."""
    return _SPACE_BEFORE_PUNCTUATION.sub("", text)


def sentence_case(text: str) -> str:
    """Turn an all-caps banner such as "ARMED FORCES" into "Armed forces"."""
    words = collapse_whitespace(text).lower()
    return words[:1].upper() + words[1:]


def slugify(text: str) -> str:
    """ASCII slug for ``short_name``; pure so parsers need no Django import."""
    return _SLUG_JUNK.sub("-", text.lower()).strip("-")
