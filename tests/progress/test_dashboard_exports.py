"""The public progress export: approved updates and indicator actuals only, cells that no
spreadsheet runs as formulas, UTF-8 with a byte-order mark."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.organisations.models import Organisation
from plantrack.plans.models import Item
from plantrack.progress.exports import COLUMNS, safe_cell
from plantrack.progress.models import DimensionValue

from . import dashboard_data as data

CSV = "/en/plans/vision-2050-goal-7/progress.csv"
XLSX = "/en/plans/vision-2050-goal-7/progress.xlsx"


def _csv(client, url: str = CSV) -> tuple[bytes, list[dict[str, str]]]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="vision-2050-goal-7-progress.csv"'
    )
    body = b"".join(response.streaming_content)
    return body, list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(client) -> list[list[object]]:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    response = client.get(XLSX)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-progress.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def reported(vision):  # type: ignore[no-untyped-def]
    """Two quarters of approved updates on 7.1.1, an indicator with a breakdown by sex, a
    note that starts like a formula, and unapproved updates that must not appear."""
    q1, q2 = data.quarters(vision, 2)
    item = Item.objects.get(plan=vision, code="7.1.1")
    org = Organisation.objects.create(slug="=cmd", name_en="=cmd|' /C calc'!A0", kind="cso")
    trained = data.indicator(item, "People trained", unit="people", cumulative=True, end_target=100)
    data.target(trained, q1, 10)
    first = data.approved(item, q1, progress=20, note="Classrooms equipped.", values={trained: 12})
    second = data.approved(
        item, q2, progress=35, note='=HYPERLINK("http://evil.example","click")', organisation=org
    )
    data.actual(trained, q1, 12, source_updates=[first.pk])
    women = DimensionValue.objects.get(dimension__slug="sex", slug="female")
    data.actual(trained, q1, 5, dimension_value=women, source_updates=[first.pk])
    data.actual(trained, None, 12, source_updates=[first.pk])
    data.unapproved(item, q2, trained)
    return {"q1": q1, "q2": q2, "first": first, "second": second, "women": women}


def test_the_csv_has_a_byte_order_mark_and_one_row_per_update_and_per_actual(client, reported):  # type: ignore[no-untyped-def]
    body, rows = _csv(client)
    assert body.startswith(b"\xef\xbb\xbf")
    assert list(rows[0]) == list(COLUMNS)
    updates = [r for r in rows if r["record"] == "update"]
    actuals = [r for r in rows if r["record"] == "indicator_actual"]
    assert len(rows) == 5 and len(updates) == 2 and len(actuals) == 3
    q1 = reported["q1"]
    first = updates[0]
    assert (first["item_code"], first["period"], first["period_start"], first["progress"]) == (
        "7.1.1",
        q1.label,
        q1.starts_on.isoformat(),
        "20.0",
    )
    assert first["note"] == "Classrooms equipped." and first["updates"] == str(reported["first"].pk)
    total, women, overall = actuals
    assert (total["period"], total["value"], total["target"], total["dimension_value"]) == (
        q1.label,
        "12.0",
        "10.0",
        "",
    )
    assert (women["dimension"], women["dimension_value"], women["value"], women["target"]) == (
        "Sex",
        "Female",
        "5.0",
        "",
    )
    assert (overall["period"], overall["value"], overall["target"]) == ("overall", "12.0", "100.0")
    assert overall["updates"] == str(reported["first"].pk) and overall["unit"] == "people"


def test_cells_that_would_run_as_formulas_are_escaped(client, reported):  # type: ignore[no-untyped-def]
    _, rows = _csv(client)
    second = [r for r in rows if r["record"] == "update"][1]
    assert second["note"] == '\'=HYPERLINK("http://evil.example","click")'
    assert second["organisation"] == "'=cmd|' /C calc'!A0"
    sheet = _xlsx_rows(client)
    notes = [row[COLUMNS.index("note")] for row in sheet]
    assert '\'=HYPERLINK("http://evil.example","click")' in notes
    # No cell is a formula, and numbers stay numbers
    assert not any(isinstance(v, str) and v.startswith("=") for row in sheet for v in row)
    progress = [row[COLUMNS.index("progress")] for row in sheet[1:3]]
    assert progress == [20.0, 35.0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+7 999", "'+7 999"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\x0b=1", "'=1"),  # a control character first hides nothing
        ("Plain text", "Plain text"),
        ("", ""),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_safe_cell(value, expected):  # type: ignore[no-untyped-def]
    assert safe_cell(value) == expected


def test_unapproved_updates_and_values_never_appear_in_either_file(client, reported):  # type: ignore[no-untyped-def]
    body, rows = _csv(client)
    text = body.decode("utf-8-sig")
    sheet = _xlsx_rows(client)
    flat = " ".join(str(v) for row in sheet for v in row)
    for note in data.SECRET_NOTES.values():
        assert note not in text and note not in flat
    assert "987654" not in text and "987654" not in flat
    assert len(sheet) == len(rows) + 1  # the same rows, and the header


def test_the_export_reads_in_a_fixed_number_of_queries(client, vision, reported):  # type: ignore[no-untyped-def]
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get(CSV).streaming_content)
        return len(queries.captured_queries)

    before = count()
    for item in Item.objects.filter(plan=vision, kind="activity")[:30]:
        for period in (reported["q1"], reported["q2"]):
            data.approved(item, period)
    assert count() == before


def test_an_empty_plan_exports_the_header_only(client, vision):  # type: ignore[no-untyped-def]
    _, rows = _csv(client)
    assert rows == []
    assert _xlsx_rows(client) == [list(COLUMNS)]


def test_rows_past_a_sheets_last_row_go_on_in_another_sheet():
    from openpyxl import load_workbook

    from plantrack.progress.exports import xlsx_bytes

    rows = [list(COLUMNS), *[["update", f"1.{n}"] + [None] * (len(COLUMNS) - 2) for n in range(5)]]
    book = load_workbook(io.BytesIO(xlsx_bytes(rows, sheet_rows=3)))
    assert book.sheetnames == ["progress", "progress 2", "progress 3"]
    codes = [[r[1] for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]
    assert codes == [["item_code", "1.0", "1.1"], ["item_code", "1.2", "1.3"], ["item_code", "1.4"]]
