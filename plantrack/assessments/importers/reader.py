"""The one entry point: ``read_assessment(path_or_bytes, *, name, hints=None)``.

The format is decided from the bytes, never from the name: a PDF starts with
``%PDF-``; an XLSX, DOCX or ODT is a ZIP holding ``xl/``, ``word/`` or an ODF
manifest; anything else is text (UTF-8, UTF-16, or a legacy Windows code page named
in a warning). The documented CSV/XLSX template (``template``) is recognised by its
header row; every other file goes to the general document reader (``assemble``),
DOCX, ODT and PDF through the plan importers' block readers.

Reading runs in the plan importers' sandbox: a child process within the size, memory,
time and nesting budgets of ``plans.importers.limits``; whatever the file does, the
caller gets a ``ParsedAssessment`` or an ``ImportRefused`` that says what is wrong.

``hints`` are what the person importing knows better than the document, as the
preview corrects them: ``title``, ``subject``, ``year``, ``assessed_on``,
``assessing_body``, ``official``, ``framework_title`` and ``scale`` (a list of
``ParsedLevel``, of dicts with its fields, or of (label, value) pairs).
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Any, cast

from django.utils.translation import gettext as _

from plantrack.plans.importers import safezip, sandbox, sheets
from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.detect import decode_text_named, encoding_warning
from plantrack.plans.importers.document import Document, Table, normalise_characters
from plantrack.plans.importers.limits import (
    Limits,
    check_items,
    check_text_chars,
    check_upload_size,
    current,
)

from ..parsed import ParsedAssessment
from . import matrix, template
from .assemble import read_lines

CP1252_NAME = "Windows-1252"


def read_assessment(
    path_or_bytes: str | os.PathLike[str] | bytes,
    *,
    name: str,
    hints: dict[str, Any] | None = None,
    limits: Limits | None = None,
) -> ParsedAssessment:
    """The framework (and round) in a file, or ``ImportRefused`` saying why not."""
    limits = limits or current()
    data = _bytes(path_or_bytes, limits)
    if not data.strip():
        raise ImportRefused(_("the file is empty; choose the file that holds the assessment"))
    check_upload_size(len(data), limits)
    reader = partial(read_untrusted, name=name, hints=hints)
    outcome = sandbox.run(cast(sandbox.Reader, reader), data, limits)
    return cast(ParsedAssessment, outcome.result())


def _bytes(source: str | os.PathLike[str] | bytes, limits: Limits) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    try:
        with Path(source).open("rb") as handle:
            return handle.read(limits.max_upload_bytes + 1)  # cap + 1: "larger than the cap"
    except OSError as exc:
        raise ImportRefused(
            _("the file %(name)s could not be opened (%(reason)s)")
            % {"name": os.fspath(source), "reason": exc.strerror or exc}
        ) from exc


def read_untrusted(
    data: bytes, limits: Limits, *, name: str, hints: dict[str, Any] | None = None
) -> ParsedAssessment:
    """Decide the format from the bytes and read them; runs inside the sandbox."""
    hints = hints or {}
    if data.startswith(b"%PDF-"):
        parsed = read_lines(_pdf_lines(data, limits), hints=hints)
    elif data.startswith(b"PK\x03\x04"):
        parsed = _office(data, limits, hints)
    else:
        text, warning = decode(data)
        check_text_chars(len(text), limits)
        if template.looks_like_template(text):
            parsed = template.parse_csv(text, limits)
            parsed = template.with_hints(parsed, hints)
        elif (found := _csv_matrix(text, limits)) is not None:
            parsed = matrix.read_matrix(found, hints)
        else:
            parsed = _read_text(text, limits, hints)
        if warning:
            parsed.warnings.insert(0, warning)
    parsed.source_name = name
    check_items(_size(parsed), limits)
    return parsed


def _read_text(text: str, limits: Limits, hints: dict[str, Any]) -> ParsedAssessment:
    """A text, or a CSV with commas or semicolons that is not the template: its rows read
    as a table, when the text read as lines holds no scorecard."""
    try:
        return read_lines(_text_lines(text), hints=hints)
    except ImportRefused:
        delimiter = sheets.delimiter_of(text)
        if not delimiter:
            raise
    rows = sheets.csv_rows(text, delimiter, limits)
    lines = ["\t".join(" ".join(cell.split()) for cell in row) for row in rows]
    return read_lines(lines, hints=hints)


def _office(data: bytes, limits: Limits, hints: dict[str, Any]) -> ParsedAssessment:
    from plantrack.plans.importers.odt_reader import is_odt, read_odt

    archive = safezip.open_archive(data, limits)
    if is_odt(archive):
        archive.check()
        return _document(read_odt(data, limits, archive), hints)
    names = archive.names()
    if any(part.startswith("xl/") for part in names):
        archive.check()
        from plantrack.plans.importers.table import xlsx_sheets

        sheets = xlsx_sheets(data, limits)
        rows = sheets[0][1]
        if template.is_template(rows):
            return template.with_hints(template.parse_rows(rows), hints)
        for title, sheet_rows in sheets:
            found = matrix.find_matrix(sheet_rows)
            if found is not None:
                return matrix.read_matrix(found, hints, sheet=title)
        return read_lines(["\t".join(row) for row in rows], hints=hints)
    if any(part.startswith("word/") for part in names):
        from plantrack.plans.importers.docx_reader import read_docx

        archive.check()
        raw = _typed_lines(archive)
        if raw is not None:
            return read_lines(raw, hints=hints)
        return _document(read_docx(data, limits, archive), hints)
    raise ImportRefused(
        _(
            "this ZIP archive is neither an XLSX workbook nor a DOCX or ODT document; save the "
            "assessment as XLSX, CSV, DOCX, ODT, PDF or text"
        )
    )


def _csv_matrix(text: str, limits: Limits) -> matrix.Matrix | None:
    """A comma- or semicolon-separated table of scores (one row per subject and year)."""
    from plantrack.plans.importers.sheets import csv_rows, delimiter_of

    delimiter = delimiter_of(text)
    if not delimiter:
        return None
    return matrix.find_matrix(csv_rows(text, delimiter, limits))


def _pdf_lines(data: bytes, limits: Limits) -> list[str]:
    """A PDF's lines in reading order, running heads and page numbers left out, headings
    marked by their type size (the plan importers' PDF reading, before it joins lines)."""
    from plantrack.plans.importers.pdf_reader import extract_pages, page_lines

    pages = extract_pages(data, limits)
    if not any(page.strip() for page in pages):
        raise ImportRefused(
            _(
                "this PDF is a scanned image with no text; export it from the original "
                "document, or use the assessment template"
            )
        )
    return normalise_characters("\n".join(page_lines(pages))).split("\n")


def _document(document: Document, hints: dict[str, Any]) -> ParsedAssessment:
    return read_lines(document_lines(document), hints=hints)


def document_lines(document: Document) -> list[str]:
    """A document's blocks as lines: a blank line between paragraphs, a heading as Markdown,
    a list item with a bullet, a table row with tabs between its cells."""
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Table):
            rows = [block.header, *block.rows] if block.header else block.rows
            lines.extend("\t".join(cell.replace("\n", " ") for cell in row) for row in rows)
        elif block.heading:
            lines.append(f"{'#' * block.heading} {block.text}")
        elif block.bullet or block.number:
            mark = block.number or ("•" if block.indent == 0 else "–")
            lines.append(f"{'  ' * block.indent}{mark} {block.text}")
        else:
            lines.append(block.text)
        lines.append("")
    return lines


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _typed_lines(archive: safezip.SafeArchive) -> list[str] | None:
    """A DOCX that is typed text (no Word tables or lists: a text file saved as DOCX) as its
    own lines, tabs and list glyphs kept; None for a document with Word structure."""
    body = archive.xml("word/document.xml").find(f"{_W}body")
    if (
        body is None
        or body.find(f".//{_W}tbl") is not None
        or body.find(f".//{_W}numPr") is not None
    ):
        return None
    lines: list[str] = []
    for paragraph in body.iter(f"{_W}p"):
        parts: list[str] = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        lines.extend("".join(parts).split("\n"))
    return [normalise_characters(line) for line in lines]


