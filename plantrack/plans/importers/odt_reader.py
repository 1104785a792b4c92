"""ODT (OpenDocument text) documents as blocks, read through the safe ZIP and XML layers.

LibreOffice keeps structure as Word does, in other words: ``text:h`` with an
outline level for headings, bold in automatic text styles, lists whose numbers
come from list styles (``text:list-level-style-number``: format, prefix, suffix,
how many levels to show), and ``table:table`` rows with spanned and repeated cells.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _

from . import safezip
from .base import ImportRefused
from .document import Block, Document, Paragraph, Table, _looks_like_header, normalise_characters
from .limits import Limits, check_text_chars

MIMETYPE = b"application/vnd.oasis.opendocument.text"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"


def is_odt(archive: safezip.SafeArchive) -> bool:
    return "mimetype" in archive and archive.read("mimetype").strip() == MIMETYPE


@dataclass
class _ListLevel:
    bullet: bool = False
    fmt: str = "1"
    prefix: str = ""
    suffix: str = "."
    display: int = 1
    start: int = 1


@dataclass
class _Styles:
    bold: dict[str, bool] = field(default_factory=dict)  # text or paragraph style -> bold
    parent: dict[str, str] = field(default_factory=dict)
    lists: dict[str, dict[int, _ListLevel]] = field(default_factory=dict)

    def is_bold(self, name: str) -> bool:
        seen: set[str] = set()
        while name and name not in seen:
            seen.add(name)
            if name in self.bold:
                return self.bold[name]
            name = self.parent.get(name, "")
        return False


def _read_styles(roots: list[ET.Element]) -> _Styles:
    styles = _Styles()
    for root in roots:
        for style in root.iter(f"{STYLE}style"):
            name = style.get(f"{STYLE}name") or ""
            styles.parent[name] = style.get(f"{STYLE}parent-style-name") or ""
            props = style.find(f"{STYLE}text-properties")
            if props is not None and props.get(f"{FO}font-weight"):
                styles.bold[name] = props.get(f"{FO}font-weight") in ("bold", "700", "800", "900")
        for list_style in root.iter(f"{TEXT}list-style"):
            levels: dict[int, _ListLevel] = {}
            for child in list_style:
                level_text = child.get(f"{TEXT}level") or "1"
                level = int(level_text) if level_text.isdigit() else 1
                if child.tag == f"{TEXT}list-level-style-bullet":
                    levels[level] = _ListLevel(bullet=True)
                elif child.tag == f"{TEXT}list-level-style-number":
                    display = child.get(f"{TEXT}display-levels") or "1"
                    start = child.get(f"{TEXT}start-value") or "1"
                    levels[level] = _ListLevel(
                        fmt=child.get(f"{STYLE}num-format") or "",
                        prefix=child.get(f"{STYLE}num-prefix") or "",
                        suffix=child.get(f"{STYLE}num-suffix") or "",
                        display=int(display) if display.isdigit() else 1,
                        start=int(start) if start.isdigit() else 1,
                    )
            styles.lists[list_style.get(f"{STYLE}name") or ""] = levels
    return styles


def _format(value: int, fmt: str) -> str:
    from .docx_reader import _format as word_format

    return word_format(
        value,
        {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}.get(
            fmt, "decimal"
        ),
    )


class _Reader:
    def __init__(self, styles: _Styles, limits: Limits) -> None:
        self.styles = styles
        self.limits = limits
        self.count = 0
        self.chars = 0
        self.counters: dict[str, list[int]] = {}

    def _text(self, element: ET.Element) -> tuple[str, bool]:
        """The text of a paragraph and whether every run of it is bold."""
        parts: list[str] = []
        bold_all = [True]
        seen = [False]
        base_bold = self.styles.is_bold(element.get(f"{TEXT}style-name") or "")

        def walk(node: ET.Element, bold: bool) -> None:
            if node.text:
                parts.append(node.text)
                if node.text.strip():
                    seen[0] = True
                    bold_all[0] = bold_all[0] and bold
            for child in node:
                tag = child.tag
                if tag == f"{TEXT}s":
                    count = child.get(f"{TEXT}c") or "1"
                    parts.append(" " * min(int(count) if count.isdigit() else 1, 100))
                elif tag in (f"{TEXT}tab", f"{TEXT}line-break"):
                    parts.append(" ")
                elif tag in (f"{TEXT}note", f"{OFFICE}annotation"):
                    pass  # footnotes and comments are not the plan's text
                else:
                    style = child.get(f"{TEXT}style-name") or ""
                    walk(child, self.styles.is_bold(style) if style in self.styles.bold else bold)
                if child.tail:
                    parts.append(child.tail)
                    if child.tail.strip():
                        seen[0] = True
                        bold_all[0] = bold_all[0] and bold

        walk(element, base_bold)
        text = " ".join(normalise_characters("".join(parts)).split())
        self.chars += len(text)
        check_text_chars(self.chars, self.limits)
        return text, seen[0] and bold_all[0]

    def paragraph(
        self, element: ET.Element, *, number: str = "", bullet: bool = False, indent: int = 0
    ) -> Paragraph:
        self.count += 1
        text, bold = self._text(element)
        heading = None
        if element.tag == f"{TEXT}h":
            level = element.get(f"{TEXT}outline-level") or "1"
            heading = int(level) if level.isdigit() and 0 < int(level) < 10 else 1
        return Paragraph(
            text,
            self.count,
            heading=heading,
            bold=bold,
            bullet=bullet,
            indent=indent,
            number=number,
        )

    def read_list(self, element: ET.Element, out: list[Block], style: str, level: int) -> None:
        style = element.get(f"{TEXT}style-name") or style
        counters = self.counters.setdefault(style, [0] * 11)
        if level == 1 and element.get(f"{TEXT}continue-numbering") != "true":
            self.counters[style] = counters = [0] * 11
        levels = self.styles.lists.get(style, {})
        for item in element.findall(f"{TEXT}list-item"):
            spec = levels.get(level, _ListLevel())
            label = ""
            has_text = any(c.tag in (f"{TEXT}p", f"{TEXT}h") for c in item)
            if has_text and not spec.bullet and spec.fmt:
                index = min(level, 10)
                counters[index] = counters[index] + 1 if counters[index] else spec.start
                for deeper in range(index + 1, 11):
                    counters[deeper] = 0
                shown = range(max(1, level - spec.display + 1), level + 1)
                numbers = [
                    _format(
                        counters[lv] or levels.get(lv, _ListLevel()).start, levels.get(lv, spec).fmt
                    )
                    for lv in shown
                ]
                label = f"{spec.prefix}{'.'.join(numbers)}{spec.suffix}"
            for child in item:
                if child.tag in (f"{TEXT}p", f"{TEXT}h"):
                    paragraph = self.paragraph(
                        child, number=label, bullet=spec.bullet, indent=level - 1
                    )
                    if paragraph.text:
                        out.append(paragraph)
                    label = ""  # a second paragraph in the item carries no number
                elif child.tag == f"{TEXT}list":
                    self.read_list(child, out, style, level + 1)

    def table(self, element: ET.Element) -> Table:
        rows: list[list[str]] = []
        row_lines: list[int] = []
        header: list[str] | None = None
        first_line = self.count + 1
        for container in element.iter():
            if container.tag != f"{TABLE}table-row":
                continue
            self.count += 1
            cells: list[str] = []
            for cell in container:
                if cell.tag not in (f"{TABLE}table-cell", f"{TABLE}covered-table-cell"):
                    continue
                repeat = cell.get(f"{TABLE}number-columns-repeated") or "1"
                text = self._cell(cell) if cell.tag == f"{TABLE}table-cell" else ""
                cells.extend([text] * min(int(repeat) if repeat.isdigit() else 1, 50))
            if len(cells) > self.limits.max_table_columns:
                cells = cells[: self.limits.max_table_columns]
            while cells and not cells[-1]:
                cells.pop()
            rows.append(cells)
            row_lines.append(self.count)
        if header is None and len(rows) > 1 and _looks_like_header(rows[0]):
            header = rows.pop(0)
            row_lines.pop(0)
        return Table(rows, first_line, row_lines, header)

    def _cell(self, cell: ET.Element) -> str:
        paragraphs: list[Paragraph] = []
        for child in cell:
            if child.tag in (f"{TEXT}p", f"{TEXT}h"):
                paragraphs.append(self.paragraph(child))
            elif child.tag == f"{TEXT}list":
                inner: list[Block] = []
                self.read_list(child, inner, "", 1)
                paragraphs.extend(p for p in inner if isinstance(p, Paragraph))
        self.count = max(self.count - len(paragraphs), 0)
        filled = [p for p in paragraphs if p.text]
        if len(filled) <= 1:
            return html.escape(filled[0].text, quote=False) if filled else ""
        parts = []
        for paragraph in filled:
            text = html.escape(paragraph.text, quote=False)
            if paragraph.bullet or paragraph.number:
                parts.append(f"<ul><li>{html.escape(paragraph.number)} {text}</li></ul>")
            else:
                parts.append(f"<p>{text}</p>")
        return "".join(parts)

    def blocks(self, container: ET.Element, out: list[Block]) -> None:
        for child in container:
            if child.tag in (f"{TEXT}p", f"{TEXT}h"):
                paragraph = self.paragraph(child)
                if paragraph.text:
                    out.append(paragraph)
            elif child.tag == f"{TEXT}list":
                self.read_list(child, out, "", 1)
            elif child.tag == f"{TABLE}table":
                out.append(self.table(child))
            elif child.tag in (f"{TEXT}section", f"{OFFICE}text", f"{OFFICE}body"):
                self.blocks(child, out)


def read_odt(data: bytes, limits: Limits, archive: safezip.SafeArchive | None = None) -> Document:
    archive = archive or safezip.open_archive(data, limits)
    if "content.xml" not in archive:
        raise ImportRefused(_("this ODT file has no content.xml part; save it again"))
    content = archive.xml("content.xml")
    roots = [content]
    if "styles.xml" in archive:
        roots.append(archive.xml("styles.xml"))
    reader = _Reader(_read_styles(roots), limits)
    blocks: list[Block] = []
    body = content.find(f"{OFFICE}body")
    if body is not None:
        reader.blocks(body, blocks)
    if not blocks:
        raise ImportRefused(
            _("the ODT document is empty: it holds no paragraphs or tables with text")
        )
    return Document(blocks, "odt")
