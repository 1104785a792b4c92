"""Read an uploaded or named file and hand it to the reader that fits its content.

The format is decided from the bytes, never from the file name alone: a PDF is
a PDF because it starts with ``%PDF-``, an XLSX or DOCX because it is a ZIP
holding ``xl/`` or ``word/`` parts. Text is UTF-8, UTF-16 or Windows-1251 (named in a
warning when not UTF-8; see ``decode_text_named``). CSV and XLSX go to the
template reader (``table``); text, Markdown, DOCX and PDF to the one outline
reader (``document`` → ``outline`` → ``mapping``), with the mapping the caller
gives (``--mapping``, ``--levels``, or the one stored with the target plan), else
the one inferred from the document's own words. No file is recognised by its bytes.
"""

from __future__ import annotations

import re
from functools import partial

from django.utils.translation import gettext as _

from . import safezip, sandbox, sheets, table
from .base import ImportRefused, ParsedPlan
from .document import Document, document_text, read_text
from .docx_reader import read_docx
from .labels import fill_mongolian_labels
from .limits import (
    DEFAULT_LIMITS,
    Limits,
    check_items,
    check_text_chars,
    check_upload_size,
    current,
)
from .mapping import Mapping, parse_document
from .odt_reader import is_odt, read_odt
from .pdf_reader import read_pdf

MAX_BYTES_DEFAULT = 10 * 1024 * 1024

# A scorecard is a table of rated indicators: a header naming an indicator column and an
# assessment (rating, score, grade) column, and rows rated in words. General words only.
_SCORE_HEADER = re.compile(
    r"^(?=[^\n]*\bindicators?\b)(?=[^\n]*\b(?:assessment|rating|score|grade)s?\b)[^\n]*\t",
    re.I | re.M,
)
_RATING_CELL = re.compile(
    r"(?:^|\t)(?:very\s+)?(?:strong|fair|weak|good|poor|adequate|satisfactory|unsatisfactory)"
    r"(?:\s+(?:improved|unchanged|declined|new))?(?:\t|$)",
    re.I | re.M,
)
_MIN_RATED_ROWS = 3
# The same, as a printed PDF shows it: the header's cells run together at a line's start
# ("Assessment Indicator …"), and each rating is a grade and its change ("Fair Unchanged").
_SCORE_HEADER_RUN = re.compile(
    r"^(?:(?:assessment|rating|score|grade)s?\s+indicators?|indicators?\s+"
    r"(?:assessment|rating|score|grade)s?)\b",
    re.I | re.M,
)
_RATING_CHANGE = re.compile(
    r"\b(?:very\s+)?(?:strong|fair|weak|good|poor|adequate)\s+(?:improved|unchanged|declined)\b",
    re.I,
)
# A self-assessment framework sets a benchmark and names the gaps against it, in short
# heading lines ("What a good … has:", "Gaps", "Shortcomings"): both kinds of heading,
# and no numbered actions, make a framework rather than a plan.
_BENCHMARK_HEADING = re.compile(
    r"^\W{0,3}(?:an?\s+)?(?:ideal|benchmark|model|good|effective)\b[^\n]{0,60}"
    r"\b(?:has|have|is|are|should)\s*:?\s*$",
    re.I | re.M,
)
_GAPS_HEADING = re.compile(
    # at a line's start, or after a sentence when a converter ran the heading into it
    r"(?:^|[.;:]\s+)\W{0,3}(?:(?:sources|causes|kinds)\s+of\s+)?"
    r"(?:deficits?|gaps?|weaknesses|shortcomings|deficiencies)\s*:?\s*$",
    re.I | re.M,
)

# Encodings read besides UTF-8, and how messages name them.
ENCODING_NAMES = {
    "utf-16-le": "UTF-16 (little-endian)",
    "utf-16-be": "UTF-16 (big-endian)",
    "cp1251": "Windows-1251",
}
_SAMPLE = 8192


def _utf16_order(data: bytes) -> str:
    """ "utf-16-le"/"utf-16-be" when the bytes look like UTF-16 without a byte-order mark.

    In UTF-16 text every second byte is the high byte of a character; for Latin and
    Cyrillic text it is almost always 0x00, 0x04 (Cyrillic) or 0x20 (dashes, quotes), and
    the low bytes are almost never zero.
    """
    sample = data[: _SAMPLE - _SAMPLE % 2]
    if len(sample) < 8:
        return ""
    for order, high, low in (
        ("utf-16-le", sample[1::2], sample[0::2]),
        ("utf-16-be", sample[0::2], sample[1::2]),
    ):
        typical = sum(1 for byte in high if byte in (0x00, 0x04, 0x20))
        if high.count(0) and typical >= 0.95 * len(high) and low.count(0) <= 0.02 * len(low):
            return order
    return ""


