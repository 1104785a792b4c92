"""Review of issue 12's ``plantrack import``: a scorecard that states its scale and rates its
indicators with it goes to the assessments, never into a plan of "activities"."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plantrack.assessments.models import Round
from plantrack.plans.models import Plan

CARD = """Gender Equality Self-Assessment 2024
Subject: Ministry of Labour
Assessed by: Gender Council
Year: 2024

Rating scale: Fully met (2), Partly met (1), Not met (0)

1.1 The ministry has a gender policy\tFully met\tThe policy was adopted in 2022.
1.2 The policy has a budget\tPartly met\tA budget line exists but is not funded.
2.1 Women hold 40% of senior posts\tNot met\tWomen hold 22% of senior posts.
2.2 Staff are trained on gender\tFully met\tAll staff completed training in 2023.
"""


@pytest.mark.parametrize("language, word", [("en", "ratings"), ("mn", "үнэлгээ")])
def test_a_scorecard_with_its_own_scale_is_imported_as_an_assessment(db, tmp_path, language, word):  # type: ignore[no-untyped-def]
    path = tmp_path / "gender.txt"
    path.write_text(CARD, encoding="utf-8")
    plans = Plan.objects.count()
    out = StringIO()
    call_command("importplan", str(path), "--language", language, stdout=out, stderr=StringIO())
    assert Plan.objects.count() == plans  # not a plan
    round = Round.objects.get()
    assert round.ratings.count() == 4
    assert sorted(round.ratings.values_list("indicator__code", "level__value")) == [
        ("1.1", 2.0),
        ("1.2", 1.0),
        ("2.1", 0.0),
        ("2.2", 2.0),
    ]
    assert word in out.getvalue()


def test_a_semicolon_scorecard_without_its_identity_is_refused_naming_what_is_missing(db, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "card.csv"
    path.write_bytes(
        "\ufeffCode;Indicator;Rating;Justification\r\n"
        "1.1;Laws are published;Strong;All laws are online.\r\n"
        "1.2;Courts publish decisions;Weak;Only some courts do.\r\n"
        "2.1;Police report crime data;Fair;Annual data only.\r\n".encode()
    )
    plans = Plan.objects.count()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("importplan", str(path), "--language", "en", stdout=StringIO(), stderr=err)
    assert "no framework title" in err.getvalue() and "Give its subject" in err.getvalue()
    assert Plan.objects.count() == plans and not Round.objects.exists()


MONGOLIAN = """Нээлттэй засаглалын үнэлгээ 2023
Үнэлсэн байгууллага: Иргэний нийгмийн форум
Үнэлгээний объект: Монгол Улс
Он: 2023

Үнэлгээний шатлал: Маш сайн (4), Сайн (3), Дунд (2), Сул (1), Маш сул (0)

1. Мэдээллийн ил тод байдал
1.1\tМэдээлэл авах эрхийн хууль\tСайн\tХууль 2021 онд батлагдсан.
1.2\tХүсэлтэд 15 хоногт хариулдаг\tСул\tХүсэлтийн тал нь хариугүй үлдсэн.

2. Төсвийн ил тод байдал
2.1\tТөсөв цахимаар нийтлэгддэг\tМаш сайн\tБүх хавсралттай нийтлэгддэг.
2.2\tИргэд төсөлд санал өгдөг\tМаш сул\tХэлэлцүүлэг зохион байгуулаагүй.
"""


def test_a_scorecard_written_in_mongolian_is_imported_with_its_scale_and_identity(db, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "unelgee.txt"
    path.write_text(MONGOLIAN, encoding="utf-8")
    plans = Plan.objects.count()
    call_command("importplan", str(path), "--language", "mn", stdout=StringIO(), stderr=StringIO())
    assert Plan.objects.count() == plans
    round = Round.objects.select_related("version__framework").get()
    assert (round.subject, round.year, round.assessing_body) == (
        "Монгол Улс",
        2023,
        "Иргэний нийгмийн форум",
    )
    framework = round.version.framework
    assert (framework.title_mn, framework.title_en) == ("Нээлттэй засаглалын үнэлгээ", "")
    assert sorted(
        round.ratings.values_list("indicator__code", "level__label_mn", "level__value")
    ) == [
        ("1.1", "Сайн", 3.0),
        ("1.2", "Сул", 1.0),
        ("2.1", "Маш сайн", 4.0),
        ("2.2", "Маш сул", 0.0),
    ]
    # 100 × (3 + 1 + 4 + 0) ÷ (4 × 4) = 50
    from plantrack.assessments.selectors import round_score

    assert round_score(round).exact_text == "50.00"


def test_a_workbook_scorecard_is_imported_as_an_assessment_not_a_plan(db, tmp_path):  # type: ignore[no-untyped-def]
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Press Freedom Scorecard 2023"])
    sheet.merge_cells("A1:D1")
    sheet.append(["Country: Mongolia"])
    sheet.append(["Code", "Indicator", "Rating", "Justification"])
    sheet.append(["1.1", "Defamation is not a crime", "Weak", "Re-criminalised in 2020."])
    sheet.append(["1.2", "Journalists can protect sources", "Fair", "Courts order disclosure."])
    sheet.append(["2.1", "Journalists work without threats", "Strong", "Few threats."])
    path = tmp_path / "press.xlsx"
    book.save(path)
    plans = Plan.objects.count()
    call_command("importplan", str(path), "--language", "en", stdout=StringIO(), stderr=StringIO())
    assert Plan.objects.count() == plans
    round = Round.objects.get()
    assert sorted(round.ratings.values_list("indicator__code", "level__label_en")) == [
        ("1.1", "Weak"),
        ("1.2", "Fair"),
        ("2.1", "Strong"),
    ]


PRINTED = """Police Accountability Scorecard 2021
Subject: Mongolia. Assessed by: Citizens' Watch. Year: 2021.
Scale: Very Strong 4, Strong 3, Fair 2, Weak 1, Very Weak 0
Code Indicator Rating Justification
1.1 Complaints are investigated independently Weak The police investigate themselves.
1.2 Use of force is recorded Fair Records exist but are not published.
2.1 Arrests are reviewed by a court Strong A judge reviews every arrest within 48 hours.
"""


def test_a_scorecard_printed_without_its_columns_is_refused_not_imported_as_a_plan(db, tmp_path):  # type: ignore[no-untyped-def]
    """As a PDF's text gives a table: the cells run together. The reader cannot tell the
    columns apart, so the import is refused, saying so — never a plan of "activities"."""
    path = tmp_path / "printed.txt"
    path.write_text(PRINTED, encoding="utf-8")
    plans = Plan.objects.count()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("importplan", str(path), "--language", "en", stdout=StringIO(), stderr=err)
    assert "not imported" in err.getvalue() and "columns were lost" in err.getvalue()
    assert Plan.objects.count() == plans and not Round.objects.exists()
