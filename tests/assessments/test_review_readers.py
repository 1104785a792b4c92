"""Review of issue 12's readers with scorecards nobody wrote for them: a Word table with a
code column and its scale stated on one line, a text scored "Fully met / Partly met / Not
met". Each is read with the document's own codes and values, or refused saying why."""

from __future__ import annotations

import io

import docx
import pytest

from plantrack.assessments.importers.reader import read_assessment
from plantrack.plans.importers.base import ImportRefused


def _docx() -> bytes:
    document = docx.Document()
    document.add_heading("Judicial Independence Scorecard 2022", 1)
    document.add_paragraph("Scale: Very Strong 4, Strong 3, Fair 2, Weak 1, Very Weak 0")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(
        table.rows[0].cells, ["Code", "Indicator", "Rating", "Justification"], strict=True
    ):
        cell.text = text
    for row in (
        ("1.1", "Judges are appointed on merit", "Fair", "A council selects judges."),
        ("1.2", "Judges cannot be removed arbitrarily", "Weak", "Two judges were removed."),
        ("2.1", "Court budgets are independent", "Very Weak", "The ministry sets the budget."),
    ):
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_word_table_keeps_its_codes_and_its_scale_stated_on_one_line():  # type: ignore[no-untyped-def]
    parsed = read_assessment(_docx(), name="judicial.docx")
    scale = {level.label_en: level.value for level in parsed.scale}
    assert scale == {"Very Strong": 4, "Strong": 3, "Fair": 2, "Weak": 1, "Very Weak": 0}
    codes = [ind.code for area in parsed.areas for ind in area.indicators]
    assert codes == ["1.1", "1.2", "2.1"]  # the document's codes, not renumbered
    assert parsed.round is not None
    rated = {r.indicator_code: r.level_label for r in parsed.round.ratings}
    assert rated == {"1.1": "Fair", "1.2": "Weak", "2.1": "Very Weak"}
    titles = [ind.title_en for area in parsed.areas for ind in area.indicators]
    assert titles[1] == "Judges cannot be removed arbitrarily"


TEXT = """Gender Equality Self-Assessment 2024
Subject: Ministry of Labour
Year: 2024

Rating scale: Fully met (1), Partly met (0.5), Not met (0)

1.1 The ministry has a gender policy\tFully met\tThe policy was adopted in 2022.
1.2 The policy has a budget\tPartly met\tA budget line exists but is not funded.
2.1 Women hold 40% of senior posts\tNot met\tWomen hold 22% of senior posts.
"""


@pytest.mark.django_db
def test_a_scale_of_fractions_stated_on_one_line_and_codes_leading_the_titles():  # type: ignore[no-untyped-def]
    parsed = read_assessment(TEXT.encode(), name="gender.txt")
    assert [(lv.label_en, lv.value) for lv in parsed.scale] == [
        ("Fully met", 1),
        ("Partly met", 0.5),
        ("Not met", 0),
    ]
    assert not any("took" in w or "order" in w for w in parsed.warnings)
    indicators = [ind for area in parsed.areas for ind in area.indicators]
    assert [(i.code, i.title_en) for i in indicators] == [
        ("1.1", "The ministry has a gender policy"),
        ("1.2", "The policy has a budget"),
        ("2.1", "Women hold 40% of senior posts"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        b"# Report\n\nThe agency opened 412 investigations in 2023.\n",
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF",
        b"PK\x03\x04garbage",
        b"[" * 100_000,
    ],
)
def test_documents_the_reader_cannot_read_are_refused_with_a_reason(data):  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused) as refused:
        read_assessment(data, name="card")
    assert len(str(refused.value)) > 20


AREAS = """Gender Equality Self-Assessment 2024
Subject: Ministry of Labour
Year: 2024

Rating scale: Fully met (2), Partly met (1), Not met (0)

1. Policy
1.1 The ministry has a gender policy\tFully met\tThe policy was adopted in 2022.
1.2 The policy has a budget\tPartly met\tA budget line exists but is not funded.

2. Staff
2.1 Women hold 40% of senior posts\tNot met\tWomen hold 22% of senior posts.
"""


@pytest.mark.django_db
def test_numbered_area_lines_head_their_rows_and_stay_out_of_the_justification_above():  # type: ignore[no-untyped-def]
    parsed = read_assessment(AREAS.encode(), name="gender.txt")
    assert [(a.title_en, [i.code for i in a.indicators]) for a in parsed.areas] == [
        ("1. Policy", ["1.1", "1.2"]),
        ("2. Staff", ["2.1"]),
    ]
    assert parsed.round is not None
    justifications = {r.indicator_code: r.justification for r in parsed.round.ratings}
    assert justifications["1.2"] == "A budget line exists but is not funded."


SEMICOLONS = (
    "\ufeffCode;Indicator;Rating;Justification\r\n"
    "1.1;Laws are published;Strong;All laws are online.\r\n"
    "1.2;Courts publish decisions;Weak;Only some courts do.\r\n"
    "2.1;Police report crime data;Fair;Annual data only.\r\n"
).encode()


@pytest.mark.django_db
def test_a_semicolon_csv_with_a_byte_order_mark_is_read_as_a_table():  # type: ignore[no-untyped-def]
    parsed = read_assessment(SEMICOLONS, name="card.csv")
    assert parsed.round is not None
    assert [(r.indicator_code, r.level_label, r.justification) for r in parsed.round.ratings] == [
        ("1.1", "Strong", "All laws are online."),
        ("1.2", "Weak", "Only some courts do."),
        ("2.1", "Fair", "Annual data only."),
    ]


