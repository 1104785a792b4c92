"""The CSV / XLSX plan template round-trips and reports bad cells by line."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from plantrack.plans.generate import vision_plan
from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.importers.table import write_csv
from plantrack.plans.models import Item, Plan
from plantrack.plans.services import plan_import


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """These tests check the English messages (the Mongolian ones are in the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


CSV = """# title: District safety plan
# title_mn: Дүүргийн аюулгүй байдлын төлөвлөгөө
# short_name: district-safety
# description: Streets, schools, and parks
code,parent_code,kind,title,title_mn,organisations,status,progress,indicators
1,,objective,Safer streets,Аюулгүй гудамж,,,,
1.1,1,activity,Install street lights,Гудамжны гэрэлтүүлэг,\
National Police Agency (NPA) [lead]; City Hall [partner],in_progress,40,\
Lights installed | Crimes reported
"""


def test_a_csv_plan_is_read_with_both_languages_and_organisations():
    parsed = parse_bytes(CSV.encode())
    assert parsed.title == "District safety plan"
    assert parsed.description == "Streets, schools, and parks"
    activity = parsed.items[1]
    assert (activity.code, activity.parent_code, activity.title_mn) == (
        "1.1",
        "1",
        "Гудамжны гэрэлтүүлэг",
    )
    assert [(r.organisation, r.acronym, r.role) for r in activity.responsibilities] == [
        ("National Police Agency", "NPA", "lead"),
        ("City Hall", "", "partner"),
    ]
    assert activity.indicators == ["Lights installed", "Crimes reported"]
    assert (activity.status, activity.progress) == ("in_progress", 40.0)


def test_a_csv_plan_imports_and_rolls_progress_up(db):  # type: ignore[no-untyped-def]
    result = plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    plan = Plan.objects.get(slug="district-safety")
    assert result.created == 2
    assert Item.objects.get(plan=plan, code="1").progress == 40
    assert plan.progress == 40


def test_the_vision_plan_round_trips_through_the_csv_template():
    original = vision_plan()
    again = parse_bytes(write_csv(original).encode())
    assert [(i.code, i.parent_code, i.kind, i.title) for i in again.items] == [
        (i.code, i.parent_code, i.kind, i.title) for i in original.items
    ]


def test_an_xlsx_workbook_in_the_template_is_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["# short_name: from-excel"])
    sheet.append(["code", "kind", "title", "start_year"])
    sheet.append(["A", "objective", "First objective", 2025])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse_bytes(buffer.getvalue())
    assert parsed.short_name == "from-excel"
    assert (parsed.items[0].code, parsed.items[0].start_year) == ("A", 2025)


@pytest.mark.parametrize(
    ("row", "message", "line"),
    [
        ("2,,objective,Title,,,,abc,", "progress must be a number", 8),
        ("2,,objective,,,,,,", "has no title", 8),
        ("2,,objective,T,,Org [boss],,,", "role 'boss'", 8),
        ("bad code!,,objective,T,,,,,", "letters, digits, dots or dashes", 8),
    ],
)
def test_a_bad_cell_is_reported_with_its_line(row, message, line):  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused, match=message) as info:
        parse_bytes((CSV + row + "\n").encode())
    assert info.value.line == line


def test_an_unknown_status_is_refused_by_the_import(db):  # type: ignore[no-untyped-def]
    parsed = parse_bytes((CSV + "2,,activity,T,,,finished,,\n").encode())
    with pytest.raises(ImportRefused, match="unknown status 'finished'"):
        plan_import(parsed=parsed, system=True)
