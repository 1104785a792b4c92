"""The general document reader on layouts the seeds do not have (tests/data/assessments/).

The documents there were written for these tests; each exercises one general rule: a
scale defined with values, a "Terms" table, Markdown pipe tables and footnotes, a change
column of its own, HTML cells continued after a page break, a table that only groups
indicators by level, and encodings other than UTF-8.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest
from django.utils import translation

from plantrack.assessments.importers.reader import read_assessment
from plantrack.assessments.parsed import ParsedAssessment
from plantrack.plans.importers.base import ImportRefused

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "assessments"
SEED = Path(__file__).resolve().parents[2] / "plantrack" / "plans" / "seeds"


def _read(name: str, **hints: object) -> ParsedAssessment:
    with translation.override("en"):
        return read_assessment(DATA / name, name=name, hints=hints or None)


def _levels(parsed: ParsedAssessment) -> Counter[str]:
    assert parsed.round is not None
    return Counter("-" if r.not_assessed else r.level_label for r in parsed.round.ratings)


def test_a_scale_stated_with_values_and_one_field_per_line_blocks():  # type: ignore[no-untyped-def]
    parsed = _read("blocks-with-values.txt")
    assert [(lv.label_en, lv.value) for lv in parsed.scale] == [
        ("Good", 3),
        ("Fair", 2),
        ("Poor", 1),
        ("Absent", 0),
    ]
    assert not any("order" in w for w in parsed.warnings)  # the values are the document's
    assert [(a.title_en, len(a.indicators)) for a in parsed.areas] == [
        ("Freedom of association", 2),
        ("Freedom of assembly", 1),
    ]
    ratings = parsed.round.ratings
    assert [(r.level_label, r.change) for r in ratings] == [
        ("Good", "increase"),
        ("Fair", "unchanged"),
        ("Poor", "decrease"),
    ]
    assert ratings[0].justification == (
        "Registration now takes five working days and can be done online.\n\n"
        "The fee was abolished in 2020."
    )
    assert ratings[1].justification.endswith("which small groups find hard to do.")
    round_ = parsed.round
    assert (round_.subject, round_.year, round_.assessing_body) == (
        "Northvale",
        2021,
        "Harbour Civic Trust",
    )
    assert round_.reported_scores == {"2021": 61, "2019": 55}
    assert parsed.framework_title_en == "Civic Space Scorecard"


def test_ratings_in_the_documents_own_level_names_are_read():  # type: ignore[no-untyped-def]
    """Levels no vocabulary knows ("Exemplary", "Needs work") are ratings once the document
    defines them."""
    parsed = _read("own-scale.txt")
    assert [(lv.label_en, lv.value) for lv in parsed.scale] == [
        ("Exemplary", 3),
        ("Adequate", 2),
        ("Needs work", 1),
        ("Missing", 0),
    ]
    assert [(r.level_label, r.justification) for r in parsed.round.ratings] == [
        ("Exemplary", "The library opens until nine on weekdays."),
        ("Needs work", "Only renewals work online."),
    ]
    assert (parsed.round.subject, parsed.round.year) == ("Eastbrook", 2024)


def test_markdown_pipe_tables_a_terms_table_and_markdown_footnotes():  # type: ignore[no-untyped-def]
    parsed = _read("pipe-table-review.md")
    assert [lv.label_en for lv in parsed.scale] == [
        "Supports",
        "Partially Supports",
        "Does Not Support",
    ]
    assert parsed.scale[0].description_en.startswith("The municipality meets the criterion")
    assert [a.title_en for a in parsed.areas] == ["Table 1: Publication", "Table 2: Engagement"]
    assert _levels(parsed) == {
        "Supports": 2,
        "Partially Supports": 1,
        "Does Not Support": 1,
        "-": 1,
    }
    first = parsed.round.ratings[0]
    assert first.justification == "The annual budget is published as CSV every January.¹"
    assert first.sources[0].url == "https://example.org/riverton/budget-2023.csv"
    round_ = parsed.round
    assert (round_.subject, round_.assessed_on, round_.year) == ("Riverton", "2023-03-14", 2023)
    assert round_.assessing_body == "Lakeside Transparency Network"
    assert parsed.framework_title_en == "Open Data Readiness Review"


def test_a_change_column_and_html_cells_continued_after_a_page_break():  # type: ignore[no-untyped-def]
    parsed = _read("html-cells.txt")
    ratings = parsed.round.ratings
    assert [(r.level_label, r.change) for r in ratings] == [
        ("Strong", "unchanged"),
        ("Weak", "decrease"),
        ("Fair", "increase"),
    ]
    assert ratings[0].justification == (
        "Nine in ten households are connected.\n\nThe rest use protected wells."
    )
    assert ratings[1].justification == (
        "Testing stopped in two districts during the year and resumed only in December."
    )
    assert [a.title_en for a in parsed.areas] == ["Water", "Sanitation"]


def test_a_table_that_only_groups_indicators_by_level_still_gives_ratings():  # type: ignore[no-untyped-def]
    parsed = _read("grouping-only.txt")
    assert [(lv.label_en, lv.value) for lv in parsed.scale] == [("Good", 1), ("Poor", 0)]
    assert _levels(parsed) == {"Good": 2, "Poor": 1}
    assert any("only groups its indicators by level" in w for w in parsed.warnings)
    assert any("no justification" in w for w in parsed.warnings)


def test_hints_from_the_preview_win_over_the_document():  # type: ignore[no-untyped-def]
    parsed = _read(
        "blocks-with-values.txt",
        subject="Northvale District",
        year=2022,
        official=True,
        framework_title="Civic space check",
        scale=[("Good", 10), ("Fair", 5), ("Poor", 0)],
    )
    assert (parsed.round.subject, parsed.round.year, parsed.round.official) == (
        "Northvale District",
        2022,
        True,
    )
    assert parsed.round.title == "Northvale District 2022"
    assert parsed.framework_title_en == "Civic space check"
    assert [lv.value for lv in parsed.scale] == [10, 5, 0]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_the_scorecard_reads_the_same_in_other_unicode_encodings(encoding):  # type: ignore[no-untyped-def]
    text = (SEED / "003_8a0f78df4ed7b134.txt").read_text(encoding="utf-8")
    original = read_assessment(text.encode(), name="003.txt")
    again = read_assessment(text.encode(encoding), name="003.txt")
    assert again.round == original.round
    assert again.areas == original.areas


def test_a_windows_western_file_is_read_and_the_encoding_named():  # type: ignore[no-untyped-def]
    text = (DATA / "blocks-with-values.txt").read_text(encoding="utf-8")
    data = text.replace("Harbour Civic Trust", "Harbour Civic Trust § Café").encode("cp1252")
    with translation.override("en"):
        parsed = read_assessment(data, name="cp1252.txt")
    assert parsed.round.assessing_body == "Harbour Civic Trust § Café"
    assert "Windows-1252" in parsed.warnings[0]


def test_a_reading_is_deterministic():  # type: ignore[no-untyped-def]
    for path in [SEED / "003_8a0f78df4ed7b134.txt", SEED / "004_a753d303f7349415.txt"]:
        first = asdict(read_assessment(path, name=path.name))
        second = asdict(read_assessment(path.read_bytes(), name=path.name))
        assert first == second


def test_a_document_with_nothing_to_rate_is_refused_saying_what_is_missing(english):  # type: ignore[no-untyped-def]
    text = b"# Annual report\n\nWe did many things.\n\n- Built a road\n- Opened a school\n"
    with pytest.raises(ImportRefused, match="no rated indicators were found"):
        read_assessment(text, name="report.md")


def test_a_word_table_is_read_like_tab_separated_rows():  # type: ignore[no-untyped-def]
    import io

    import docx

    document = docx.Document()
    document.add_heading("Water Service Scorecard 2023", 1)
    document.add_paragraph("Prepared by: River Basin Watch")
    document.add_paragraph("Eastfield 2023 score 61, 2021 score 55")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(
        table.rows[0].cells, ["Area", "Indicator", "Rating", "Notes"], strict=True
    ):
        cell.text = text
    for row in [
        ("Supply", "Water runs every day", "Good", "Pipes were renewed in 2022."),
        ("", "Water is safe to drink", "Fair", "Tests failed twice in the year."),
        ("Billing", "Bills are clear", "Poor", "Bills show no tariff."),
    ]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    data = io.BytesIO()
    document.save(data)
    parsed = read_assessment(data.getvalue(), name="scorecard.docx")
    assert [(a.title_en, len(a.indicators)) for a in parsed.areas] == [
        ("Supply", 2),
        ("Billing", 1),
    ]
    assert [(r.level_label, r.justification) for r in parsed.round.ratings] == [
        ("Good", "Pipes were renewed in 2022."),
        ("Fair", "Tests failed twice in the year."),
        ("Poor", "Bills show no tariff."),
    ]
    round_ = parsed.round
    assert (round_.title, round_.assessing_body) == ("Eastfield 2023", "River Basin Watch")
    assert round_.reported_scores == {"2023": 61, "2021": 55}
    assert parsed.framework_title_en == "Water Service Scorecard"


def test_prose_that_sounds_like_ratings_does_not_refuse_a_scorecard():  # type: ignore[no-untyped-def]
    text = (DATA / "pipe-table-review.md").read_text(encoding="utf-8") + (
        "\nThe city showed strong improvement in 2022, a good improvement on 2021 and a fair "
        "improvement in licensing; support was strong, unchanged from the year before.\n"
    )
    parsed = read_assessment(text.encode(), name="review.md")
    assert len(parsed.round.ratings) == 5
