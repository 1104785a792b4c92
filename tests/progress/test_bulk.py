"""Bulk progress reporting by spreadsheet: the template, the preview with every row's
problems, and the confirmation that sends the whole file or nothing (issue 11, part 5)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

import plantrack
from plantrack.accounts.models import User
from plantrack.history.models import Event
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.models import Item, Plan, Responsibility
from plantrack.progress import services as progress_services
from plantrack.progress.bulk.sheet import header_names
from plantrack.progress.models import (
    Dimension,
    Indicator,
    Measurement,
    ProgressUpdate,
    ReportingPeriod,
)
from tests.conftest import missing_part

VISION = "vision-2050-goal-7"
PAGE = f"/en/plans/{VISION}/bulk/"
CONFIRM = f"/en/plans/{VISION}/bulk/confirm/"
XLSX = f"/en/plans/{VISION}/bulk/template.xlsx"
CSV = f"/en/plans/{VISION}/bulk/template.csv"


# -- The world: a period, Erin's two activities with indicators, another agency's item -------


@pytest.fixture
def period(vision) -> ReportingPeriod:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return ReportingPeriod.objects.create(
        plan=vision,
        starts_on=today - dt.timedelta(days=90),
        ends_on=today - dt.timedelta(days=1),
        due_on=today + dt.timedelta(days=30),
    )


@pytest.fixture
def second(vision, police) -> Item:  # type: ignore[no-untyped-def]
    """A second activity Erin's agency leads."""
    item = Item.objects.get(plan=vision, code="7.3.9")
    Responsibility.objects.create(item=item, organisation=police, role="lead")
    return item


@pytest.fixture
def foreign(vision) -> Item:  # type: ignore[no-untyped-def]
    """An activity another agency leads."""
    ministry = Organisation.objects.create(
        slug="ministry", name_en="Ministry of Roads", kind="government"
    )
    item = Item.objects.get(plan=vision, code="7.1.1")
    Responsibility.objects.create(item=item, organisation=ministry, role="lead")
    return item


@pytest.fixture
def trained(activity) -> Indicator:  # type: ignore[no-untyped-def]
    """People trained, by sex."""
    indicator = Indicator.objects.create(
        item=activity, position=1, title_en="People trained", measured=True, unit="people"
    )
    indicator.dimensions.add(Dimension.objects.get(slug="sex"))
    return indicator


@pytest.fixture
def share(activity) -> Indicator:  # type: ignore[no-untyped-def]
    return Indicator.objects.create(
        item=activity, position=2, title_en="Cases closed", measured=True, kind="percentage"
    )


@pytest.fixture
def world(period, activity, second, foreign, trained, share, erin):  # type: ignore[no-untyped-def]
    return period


def sent() -> list[ProgressUpdate]:
    return list(ProgressUpdate.objects.order_by("pk"))


# -- Files ------------------------------------------------------------------------------------

Edit = dict[tuple[str, str, str], dict[str, Any]]  # (code, indicator id, breakdown key) -> cells


def _key(cells: dict[str, Any]) -> tuple[str, str, str]:
    def text(name: str) -> str:
        value = cells.get(name)
        return "" if value is None else str(value).strip()

    return (text("code"), text("indicator_id"), text("breakdown_key"))


