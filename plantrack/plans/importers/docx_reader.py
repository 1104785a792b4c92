"""DOCX documents as blocks, read through the safe ZIP and XML layers.

Word keeps the structure people see outside the text: heading levels in
paragraph styles and outline levels (``styles.xml``), list numbers in
``numbering.xml`` (a paragraph numbered "1.1." by Word has no "1.1." in its
text), bold in run properties, and tables as rows of cells. This reader keeps
all of it, so the outline step sees what the author saw.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _

from . import safezip
from .base import ImportRefused
from .document import (
    Block,
    Document,
    Paragraph,
    Table,
    _looks_like_header,
    normalise_characters,
    read_text,
)
from .limits import Limits, check_text_chars, count_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _val(element: ET.Element | None, name: str = "val") -> str | None:
    if element is None:
        return None
    return element.get(f"{W}{name}")


def _on(element: ET.Element | None) -> bool:
    """A Word toggle property such as <w:b/>: on unless val is 0/false/off."""
    if element is None:
        return False
    return (_val(element) or "true").lower() not in ("0", "false", "off", "none")


@dataclass
class _Style:
    name: str = ""
    based_on: str = ""
    outline: int | None = None
    bold: bool | None = None
    num_id: str = ""
    ilvl: int | None = None


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Numbering:
    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    starts: dict[tuple[str, int], int] = field(default_factory=dict)  # startOverride
    counters: dict[str, list[int]] = field(default_factory=dict)

    def level(self, num_id: str, ilvl: int) -> _Level | None:
        abstract = self.abstract.get(self.nums.get(num_id, ""), {})
        return abstract.get(ilvl)

    def label(self, num_id: str, ilvl: int) -> tuple[str, bool]:
        """The label Word shows for the next item of this list, and whether it is a bullet."""
        level = self.level(num_id, ilvl)
        if level is None:
            return "", False
        if level.fmt == "bullet":
            return "", True
        counters = self.counters.setdefault(num_id, [0] * 9)
        ilvl = min(max(ilvl, 0), 8)
        if counters[ilvl] == 0:
            counters[ilvl] = self.starts.get((num_id, ilvl), level.start)
        else:
            counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0

        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            lvl = self.level(num_id, index) or _Level()
            value = counters[index] or self.starts.get((num_id, index), lvl.start)
            return _format(value, lvl.fmt)

        return re.sub(r"%([1-9])", number, level.text), False


def _format(value: int, fmt: str) -> str:
    from .outline import to_roman

    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while value > 0:
            value, rest = divmod(value - 1, 26)
            letters = chr(97 + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = to_roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _read_styles(root: ET.Element | None) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    if root is None:
        return styles
    for element in root.iter(f"{W}style"):
        style_id = element.get(f"{W}styleId") or ""
        style = _Style(name=(_val(element.find(f"{W}name")) or "").lower())
        style.based_on = _val(element.find(f"{W}basedOn")) or ""
        ppr = element.find(f"{W}pPr")
        if ppr is not None:
            outline = _val(ppr.find(f"{W}outlineLvl"))
            if outline is not None and outline.isdigit() and int(outline) < 9:
                style.outline = int(outline) + 1
            num = ppr.find(f"{W}numPr")
            if num is not None:
                style.num_id = _val(num.find(f"{W}numId")) or ""
                ilvl = _val(num.find(f"{W}ilvl"))
                style.ilvl = int(ilvl) if ilvl and ilvl.isdigit() else None
        rpr = element.find(f"{W}rPr")
        if rpr is not None and rpr.find(f"{W}b") is not None:
            style.bold = _on(rpr.find(f"{W}b"))
        styles[style_id] = style
    return styles


def _style_chain(styles: dict[str, _Style], style_id: str) -> list[_Style]:
    chain: list[_Style] = []
    seen: set[str] = set()
    while style_id and style_id in styles and style_id not in seen and len(chain) < 20:
        seen.add(style_id)
        chain.append(styles[style_id])
        style_id = styles[style_id].based_on
    return chain


def _heading_level(styles: dict[str, _Style], style_id: str, own_outline: int | None) -> int | None:
    if own_outline is not None:
        return own_outline
    for style in _style_chain(styles, style_id):
        match = re.fullmatch(r"heading ([1-9])", style.name)
        if match:
            return int(match.group(1))
        if style.name == "title":
            return 1
        if style.outline is not None:
            return style.outline
    return None


def _read_numbering(root: ET.Element | None) -> _Numbering:
    numbering = _Numbering()
    if root is None:
        return numbering
    for abstract in root.iter(f"{W}abstractNum"):
        levels: dict[int, _Level] = {}
        for lvl in abstract.iter(f"{W}lvl"):
            ilvl = lvl.get(f"{W}ilvl") or "0"
            start = _val(lvl.find(f"{W}start")) or "1"
            levels[int(ilvl) if ilvl.isdigit() else 0] = _Level(
                fmt=_val(lvl.find(f"{W}numFmt")) or "decimal",
                text=_val(lvl.find(f"{W}lvlText")) or "",
                start=int(start) if start.isdigit() else 1,
            )
        numbering.abstract[abstract.get(f"{W}abstractNumId") or ""] = levels
    for num in root.iter(f"{W}num"):
        num_id = num.get(f"{W}numId") or ""
        numbering.nums[num_id] = _val(num.find(f"{W}abstractNumId")) or ""
        for override in num.iter(f"{W}lvlOverride"):
            override_start = _val(override.find(f"{W}startOverride"))
            ilvl = override.get(f"{W}ilvl") or "0"
            if override_start and override_start.isdigit() and ilvl.isdigit():
                numbering.starts[(num_id, int(ilvl))] = int(override_start)
    return numbering


class _Reader:
    def __init__(self, styles: dict[str, _Style], numbering: _Numbering, limits: Limits) -> None:
        self.styles = styles
        self.numbering = numbering
        self.limits = limits
        self.count = 0  # paragraphs and table rows read, for source lines
        self.chars = 0

    def _text(self, element: ET.Element) -> str:
        parts: list[str] = []
        for node in element.iter():
            tag = node.tag
            if tag == f"{W}t" and node.text:
                parts.append(node.text)
            elif tag in (f"{W}tab", f"{W}br", f"{W}cr"):
                parts.append(" ")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
        text = normalise_characters("".join(parts))
        self.chars += len(text)
        check_text_chars(self.chars, self.limits)
        return text

    def paragraph(self, element: ET.Element) -> Paragraph:
        self.count += 1
        text = " ".join(self._text(element).split())
        ppr = element.find(f"{W}pPr")
        style_id = _val(ppr.find(f"{W}pStyle")) if ppr is not None else None
        style_id = style_id or ""
        own_outline = None
        num_id, ilvl = "", None
        if ppr is not None:
            outline = _val(ppr.find(f"{W}outlineLvl"))
            if outline is not None and outline.isdigit() and int(outline) < 9:
                own_outline = int(outline) + 1
            num = ppr.find(f"{W}numPr")
            if num is not None:
                num_id = _val(num.find(f"{W}numId")) or ""
                level = _val(num.find(f"{W}ilvl"))
                ilvl = int(level) if level and level.isdigit() else None
        chain = _style_chain(self.styles, style_id)
        if not num_id:
            for style in chain:
                if style.num_id:
                    num_id, ilvl = style.num_id, style.ilvl if ilvl is None else ilvl
                    break
        label, bullet = ("", False)
        if num_id and num_id != "0" and text:
            label, bullet = self.numbering.label(num_id, ilvl or 0)
        return Paragraph(
            text,
            self.count,
            heading=_heading_level(self.styles, style_id, own_outline),
            bold=bool(text) and self._all_bold(element, chain),
            bullet=bullet,
            indent=ilvl or 0,
            number=label,
        )

    def _all_bold(self, element: ET.Element, chain: list[_Style]) -> bool:
        style_bold = next((s.bold for s in chain if s.bold is not None), False)
        seen = False
        for run in element.iter(f"{W}r"):
            text = "".join(t.text or "" for t in run.iter(f"{W}t"))
            if not text.strip():
                continue
            seen = True
            rpr = run.find(f"{W}rPr")
            bold = rpr.find(f"{W}b") if rpr is not None else None
            if not (_on(bold) if bold is not None else style_bold):
                return False
        return seen

    def table(self, element: ET.Element) -> Table:
        rows: list[list[str]] = []
        row_lines: list[int] = []
        header: list[str] | None = None
        first_line = self.count + 1
        for tr in element.findall(f"{W}tr"):
            self.count += 1
            cells: list[str] = []
            for tc in tr.findall(f"{W}tc"):
                cells.append(self._cell(tc))
                tcpr = tc.find(f"{W}tcPr")
                span = _val(tcpr.find(f"{W}gridSpan")) if tcpr is not None else None
                if span and span.isdigit():
                    cells.extend([""] * min(int(span) - 1, 50))
            trpr = tr.find(f"{W}trPr")
            if trpr is not None and trpr.find(f"{W}tblHeader") is not None and not rows:
                header = cells
                continue
            rows.append(cells)
            row_lines.append(self.count)
            if len(rows) > self.limits.max_table_rows:
                raise ImportRefused(
                    _("a table holds more than %(limit)s rows; the limit is %(limit)s")
                    % {"limit": count_text(self.limits.max_table_rows)}
                )
        if header is None and len(rows) > 1 and _looks_like_header(rows[0]):
            header = rows.pop(0)
            row_lines.pop(0)
        return Table(rows, first_line, row_lines, header)

    def _cell(self, tc: ET.Element) -> str:
        """A cell as a small HTML fragment: list paragraphs as <li>, others as <p>."""
        paragraphs = [self.paragraph(p) for p in tc.iter(f"{W}p")]
        self.count -= len(paragraphs)  # a cell is part of its row's line
        filled = [p for p in paragraphs if p.text]
        if len(filled) <= 1:
            return html.escape(filled[0].text, quote=False) if filled else ""
        parts: list[str] = []
        in_list = False
        for paragraph in filled:
            text = html.escape(paragraph.text, quote=False)
            if paragraph.bullet or paragraph.number:
                if not in_list:
                    parts.append("<ul>")
                    in_list = True
                prefix = f"{html.escape(paragraph.number)} " if paragraph.number else ""
                parts.append(f"<li>{prefix}{text}</li>")
            else:
                if in_list:
                    parts.append("</ul>")
                    in_list = False
                parts.append(f"<p>{text}</p>")
        if in_list:
            parts.append("</ul>")
        return "".join(parts)

    def blocks(self, container: ET.Element, out: list[Block]) -> None:
        for child in container:
            if child.tag == f"{W}p":
                paragraph = self.paragraph(child)
                if paragraph.text:
                    out.append(paragraph)
            elif child.tag == f"{W}tbl":
                out.append(self.table(child))
            elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}body"):
                self.blocks(child, out)


def read_docx(data: bytes, limits: Limits, archive: Any = None) -> Document:
    """The blocks of a DOCX file; refuses damaged or oversized files with the reason."""
    archive = archive or safezip.open_archive(data, limits)
    if "word/document.xml" not in archive:
        raise ImportRefused(
            _("this DOCX file has no word/document.xml part; save it again in Word")
        )
    document = archive.xml("word/document.xml")
    styles = _read_styles(archive.xml("word/styles.xml") if "word/styles.xml" in archive else None)
    numbering = _read_numbering(
        archive.xml("word/numbering.xml") if "word/numbering.xml" in archive else None
    )
    body = document.find(f"{W}body")
    blocks: list[Block] = []
    if body is not None:
        _Reader(styles, numbering, limits).blocks(body, blocks)
    if not blocks:
        raise ImportRefused(
            _("the DOCX document is empty: it holds no paragraphs or tables with text")
        )
    if body is not None and _plain(blocks):
        document_text = read_text("\n".join(_lines(body)))
        document_text.format_name = "docx"
        return document_text
    return Document(blocks, "docx")


def _plain(blocks: list[Block]) -> bool:
    """True when Word's structure says nothing: no heading, list, bold paragraph or table.

    A text file opened and saved as DOCX (one paragraph per line, Markdown marks and tab
    columns kept as characters) is such a document; the plain-text reader's rules for
    headings, wrapped lines and tab tables then apply to its lines.
    """
    return all(
        isinstance(block, Paragraph)
        and block.heading is None
        and not (block.bold or block.bullet or block.number)
        for block in blocks
    )


def _lines(body: ET.Element) -> list[str]:
    """Each paragraph's text as one line, tabs kept and empty paragraphs as blank lines."""
    lines: list[str] = []
    for paragraph in body.iter(f"{W}p"):
        parts: list[str] = []
        for node in paragraph.iter():
            if node.tag == f"{W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{W}tab":
                parts.append("\t")
            elif node.tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
            elif node.tag == f"{W}noBreakHyphen":
                parts.append("-")
        lines.append("".join(parts))
    return lines
