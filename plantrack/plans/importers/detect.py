"""Read an uploaded or named file and hand it to the reader that fits its content.

The format is decided from the bytes, never from the file name alone: a PDF is
a PDF because it starts with ``%PDF-``, an XLSX or DOCX because it is a ZIP
holding ``xl/`` or ``word/`` parts. Text must be UTF-8. CSV and XLSX go to the
template reader (``table``); text, Markdown, DOCX and PDF to the one outline
reader (``document`` → ``outline`` → ``mapping``), with the mapping the caller
gives (``--mapping``, ``--levels``, or the one stored with the target plan), else
the one inferred from the document's own words. No file is recognised by its bytes.
"""

from __future__ import annotations

import re
from functools import partial

from django.utils.translation import gettext as _

from . import safezip, sandbox, table
from .base import ImportRefused, ParsedPlan
from .document import Document, document_text, read_text
from .docx_reader import read_docx
from .labels import fill_mongolian_labels
from .limits import Limits, check_items, check_text_chars, check_upload_size, current
from .mapping import Mapping, parse_document
from .odt_reader import is_odt, read_odt
from .pdf_reader import read_pdf

MAX_BYTES_DEFAULT = 10 * 1024 * 1024

# Words only the assessment seeds use; these documents belong to the assessments module.
_ASSESSMENT_MARKERS = (
    re.compile(r"^Assessment[\t ]+Indicator", re.M),  # a printed PDF shows the tab as a space
    re.compile(r"\bR2P\b"),
)
_PRINCIPLES_MARKERS = (
    re.compile(r"Ideal security sector has", re.I),
    re.compile(r"Sources of deficits", re.I),
)


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
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            "the text is not UTF-8 (it may be Windows-1251 or another legacy encoding); "
            "save it as UTF-8 and upload it again",
            line=line,
        ) from exc
    nul = text.find("\x00")
    if nul >= 0:
        raise ImportRefused(
            _(
                "the text holds a NUL character (byte 0), which plain text never does; "
                "it may be a binary file or a damaged export. Save the plan again as UTF-8 text"
            ),
            line=text.count("\n", 0, nul) + 1,
        )
    return text


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


def parse_text(text: str, mapping: Mapping | None = None) -> ParsedPlan:
    if not text.strip():
        raise ImportRefused("the file is empty; choose the file that holds the plan")
    if table.looks_like_csv(text):
        return table.parse_csv(text)
    _refuse_assessments(text)
    return _outline(read_text(text), mapping)


def _outline(document: Document, mapping: Mapping | None) -> ParsedPlan:
    """Every free-text document goes through the one outline reader."""
    return fill_mongolian_labels(parse_document(document, mapping))


def _office_archive(data: bytes, limits: Limits) -> tuple[safezip.SafeArchive, str]:
    """The checked archive and its kind ("xlsx" or "docx"), or a refusal."""
    archive = safezip.open_archive(data, limits)
    names = archive.names()
    if any(name.startswith("xl/") for name in names):
        kind, main = "xlsx", "xl/workbook.xml"
    elif any(name.startswith("word/") for name in names):
        kind, main = "docx", "word/document.xml"
    else:
        raise ImportRefused(_("this ZIP archive is neither an XLSX workbook nor a DOCX document"))
    for part in ("[Content_Types].xml", main):
        if part not in archive:
            raise ImportRefused(
                _(
                    "this %(kind)s file has no %(part)s part, so it is damaged or was not saved "
                    "by an office program; open it in Excel, Word or LibreOffice and save it again"
                )
                % {"kind": kind.upper(), "part": part}
            )
    archive.check()
    return archive, kind


def _document(document: Document, mapping: Mapping | None) -> ParsedPlan:
    """A DOCX, ODT or PDF: refused like its text would be when it is not a plan."""
    _refuse_assessments(document_text(document))
    return _outline(document, mapping)


def read_untrusted(data: bytes, limits: Limits, mapping: Mapping | None = None) -> ParsedPlan:
    """Decide the format from the bytes and parse them; runs inside the sandbox.

    ``mapping`` applies to documents read by the outline reader (text, Markdown, DOCX,
    ODT, PDF); the CSV/XLSX template names its kinds and columns itself.
    """
    if data.startswith(b"%PDF-"):
        plan = _document(read_pdf(data, limits), mapping)
    elif data.startswith(b"PK\x03\x04") and is_odt(opened := safezip.open_archive(data, limits)):
        opened.check()
        plan = _document(read_odt(data, limits, opened), mapping)
    elif data.startswith(b"PK\x03\x04"):
        archive, kind = _office_archive(data, limits)
        if kind == "xlsx":
            plan = table.parse_xlsx(data, limits)
        else:
            plan = _document(read_docx(data, limits, archive), mapping)
    else:
        text = decode_text(data)
        check_text_chars(len(text), limits)
        plan = parse_text(text, mapping)
    check_items(len(plan.items), limits)
    return plan


def _load_readers() -> None:
    """Import every reader before forking, so the child does not import them each time."""
    import openpyxl  # noqa: F401
    import pypdf  # noqa: F401


def parse_bytes_measured(
    data: bytes, *, limits: Limits, mapping: Mapping | None = None
) -> sandbox.Outcome:
    """Like ``parse_bytes``, with the time and memory the reading took."""
    _load_readers()
    if not data or not data.strip():
        return sandbox.Outcome(refusal=_("the file is empty; choose the file that holds the plan"))
    try:
        check_upload_size(len(data), limits)
    except ImportRefused as exc:
        return sandbox.Outcome(refusal=str(exc))
    return sandbox.run(partial(read_untrusted, mapping=mapping), data, limits)


def parse_bytes(
    data: bytes, *, max_bytes: int = MAX_BYTES_DEFAULT, mapping: Mapping | None = None
) -> ParsedPlan:
    """Parse a whole file's bytes into a plan, or raise ``ImportRefused`` saying why.

    The reading runs in a child process within ``limits.current()``: size, depth,
    memory and time are all capped (see ``limits.py``).
    """
    return parse_bytes_measured(data, limits=current(max_bytes=max_bytes), mapping=mapping).result()