def fill_xlsx(data: bytes, edits: Edit, extra: list[dict[str, Any]] = ()) -> bytes:  # type: ignore[assignment]
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    names = header_names()
    columns = {names[" ".join(str(c.value).split()).casefold()]: c.column for c in sheet[1]}
    for row in sheet.iter_rows(min_row=2):
        cells = {key: row[index - 1].value for key, index in columns.items()}
        for key, value in edits.get(_key(cells), {}).items():
            row[columns[key] - 1].value = value
    for cells in extra:
        sheet.append([cells.get(key) for key in sorted(columns, key=columns.__getitem__)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def fill_csv(data: bytes, edits: Edit, extra: list[dict[str, Any]] = ()) -> bytes:  # type: ignore[assignment]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    names = header_names()
    keys = [names[" ".join(cell.split()).casefold()] for cell in rows[0]]
    out = [rows[0]]
    for row in rows[1:]:
        cells = dict(zip(keys, row, strict=True))
        cells.update({k: str(v) for k, v in edits.get(_key(cells), {}).items()})
        out.append([cells[key] for key in keys])
    out += [[str(cells.get(key, "")) for key in keys] for cells in extra]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(out)
    return buffer.getvalue().encode("utf-8-sig")


def file_errors(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(response.context["form"].errors["file"])


def upload(client, data: bytes, name: str = "progress.xlsx", url: str = PAGE):  # type: ignore[no-untyped-def]
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


GOOD: Edit = {
    ("7.3.8", "", ""): {"status": "In progress", "progress": 40, "note": "Cameras installed."},
    ("7.3.9", "", ""): {"status": "Delayed", "progress": 10, "note": "Budget not released."},
}


def good(trained: Indicator, share: Indicator) -> Edit:
    return {
        **GOOD,
        ("7.3.8", str(trained.pk), ""): {"value": 30},
        ("7.3.8", str(trained.pk), "sex/female"): {"value": 18},
        ("7.3.8", str(trained.pk), "sex/male"): {"value": 12},
        ("7.3.8", str(share.pk), ""): {"numerator": 3, "denominator": 4},
    }


FORMATS: list[tuple[str, str, Callable[..., bytes]]] = [
    ("xlsx", XLSX, fill_xlsx),
    ("csv", CSV, fill_csv),
]


# -- The template -----------------------------------------------------------------------------


def test_a_reporters_template_lists_their_items_with_each_indicators_rows(
    client, english, world, trained, share, erin
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    response = client.get(XLSX)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.content))
    data, instructions = workbook.worksheets
    header = [cell.value for cell in data[1]]
    assert header[:6] == ["Code", "Item", "Period", "Status", "Progress (%)", "What was done"]
    rows = [
        dict(zip(header, (c.value for c in row), strict=True)) for row in data.iter_rows(min_row=2)
    ]
    # Her two activities, not the other agency's, each with its indicators' rows
    assert [r["Code"] for r in rows if r["Indicator ID"] is None] == ["7.3.8", "7.3.9"]
    assert [(r["Indicator ID"], r["Breakdown key"]) for r in rows if r["Indicator ID"]] == [
        (trained.pk, None),
        (trained.pk, "sex/female"),
        (trained.pk, "sex/male"),
        (share.pk, None),
    ]
    assert {r["Period"] for r in rows} == {
        f"{world.starts_on.isoformat()}/{world.ends_on.isoformat()}"
    }
    # Made for people: frozen header, a protected sheet whose white cells are editable, a
    # status list, and the instructions sheet
    assert data.freeze_panes == "C2" and data.protection.sheet
    assert data["F2"].protection.locked is False and data["A2"].protection.locked is True
    assert any(
        '"Not started,In progress' in str(v.formula1) for v in data.data_validations.dataValidation
    )
    assert instructions.title == "Instructions"
    assert "How to fill in this file" in instructions["A1"].value


def test_the_csv_template_is_utf8_with_a_byte_order_mark_and_the_same_columns(client, world, erin):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    content = client.get(CSV).content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    xlsx = load_workbook(io.BytesIO(client.get(XLSX).content)).worksheets[0]
    assert rows[0] == [cell.value for cell in xlsx[1]]
    assert len(rows) == xlsx.max_row


def test_each_language_names_every_column_differently():
    """Reading maps a header to its column in either language: two columns that one language
    named alike could not be told apart."""
    from django.utils.translation import override

    from plantrack.progress.bulk.sheet import COLUMNS

    read = header_names()
    for language in ("en", "mn"):
        with override(language):
            names = [" ".join(str(c.header).split()).casefold() for c in COLUMNS]
        assert [read[name] for name in names] == [c.key for c in COLUMNS], (language, names)


def test_a_plan_manager_gets_every_tracked_live_item(client, sign_in, world, alice, vision):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    content = client.get(CSV).content.decode("utf-8-sig")
    codes = {row[0] for row in list(csv.reader(io.StringIO(content)))[1:]}
    live = Item.objects.filter(plan=vision, kind__in=Item.TRACKED_KINDS, retired_at__isnull=True)
    assert codes == set(live.values_list("code", flat=True))


def test_the_template_and_the_page_take_the_same_queries_for_few_items_or_many(
    client, world, erin, police, vision
):  # type: ignore[no-untyped-def]
    client.force_login(erin)

    def queries() -> tuple[int, int]:
        counts = []
        for url in (XLSX, PAGE):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts[0], counts[1]

    few = queries()
    for code in ("7.3.1", "7.3.2", "7.3.3", "7.3.4"):
        item = Item.objects.get(plan=vision, code=code)
        Responsibility.objects.create(item=item, organisation=police, role="partner")
        indicator = Indicator.objects.create(item=item, title_en="x", measured=True)
        indicator.dimensions.add(Dimension.objects.get(slug="sex"))
    assert queries() == few


# -- Sending a good file ----------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "template", "fill"), FORMATS)
def test_a_good_file_sends_a_report_for_every_row(
    client, english, world, trained, share, erin, activity, second, fmt, template, fill
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    events = Event.objects.count()
    data = fill(client.get(template).content, good(trained, share))
    preview = upload(client, data, f"progress.{fmt}")
    assert preview.status_code == 200, preview.context["check"].problems
    page = preview.content.decode()
    assert "Send 2 reports" in page and "A new report" in page
    assert not sent()  # a preview saves nothing
    response = client.post(CONFIRM, {"token": preview.context["token"]})
    assert response.status_code == 302
    # Then each row is a submitted report for the period, with its values
    first, other = sent()
    assert (first.item, first.state, first.period, first.status, first.progress) == (
        activity,
        "submitted",
        world,
        "in_progress",
        40,
    )
    assert (other.item, other.status, other.note) == (second, "delayed", "Budget not released.")
    values = {
        (m.indicator_id, m.dimension_value and m.dimension_value.slug): (
            m.value,
            m.numerator,
            m.denominator,
        )
        for m in Measurement.objects.filter(update=first)
    }
    assert values == {
        (trained.pk, None): (30, None, None),
        (trained.pk, "female"): (18, None, None),
        (trained.pk, "male"): (12, None, None),
        (share.pk, None): (75, 3, 4),
    }
    assert not Measurement.objects.filter(approved=True).exists()
    # each with its own (not public) history event; the items wait for approval
    assert Event.objects.count() == events + 2
    activity.refresh_from_db()
    assert activity.status == "not_started"
    assert "2 reports were sent" in client.get(response["Location"]).content.decode()


def test_headers_are_read_in_either_language_and_as_keys(client, world, trained, share, erin):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    data = client.get(f"/mn/plans/{VISION}/bulk/template.csv").content
    keyed = [["code", "period", "status", "progress", "note"]]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    period = rows[1][2]
    keyed.append(["7.3.8", period, "in_progress", "15", "Started."])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(keyed)
    for language, body in (("en", fill_csv(data, GOOD)), ("mn", buffer.getvalue().encode())):
        preview = upload(client, body, "p.csv", url=f"/{language}/plans/{VISION}/bulk/")
        assert preview.status_code == 200, preview.context["check"].problems
        assert preview.context["token"]


def test_a_csv_saved_by_excel_with_semicolons_in_windows_1251_is_read(
    client, english, world, erin, activity
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    rows = list(
        csv.reader(io.StringIO(fill_csv(client.get(CSV).content, GOOD).decode("utf-8-sig")))
    )
    rows[1][5] = "Камер суурилуулсан."  # Cyrillic that Windows-1251 holds
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    preview = upload(client, buffer.getvalue().encode("cp1251"), "progress.csv")
    assert preview.status_code == 200, preview.context["check"].problems
    assert preview.context["check"].format_name == "CSV, semicolon-separated"
    assert "read as Windows-1251" in preview.content.decode()
    client.post(CONFIRM, {"token": preview.context["token"]})
    assert ProgressUpdate.objects.get(item=activity).note == "Камер суурилуулсан."


# -- One bad row: nothing goes in ----------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "template", "fill"), FORMATS)
def test_a_file_with_one_bad_row_is_refused_whole_with_that_rows_error(
    client, english, world, trained, share, erin, fmt, template, fill
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    edits = good(trained, share)
    edits[("7.3.9", "", "")] = {"status": "Delayed", "progress": 150, "note": "Too much."}
    data = fill(client.get(template).content, edits)
    preview = upload(client, data, f"progress.{fmt}")
    assert preview.status_code == 400
    check = preview.context["check"]
    bad_row = next(r.number for r in check.rows if r.code == "7.3.9" and not r.measurement)
    assert [(row.number, row.errors) for row in check.problems] == [
        (bad_row, ["The progress is 150; it must be from 0 to 100."])
    ]
    page = preview.content.decode()
    assert f'<th scope="row">{bad_row}</th>' in page
    assert "1 row has a problem, so nothing in this file can be sent." in page
    assert not preview.context["token"] and "bulk/confirm" not in page
    assert not sent()


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        ({("7.3.8", "", ""): {"status": "Done-ish"}}, "“Done-ish” is not a status"),
        ({("7.3.8", "", ""): {"progress": "lots"}}, "The progress “lots” is not a number"),
        ({("7.3.8", "", ""): {"period": "1999-01-01/1999-03-31"}}, "is not a reporting period"),
        ({("7.3.8", "", ""): {"code": "9.9.9"}}, "There is no item with the code 9.9.9"),
        ({("7.3.8", "", ""): {"code": "7.3.9"}}, "is not the title of 7.3.9, so its code"),
        ({("7.3.8", "", ""): {"note": ""}}, "Write what was done in the period"),
        ({("7.3.8", "", ""): {"plan": "another-plan"}}, "This row is for the plan “another-plan”"),
        ({("7.3.8", "TRAINED", ""): {"value": "many"}}, "“many” is not a number"),
        ({("7.3.8", "TRAINED", ""): {"indicator_id": "999999"}}, "no indicator with the ID"),
        ({("7.3.8", "TRAINED", ""): {"indicator_id": "²"}}, "no indicator with the ID"),
        ({("7.3.8", "TRAINED", ""): {"indicator_id": "9" * 40}}, "no indicator with the ID"),
        ({("7.3.8", "TRAINED", ""): {"value": "1" + "0" * 400}}, "is not a number"),
        ({("7.3.8", "TRAINED", "sex/male"): {"breakdown_key": "age/old"}}, "not a breakdown"),
        ({("7.3.8", "SHARE", ""): {"denominator": 0}}, "The denominator must be more than 0."),
        ({("7.3.8", "SHARE", ""): {"numerator": ""}}, "give the numerator and the denominator"),
    ],
)
def test_each_kind_of_bad_row_is_named(
    client, english, world, trained, share, erin, edits, message
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    ids = {"TRAINED": str(trained.pk), "SHARE": str(share.pk)}
    wanted = good(trained, share)
    for (code, indicator, key), cells in edits.items():
        target = (code, ids.get(indicator, indicator), key)
        wanted[target] = {**wanted.get(target, {}), **cells}
    preview = upload(client, fill_csv(client.get(CSV).content, wanted), "p.csv")
    assert preview.status_code == 400
    errors = [e for row in preview.context["check"].problems for e in row.errors]
    assert any(message in error for error in errors), errors
    assert not sent()


def test_a_period_not_started_or_locked_takes_no_reports(client, english, world, erin, vision):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    data = client.get(CSV).content
    later = ReportingPeriod.objects.create(
        plan=vision,
        starts_on=world.ends_on + dt.timedelta(days=400),
        ends_on=world.ends_on + dt.timedelta(days=490),
        due_on=world.ends_on + dt.timedelta(days=520),
    )
    future = f"{later.starts_on.isoformat()}/{later.ends_on.isoformat()}"
    edits = {("7.3.8", "", ""): {**GOOD[("7.3.8", "", "")], "period": future}}
    preview = upload(client, fill_csv(data, edits), "p.csv")
    assert "has not started" in str(preview.context["check"].problems[0].errors)
    ReportingPeriod.objects.filter(pk=world.pk).update(locked_at=timezone.now())
    preview = upload(client, fill_csv(data, GOOD), "p.csv")
    assert "is locked" in str(preview.context["check"].problems[0].errors)
    assert not sent()


def test_levels_and_yes_no_are_read_by_their_names_in_either_language(
    client, english, world, activity, erin
):  # type: ignore[no-untyped-def]
    scale = [
        {"en": "Low", "mn": "Бага"},
        {"en": "Medium", "mn": "Дунд"},
        {"en": "High", "mn": "Их"},
    ]
    level = Indicator.objects.create(
        item=activity,
        position=5,
        title_en="Readiness",
        measured=True,
        kind="qualitative",
        scale=scale,
    )
    law = Indicator.objects.create(
        item=activity, position=6, title_en="Law passed", measured=True, kind="yes_no"
    )
    client.force_login(erin)
    data = client.get(CSV).content
    assert "one of: Low, Medium, High" in data.decode("utf-8-sig")
    edits = {
        **GOOD,
        ("7.3.8", str(level.pk), ""): {"value": "дунд"},
        ("7.3.8", str(law.pk), ""): {"value": "Yes"},
    }
    bad = {**edits, ("7.3.8", str(law.pk), ""): {"value": "perhaps"}}
    problems = upload(client, fill_csv(data, bad), "p.csv").context["check"].problems
    assert [e for row in problems for e in row.errors] == ["Write Yes or No, not “perhaps”."]
    token = upload(client, fill_csv(data, edits), "p.csv").context["token"]
    client.post(CONFIRM, {"token": token})
    values = dict(
        Measurement.objects.filter(update__item=activity).values_list("indicator_id", "value")
    )
    assert values == {level.pk: 1.0, law.pk: 1.0}


def test_rows_that_repeat_or_stand_alone_are_named(client, english, world, trained, share, erin):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    data = client.get(CSV).content
    period = f"{world.starts_on.isoformat()}/{world.ends_on.isoformat()}"
    extra = [
        {"code": "7.3.8", "period": period, "status": "Delayed", "progress": 5, "note": "Again."},
        {"code": "7.3.8", "period": period, "indicator_id": trained.pk, "value": 7},
    ]
    # 7.3.8 twice, and a value for 7.3.9
    other = Indicator.objects.create(
        item=Item.objects.get(code="7.3.9", plan=world.plan), measured=True
    )
    extra.append({"code": "7.3.9", "period": period, "indicator_id": other.pk, "value": 3})
    edits = {
        ("7.3.8", "", ""): GOOD[("7.3.8", "", "")],
        ("7.3.8", str(trained.pk), ""): {"value": 30},
    }
    problems = upload(client, fill_csv(data, edits, extra), "p.csv").context["check"].problems
    errors = " ".join(e for row in problems for e in row.errors)
    assert "7.3.8 already has a row for this period (row 2); keep one." in errors
    assert "already has a value on row" in errors
    # 7.3.9's row, left as it was, now reports a value: it needs what was done too
    assert "Write what was done in the period" in errors
    assert len(problems) == 3
    assert not sent()


def test_a_changed_row_on_a_report_waiting_for_approval_is_not_sent(
    client, english, world, erin, activity
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    data = client.get(CSV).content
    token = upload(client, fill_csv(data, GOOD), "p.csv").context["token"]
    client.post(CONFIRM, {"token": token})
    edits = {**GOOD, ("7.3.8", "", ""): {**GOOD[("7.3.8", "", "")], "progress": 45}}
    preview = upload(client, fill_csv(data, edits), "p.csv")
    assert preview.status_code == 400
    assert "7.3.8 already has a report on" in str(preview.context["check"].problems[0].errors)
    assert [u.progress for u in sent()] == [40, 10]


NASTY = [
    "",
    " ",
    "²",
    "١٢",
    "1e400",
    "nan",
    "-0",
    "-5",
    "1,5",
    "1 000",
    "=1+1",
    "None",
    "/",
    "sex/",
    "sex/female/x",
    "Yes",
    "тийм",
    "дунд",
    "\u202e40",
    "😀",
    "7.3.8",
    "x" * 5000,
    "2026-01-01",
    "0x10",
    "100%",
    "1.7976931348623157e309",
]


def test_any_cell_anywhere_gets_an_answer_never_an_error(client, world, trained, share, erin):  # type: ignore[no-untyped-def]
    import random

    client.force_login(erin)
    rows = list(
        csv.reader(
            io.StringIO(fill_csv(client.get(CSV).content, good(trained, share)).decode("utf-8-sig"))
        )
    )
    rng = random.Random(11)
    for _attempt in range(30):
        mutated = [list(row) for row in rows]
        for _cell in range(rng.randint(1, 4)):
            row = rng.randrange(1, len(mutated))
            mutated[row][rng.randrange(len(mutated[row]))] = rng.choice(NASTY)
        buffer = io.StringIO()
        csv.writer(buffer).writerows(mutated)
        response = upload(client, buffer.getvalue().encode("utf-8-sig"), "p.csv")
        assert response.status_code in (200, 400), mutated
    assert not sent()


def test_a_file_that_sends_more_reports_than_the_limit_is_refused_whole(
    client, english, world, erin, monkeypatch
):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("plantrack.progress.bulk.results.MAX_REPORTS", 1)
    client.force_login(erin)
    preview = upload(client, fill_csv(client.get(CSV).content, GOOD), "p.csv")
    assert preview.status_code == 400 and not preview.context["token"]
    assert "The file sends 2 reports; the limit is 1 in one file" in preview.content.decode()
    assert not sent()


# -- Whose items ----------------------------------------------------------------------------------


def test_a_reporter_cannot_report_on_another_organisations_item(
    client, english, world, trained, share, erin, foreign
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    data = client.get(CSV).content
    # Given Erin writes the other agency's item, and its indicator, into her file
    theirs = Indicator.objects.create(item=foreign, title_en="Roads", measured=True)
    period = f"{world.starts_on.isoformat()}/{world.ends_on.isoformat()}"
    extra = [
        {
            "code": "7.1.1",
            "period": period,
            "status": "Completed",
            "progress": 100,
            "note": "Done.",
        },
        {"code": "7.3.8", "period": period, "indicator_id": theirs.pk, "value": 5},
    ]
    preview = upload(client, fill_csv(data, good(trained, share), extra), "p.csv")
    # Then both rows are refused, and so is the whole file
    assert preview.status_code == 400
    problems = {row.code: row.errors for row in preview.context["check"].problems}
    assert problems["7.1.1"] == [
        "You do not report on 7.1.1: none of your organisations is responsible for it."
    ]
    assert "is not one of 7.3.8's indicators" in problems["7.3.8"][0]
    assert not preview.context["token"]
    assert not sent()
    foreign.refresh_from_db()
    assert foreign.status == "not_started"


@pytest.mark.parametrize("url", [PAGE, XLSX, CSV, CONFIRM])
def test_visitors_citizens_and_others_are_refused(client, sign_in, world, charlie, bob, url):  # type: ignore[no-untyped-def]
    # A visitor is sent to sign in
    assert client.get(url).status_code == 302
    assert "/accounts/sign-in/" in client.get(url)["Location"]
    # A citizen, and a manager of no plan, are refused, whatever they send
    for person in (charlie, bob):
        sign_in(client, person)
        assert client.get(url).status_code in (403, 405)
        assert (
            client.post(
                url, {"file": SimpleUploadedFile("p.csv", b"code\n"), "token": "x"}
            ).status_code
            == 403
        )
    assert not sent()


def test_a_retired_plan_takes_no_bulk_reports(client, world, erin, vision):  # type: ignore[no-untyped-def]
    Plan.objects.filter(pk=vision.pk).update(retired_at=timezone.now())
    client.force_login(erin)
    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403


# -- The confirmation token ------------------------------------------------------------------------


@pytest.fixture
def frank(db, police) -> User:  # type: ignore[no-untyped-def]
    """Frank reports for the same agency as Erin."""
    user = User.objects.create_user("frank@example.org", "pw-frank-1234", display_name="Frank")
    Membership.objects.create(user=user, organisation=police, role="reporter", state="active")
    return user


def test_a_confirm_token_works_only_for_its_person_and_plan(
    client, world, trained, share, erin, frank, dice, police
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    preview = upload(client, fill_csv(client.get(CSV).content, good(trained, share)), "p.csv")
    token = preview.context["token"]
    assert token
    # Frank, of the same agency, cannot send Erin's preview
    client.force_login(frank)
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 302 and not sent()
    # Erin cannot send it to another plan she reports on
    Responsibility.objects.create(
        item=Item.objects.get(plan=dice, code="1.1"), organisation=police, role="lead"
    )
    client.force_login(erin)
    response = client.post(f"/en/plans/{dice.slug}/bulk/confirm/", {"token": token})
    assert response.status_code == 302 and not sent()
    # A forged or altered token does nothing either
    assert client.post(CONFIRM, {"token": token[:-2] + "xx"}).status_code == 302
    assert not sent()
    # Her own, on its plan, sends
    client.post(CONFIRM, {"token": token})
    assert len(sent()) == 2


def test_the_same_file_sent_twice_is_recorded_once(client, english, world, trained, share, erin):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    data = fill_xlsx(client.get(XLSX).content, good(trained, share))
    token = upload(client, data).context["token"]
    client.post(CONFIRM, {"token": token})
    client.post(CONFIRM, {"token": token})  # a double click
    assert len(sent()) == 2
    # Uploading the same file again sends nothing: the reports are already waiting
    again = upload(client, data)
    assert again.status_code == 200
    assert not again.context["token"]
    page = again.content.decode()
    assert "Already sent with these figures; waiting for approval" in page
    assert "This file sends nothing" in page
    assert len(sent()) == 2


def test_a_refusal_while_sending_rolls_back_every_report(
    client, english, world, trained, share, erin, monkeypatch
):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from plantrack.progress.bulk import apply

    client.force_login(erin)
    events = Event.objects.count()
    data = fill_csv(client.get(CSV).content, good(trained, share))
    token = upload(client, data, "p.csv").context["token"]
    real_save = apply.progress_update_save

    def refuse_the_second(**arguments: Any) -> ProgressUpdate:
        if arguments["item"].code == "7.3.9":
            raise ValidationError("The period was locked a moment ago.")
        return real_save(**arguments)

    monkeypatch.setattr(apply, "progress_update_save", refuse_the_second)
    response = client.post(CONFIRM, {"token": token})
    # Then the first report, already written, is rolled back with its values and history
    assert not sent() and not Measurement.objects.exists()
    assert Event.objects.count() == events
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was sent: The period was locked a moment ago." in page
    # and the same preview can be confirmed once the problem is gone
    monkeypatch.setattr(apply, "progress_update_save", real_save)
    client.post(CONFIRM, {"token": token})
    assert len(sent()) == 2


def test_what_changed_since_the_preview_is_checked_again(
    client, english, world, trained, share, erin
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    token = upload(client, fill_csv(client.get(CSV).content, GOOD), "p.csv").context["token"]
    # The managers lock the period before Erin confirms
    ReportingPeriod.objects.filter(pk=world.pk).update(locked_at=timezone.now())
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 400
    assert "Something changed since you saw the preview" in response.content.decode()
    assert not sent()


# -- Disguised and oversized files -------------------------------------------------------------


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_zip_bomb(), "as in a ZIP bomb; the limit is 200 to 1"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "this is a program, not a spreadsheet"),
        (_docx(), "this ZIP file is not an XLSX workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "old Excel 97-2003 file"),
        (b"%PDF-1.7\n%...", "this is a PDF document, not a spreadsheet"),
        (b"\x00\x01\x02binary\x00", "neither an XLSX workbook nor CSV text"),
        (b"", "file is empty"),
    ],
)
def test_a_disguised_file_named_xlsx_is_refused_with_a_clear_message(
    client, english, world, erin, data, message
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    response = upload(client, data, "progress.xlsx")
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert any(message.casefold() in error.casefold() for error in errors), errors
    assert not sent()


def test_caps_on_size_rows_and_cells_are_named(client, english, world, erin, settings, monkeypatch):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    header = b"code,period,status,progress,note\n"
    settings.PLANTRACK_MAX_IMPORT_BYTES = 1000
    big = upload(client, header + b"x" * 2000, "p.csv")
    assert "the limit is 0" in file_errors(big)  # 1000 bytes in MB
    settings.PLANTRACK_MAX_IMPORT_BYTES = 10 * 1024 * 1024
    monkeypatch.setattr("plantrack.progress.bulk.reading.MAX_ROWS", 3)
    many = upload(client, header + b"7.3.8,x,y,1,z\n" * 5, "p.csv")
    assert "The sheet has more than 3 rows; the limit is 3 rows" in file_errors(many)
    long = upload(client, header + b'7.3.8,x,y,1,"' + b"z" * 20_000 + b'"\n', "p.csv")
    assert "Row 2: a cell holds more than 10,000 characters" in file_errors(long)
    unknown = upload(client, b"code,period,status,progress,note,colour\n7.3.8,a,b,1,c\n", "p.csv")
    assert "Row 1: the column “colour” is not one of the template's" in file_errors(unknown)
    assert not sent()


# -- Drafts, returns, corrections, managers ---------------------------------------------------


def test_a_plan_manager_sends_a_file_for_any_organisations_items(
    client, sign_in, english, world, alice, foreign, activity, police
):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    edits = {
        ("7.1.1", "", ""): {"status": "In progress", "progress": 5, "note": "Surveyed."},
        ("7.3.8", "", ""): GOOD[("7.3.8", "", "")],
    }
    preview = upload(client, fill_csv(client.get(CSV).content, edits), "p.csv")
    assert preview.status_code == 200, preview.context["check"].problems
    client.post(CONFIRM, {"token": preview.context["token"]})
    updates = {u.item.code: u for u in sent()}
    assert set(updates) == {"7.1.1", "7.3.8"}
    assert updates["7.3.8"].organisation == police
    assert updates["7.1.1"].author == alice and updates["7.1.1"].state == "submitted"


def test_a_returned_report_is_corrected_and_sent_again(
    client, sign_in, english, world, trained, share, erin, alice, activity
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    token = upload(client, fill_xlsx(client.get(XLSX).content, good(trained, share))).context[
        "token"
    ]
    client.post(CONFIRM, {"token": token})
    first = ProgressUpdate.objects.get(item=activity)
    returned = progress_services.progress_update_review(
        update=first, by=alice, approve=False, note="Count again."
    )
    # The template comes back with the returned report's figures
    data = client.get(CSV).content
    assert "Cameras installed." in data.decode("utf-8-sig")
    edits = {
        ("7.3.8", str(trained.pk), ""): {"value": 31},
        ("7.3.8", str(trained.pk), "sex/female"): {"value": 19},
    }
    preview = upload(client, fill_csv(data, edits), "p.csv")
    assert preview.status_code == 200, preview.context["check"].problems
    assert "Sends the returned report again" in preview.content.decode()
    client.post(CONFIRM, {"token": preview.context["token"]})
    first.refresh_from_db()
    assert first.state == "submitted" and first.version == returned.version + 1
    assert ProgressUpdate.objects.filter(item=activity).count() == 1
    female = Measurement.objects.get(
        update=first, indicator=trained, dimension_value__slug="female"
    )
    assert female.value == 19


def test_an_unchanged_draft_is_sent_as_it_is(client, english, world, erin, activity):  # type: ignore[no-untyped-def]
    draft = progress_services.progress_update_save(
        item=activity,
        by=erin,
        period=world,
        status="in_progress",
        progress=20,
        note="Half the cameras.",
        submit=False,
    )
    client.force_login(erin)
    preview = upload(client, client.get(CSV).content, "p.csv")
    assert "Sends your saved draft" in preview.content.decode()
    client.post(CONFIRM, {"token": preview.context["token"]})
    draft.refresh_from_db()
    assert draft.state == "submitted"


def test_a_manager_cannot_change_a_reporters_draft_by_file(
    client, sign_in, english, world, erin, alice, activity
):  # type: ignore[no-untyped-def]
    progress_services.progress_update_save(
        item=activity,
        by=erin,
        period=world,
        status="in_progress",
        progress=20,
        note="Half the cameras.",
        submit=False,
    )
    sign_in(client, alice)
    edits = {("7.3.8", "", ""): {"progress": 25}}
    preview = upload(client, fill_csv(client.get(CSV).content, edits), "p.csv")
    assert preview.status_code == 400
    assert "that you may not change" in str(preview.context["check"].problems[0].errors)
    assert ProgressUpdate.objects.get(item=activity).state == "draft"


def test_the_workflows_rules_are_shown_per_row(client, english, world, trained, share, erin):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    edits = good(trained, share)
    edits[("7.3.8", str(trained.pk), "sex/female")] = {"value": 10}  # 10 + 12 is not 30
    edits[("7.3.9", "", "")] = {"status": "Completed", "progress": 80, "note": "Done."}
    preview = upload(client, fill_csv(client.get(CSV).content, edits), "p.csv")
    errors = {row.code: " ".join(row.errors) for row in preview.context["check"].problems}
    assert "add up to 22, not the total 30" in errors["7.3.8"]
    assert "A completed item is at 100 %" in errors["7.3.9"]
    assert not sent()


def test_a_report_on_an_approved_period_is_a_correction(
    client, english, world, erin, alice, activity
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    data = client.get(CSV).content
    client.post(CONFIRM, {"token": upload(client, fill_csv(data, GOOD), "p.csv").context["token"]})
    for update in sent():
        progress_services.progress_update_review(update=update, by=alice, approve=True)
    edits = {("7.3.8", "", ""): {"status": "In progress", "progress": 60, "note": "More cameras."}}
    preview = upload(client, fill_csv(client.get(CSV).content, edits), "p.csv")
    assert "Corrects the approved report of this period" in preview.content.decode()
    client.post(CONFIRM, {"token": preview.context["token"]})
    assert [u.state for u in sent()] == ["approved", "approved", "submitted"]


# -- Accessibility --------------------------------------------------------------------------------
# The upload page (with a refused file too) and the preview (with problems, and ready to send),
# rendered by the test client and loaded into Debian's Chromium with the site's style sheet.

CHROMIUM = Path("/usr/bin/chromium")
CSS = Path(plantrack.__file__).resolve().parent / "static" / "plantrack" / "site.css"
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _pages(client: Any, language: str, trained: Any, share: Any) -> dict[str, str]:
    page = f"/{language}/plans/vision-2050-goal-7/bulk/"
    template = client.get(CSV.replace("/en/", f"/{language}/")).content
    bad = dict(good(trained, share))
    bad[("7.3.9", "", "")] = {**GOOD[("7.3.9", "", "")], "progress": 150}
    pages = {
        "upload": client.get(page),
        "refused": client.post(page, {"file": SimpleUploadedFile("p.xlsx", b"MZ\x00\x00")}),
        "problems": client.post(
            page, {"file": SimpleUploadedFile("p.csv", fill_csv(template, bad))}
        ),
        "ready": client.post(
            page, {"file": SimpleUploadedFile("p.csv", fill_csv(template, good(trained, share)))}
        ),
    }
    assert pages["ready"].context["token"] and pages["problems"].context["check"].problems
    return {name: response.content.decode() for name, response in pages.items()}


@pytest.mark.browser
def test_the_bulk_pages_pass_axe_in_both_languages(client, world, trained, share, erin):  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        missing_part("Chromium not found at /usr/bin/chromium: browser test")
    client.force_login(erin)
    html = {
        f"{name}-{language}": text
        for language in ("mn", "en")
        for name, text in _pages(client, language, trained, share).items()
    }
    style = f"<style>{CSS.read_text()}</style></head>"
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        page = browser.new_page()
        for name, text in html.items():
            page.set_content(text.replace("</head>", style, 1))
            violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
            problems += [
                f"{name}: {v['id']} {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
                for v in violations
            ]
            if page.locator("h1").count() != 1:
                problems.append(f"{name}: not exactly one <h1>")
        browser.close()
    assert not problems, "\n".join(problems)
