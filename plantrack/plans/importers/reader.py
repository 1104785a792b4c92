"""One entry point for free-text plan documents: TXT, Markdown, DOCX and PDF bytes.

The format is decided from the bytes (``%PDF-``, a ZIP holding ``word/``, else
UTF-8 text); the document becomes blocks, the blocks an outline, the outline a
``ParsedPlan`` through a ``Mapping``. Reading runs in the sandbox child process
with the budgets of ``limits`` like every other importer.
"""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _

from . import safezip, sandbox
from .base import ImportRefused, ParsedPlan
from .document import Document, read_text
from .limits import Limits, check_items, check_text_chars, check_upload_size
from .mapping import Mapping, parse_document


def read_document_bytes(data: bytes, limits: Limits) -> Document:
    """The blocks of a document, whatever its format; ``ImportRefused`` saying why not."""
    if not data.strip():
        raise ImportRefused(_("the file is empty; choose the file that holds the plan"))
    if data.startswith(b"%PDF-"):
        from .pdf_reader import read_pdf

        return read_pdf(data, limits)
    if data.startswith(b"PK\x03\x04"):
        from .docx_reader import read_docx
        from .odt_reader import is_odt, read_odt

        archive = safezip.open_archive(data, limits)
        if is_odt(archive):
            archive.check()
            return read_odt(data, limits, archive)
        if not any(name.startswith("word/") for name in archive.names()):
            raise ImportRefused(
                _(
                    "this ZIP archive is not a DOCX or ODT document; "
                    "save the plan as DOCX, ODT, PDF or text"
                )
            )
        archive.check()
        return read_docx(data, limits, archive)
    from .detect import decode_text

    text = decode_text(data)
    check_text_chars(len(text), limits)
    return read_text(text)


def read_outline(data: bytes, limits: Limits, mapping: Mapping | None = None) -> ParsedPlan:
    """Bytes to plan, in this process; the sandbox calls this in its child."""
    plan = parse_document(read_document_bytes(data, limits), mapping)
    check_items(len(plan.items), limits)
    return plan


def parse_outline_bytes(
    data: bytes, limits: Limits, mapping: Mapping | None = None
) -> sandbox.Outcome:
    """``read_outline`` in the sandbox: time, memory and size capped; never raises."""
    try:
        check_upload_size(len(data), limits)
    except ImportRefused as exc:
        return sandbox.Outcome(refusal=str(exc))
    return sandbox.run(partial(_read_with_mapping, mapping=mapping), data, limits)


def _read_with_mapping(data: bytes, limits: Limits, *, mapping: Mapping | None) -> ParsedPlan:
    return read_outline(data, limits, mapping)