def _plausibly_cyrillic(text: str) -> bool:
    """Text decoded as Windows-1251 that reads as Cyrillic, not as mis-decoded Latin."""
    sample = text[:200_000]
    letters = [ch for ch in sample if ch.isalpha() and ord(ch) > 127]
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    if cyrillic < 3 or cyrillic < 0.95 * len(letters):
        return False
    if any(ch < " " and ch not in "\t\r\n\f" for ch in sample):
        return False
    for word in re.findall(r"[^\W\d_]+", sample):  # no word mixes Latin and Cyrillic letters
        if any("a" <= ch.lower() <= "z" for ch in word) and any(
            "\u0400" <= ch <= "\u04ff" for ch in word
        ):
            return False
    return True


def decode_text_named(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in ("" for UTF-8), or a clear refusal.

    UTF-8 (with or without a byte-order mark); UTF-16 with a byte-order mark, or without
    one when the bytes show it; Windows-1251 only when the bytes are not UTF-8 and the text
    they give is plausibly Cyrillic. The caller names any encoding but UTF-8 to the user.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        order = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        try:
            return _no_nul(data[2:].decode(order)), order
        except UnicodeDecodeError as exc:
            raise ImportRefused(
                _(
                    "the file says it is UTF-16 but is not valid UTF-16; "
                    "save it again as UTF-8 text and upload it again"
                )
            ) from exc
    order = _utf16_order(data)
    if order:
        try:
            return _no_nul(data.decode(order)), order
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: judged below like any other bytes
    if b"\x00" in data[:_SAMPLE]:
        raise ImportRefused(
            _(
                "this is a binary file, not a text, CSV, XLSX, DOCX, ODT or PDF document; "
                "save the plan in one of those formats and upload it again"
            )
        )
    try:
        return _no_nul(data.decode("utf-8-sig")), ""
    except UnicodeDecodeError as exc:
        try:
            legacy = data.decode("cp1251")
        except UnicodeDecodeError:
            legacy = ""
        if legacy and _plausibly_cyrillic(legacy):
            return _no_nul(legacy), "cp1251"
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            _(
                "the text is not UTF-8, UTF-16 or Cyrillic Windows-1251 (it may be another "
                "legacy encoding); save it as UTF-8 and upload it again"
            ),
            line=line,
        ) from exc


def decode_text(data: bytes) -> str:
    """The text of ``data`` (see ``decode_text_named``)."""
    return decode_text_named(data)[0]


def _no_nul(text: str) -> str:
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


def encoding_warning(encoding: str) -> str:
    return _(
        "the file was read as %(encoding)s, not UTF-8; check that the names and titles read "
        "correctly, or save the file as UTF-8"
    ) % {"encoding": ENCODING_NAMES.get(encoding, encoding)}


_PRINTED_ROW = re.compile(r"^\s*\d{1,3}(?:\.\d{1,3})+\.?\s+\S")


def _rated_with_own_scale(text: str) -> bool:
    """A document that states its rating scale on a line ("Rating scale: Fully met (2),
    Partly met (1), Not met (0)") and rates rows with its levels (a cell of a tabbed row)
    is a scorecard, whatever words its scale uses."""
    from plantrack.assessments.importers.scale import listed_labels
    from plantrack.assessments.importers.vocabulary import normalise

    lines = text.splitlines()
    labels: set[str] = set()
    for line in lines:
        labels |= listed_labels(line)
    if len(labels) < 2:
        return False
    rated = sum(
        1
        for line in lines
        if ("\t" in line or "|" in line)
        and any(normalise(cell) in labels for cell in re.split(r"[\t|]", line))
    )
    if rated >= _MIN_RATED_ROWS:
        return True
    # A table printed to PDF: its cells run together, "1.1 Complaints are … Weak The …".
    words = sorted((label for label in labels if not label.isdigit()), key=len, reverse=True)
    if not words:
        return False
    level = re.compile(r"\s(?:" + "|".join(map(re.escape, words)) + r")\s", re.I)
    printed = sum(1 for line in lines if _PRINTED_ROW.match(line) and level.search(line))
    return printed >= _MIN_RATED_ROWS


