"""The assessment template written: blank for users to fill, or holding any reading.

``template_csv()`` and ``template_xlsx()`` are the blank template (help rows, then the
header); given a ``ParsedAssessment`` they write it in the template's form, so a document
read by the general reader can be downloaded, corrected in a spreadsheet and imported again
unchanged (``template`` reads it back). See docs/assessment-template.md.
"""

from __future__ import annotations

import csv
import io

from ..parsed import ParsedAssessment
from .footnotes import as_superscript
from .template import COLUMNS


def write_rows(parsed: ParsedAssessment) -> list[list[str]]:
    """Any assessment as the template's rows, header first."""
    rows: list[dict[str, str]] = []
    rows.append(
        {
            "record": "framework",
            "title_en": parsed.framework_title_en,
            "title_mn": parsed.framework_title_mn,
            "description_en": parsed.framework_description_en,
        }
    )
    if parsed.guidance_en or parsed.guidance_mn:
        rows.append(
            {
                "record": "guidance",
                "description_en": parsed.guidance_en,
                "description_mn": parsed.guidance_mn,
            }
        )
    for level in parsed.scale:
        rows.append(
            {
                "record": "level",
                "title_en": level.label_en,
                "title_mn": level.label_mn,
                "value": f"{level.value:g}",
                "description_en": level.description_en,
                "description_mn": level.description_mn,
            }
        )
    ratings = {r.indicator_code: r for r in parsed.round.ratings} if parsed.round else {}
    for area in parsed.areas:
        rows.append(
            {
                "record": "area",
                "code": area.code,
                "title_en": area.title_en,
                "title_mn": area.title_mn,
                "description_en": area.description_en,
                "description_mn": area.description_mn,
            }
        )
        for indicator in area.indicators:
            row = {
                "record": "indicator",
                "area": area.code,
                "code": indicator.code,
                "title_en": indicator.title_en,
                "title_mn": indicator.title_mn,
                "description_en": indicator.guidance_en,
                "description_mn": indicator.guidance_mn,
                "kind": indicator.kind,
            }
            rating = ratings.get(indicator.code)
            if rating is not None:
                row["level"] = "not assessed" if rating.not_assessed else rating.level_label
                row["change"] = rating.change
                row["justification"] = rating.justification
                row["sources"] = "\n".join(
                    f"{as_superscript(source.marker)} {source.text}".strip()
                    for source in rating.sources
                )
            rows.append(row)
    if parsed.round is not None:
        round_ = parsed.round
        values = {
            "title": round_.title,
            "subject": round_.subject,
            "year": str(round_.year or ""),
            "assessed_on": round_.assessed_on,
            "assessing_body": round_.assessing_body,
            "official": "yes" if round_.official else "no",
            "summary": round_.summary,
        }
        rows.extend(
            {"record": "round", "code": key, "title_en": value}
            for key, value in values.items()
            if value
        )
        rows.extend(
            {"record": "round", "code": "reported_score", "title_en": key, "value": f"{value:g}"}
            for key, value in round_.reported_scores.items()
        )
    return [list(COLUMNS), *([row.get(column, "") for column in COLUMNS] for row in rows)]


_HELP = (
    "# Plantrack assessment template: one row per record; see docs/assessment-template.md.",
    "# record = framework | guidance | level | area | indicator | round.",
    "# Rows starting with # are skipped.",
    "# level rows: title_en = label, value = number (best highest).",
    "# area rows: code, title_en.",
    "# indicator rows: area = the area's code, code, title_en, kind = rated | checklist;",
    "#   for a round add level (a scale label, or not assessed),",
    "#   change (increase | unchanged | decrease), justification and sources (one a line).",
    "# round rows: code = title | subject | year | assessed_on (YYYY-MM-DD) | assessing_body",
    "#   | official (yes/no) | summary | reported_score; title_en = the value",
    "#   (for reported_score: title_en = its label such as 2019, value = the score).",
)


def template_csv(parsed: ParsedAssessment | None = None) -> bytes:
    """The template as CSV (UTF-8 with a byte-order mark, so Excel shows Cyrillic): blank
    with help rows, or holding ``parsed``."""
    out = io.StringIO()
    for line in _HELP if parsed is None else ():
        out.write(line + "\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    rows = write_rows(parsed) if parsed is not None else [list(COLUMNS)]
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(parsed: ParsedAssessment | None = None) -> bytes:
    """The template as an XLSX workbook; its first sheet is the one the reader reads."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "assessment"
    help_rows = [[line] for line in _HELP] if parsed is None else []
    for row in help_rows:
        sheet.append(row)
    rows = write_rows(parsed) if parsed is not None else [list(COLUMNS)]
    for row in rows:
        sheet.append(row)
    for cell in sheet[len(help_rows) + 1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=len(help_rows) + 2, column=1)
    widths = (11, 8, 8, 40, 40, 7, 40, 40, 10, 16, 12, 60, 40)
    for letter, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