MARKDOWN = """# Open Government Scorecard 2023

Subject: Mongolia
Assessed by: Transparency Forum
Year: 2023

Scale: 0 = Absent, 1 = Weak, 2 = Partial, 3 = Strong

## 1. Access to information

| # | Indicator | Rating | Justification |
|---|-----------|--------|---------------|
| 1.1 | A law guarantees access to information | 3 | The 2021 law covers all agencies. |
| 1.2 | Requests are answered within 15 days | 1 | Half of the requests went unanswered. |

## 2. Budget transparency

| # | Indicator | Rating | Justification |
|---|-----------|--------|---------------|
| 2.1 | The budget is published online | 2 | Published, but without the annexes. |
| 2.2 | Citizens can comment on the draft budget | 0 | No consultation was held. |
"""


@pytest.mark.django_db
def test_a_markdown_table_rated_in_numbers_of_the_scale_it_states():  # type: ignore[no-untyped-def]
    parsed = read_assessment(MARKDOWN.encode(), name="card.md")
    assert [(lv.label_en, lv.value) for lv in parsed.scale] == [
        ("Strong", 3),
        ("Partial", 2),
        ("Weak", 1),
        ("Absent", 0),
    ]
    assert parsed.round is not None
    assert (parsed.round.subject, parsed.round.year) == ("Mongolia", 2023)
    assert [(r.indicator_code, r.level_label) for r in parsed.round.ratings] == [
        ("1.1", "Strong"),
        ("1.2", "Weak"),
        ("2.1", "Partial"),
        ("2.2", "Absent"),
    ]
    assert [len(area.indicators) for area in parsed.areas] == [2, 2]


@pytest.mark.django_db
def test_numbers_in_a_rating_column_need_the_scale_to_define_them(english):  # type: ignore[no-untyped-def]
    # Without "Scale: 0 = Absent, …" a 3 is not a rating: the reader refuses, saying so.
    undefined = MARKDOWN.replace("Scale: 0 = Absent, 1 = Weak, 2 = Partial, 3 = Strong", "")
    with pytest.raises(ImportRefused, match="no rated indicators"):
        read_assessment(undefined.encode(), name="card.md", hints={})


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["nan", "inf", "1e400", "1e308"])
def test_a_level_value_that_is_not_a_finite_number_is_refused_by_name(value, english):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from plantrack.assessments.generate import sample_assessment
    from plantrack.assessments.importers.template_writer import template_csv
    from plantrack.assessments.importing import assessment_import
    from plantrack.assessments.models import Framework

    data = template_csv(sample_assessment()).replace(
        "Маш сайн,4,".encode(), f"Маш сайн,{value},".encode()
    )
    with pytest.raises((ImportRefused, ValidationError)) as refused:
        parsed = read_assessment(data, name="card.csv")
        assessment_import(parsed=parsed, system=True, publish=True)
    expected = "1,000,000" if value == "1e308" else "is not a number"
    assert "value" in str(refused.value) and expected in str(refused.value)
    assert not Framework.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["nan", "inf", "1e400"])
def test_a_reported_score_that_is_not_a_finite_number_is_refused(value, english):  # type: ignore[no-untyped-def]
    from plantrack.assessments.generate import sample_assessment
    from plantrack.assessments.importers.template_writer import template_csv

    parsed = sample_assessment()
    assert parsed.round is not None
    parsed.round.reported_scores = {"2022": 54}
    data = template_csv(parsed).replace(b",54,", f",{value},".encode())
    with pytest.raises(ImportRefused, match="not a number"):
        read_assessment(data, name="card.csv")


@pytest.mark.django_db
@pytest.mark.parametrize("year", [1066, 20240, 99999999999999999999])
def test_a_round_year_out_of_range_is_refused_by_name(year, english):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from plantrack.assessments.generate import sample_assessment
    from plantrack.assessments.importing import assessment_import
    from plantrack.assessments.models import Round

    parsed = sample_assessment()
    assert parsed.round is not None
    parsed.round.year = year
    with pytest.raises(ValidationError, match="1900 to 2200"):
        assessment_import(parsed=parsed, system=True, publish=True)
    assert not Round.objects.exists()


UNSTATED_MN = """Нээлттэй засаглалын үнэлгээ 2023
Үнэлгээний объект: Монгол Улс
Он: 2023

1. Мэдээллийн ил тод байдал
1.1\tМэдээлэл авах эрхийн хууль\tСайн\tӨөрчлөлтгүй\tХууль 2021 онд батлагдсан.
1.2\tХүсэлтэд 15 хоногт хариулдаг\tСул\tМуудсан\tХүсэлтийн тал нь хариугүй үлдсэн.
1.3\tТөсөв цахимаар нийтлэгддэг\tМаш сайн\tСайжирсан\tБүх хавсралттай нийтлэгддэг.
1.4\tИргэд төсөлд санал өгдөг\tҮнэлээгүй\t\tМэдээлэл олдсонгүй.
"""


@pytest.mark.django_db
def test_mongolian_rating_words_are_known_without_a_stated_scale():  # type: ignore[no-untyped-def]
    parsed = read_assessment(UNSTATED_MN.encode(), name="unelgee.txt")
    assert parsed.round is not None
    rated = [
        (r.indicator_code, r.level_label, r.not_assessed, r.change) for r in parsed.round.ratings
    ]
    labels = {lv.label_mn: lv.value for lv in parsed.scale}
    assert labels["Маш сайн"] > labels["Сайн"] > labels["Сул"]
    assert [(code, na, change) for code, _level, na, change in rated] == [
        ("1.1", False, "unchanged"),
        ("1.2", False, "decrease"),
        ("1.3", False, "increase"),
        ("1.4", True, ""),
    ]
