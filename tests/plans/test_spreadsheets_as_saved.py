"""CSV files as people save them: separators, byte-order marks, encodings, a kind column,
no plan header lines. Every file is built here, at test time."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from plantrack.organisations.models import Organisation
from plantrack.plans.importers.base import ImportRefused, ParsedPlan
from plantrack.plans.importers.detect import parse_bytes, read_untrusted
from plantrack.plans.importers.limits import DEFAULT_LIMITS
from plantrack.plans.importers.mapping import Mapping
from plantrack.plans.models import Plan
from plantrack.plans.services import plan_import


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """These tests check the English messages (the Mongolian ones are in the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


HEADER = ["code", "parent_code", "kind", "title", "organisations", "organisation_kind"]
ROWS = [
    ["1", "", "objective", "Safer streets, parks and schools", "", ""],
    ["1.1", "1", "activity", "Light the streets", "City Hall [lead]; Private sector", "agency"],
    ["1.2", "1", "activity", "Train guards", "Guard Union; Youth Trust", "CSO; NGO"],
]
ROWS_MN = [
    ["1", "", "objective", "Аюулгүй гудамж", "", ""],
    ["1.1", "1", "activity", "Гудамжийг гэрэлтүүлэх", "Нийслэлийн захиргаа; Хувийн хэвшил", "яам"],
]
META = "# title: District safety plan\n# short_name: district-safety\n"


def _csv(rows: list[list[str]], delimiter: str, *, meta: str = META) -> str:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return meta + out.getvalue()


def _read(data: bytes, mapping: Mapping | None = None) -> ParsedPlan:
    return read_untrusted(data, DEFAULT_LIMITS, mapping)


def _summary(plan: ParsedPlan) -> list[tuple[str, str, list[tuple[str, str]], list[str]]]:
    return [
        (
            item.code,
            item.title,
            [(r.organisation, r.kind) for r in item.responsibilities],
            item.stakeholder_groups,
        )
        for item in plan.items
    ]


EXPECTED = [
    ("1", "Safer streets, parks and schools", [], []),
    ("1.1", "Light the streets", [("City Hall", "government")], ["Private sector"]),
    ("1.2", "Train guards", [("Guard Union", "cso"), ("Youth Trust", "cso")], []),
]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [False, True])
def test_comma_semicolon_and_tab_files_with_or_without_bom_read_the_same(delimiter, bom):  # type: ignore[no-untyped-def]
    data = _csv(ROWS, delimiter).encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    plan = _read(data)
    assert plan.title == "District safety plan"
    assert _summary(plan) == EXPECTED
    assert plan.warnings == []  # UTF-8 needs no word


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_a_byte_order_mark_is_read_and_named(codec):  # type: ignore[no-untyped-def]
    data = _csv(ROWS_MN, ";").encode(codec)  # "utf-16" writes a byte-order mark
    with translation.override("en"):
        plan = _read(data)
    assert [item.title for item in plan.items] == ["Аюулгүй гудамж", "Гудамжийг гэрэлтүүлэх"]
    assert plan.items[1].stakeholder_groups == ["Хувийн хэвшил"]
    assert any("read as UTF-16" in warning for warning in plan.warnings)


def test_windows_1251_cyrillic_is_read_and_named_never_silently():  # type: ignore[no-untyped-def]
    text = _csv(ROWS_MN, ";").replace("ү", "у").replace("Ү", "У")  # no Ү/Ө in cp1251
    data = text.encode("cp1251")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    with translation.override("en"):
        plan = _read(data)
    assert plan.items[0].title == "Аюулгуй гудамж"
    assert plan.warnings[0].startswith("the file was read as Windows-1251")
    assert plan.items[1].responsibilities[0].kind == "government"  # "яам"


def test_a_legacy_latin_file_is_refused_not_taken_for_cyrillic():  # type: ignore[no-untyped-def]
    data = "code,kind,title\n1,objective,Café crème\n".encode("latin-1")
    with pytest.raises(ImportRefused) as refused:
        _read(data)
    assert "not UTF-8" in str(refused.value)
    assert refused.value.line == 2


def test_a_file_that_reads_two_ways_is_refused_with_what_to_do():  # type: ignore[no-untyped-def]
    # Both ',' and ';' split the header into the template's columns, and every row has as
    # many cells as the header either way: nothing tells which was meant.
    text = "code,kind,title,x;code;kind;title\n1,objective,A,z;1;objective;A\n"
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        _read(text.encode())
    message = str(refused.value)
    assert "more than one separator" in message and "comma" in message
    assert "semicolon" in message and "save it again" in message


def test_an_unknown_organisation_kind_is_refused_naming_the_line():  # type: ignore[no-untyped-def]
    rows = [["1", "", "activity", "Do it", "City Hall", "spaceship"]]
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        _read(_csv(rows, ",").encode())
    assert "organisation kind 'spaceship' is not known" in str(refused.value)
    assert refused.value.line == 4


def test_the_plan_header_lines_are_optional_and_the_mapping_fills_them():  # type: ignore[no-untyped-def]
    data = _csv(ROWS, ",", meta="").encode()
    plan = _read(data)
    assert (plan.title, plan.short_name) == ("", "")
    assert _summary(plan) == EXPECTED
    mapping = Mapping.from_dict({"plan": {"title": "Streets", "short_name": "streets"}})
    plan = _read(data, mapping)
    assert (plan.title, plan.short_name) == ("Streets", "streets")
    # The file's own lines win over the mapping.
    assert _read(_csv(ROWS, ",").encode(), mapping).short_name == "district-safety"


def test_an_xlsx_sheet_has_the_kind_column_and_no_header_lines_too():  # type: ignore[no-untyped-def]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = parse_bytes(buffer.getvalue())
    assert _summary(plan) == EXPECTED


def test_the_kind_column_sets_the_kind_of_organisations_an_import_creates(db):  # type: ignore[no-untyped-def]
    plan_import(parsed=_read(_csv(ROWS, "\t").encode("utf-16")), system=True)
    assert Plan.objects.filter(slug="district-safety").exists()
    added = Organisation.objects.filter(created_by_import=True, verified_at__isnull=True)
    kinds = dict(
        added.filter(name_en__in=["City Hall", "Guard Union", "Youth Trust"]).values_list(
            "name_en", "kind"
        )
    )
    assert kinds == {"City Hall": "government", "Guard Union": "cso", "Youth Trust": "cso"}
    assert not Organisation.objects.filter(name_en__icontains="private").exists()
