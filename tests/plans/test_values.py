"""Bad values (nan weights, absurd years, NUL characters, deep trees) are refused clearly.

Each is refused with a message naming the problem and nothing is written, on
SQLite and on PostgreSQL alike, whether it comes through the template import or
through the edit forms.
"""

from __future__ import annotations

import pytest

from plantrack.plans.importers.base import ImportRefused, ParsedItem, ParsedResponsibility
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Item, Plan
from plantrack.plans.services import plan_import
from plantrack.plans.validation import MAX_DEPTH, validate_parsed_item, validate_parsed_plan


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """The refusals are checked in English (the Mongolian ones are in the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


HEAD = "# title: Bad values\n# short_name: bad-values\n"
COLUMNS = "code,parent_code,kind,title,body,start_year,end_year,weight\n"
GOOD_ROW = "1,,objective,Safer streets,,2025,2026,1\n"


def _csv(row: str, head: str = HEAD) -> bytes:
    return (head + COLUMNS + GOOD_ROW + row).encode()


BAD_ROWS = {
    "weight nan": ("1.1,1,activity,Lights,,,,nan\n", "weight"),
    "weight -1": ("1.1,1,activity,Lights,,,,-1\n", "weight"),
    "weight inf": ("1.1,1,activity,Lights,,,,inf\n", "weight"),
    "start_year inf": ("1.1,1,activity,Lights,,inf,,\n", "start_year"),
    "start_year 1e30": ("1.1,1,activity,Lights,,1e30,,\n", "year"),
    "end_year 70000": ("1.1,1,activity,Lights,,,70000,\n", "year"),
    "end before start": ("1.1,1,activity,Lights,,2030,2020,\n", "before it starts"),
    # Past the first 8 KB, which the binary-file sniffing reads.
    "NUL in a title past 8 KB": (
        "1.0,1,activity,Pad," + "x" * 9000 + ",,,\n1.1,1,activity,Li\x00ghts,,,,\n",
        "NUL",
    ),
    "NUL in a body": ("1.1,1,activity,Lights," + "y" * 9000 + "\x00,,,\n", "NUL"),
}


def _refusal(data: bytes) -> str:
    with pytest.raises(ImportRefused) as caught:
        plan_import(parsed=parse_bytes(data), system=True)
    return str(caught.value)


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_an_import_with_a_bad_value_is_refused_with_its_line_and_writes_nothing(db, case):  # type: ignore[no-untyped-def]
    row, word = BAD_ROWS[case]
    plans, items = Plan.objects.count(), Item.objects.count()
    message = _refusal(_csv(row))
    line = 4 + row.count("\n")  # two plan lines, the header, one good row
    assert message.startswith(f"line {line}:") and word in message, message
    assert (Plan.objects.count(), Item.objects.count()) == (plans, items)


@pytest.mark.parametrize("value", ["inf", "1e30", "70000", "1066"])
def test_a_plan_year_out_of_range_is_refused(db, value):  # type: ignore[no-untyped-def]
    head = HEAD + f"# start_year: {value}\n"
    message = _refusal(_csv("", head=head))
    assert "year" in message, message
    assert not Plan.objects.filter(slug="bad-values").exists()


def test_an_organisation_name_too_long_for_its_column_is_refused(db):  # type: ignore[no-untyped-def]
    data = HEAD + "code,kind,title,organisations\n" + "1,activity,Lights," + "A" * 301 + "\n"
    message = _refusal(data.encode())
    assert message.startswith("line 4:") and "name" in message and "limit is 300" in message
    assert not Plan.objects.filter(slug="bad-values").exists()


def test_an_acronym_too_long_for_its_column_is_refused():
    item = ParsedItem(code="1", kind="activity", title="Lights", source_line=9)
    item.responsibilities = [ParsedResponsibility(organisation="Police", acronym="P" * 41)]
    with pytest.raises(ImportRefused, match=r"line 9: .*acronym.*limit is 40"):
        validate_parsed_item(item)


def test_a_list_of_languages_too_long_for_its_column_is_refused(db):  # type: ignore[no-untyped-def]
    message = _refusal(_csv("", head=HEAD + "# languages: " + ",".join(["en"] * 11) + "\n"))
    assert "languages" in message and "limit is 20" in message, message


def _chain(levels: int) -> bytes:
    rows = ["c1,,section,Level 1"]
    rows += [f"c{n},c{n - 1},section,Level {n}" for n in range(2, levels + 1)]
    return (HEAD + "code,parent_code,kind,title\n" + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 43, 1500])
def test_an_import_nested_too_deep_is_refused_naming_the_limit(db, levels):  # type: ignore[no-untyped-def]
    message = _refusal(_chain(levels))
    assert f"nested {MAX_DEPTH + 1} levels deep; the limit is {MAX_DEPTH}" in message, message
    assert not Plan.objects.filter(slug="bad-values").exists()


def test_an_import_at_the_depth_limit_is_accepted(db):  # type: ignore[no-untyped-def]
    result = plan_import(parsed=parse_bytes(_chain(MAX_DEPTH)), system=True)
    assert result.created == MAX_DEPTH


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_the_shared_validation_refuses_each_bad_value(case):  # type: ignore[no-untyped-def]
    row, word = BAD_ROWS[case]
    if "inf" in row.split(",")[5]:
        pytest.skip("an infinite year is refused by the parser itself")
    with pytest.raises(ImportRefused, match=word):
        validate_parsed_plan(parse_bytes(_csv(row)))


def test_the_shared_validation_refuses_a_deep_chain_naming_the_limit():
    with pytest.raises(ImportRefused, match=f"the limit is {MAX_DEPTH}"):
        validate_parsed_plan(parse_bytes(_chain(1500)))


# -- the edit forms --------------------------------------------------------------------

EDIT_URL = "/en/plans/vision-2050-goal-7/items/7.3.13/edit/"
PLAN_EDIT_URL = "/en/plans/vision-2050-goal-7/edit/"


def _item_form(item: Item, **changes: object) -> dict:
    data = {
        "title_en": item.title_en,
        "title_mn": item.title_mn,
        "status": item.status,
        "progress": "" if item.progress is None else item.progress,
        "weight": item.weight,
        "version": item.version,
    }
    data.update(changes)
    return data


ITEM_CHANGES = [
    {"weight": "nan"},
    {"weight": "-1"},
    {"weight": "inf"},
    {"start_year": "inf"},
    {"start_year": "1e30"},
    {"start_year": "70000"},
    {"end_year": "1066"},
    {"title_en": "Li\x00ghts"},
    {"body_en": "x" * 9000 + "\x00"},
]


@pytest.mark.parametrize("changes", ITEM_CHANGES, ids=lambda c: repr(c)[:30])
def test_the_item_form_refuses_a_bad_value_and_changes_nothing(
    sign_in, client, vision, alice, changes
):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    item = Item.objects.get(plan=vision, code="7.3.13")
    before = (item.weight, item.start_year, item.end_year, item.title_en, item.version)
    response = client.post(EDIT_URL, _item_form(item, **changes))
    assert response.status_code == 200
    field = next(iter(changes))
    assert response.context["form"].errors.get(field), response.context["form"].errors
    item.refresh_from_db()
    assert (item.weight, item.start_year, item.end_year, item.title_en, item.version) == before


def _plan_form(plan: Plan, **changes: object) -> dict:
    data = {
        "title_en": plan.title_en,
        "title_mn": plan.title_mn,
        "short_name": plan.short_name,
        "issuer": plan.issuer,
        "start_year": plan.start_year or "",
        "end_year": plan.end_year or "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("changes", ITEM_CHANGES[3:8], ids=lambda c: repr(c)[:30])
def test_the_plan_form_refuses_a_bad_year_or_nul_and_changes_nothing(
    sign_in, client, vision, alice, changes
):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    before = Plan.objects.filter(pk=vision.pk).values().get()
    response = client.post(PLAN_EDIT_URL, _plan_form(vision, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors.get(next(iter(changes)))
    assert Plan.objects.filter(pk=vision.pk).values().get() == before


def test_the_item_service_refuses_a_nan_weight_from_any_caller(vision, alice):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from plantrack.plans.services import item_update

    item = Item.objects.get(plan=vision, code="7.3.13")
    with pytest.raises(ValidationError, match="weight"):
        item_update(item=item, version=item.version, values={"weight": float("nan")}, by=alice)
    item.refresh_from_db()
    assert item.weight == 1.0


def test_the_item_form_tells_the_browser_the_year_and_weight_ranges(vision):  # type: ignore[no-untyped-def]
    from plantrack.plans.forms import ItemForm

    form = ItemForm(instance=Item.objects.get(plan=vision, code="7.3.13"))
    assert 'min="1900" max="2200"' in str(form["start_year"])
    assert 'min="1900" max="2200"' in str(form["end_year"])
    assert 'min="0" max="1000"' in str(form["weight"])


def test_a_plan_that_ends_before_it_starts_is_refused_before_anything_is_written(db):  # type: ignore[no-untyped-def]
    head = HEAD + "# start_year: 2030\n# end_year: 2020\n"
    message = _refusal(_csv("", head=head))
    assert "before it starts" in message, message
    assert not Plan.objects.filter(slug="bad-values").exists()
