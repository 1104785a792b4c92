"""Read an uploaded or named file and hand it to the parser that fits its content.

The format is decided from the bytes, never from the file name alone: a PDF is
a PDF because it starts with ``%PDF-``, an XLSX or DOCX because it is a ZIP
holding ``xl/`` or ``word/`` parts. Text must be UTF-8.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

from . import table
from .base import ImportRefused, ParsedPlan
from .labels import fill_mongolian_labels

MAX_BYTES_DEFAULT = 10 * 1024 * 1024

# Words only the assessment seeds use; these documents belong to the assessments module.
_ASSESSMENT_MARKERS = (
    re.compile(r"^Assessment\tIndicator", re.M),
    re.compile(r"\bR2P\b"),
)
_PRINCIPLES_MARKERS = (
    re.compile(r"Ideal security sector has", re.I),
    re.compile(r"Sources of deficits", re.I),
)


def _text_parsers() -> list[tuple[Callable[[str], bool], Callable[[str], ParsedPlan]]]:
    from . import recommendations, roadmap, vision

    return [
        (vision.looks_like, vision.parse),
        (roadmap.looks_like, roadmap.parse),
        (recommendations.looks_like, recommendations.parse),
    ]


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or a clear refusal naming the line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportRefused("the file says it is UTF-16 but is not valid UTF-16") from exc
    if b"\x00" in data[:8192]:
        raise ImportRefused(
            "this is a binary file, not a text, CSV, XLSX, DOCX or PDF document; "
            "save the plan in one of those formats and upload it again"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            "the text is not UTF-8 (it may be Windows-1251 or another legacy encoding); "
            "save it as UTF-8 and upload it again",
            line=line,
        ) from exc


def _refuse_assessments(text: str) -> None:
    if all(marker.search(text) for marker in _ASSESSMENT_MARKERS):
        raise ImportRefused(
            "this is an assessment (a scorecard of rated indicators), not a plan; "
            "assessment frameworks and rounds are imported by the assessments module, "
            "not by the plan importer"
        )
    if all(marker.search(text) for marker in _PRINCIPLES_MARKERS):
        raise ImportRefused(
            "this is a set of principles for a self-assessment framework, not a plan; "
            "it is imported by the assessments module, not by the plan importer"
        )


def parse_text(text: str) -> ParsedPlan:
    if not text.strip():
        raise ImportRefused("the file is empty; choose the file that holds the plan")
    if table.looks_like_csv(text):
        return table.parse_csv(text)
    _refuse_assessments(text)
    for looks_like, parse in _text_parsers():
        if looks_like(text):
            return fill_mongolian_labels(parse(text))
    raise ImportRefused(
        "the structure of this document was not recognised. Plantrack reads strategy texts "
        "with numbered goals, objectives, stages and activities (like Vision 2050), "
        "ordinal sections with bulleted recommendations, roadmap activity tables, and the "
        "CSV/XLSX template described in docs/import-template.md"
    )


def _zip_names(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except zipfile.BadZipFile as exc:
        raise ImportRefused("the file looks like a ZIP archive but is damaged") from exc


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    return "\n\n".join(paragraph.text for paragraph in document.paragraphs)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError) as exc:
        raise ImportRefused(f"the PDF could not be read ({exc})") from exc
    if not text.strip():
        raise ImportRefused(
            "the PDF holds no text (it may be a scan); import a text, DOCX or CSV version"
        )
    return text


def parse_bytes(data: bytes, *, max_bytes: int = MAX_BYTES_DEFAULT) -> ParsedPlan:
    """Parse a whole file's bytes into a plan, or raise ``ImportRefused`` saying why."""
    if not data or not data.strip():
        raise ImportRefused("the file is empty; choose the file that holds the plan")
    if len(data) > max_bytes:
        raise ImportRefused(
            f"the file is {len(data) // 1024} KB; the limit is {max_bytes // 1024} KB"
        )
    if data.startswith(b"%PDF-"):
        return parse_text(_pdf_text(data))
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        if any(name.startswith("xl/") for name in names):
            return table.parse_xlsx(data)
        if any(name.startswith("word/") for name in names):
            return parse_text(_docx_text(data))
        raise ImportRefused("this ZIP archive is neither an XLSX workbook nor a DOCX document")
    return parse_text(decode_text(data))
