"""A small PDF writer for tests: pages of text lines in Helvetica, as a printer would set them
(one column, two or more columns, or a table).

Pure Python, so the tests need no LibreOffice: each page gets a running head at
the top, a "Page N of M" foot, and body lines set 12 points apart.
"""

from __future__ import annotations

import textwrap

from plantrack.plans.generate_documents import pdf_file, pdf_text


def make_pdf(
    lines: list[str], *, head: str = "", per_page: int = 55, text_layer: bool = True
) -> bytes:
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    objects: list[bytes] = []
    page_ids: list[int] = []
    font_id = 3
    for number, page in enumerate(pages, 1):
        stream = b""
        if text_layer:
            parts = [b"BT /F1 10 Tf 12 TL 50 790 Td"]
            for line in page:
                parts.append(b"(" + pdf_text(line) + b") Tj T*")
            parts.append(b"ET")
            if head:
                parts.append(b"BT /F1 8 Tf 50 815 Td (" + pdf_text(head) + b") Tj ET")
            parts.append(
                b"BT /F1 8 Tf 280 30 Td (" + pdf_text(f"Page {number} of {len(pages)}") + b") Tj ET"
            )
            stream = b"\n".join(parts)
        else:
            stream = b"0.5 g 50 50 400 700 re f"  # a grey box: an image, no text
        content_id = 4 + 2 * (number - 1) + 1
        page_id = content_id - 1
        page_ids.append(page_id)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    head_objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    return pdf_file(head_objects + objects)


def printed_lines(paragraphs: list[str], width: int = 95) -> list[str]:
    """Paragraphs wrapped to the page width; no blank lines, as PDF text extraction gives."""
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(
            textwrap.wrap(paragraph, width, break_on_hyphens=False, break_long_words=False) or [""]
        )
    return [line for line in lines if line]


def make_column_pdf(
    lines: list[str],
    *,
    title: str = "",
    head: str = "",
    per_column: int = 55,
    columns: int = 2,
    gap: float = 20,
) -> bytes:
    """Pages of ``columns`` columns, each line placed where a layout program would set it.

    Each column is filled to ``per_column`` lines before the next one starts; ``title`` is
    set across the full width above the columns of the first page. The page's content
    stream shows the lines row by row across the columns, as some producers write them, so
    that reading in stream order alone would interleave the columns.
    """
    width = (495 - gap * (columns - 1)) / columns
    per_page = per_column * columns
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    rendered: list[bytes] = []
    for number, page in enumerate(pages, 1):
        parts: list[bytes] = []
        top = 790.0
        if title and number == 1:
            parts.append(b"BT /F1 12 Tf 50 790 Td (" + pdf_text(title) + b") Tj ET")
            top = 766.0
        placed = sorted((divmod(index, per_column)[::-1], line) for index, line in enumerate(page))
        for (row, column), line in placed:
            x = 50 + column * (width + gap)
            y = top - 12 * row
            parts.append(b"BT /F1 10 Tf %.1f %.1f Td (" % (x, y) + pdf_text(line) + b") Tj ET")
        if head:
            parts.append(b"BT /F1 8 Tf 50 815 Td (" + pdf_text(head) + b") Tj ET")
        parts.append(
            b"BT /F1 8 Tf 280 30 Td (" + pdf_text(f"Page {number} of {len(pages)}") + b") Tj ET"
        )
        rendered.append(b"\n".join(parts))
    return _assemble(rendered)


def make_table_pdf(rows: list[list[str]], widths: list[float]) -> bytes:
    """One page of a table: each row's cells set at the columns' left edges, 14 points apart."""
    parts: list[bytes] = []
    y = 790.0
    for row in rows:
        x = 50.0
        for cell, width in zip(row, widths, strict=True):
            parts.append(b"BT /F1 10 Tf %.1f %.1f Td (" % (x, y) + pdf_text(cell) + b") Tj ET")
            x += width
        y -= 14
    return _assemble([b"\n".join(parts)])


def _assemble(streams: list[bytes]) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for stream in streams:
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>".encode()
        )
        kids.append(len(objects))
    refs = " ".join(f"{kid} 0 R" for kid in kids)
    objects[1] = f"<< /Type /Pages /Kids [{refs}] /Count {len(kids)} >>".encode()
    return pdf_file(objects)