def _refuse_assessments(text: str) -> None:
    """A scorecard of rated indicators is an assessment, whatever its subject."""
    tabbed = (
        _SCORE_HEADER.search(text) and len(_RATING_CELL.findall(text)) >= _MIN_RATED_ROWS
    ) or _rated_with_own_scale(text)
    printed = _SCORE_HEADER_RUN.search(text) and (
        len(_RATING_CHANGE.findall(text)) >= _MIN_RATED_ROWS
    )
    if tabbed or printed:
        raise ImportRefused(
            _(
                "this is an assessment (a scorecard of rated indicators), not a plan; "
                "assessment frameworks and rounds are imported by the assessments module, "
                "not by the plan importer. Choose the plan document instead"
            ),
            kind=ImportRefused.ASSESSMENT,
        )
    if _BENCHMARK_HEADING.search(text) and _GAPS_HEADING.search(text):
        raise ImportRefused(
            _(
                "this is a set of principles for a self-assessment framework (a benchmark and "
                "the gaps against it), not a plan; it is imported by the assessments module, "
                "not by the plan importer. Choose the plan document instead"
            ),
            kind=ImportRefused.ASSESSMENT,
        )


def _assessment_template_refusal() -> ImportRefused:
    return ImportRefused(
        _(
            "this is the assessment template (a framework and its ratings), not a plan; "
            "it is imported by the assessments module, not by the plan importer"
        ),
        kind=ImportRefused.ASSESSMENT,
    )


def _refuse_assessment_template(
    text: str | None = None, rows: list[list[str]] | None = None
) -> None:
    """The assessments' own template, recognised by its header row (one definition, there)."""
    from plantrack.assessments.importers import template

    if (text is not None and template.looks_like_template(text)) or (
        rows is not None and template.is_template(rows)
    ):
        raise _assessment_template_refusal()


def _refuse_score_table(rows: list[list[str]]) -> None:
    """A table of scores (one row per subject and year, one column per indicator) is an
    assessment; the rule that recognises one lives with the assessments' readers."""
    from plantrack.assessments.importers.matrix import find_matrix

    if find_matrix(rows) is not None:
        raise ImportRefused(
            _(
                "this is a table of assessment scores (one row per subject and year, one column "
                "per indicator), not a plan; it is imported by the assessments module, not by "
                "the plan importer"
            ),
            kind=ImportRefused.ASSESSMENT,
        )


def parse_text(
    text: str, mapping: Mapping | None = None, limits: Limits = DEFAULT_LIMITS
) -> ParsedPlan:
    if not text.strip():
        raise ImportRefused(_("the file is empty; choose the file that holds the plan"))
    if table.looks_like_csv(text):
        return table.parse_csv(text, limits, mapping)
    _refuse_assessment_template(text=text)
    _refuse_assessments(text)
    delimiter = sheets.delimiter_of(text)
    if delimiter:  # a CSV file that is not the template: a table like any other
        rows = sheets.csv_rows(text, delimiter, limits)
        _refuse_score_table(rows)
        _refuse_assessments("\n".join("\t".join(row) for row in rows))
        name = f"CSV, {sheets.DELIMITER_NAMES[delimiter]}-separated"
        return _outline(sheets.rows_document(rows, name), mapping)
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
        raise ImportRefused(
            _(
                "this ZIP archive is neither an XLSX workbook nor a DOCX or ODT document; "
                "save the plan as XLSX, DOCX, ODT, PDF or text"
            )
        )
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
            workbook = table.xlsx_sheets(data, limits)
            rows = workbook[0][1]
            if sheets.is_template(rows, table.REQUIRED_COLUMNS):
                plan = table.parse_rows(rows, mapping)
            else:
                _refuse_assessment_template(rows=rows)
                for _title, sheet_rows in workbook:
                    _refuse_score_table(sheet_rows)
                _refuse_assessments("\n".join("\t".join(row) for row in rows))
                plan = _outline(sheets.rows_document(rows, "XLSX"), mapping)
        else:
            plan = _document(read_docx(data, limits, archive), mapping)
    else:
        text, encoding = decode_text_named(data)
        check_text_chars(len(text), limits)
        plan = parse_text(text, mapping, limits)
        if encoding:
            plan.warnings.insert(0, encoding_warning(encoding))
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
