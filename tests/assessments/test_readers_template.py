"""The documented CSV/XLSX template: read, written, generated blank, and refused clearly."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from pathlib import Path

import pytest

from plantrack.assessments.importers import template, template_writer
from plantrack.assessments.importers.reader import read_assessment
from plantrack.plans.importers.base import ImportRefused

SEED = Path(__file__).resolve().parents[2] / "plantrack" / "plans" / "seeds"

COLUMNS = [
    "record",
    "area",
    "code",
    "title_en",
    "title_mn",
    "value",
    "description_en",
    "kind",
    "level",
    "change",
    "justification",
    "sources",
]
HEADER = ",".join(COLUMNS)
SOURCES = "Register 2023 https://example.org/register\n¹ Annual report, p. 4"
# A small made-up framework, written for these tests: (record, area, code, title_en, …).
ROWS = [
    ["framework", "", "", "Open contracting check", "Нээлттэй гэрээний шалгалт", "",
     "How open a buyer's contracting is."],
    ["guidance", "", "", "", "", "", "Rate from published evidence only."],
    ["level", "", "", "Good", "Сайн", "2", "Fully in place."],
    ["level", "", "", "Fair", "Дунд", "1", "Partly in place."],
    ["level", "", "", "Poor", "Муу", "0", "Not in place."],
    ["area", "", "1", "Publication", "Нийтлэл"],
    ["indicator", "1", "1.1", "Contracts are published", "Гэрээ нийтлэгддэг", "",
     "Within 30 days.", "rated", "Good", "increase", "All 2023 contracts are online.", SOURCES],
    ["indicator", "1", "1.2", "Amendments are published", "", "", "", "rated", "not assessed"],
    ["area", "", "2", "Risks"],
    ["indicator", "2", "2.1", "Single-bidder tenders", "", "", "", "checklist",
     "Partly present", "", "A third of tenders had one bidder."],
    ["round", "", "title", "Buyer X 2023"],
    ["round", "", "subject", "Buyer X"],
    ["round", "", "year", "2023"],
    ["round", "", "assessed_on", "2023-11-30"],
    ["round", "", "assessing_body", "Open Contracting Watch"],
    ["round", "", "official", "no"],
    ["round", "", "reported_score", "2022", "", "71"],
]  # fmt: skip


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    out.write("# Rows starting with # are notes.\n")
    csv.writer(out, delimiter=delimiter).writerows([COLUMNS, *rows])
    return out.getvalue()


EXAMPLE = _csv(ROWS)


def _read(data: bytes, name: str = "assessment.csv"):  # type: ignore[no-untyped-def]
    return read_assessment(data, name=name)


def test_a_filled_template_gives_its_framework_and_round():  # type: ignore[no-untyped-def]
    parsed = _read(EXAMPLE.encode())
    assert parsed.framework_title_en == "Open contracting check"
    assert parsed.framework_title_mn == "Нээлттэй гэрээний шалгалт"
    assert parsed.guidance_en == "Rate from published evidence only."
    assert [(lv.label_en, lv.label_mn, lv.value) for lv in parsed.scale] == [
        ("Good", "Сайн", 2),
        ("Fair", "Дунд", 1),
        ("Poor", "Муу", 0),
    ]
    assert [a.code for a in parsed.areas] == ["1", "2"]
    assert [i.kind for i in parsed.areas[1].indicators] == ["checklist"]
    ratings = {r.indicator_code: r for r in parsed.round.ratings}
    assert (ratings["1.1"].level_label, ratings["1.1"].change) == ("Good", "increase")
    assert ratings["1.2"].not_assessed
    assert ratings["2.1"].level_label == "Partly"  # "Partly present" in the file
    sources = ratings["1.1"].sources
    assert [(s.text, s.url, s.marker) for s in sources] == [
        ("Register 2023 https://example.org/register", "https://example.org/register", ""),
        ("Annual report, p. 4", "", "1"),
    ]
    round_ = parsed.round
    assert (round_.title, round_.subject, round_.year) == ("Buyer X 2023", "Buyer X", 2023)
    assert (round_.assessed_on, round_.official) == ("2023-11-30", False)
    assert round_.assessing_body == "Open Contracting Watch"
    assert round_.reported_scores == {"2022": 71}


def test_the_template_is_recognised_with_semicolons_and_in_xlsx():  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in [COLUMNS, *ROWS]:
        sheet.append(row)
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    expected = asdict(_read(EXAMPLE.encode()))
    semicolons = _csv(ROWS, ";").encode()
    for data, name in ((semicolons, "a.txt"), (xlsx.getvalue(), "a.bin")):
        parsed = asdict(_read(data, name))
        parsed["source_name"] = expected["source_name"]
        assert parsed == expected


def test_a_document_written_as_the_template_reads_back_the_same():  # type: ignore[no-untyped-def]
    """Any reading can be downloaded as the template, corrected and imported again."""
    original = read_assessment(SEED / "003_8a0f78df4ed7b134.txt", name="003.txt")
    for data in (template_writer.template_csv(original), template_writer.template_xlsx(original)):
        again = read_assessment(data, name="003.txt")
        assert again.areas == original.areas
        assert again.scale == original.scale
        assert again.round == original.round


def test_the_blank_template_names_every_column_and_is_refused_until_filled(english):  # type: ignore[no-untyped-def]
    blank = template_writer.template_csv()
    rows = [row for row in csv.reader(io.StringIO(blank.decode("utf-8-sig")))]
    header = next(row for row in rows if not row[0].startswith("#"))
    assert tuple(header) == template.COLUMNS
    with pytest.raises(ImportRefused, match="no area and no indicator rows"):
        _read(blank)
    with pytest.raises(ImportRefused, match="no area and no indicator rows"):
        _read(template_writer.template_xlsx(), "blank.xlsx")


def test_every_problem_is_named_with_its_row_and_column(english):  # type: ignore[no-untyped-def]
    bad = (
        f"{HEADER}\n"
        "level,,,Good,,two,,,,,,\n"  # row 2: value not a number
        "area,,1,Publication,,,,,,,,\n"
        "indicator,9,1.1,Orphan,,,,,,,,\n"  # row 4: unknown area
        "indicator,1,1.2,Rated,,,,rated,Great,sideways,,\n"  # row 5: level and change
        "indicator,1,1.2,Again,,,,,,,,\n"  # row 6: duplicate code
        "indicator,1,1.3,Odd,,,,scored,,,,\n"  # row 7: kind
        "meeting,,,,,,,,,,,\n"  # row 8: record type
        "round,,year,soon,,,,,,,,\n"  # row 9: year
        "round,,colour,blue,,,,,,,,\n"  # row 10: field
    )
    with pytest.raises(ImportRefused) as refused:
        _read(bad.encode())
    message = str(refused.value)
    for expected in (
        "row 2, column “value”: “two” is not a number",
        "row 4, column “area”: “9” is not the code of an area row above",
        "row 5, column “level”: “Great” is not a level of the scale",
        "row 6, column “code”: the indicator code “1.2” is used twice",
        "row 7, column “kind”: “scored” is not rated or checklist",
        "row 8, column “record”: “meeting” is not a record type",
        "row 9, column “title_en”: the year must be a number",
        "row 10, column “code”: “colour” is not a round field",
    ):
        assert expected in message
    assert message.index("row 2,") < message.index("row 10,")


def test_a_checklist_answer_and_a_change_must_be_known_words(english):  # type: ignore[no-untyped-def]
    bad = (
        f"{HEADER}\n"
        "level,,,Good,,1,,,,,,\n"
        "area,,1,Risks,,,,,,,,\n"
        "indicator,1,1.1,Single bidders,,,,checklist,Good,,,\n"
        "indicator,1,1.2,Delays,,,,rated,Good,better,,\n"
    )
    with pytest.raises(ImportRefused) as refused:
        _read(bad.encode())
    assert "row 4, column “level”: a checklist indicator is answered Present" in str(refused.value)
    assert "row 5, column “change”: write increase, unchanged or decrease" in str(refused.value)


def test_mongolian_words_are_understood_in_a_template():  # type: ignore[no-untyped-def]
    data = (
        f"{HEADER}\n"
        "level,,,,Сайн,1,,,,,,\n"
        "area,,1,,Нийтлэл,,,,,,,\n"
        "indicator,1,1.1,,Гэрээ,,,rated,Сайн,өссөн,Бүгд нийтлэгдсэн.,\n"
        "indicator,1,1.2,,Эрсдэл,,,checklist,Байгаа,,Тийм.,\n"
        "round,,official,тийм,,,,,,,,\n"
    )
    parsed = _read(data.encode())
    ratings = {r.indicator_code: r for r in parsed.round.ratings}
    assert (ratings["1.1"].level_label, ratings["1.1"].change) == ("Сайн", "increase")
    assert ratings["1.2"].level_label == "Present"
    assert parsed.round.official is True


def test_hints_correct_what_the_template_says():  # type: ignore[no-untyped-def]
    parsed = read_assessment(
        EXAMPLE.encode(), name="a.csv", hints={"subject": "Buyer Y", "official": True}
    )
    assert (parsed.round.subject, parsed.round.official) == ("Buyer Y", True)
