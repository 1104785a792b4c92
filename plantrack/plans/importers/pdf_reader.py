"""PDF documents as blocks: text in reading order, running heads and page numbers removed.

pypdf gives each page's text line by line. Lines that repeat at the top or the
bottom of most pages (a running title, "Page 3 of 40", a bare "12") are page
furniture, not plan content, and are dropped; the remaining lines go through
the plain-text reader, which joins wrapped lines into paragraphs and repairs
words hyphenated across line ends. A page set in two or more columns is read
column by column (``pdf_columns``). A PDF without a text layer is refused: it is
a scan, and OCR is out of scope.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from .base import ImportRefused
from .document import Document, normalise_characters, read_text
from .limits import Limits, check_text_chars, count_text, size_text
from .pdf_columns import PageText, column_text, squash

_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—(]?\s*\d{1,4}\s*[-–—)]?(?:\s*(?:of|/|из)\s*\d{1,4})?$", re.I
)
_EDGE = 2  # lines at the top and at the bottom of a page that may be running heads


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def page_lines(pages: list[str]) -> list[str]:
    """All pages' lines in order, without running heads, running feet and page numbers."""
    split = [[line for line in page.splitlines() if line.strip()] for page in pages]
    edges: Counter[str] = Counter()
    for lines in split:
        keys = {_furniture_key(line) for line in lines[:_EDGE] + lines[-_EDGE:]}
        edges.update(keys)
    threshold = max(2, (len(split) + 1) // 2)
    repeated = (
        {key for key, count in edges.items() if count >= threshold} if len(split) > 1 else set()
    )
    out: list[str] = []
    for lines in split:
        for index, line in enumerate(lines):
            at_edge = index < _EDGE or index >= len(lines) - _EDGE
            if at_edge and (_furniture_key(line) in repeated or _PAGE_NUMBER.match(line.strip())):
                continue
            out.append(line.rstrip())
    return out


def _caps(limits: Limits) -> dict[str, Any]:
    cap = limits.max_pdf_stream_bytes
    return {
        name: cap
        for name in (
            "maximum_declared_stream_length",
            "array_based_stream_maximum_output_length",
            "jbig2_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "zlib_maximum_output_length",
            "brotli_maximum_output_length",
            "image_maximum_buffer_size",
        )
    }


# A line this much larger than the body text is a heading; a document has at most
# this many heading sizes (the largest is level 1).
_HEADING_RATIO = 1.15
_MAX_HEADING_LEVELS = 4
_MAX_HEADING_CHARS = 200
_SENTENCE_END = re.compile(r"[.;,]$")


def mark_structure(pages: list[str], styles: list[dict[str, tuple[float, bool]]]) -> list[str]:
    """The pages' lines with the structure their type shows, written as Markdown.

    A line set clearly larger than the body text becomes a heading (``#`` to ``####`` by
    size), consecutive lines of one heading joined; a line all in bold where the body is
    not becomes a bold line (``**…**``). The plain-text reader then reads them as it reads
    Markdown. Lines whose style is unknown are left as they are.
    """
    weights: Counter[float] = Counter()
    bold_chars = all_chars = 0
    for page_styles in styles:
        for key, (size, bold) in page_styles.items():
            weights[round(size * 2) / 2] += len(key)
            all_chars += len(key)
            bold_chars += len(key) if bold else 0
    if not weights:
        return pages
    body = weights.most_common(1)[0][0]
    body_bold = bold_chars > all_chars / 2
    sizes = sorted(
        {
            round(size * 2) / 2
            for s in styles
            for size, _b in s.values()
            if size >= body * _HEADING_RATIO
        },
        reverse=True,
    )[:_MAX_HEADING_LEVELS]
    marked: list[str] = []
    for text, page_styles in zip(pages, styles, strict=True):
        out: list[str] = []
        previous_level = 0
        for line in text.splitlines():
            style = page_styles.get(squash(line))
            stripped = line.strip()
            level = 0
            if style and stripped and len(stripped) <= _MAX_HEADING_CHARS:
                size = round(style[0] * 2) / 2
                if size in sizes and any(c.isalpha() for c in stripped):
                    level = sizes.index(size) + 1
                elif style[1] and not body_bold and not stripped.startswith(("•", "-", "*")):
                    out.append(f"**{stripped}**")
                    previous_level = 0
                    continue
            if level and level == previous_level and out:
                out[-1] = f"{out[-1]} {stripped}"  # a heading set on two lines
            elif level:
                out.append(f"{'#' * level} {stripped}")
            else:
                out.append(line)
            previous_level = level
        marked.append("\n".join(out))
    return marked


def extract_pages(data: bytes, limits: Limits) -> list[str]:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError, PyPdfError

    cap = limits.max_pdf_stream_bytes
    texts: list[str] = []
    # pypdf logs every oddity of a damaged file; the refusal below says what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with apply_configuration(**_caps(limits), stream_decoding_work_maximum_length=4 * cap):
            reader = PdfReader(io.BytesIO(data))
            pages = len(reader.pages)
            if pages > limits.max_pdf_pages:
                raise ImportRefused(
                    _("the PDF has %(count)s pages; the limit is %(limit)s pages")
                    % {"count": count_text(pages), "limit": count_text(limits.max_pdf_pages)}
                )
            size = 0
            styles: list[dict[str, tuple[float, bool]]] = []
            for page in reader.pages:
                placed = PageText()
                text = page.extract_text(visitor_text=placed) or ""
                text = (column_text(placed) or text).replace("\x00", "")
                size += len(text)
                check_text_chars(size, limits)
                texts.append(text)
                styles.append(placed.line_styles())
            texts = mark_structure(texts, styles)
    except LimitReachedError as exc:
        raise ImportRefused(
            _(
                "the PDF holds a stream that expands to more than %(limit)s (%(reason)s); "
                "the limit is %(limit)s"
            )
            % {"limit": size_text(cap), "reason": exc}
        ) from exc
    except ImportRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ImportRefused(_("the PDF could not be read (%(reason)s)") % {"reason": exc}) from exc
    except (RecursionError, OverflowError, ZeroDivisionError, AssertionError) as exc:
        raise ImportRefused(_("the PDF could not be read (%(reason)s)") % {"reason": exc}) from exc
    return texts


def read_pdf(data: bytes, limits: Limits) -> Document:
    pages = extract_pages(data, limits)
    if not any(page.strip() for page in pages):
        raise ImportRefused(
            _(
                "this PDF is a scanned image with no text; export it from the original "
                "document, or use the template"
            )
        )
    text = normalise_characters("\n".join(page_lines(pages)))
    document = read_text(text)
    document.format_name = "pdf"
    return document
