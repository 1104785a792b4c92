"""Tables of scores (``importers/matrix.py``): one row per subject and year, one column per
indicator code. Small tables written here in the shapes index publishers use; the real one
is in ``test_readers_realdocs.py``."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.utils import translation
from openpyxl import Workbook

from plantrack.assessments.importers.reader import read_assessment
from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.detect import parse_bytes

DOTTED = """\
Country;Year;1.1;1.2;2.1;2.2;2.3;Overall
Arcadia;2021;2;1;0;N/A;2;50
Arcadia;2024;2;2;1;1;2;80
Borduria;2024;0;0;1;2;-;30
"""


def _read(data: bytes, **hints: object):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        return read_assessment(data, name="scores", hints=hints)


def test_dotted_codes_group_into_areas_and_marks_mean_not_assessed() -> None:
    parsed = _read(DOTTED.encode(), subject="arcadia", year=2021)
    assert [(a.code, [i.code for i in a.indicators]) for a in parsed.areas] == [
        ("1", ["1.1", "1.2"]),
        ("2", ["2.1", "2.2", "2.3"]),
    ]
    assert [level.value for level in parsed.scale] == [2, 1, 0]  # 0 … 2 across the table
    ratings = {r.indicator_code: r for r in parsed.round.ratings}
    assert ratings["2.2"].not_assessed and not ratings["2.2"].justification
    assert Counter(r.level_label for r in parsed.round.ratings if not r.not_assessed) == {
        "2": 2,
        "1": 1,
        "0": 1,
    }
    assert parsed.round.reported_scores == {"2021": 50}
    assert (parsed.round.subject, parsed.round.year) == ("Arcadia", 2021)
    assert parsed.round.title == "Arcadia 2021"


def test_the_only_row_of_a_subject_needs_no_year() -> None:
    parsed = _read(DOTTED.encode(), subject="Borduria")
    assert parsed.round.year == 2024
    assert sum(r.not_assessed for r in parsed.round.ratings) == 1  # the "-"


def test_a_table_with_several_rounds_and_no_choice_is_refused_with_what_it_holds() -> None:
    with pytest.raises(ImportRefused) as refused, translation.override("en"):
        read_assessment(DOTTED.encode(), name="scores")
    assert "3 assessments" in str(refused.value)
    assert "2 subjects, 2021–2024" in str(refused.value)


def test_fractions_and_long_scales_are_refused_naming_the_reason() -> None:
    with pytest.raises(ImportRefused, match="whole numbers"):
        _read(DOTTED.replace("2;1;0;N/A", "2.5;1;0;N/A").encode(), subject="Arcadia", year=2021)
    with pytest.raises(ImportRefused, match="more than 11"):
        _read(DOTTED.replace("2;1;0;N/A", "25;1;0;N/A").encode(), subject="Arcadia", year=2021)


def _xlsx(rows: list[list[object]], *, notes_first: bool = True) -> bytes:
    book = Workbook()
    sheet = book.active
    if notes_first:
        sheet.title = "Notes"
        sheet.append(["How to read this workbook: one row per agency and year."])
        sheet = book.create_sheet("Data")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WORKBOOK = [
    ["Integrity scorecard, agencies 2025"],
    ["Agency", "Edition", "Q1", "Q2", "Q3", "Q", "Score"],
    ["Customs office", 2025, 3, 1, 2, 6, 67],
]


def test_a_score_sheet_after_a_notes_sheet_is_found_and_read() -> None:
    parsed = _read(_xlsx(WORKBOOK))
    assert parsed.framework_title_en == "Integrity scorecard, agencies 2025"
    assert [a.code for a in parsed.areas] == ["Q"]
    assert parsed.round.subject == "Customs office"
    assert parsed.round.reported_scores == {"2025": 67}
    assert any("subtotals (Q)" in warning for warning in parsed.warnings)
    assert all("Integrity scorecard" in r.justification for r in parsed.round.ratings)


def test_the_plan_reader_hands_score_tables_over_as_assessments() -> None:
    for data in (DOTTED.encode(), _xlsx(WORKBOOK)):
        with pytest.raises(ImportRefused) as refused:
            parse_bytes(data)
        assert refused.value.kind == ImportRefused.ASSESSMENT


def test_a_plan_table_with_codes_in_its_cells_is_still_a_plan() -> None:
    plan = "Code;Title\n1;Goal one\n1.1;Target one\n1.2;Target two\n2;Goal two\n2.1;Target\n"
    parsed = parse_bytes(plan.encode())
    assert len(parsed.items) == 5
