"""Generated plan documents for ``plantrack bench``: a large DOCX and a long PDF.

Both are outlines as ministries write them: numbered headings ("3. …", "3.4. …") over
numbered activities ("3.4.12. …") whose sentences wrap over several lines. The DOCX
uses Word's heading styles; the PDF is set in Helvetica, a running head and a page
number on every page, by the small writer below (no layout engine needed).
"""

from __future__ import annotations

import io
import random
import textwrap
import zlib

_WORDS = [
    "strengthen",
    "improve",
    "establish",
    "develop",
    "the",
    "national",
    "regional",
    "local",
    "public",
    "digital",
    "legal",
    "framework",
    "capacity",
    "of",
    "and",
    "for",
    "in",
    "with",
    "to",
    "services",
    "system",
    "programme",
    "policy",
    "agencies",
    "citizens",
    "border",
    "security",
    "cooperation",
    "training",
    "monitoring",
    "evaluation",
    "information",
    "infrastructure",
    "coordination",
    "standards",
    "procedures",
    "reporting",
    "access",
    "inclusive",
    "sustainable",
    "community",
    "organisations",
    "ministries",
    "implementation",
    "resources",
    "financing",
    "data",
    "quality",
    "transparency",
    "institutions",
    "partnerships",
    "awareness",
    "protection",
    "rights",
    "education",
    "health",
]


def _sentence(rng: random.Random, low: int = 8, high: int = 30) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _outline(rng: random.Random, items: int) -> list[tuple[int, str, str]]:
    """(depth, code, text) for ``items`` items: 10 areas, 10 objectives each, activities."""
    areas = 10
    objectives = 10
    activities = max(1, -(-(items - areas - areas * objectives) // (areas * objectives)))
    out: list[tuple[int, str, str]] = []
    for a in range(1, areas + 1):
        out.append((1, f"{a}.", _sentence(rng, 3, 6).rstrip(".")))
        for o in range(1, objectives + 1):
            out.append((2, f"{a}.{o}.", _sentence(rng, 5, 10).rstrip(".")))
            for n in range(1, activities + 1):
                out.append((3, f"{a}.{o}.{n}.", _sentence(rng)))
    return out[:items]


def outline_docx(items: int, *, seed: int = 1) -> bytes:
    """A DOCX of ``items`` numbered items under Heading 1 and Heading 2 paragraphs."""
    from docx import Document

    rng = random.Random(seed)
    document = Document()
    document.add_heading("Generated development plan", level=0)
    document.add_paragraph(_sentence(rng, 40, 60))
    for depth, code, text in _outline(rng, items):
        if depth < 3:
            document.add_heading(f"{code} {text}", level=depth)
        else:
            document.add_paragraph(f"{code} {text}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_text(text: str) -> bytes:
    """Text as a PDF string body (cp1252, with backslashes and parentheses escaped)."""
    data = text.encode("cp1252", errors="replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def write_pdf(pages: list[list[str]], *, head: str = "") -> bytes:
    """Pages of text lines in 10-point Helvetica, 12 points apart, compressed streams."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids: list[int] = []
    for number, lines in enumerate(pages, 1):
        parts = [b"BT /F1 10 Tf 12 TL 56 780 Td"]
        parts += [b"(" + pdf_text(line) + b") Tj T*" for line in lines]
        parts.append(b"ET")
        if head:
            parts.append(b"BT /F1 8 Tf 56 810 Td (" + pdf_text(head) + b") Tj ET")
        parts.append(b"BT /F1 8 Tf 290 30 Td (" + str(number).encode() + b") Tj ET")
        stream = zlib.compress(b"\n".join(parts))
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
            f"<< /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>".encode()
        )
        kids.append(len(objects))
    refs = " ".join(f"{kid} 0 R" for kid in kids)
    objects[1] = f"<< /Type /Pages /Kids [{refs}] /Count {len(kids)} >>".encode()
    return pdf_file(objects)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF file of numbered ``objects`` (object 1 the catalog), with its cross-reference
    table and trailer."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for index, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{index} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def outline_pdf(pages: int, *, seed: int = 1, per_page: int = 60) -> bytes:
    """A ``pages``-page PDF of a numbered outline, activities wrapped at the page width."""
    rng = random.Random(seed)
    lines: list[str] = []
    for depth, code, text in _outline(rng, pages * per_page):
        lines.extend(textwrap.wrap(f"{code} {text}", 95) if depth == 3 else [f"{code} {text}"])
        if len(lines) >= pages * per_page:
            break
    lines = lines[: pages * per_page]
    chunks = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    return write_pdf(chunks, head="Generated development plan")
