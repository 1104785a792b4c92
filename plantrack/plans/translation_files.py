"""A plan's texts for translators: XLIFF 2.0 and a two-column XLSX, written and read back.

Export: one unit (XLIFF ``<unit id="CODE:field">``) or one row (XLSX) per item text with a
source: the source text, the current target text, its state, and the SHA-256 of the source
as exported (an XLIFF ``<note category="plantrack-source-sha256">``, a hidden XLSX column),
so that an import can tell a translation made against an older source. The plan's slug is
the XLIFF ``<file id>`` and a cell of the XLSX ``README`` sheet, with the two languages.

XLIFF unit ids are NMTOKENs, which may not hold "/", so the id is ``CODE:field``
("7.1.1:title"); "CODE/field" is read too. States: no target = ``initial``; needs review =
``initial`` with ``subState="plantrack:needs_review"``; unofficial = ``translated``;
official = ``final``. On import ``final`` means official, ``translated`` and ``reviewed``
unofficial, ``initial`` says nothing.

Reading treats the file as hostile: the size cap, ``safezip`` (XLSX) and ``safexml`` (no
DTD or entities, depth and element caps) from ``importers/limits.py``, in the ``sandbox``
child process; every refusal is an ``ImportRefused`` with a message naming the unit or row.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from plantrack.lib.bilingual import CONTENT_LANGUAGES, NEEDS_REVIEW, OFFICIAL, UNOFFICIAL

from .importers import safexml, safezip, sandbox
from .importers.base import ImportRefused, ParsedPlan
from .importers.limits import Limits, check_upload_size, count_text

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
HASH_CATEGORY = "plantrack-source-sha256"
REVIEW_SUBSTATE = "plantrack:needs_review"
FORMAT = "plantrack-translations-1"
SHEET, README = "translations", "README"
COLUMNS = ("code", "field", "source", "target", "state", "source_sha256")
FIELD_NAMES = ("title", "body", "label")
UNTRANSLATED = "untranslated"
XLIFF_STATES = {UNTRANSLATED: "initial", NEEDS_REVIEW: "initial", UNOFFICIAL: "translated"}
XLIFF_READ = {"final": OFFICIAL, "reviewed": UNOFFICIAL, "translated": UNOFFICIAL, "initial": None}
XLSX_READ = {
    OFFICIAL: OFFICIAL,
    UNOFFICIAL: UNOFFICIAL,
    NEEDS_REVIEW: None,
    UNTRANSLATED: None,
    "": None,
}
# Characters XML 1.0 (and so XLSX) cannot hold; dropped on export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_PROBLEMS = 10


@dataclass
class Unit:
    """One text read from a file (code and field), with what the translator left."""

    code: str
    field: str
    source: str
    target: str
    state: str | None  # OFFICIAL, UNOFFICIAL, or None (the file says nothing)
    source_sha256: str
    where: str


@dataclass
class ExportUnit:
    code: str
    field: str
    source: str
    target: str
    state: str  # untranslated, needs_review, unofficial, official
    source_sha256: str


@dataclass
class TranslationFile:
    slug: str
    source: str
    target: str
    format_name: str
    units: list[Unit] = field(default_factory=list)


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


# -- Writing -------------------------------------------------------------------------------


def write_xliff(*, slug: str, source: str, target: str, units: list[ExportUnit]) -> bytes:
    ET.register_namespace("", XLIFF_NS)
    q = f"{{{XLIFF_NS}}}"
    root = ET.Element(f"{q}xliff", {"version": "2.0", "srcLang": source, "trgLang": target})
    file_el = ET.SubElement(root, f"{q}file", {"id": slug, "original": f"plantrack:{slug}"})
    for unit in units:
        unit_el = ET.SubElement(
            file_el,
            f"{q}unit",
            {"id": f"{unit.code}:{unit.field}", "name": f"{unit.code} {unit.field}"},
        )
        notes = ET.SubElement(unit_el, f"{q}notes")
        note = ET.SubElement(notes, f"{q}note", {"category": HASH_CATEGORY})
        note.text = unit.source_sha256
        attrs = {"state": XLIFF_STATES.get(unit.state, "final")}
        if unit.state == NEEDS_REVIEW:
            attrs["subState"] = REVIEW_SUBSTATE
        segment = ET.SubElement(unit_el, f"{q}segment", attrs)
        source_el = ET.SubElement(
            segment, f"{q}source", {f"{{{XML_NS}}}lang": source, f"{{{XML_NS}}}space": "preserve"}
        )
        source_el.text = xml_text(unit.source)
        if unit.target:
            target_el = ET.SubElement(
                segment,
                f"{q}target",
                {f"{{{XML_NS}}}lang": target, f"{{{XML_NS}}}space": "preserve"},
            )
            target_el.text = xml_text(unit.target)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_xlsx(
    *, slug: str, source: str, target: str, units: list[ExportUnit], readme: list[str]
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_number, unit in enumerate(units, start=2):
        values = (unit.code, unit.field, unit.source, unit.target, unit.state, unit.source_sha256)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value = xml_text(value)
            # Text stays text: a title starting with "=" is not a formula.
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (10, 8, 60, 60, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["F"].hidden = True
    about = workbook.create_sheet(README)
    for line in readme:
        about.append([line])
    about.append([])
    for key, value in (
        ("plan", slug),
        ("source_language", source),
        ("target_language", target),
        ("format", FORMAT),
    ):
        about.append([key, value])
    about.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- Reading -------------------------------------------------------------------------------


def _refuse(problems: list[str]) -> ImportRefused:
    shown = problems[:MAX_PROBLEMS]
    more = len(problems) - len(shown)
    text = "; ".join(shown)
    if more:
        text += "; " + _("and %(count)s more") % {"count": count_text(more)}
    return ImportRefused(text)


def _languages(source: str, target: str, where: str) -> None:
    if source not in CONTENT_LANGUAGES or target not in CONTENT_LANGUAGES or source == target:
        raise ImportRefused(
            _(
                "%(where)s gives the languages “%(source)s” → “%(target)s”; a Plantrack "
                "translation file goes from mn to en or from en to mn. Export the file again "
                "from the plan's translate page"
            )
            % {"where": where, "source": source or "?", "target": target or "?"}
        )


def _unit_id(raw: str) -> tuple[str, str]:
    for separator in (":", "/"):
        if separator in raw:
            code, _sep, name = raw.rpartition(separator)
            return code, name
    return raw, ""


def _text(element: ET.Element | None) -> str:
    return "" if element is None else "".join(element.itertext())


def read_xliff(data: bytes, limits: Limits) -> TranslationFile:
    root = safexml.parse(data, _("the XLIFF file"), limits)
    q = f"{{{XLIFF_NS}}}"
    if root.tag != f"{q}xliff":
        raise ImportRefused(
            _(
                "the file is XML but not XLIFF 2.0 (its root is <%(tag)s>, not <xliff> in "
                "the namespace %(ns)s); export the file again as XLIFF 2.0"
            )
            % {"tag": root.tag.rpartition("}")[2][:40], "ns": XLIFF_NS}
        )
    source, target = root.get("srcLang", ""), root.get("trgLang", "")
    _languages(source, target, _("the file"))
    files = root.findall(f"{q}file")
    if len(files) != 1:
        raise ImportRefused(
            _("the file holds %(count)s <file> elements; a Plantrack export holds one")
            % {"count": len(files)}
        )
    result = TranslationFile(
        slug=files[0].get("id", ""), source=source, target=target, format_name="XLIFF 2.0"
    )
    problems: list[str] = []
    lang = f"{{{XML_NS}}}lang"
    for unit in files[0].iter(f"{q}unit"):
        raw = unit.get("id", "")
        where = _("unit %(id)s") % {"id": raw[:80]}
        code, name = _unit_id(raw)
        segments = unit.findall(f"{q}segment")
        if not segments:
            problems.append(_("%(where)s has no <segment>") % {"where": where})
            continue
        state_word = segments[0].get("state", "initial")
        if state_word not in XLIFF_READ:
            problems.append(
                _("%(where)s has the state “%(state)s”; use initial, translated, reviewed or final")
                % {"where": where, "state": state_word[:40]}
            )
            continue
        for segment in segments:
            for tag, expected in (("source", source), ("target", target)):
                element = segment.find(f"{q}{tag}")
                if element is not None and element.get(lang, expected) != expected:
                    problems.append(
                        _("%(where)s: its <%(tag)s> is in “%(lang)s”, not “%(expected)s”")
                        % {
                            "where": where,
                            "tag": tag,
                            "lang": element.get(lang),
                            "expected": expected,
                        }
                    )
        digest = ""
        for note in unit.iter(f"{q}note"):
            if note.get("category") == HASH_CATEGORY:
                digest = (note.text or "").strip()
        result.units.append(
            Unit(
                code=code,
                field=name,
                source="".join(_text(s.find(f"{q}source")) for s in segments),
                target="".join(_text(s.find(f"{q}target")) for s in segments),
                state=XLIFF_READ[state_word],
                source_sha256=digest,
                where=where,
            )
        )
    if problems:
        raise _refuse(problems)
    return result


def _sheet_rows(sheet: object, limits: Limits, width: int) -> list[list[str]]:
    rows: list[list[str]] = []
    for seen, row in enumerate(
        sheet.iter_rows(max_col=width, values_only=True),  # type: ignore[attr-defined]
        start=1,
    ):
        if seen > limits.max_table_rows:
            raise ImportRefused(
                _("the sheet has more than %(limit)s rows; the limit is %(limit)s rows")
                % {"limit": count_text(limits.max_table_rows)}
            )
        rows.append(["" if cell is None else str(cell) for cell in row])
    return rows


def read_xlsx(data: bytes, limits: Limits) -> TranslationFile:
    import warnings

    from openpyxl import load_workbook

    archive = safezip.open_archive(data, limits)
    archive.check()
    warnings.filterwarnings("ignore", module="openpyxl")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ImportRefused(
            _("the XLSX workbook could not be opened (%(reason)s); export the file again")
            % {"reason": str(exc)[:200]}
        ) from exc
    names = workbook.sheetnames
    if SHEET not in names or README not in names:
        raise ImportRefused(
            _(
                "the workbook has no sheets named “%(sheet)s” and “%(readme)s”; a translation "
                "file exported from Plantrack has both. Export the file again"
            )
            % {"sheet": SHEET, "readme": README}
        )
    about = {
        row[0].strip(): row[1].strip()
        for row in _sheet_rows(workbook[README], limits, 2)
        if len(row) == 2 and row[0]
    }
    source, target = about.get("source_language", ""), about.get("target_language", "")
    _languages(source, target, _("the README sheet"))
    result = TranslationFile(
        slug=about.get("plan", ""), source=source, target=target, format_name="XLSX"
    )
    rows = _sheet_rows(workbook[SHEET], limits, len(COLUMNS))
    workbook.close()
    if not rows or [c.strip().lower() for c in rows[0][:5]] != list(COLUMNS[:5]):
        raise ImportRefused(
            _("the first row of the sheet “%(sheet)s” must name the columns %(columns)s")
            % {"sheet": SHEET, "columns": ", ".join(COLUMNS[:5])}
        )
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = (row + [""] * len(COLUMNS))[: len(COLUMNS)]
        code, name, source_text, target_text, state_word, digest = cells
        if not any(cells):
            continue
        where = _("row %(number)s") % {"number": number}
        state_word = state_word.strip().lower()
        if state_word not in XLSX_READ:
            problems.append(
                _(
                    "%(where)s has the state “%(state)s”; use official, unofficial, "
                    "needs_review or untranslated"
                )
                % {"where": where, "state": state_word[:40]}
            )
            continue
        result.units.append(
            Unit(
                code=code.strip(),
                field=name.strip(),
                source=source_text,
                target=target_text,
                state=XLSX_READ[state_word],
                source_sha256=digest.strip(),
                where=where,
            )
        )
    if problems:
        raise _refuse(problems)
    return result


def _read_any(data: bytes, limits: Limits) -> ParsedPlan:
    """The sandbox's reader: an XLSX (a ZIP archive) or an XLIFF (XML) file."""
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, limits)  # type: ignore[return-value]
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        raise ImportRefused(
            _(
                "the file is neither XLIFF (XML) nor XLSX; upload the .xlf or .xlsx file "
                "exported from the plan's translate page"
            )
        )
    return read_xliff(data, limits)  # type: ignore[return-value]


def read_translation_file(data: bytes, limits: Limits) -> TranslationFile:
    """Read an uploaded translation file within the limits, in the sandbox."""
    check_upload_size(len(data), limits)
    outcome = sandbox.run(_read_any, data, limits)
    if outcome.plan is None:
        raise ImportRefused(outcome.refusal, line=outcome.line)
    parsed = outcome.plan
    assert isinstance(parsed, TranslationFile)
    return parsed
