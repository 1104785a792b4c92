"""A document as a sequence of blocks, whatever format it came in.

Every reader (plain text and Markdown here, DOCX in ``docx_reader``, PDF in
``pdf_reader``) turns a file into ``Paragraph`` and ``Table`` blocks; the outline
step (``outline``) turns blocks into a tree. A paragraph keeps what the format
says about structure: a heading level, whole-paragraph bold, a bullet and its
indentation, or the label Word's automatic numbering gives it ("1.1.").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from .cells import has_markup, plain_text
from .textclean import collapse_whitespace, drop_footnote_markers, join_wrapped, tidy_punctuation


@dataclass
class Paragraph:
    text: str  # plain text, wrapped lines joined, markup removed
    line: int = 0  # 1-based source line (or paragraph number) where it starts
    heading: int | None = None  # 1..9 when the format marks it as a heading
    bold: bool = False  # the whole paragraph is bold
    bullet: bool = False  # a list item with a bullet glyph (or a Word bullet list)
    indent: int = 0  # list nesting or indentation, 0 at the margin
    number: str = ""  # the label Word's automatic numbering shows, e.g. "1.1."
    role: str = "text"  # text | caption | footnote | contents


@dataclass
class Table:
    rows: list[list[str]]  # cell text; HTML fragments inside cells are kept for ``cells``
    line: int = 0
    row_lines: list[int] = field(default_factory=list)
    header: list[str] | None = None  # the header row, when the table has one


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block]
    format_name: str = "text"


def document_text(document: Document) -> str:
    """The document as lines of text: a paragraph a line, a table row with tabs between cells.

    For checks that look at the words whatever the format (text, DOCX, ODT or PDF).
    """
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            if block.header:
                lines.append("\t".join(block.header))
            lines.extend("\t".join(row) for row in block.rows)
    return "\n".join(lines)


# --- normalising characters ---------------------------------------------------------

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2002\u2003\u2009\u200a\u3000"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\ufeff"), None)
_LIGATURES = re.compile("[\ufb00-\ufb06]")


def normalise_characters(text: str) -> str:
    """No-break and thin spaces become spaces; soft hyphens and zero-width marks go."""
    text = text.translate(_SPACES).translate(_INVISIBLE)
    return _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


# Markdown links and images, and kramdown's attribute lists ("{:.class}", "{: #id}").
# Bounded and unable to cross another bracket, so a run of "[" or "{:" is read in linear time.
_IMAGE = re.compile(r"!\[([^\[\]\n]{0,300})\]\([^()\n]{0,2000}\)")
_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\([^()\n]{0,2000}\)")
_ATTRIBUTES = re.compile(r"\{:[^{}\n]{0,200}\}")


@lru_cache(maxsize=4096)
def clean_inline(text: str) -> str:
    """One line of plain text: HTML fragments, emphasis marks, links' addresses and
    footnote numbers removed."""
    if "](" in text or "{:" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub("", _ATTRIBUTES.sub("", text)))
    if has_markup(text):
        text = plain_text(text)
    text = re.sub(r"\*{1,3}|(?<!\w)_{1,2}|_{1,2}(?!\w)", "", text)
    text = re.sub(r"\[\^\d+\]", "", text)
    return tidy_punctuation(collapse_whitespace(drop_footnote_markers(text)))


# --- plain text and Markdown -----------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# A list item that holds a heading ("- ### Commitment title"), as some sites write them.
_BULLET_HEADING = re.compile(r"^[-*+]\s+(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|={3,})$")
BULLET_GLYPHS = "-*•–—▪◦‣●○■□✓✔➢►·"
_BULLET = re.compile(rf"^([{re.escape(BULLET_GLYPHS)}]|o(?=\s))\s+(.*)$")
_FOOTNOTE = re.compile(r"^(?:<sup>\s*\d+\s*</sup>|\[\^\d+\]:)")
_CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Chart|Graph|Box|Map|Diagram)\s+\d", re.I)
# A leader run is tried only where it starts (the look-behinds), and "\s*\t?\s*" is
# one "\s*": otherwise a line of dots or spaces was rescanned from every character.
_CONTENTS = re.compile(r"(?:(?<!\.)\.{4,}|(?<!…)…{2,})\s*\d{1,4}$|\t\d{1,4}$")
_PIPE_ROW = re.compile(r"^\|.*\|$")
_PIPE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
# A line that opens a new block: it never continues the paragraph above it.
_OPENS_BLOCK = re.compile(
    r"^(?:#{1,6}\s|\d{1,3}(?:\.\d{1,3})*[.)]?\s|\(\w{1,4}\)\s|[a-zA-Z][.)]\s|"
    r"[ivxlcIVXLC]{1,6}[.)]\s|\|)"
)
_SENTENCE_END = re.compile(r"[.!?:;][”\"’)]?$")


def _is_caps(text: str) -> bool:
    if not text.isupper():  # a lower-case letter, or no cased letter: never all capitals
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _double_spaced(lines: list[str]) -> bool:
    """True when a blank line follows nearly every line, even inside sentences.

    Some converters put a blank line after every physical line; blank lines then
    mean nothing. Markdown also puts one after every paragraph, but there the
    line after a blank starts a new sentence, so many lines continuing in lower
    case after a blank line is what tells the two apart.
    """
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) < 10:
        return False
    followed = sum(1 for i in filled if i + 1 < len(lines) and not lines[i + 1].strip())
    continued = sum(
        1
        for a, b in pairwise(filled)
        if b > a + 1
        and lines[b].strip()[:1].islower()
        and not _SENTENCE_END.search(lines[a].strip())
    )
    return followed >= 0.85 * len(filled) and continued >= 0.1 * len(filled)


def _starts_block(line: str) -> bool:
    stripped = line.strip()
    return bool(
        _HEADING.match(stripped)
        or _RULE.match(stripped)
        or _BULLET.match(stripped)
        or _FOOTNOTE.match(stripped)
        or _OPENS_BLOCK.match(stripped)
        or _CAPTION.match(stripped)
        or ("\t" in stripped and not _is_list_line(stripped))
        or _starts_with_code(stripped)
    )


def _starts_with_code(text: str) -> bool:
    return _parse_code()(clean_inline(text)) is not None


@lru_cache(maxsize=1)
def _parse_code() -> Callable[[str], object]:
    """``outline.parse_code``, the one definition of what a code looks like.

    Imported once, not per line: an import statement per line of a long paragraph
    was a fifth of its reading time.
    """
    from .outline import parse_code

    return parse_code


def _indent(raw: str) -> int:
    expanded = raw.expandtabs(4)
    return (len(expanded) - len(expanded.lstrip(" "))) // 2


_FRONT_MATTER_END = 200  # lines: a front matter block longer than this is not one
_FRONT_TITLE = re.compile(r"^title\s*:\s*(.+?)\s*$", re.I)


def _front_matter(lines: list[str], blocks: list[Block]) -> int:
    """Skip a Markdown file's YAML front matter ("---" … "---" on the first lines);
    its ``title:`` becomes the document's first heading. Returns the next line index."""
    if not lines or lines[0].strip() != "---":
        return 0
    for end in range(1, min(len(lines), _FRONT_MATTER_END)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return 0
    for number, line in enumerate(lines[1:end], start=2):
        title = _FRONT_TITLE.match(line.strip())
        if title:
            value = title.group(1).strip().strip("\"'").strip()
            if value:
                blocks.append(Paragraph(clean_inline(value), number, heading=1))
            break
    return end + 1


def read_text(text: str) -> Document:
    """Blocks of a plain-text or Markdown document."""
    text = normalise_characters(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    double = _double_spaced(lines)
    blocks: list[Block] = []
    i = _front_matter(lines, blocks)
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        number = i + 1
        if not stripped or _RULE.match(stripped):
            i += 1
            continue
        if _CONTENTS.search(stripped) and not _PIPE_ROW.match(stripped):
            blocks.append(Paragraph(clean_inline(stripped), number, role="contents"))
            i += 1
            continue
        if _PIPE_ROW.match(stripped):
            i = _read_pipe_table(lines, i, blocks)
            continue
        if "\t" in stripped and not _is_list_line(stripped):
            i = _read_tab_table(lines, i, blocks)
            continue
        heading = _HEADING.match(stripped) or _BULLET_HEADING.match(stripped)
        if heading:
            level = len(heading.group(1))
            blocks.append(Paragraph(clean_inline(heading.group(2)), number, heading=level))
            i += 1
            continue
        paragraph, i = _read_paragraph(lines, i, double)
        blocks.append(paragraph)
    return Document(blocks, "text")


def _is_list_line(line: str) -> bool:
    """ "1.1.<TAB>Text" or "- 7.1.1.<TAB>Text": a numbered line with a tab, not a table row."""
    from .outline import parse_code

    cells = line.split("\t")
    if len(cells) != 2:
        return False
    head = cells[0].strip()
    bullet = _BULLET.match(head + " ")
    if bullet:
        head = bullet.group(2).strip()
    code = parse_code(head)
    return code is not None and not code.title


def _read_paragraph(lines: list[str], start: int, double: bool) -> tuple[Paragraph, int]:
    first = lines[start]
    stripped = first.strip()
    bullet = _BULLET.match(stripped)
    parts = [(bullet.group(2) if bullet else stripped).replace("\t", " ")]
    bold_open = stripped.count("**") % 2 == 1
    previous = first
    previous_caps = _is_caps(parts[-1])
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            if bold_open or double:
                i += 1
                continue
            break
        line_caps = _is_caps(line.strip())
        if not bold_open:
            if _starts_block(line) and not _continues_sentence(previous, line):
                break
            if previous.rstrip("\n").endswith("  ") and not double:
                break
            if double and _ends_paragraph(previous, line):
                break
            if previous_caps != line_caps:
                break  # a capitalised heading starts or ends
        previous_caps = line_caps
        parts.append(line.strip())
        if line.count("**") % 2:
            bold_open = not bold_open
        previous = line
        i += 1
    joined = join_wrapped(parts)
    bold = bool(re.fullmatch(r"\*\*(?!\*)(.+?)\*\*[:.]?", joined)) or bool(
        re.fullmatch(r"__(.+)__", joined)
    )
    role = "text"
    if _FOOTNOTE.match(joined):
        role = "footnote"
    elif _CAPTION.match(clean_inline(joined)):
        role = "caption"
    return (
        Paragraph(
            clean_inline(joined),
            start + 1,
            bold=bold,
            bullet=bool(bullet),
            indent=_indent(first),
            role=role,
        ),
        i,
    )


_NUMBER_LEAD = re.compile(r"^(?:\(\d{1,3}\)|\d{1,4}(?:\.\d{1,4})*)\s+(\S)")


def _continues_sentence(previous: str, line: str) -> bool:
    """A wrapped line that only looks like a numbered item: the line above stops mid-
    sentence and the words after the number go on in lower case ("… in order to" /
    "(4) accelerate the process", "… under Section" / "508 of the Act")."""
    tail = previous.rstrip()
    if not tail or _SENTENCE_END.search(tail) or tail.endswith(("  ", "\t")):
        return False
    lead = _NUMBER_LEAD.match(line.strip())
    return bool(lead and lead.group(1).islower())


def _ends_paragraph(previous: str, line: str) -> bool:
    """In a double-spaced text: a hard break, or a finished sentence before a capital."""
    if previous.rstrip("\n").endswith("  "):
        return True
    return bool(_SENTENCE_END.search(previous.strip())) and line.strip()[:1].isupper()


def _split_pipe(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _read_pipe_table(lines: list[str], start: int, blocks: list[Block]) -> int:
    rows: list[list[str]] = []
    row_lines: list[int] = []
    header: list[str] | None = None
    i = start
    while i < len(lines) and _PIPE_ROW.match(lines[i].strip()):
        stripped = lines[i].strip()
        if _PIPE_RULE.match(stripped):
            if len(rows) == 1 and header is None:
                header = rows.pop()
                row_lines.pop()
        else:
            rows.append(_split_pipe(stripped))
            row_lines.append(i + 1)
        i += 1
    blocks.append(Table(rows, start + 1, row_lines, header))
    return i


def _read_tab_table(lines: list[str], start: int, blocks: list[Block]) -> int:
    """Tab-separated rows; blank lines between rows do not end the table."""
    rows: list[list[str]] = []
    row_lines: list[int] = []
    i = start
    while i < len(lines):
        stripped = lines[i].strip("\n").rstrip(" ")
        if not stripped.strip():
            i += 1
            continue
        if "\t" not in stripped.strip(" "):
            break
        rows.append([cell.strip() for cell in stripped.strip(" ").split("\t")])
        row_lines.append(i + 1)
        i += 1
    # trailing blank lines belong to whatever follows
    while i > start and not lines[i - 1].strip():
        i -= 1
    header = None
    if len(rows) > 1 and _looks_like_header(rows[0]):
        header = rows.pop(0)
        row_lines.pop(0)
    blocks.append(Table(rows, start + 1, row_lines, header))
    return max(i, start + 1)


def _looks_like_header(row: list[str]) -> bool:
    from .outline import parse_code

    texts = [clean_inline(cell) for cell in row]
    if not any(texts):
        return False
    for text in texts:
        if re.search(r"\d", text) or parse_code(text) is not None:
            return False
    return sum(1 for text in texts if text) >= 2