def _text_lines(text: str) -> list[str]:
    text = normalise_characters(text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.split("\n")


def decode(data: bytes) -> tuple[str, str]:
    """The text and a warning naming its encoding when it was not UTF-8 ("" when it was)."""
    try:
        text, encoding = decode_text_named(data)
    except ImportRefused:
        if b"\x00" in data:
            raise ImportRefused(
                _(
                    "this is a binary file, not a text, CSV, XLSX, DOCX, ODT or PDF document; "
                    "save the assessment in one of those formats and upload it again"
                )
            ) from None
        western = _western(data)
        if western is None:
            raise
        return western, encoding_warning(CP1252_NAME)
    return text, encoding_warning(encoding) if encoding else ""


def _western(data: bytes) -> str | None:
    """Text in the Windows Western code page, when the bytes plausibly are: few letters
    outside ASCII (a "§", an apostrophe, an accented name) and no control characters."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    sample = text[:200_000]
    outside = sum(1 for ch in sample if ord(ch) > 127)
    if outside > 0.02 * max(len(sample), 1):
        return None
    if any(ch < " " and ch not in "\t\r\n\f" for ch in sample):
        return None
    return text


def _size(parsed: ParsedAssessment) -> int:
    indicators = sum(len(area.indicators) for area in parsed.areas)
    ratings = len(parsed.round.ratings) if parsed.round else 0
    return len(parsed.areas) + indicators + ratings + len(parsed.scale)
