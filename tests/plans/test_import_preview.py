"""The preview the user steers: levels' kinds, table columns and plan details chosen on the
page, read again, confirmed; the mapping saved with the plan; bad choices are field errors."""

from __future__ import annotations

import io
import re

import pytest
from django.core import signing
from django.utils import translation

from plantrack.plans.models import Item, Plan
from plantrack.plans.views import _SALT

OUTLINE = b"""# Open Data Action Plan 2023-2025

1. Open data

1.1 Publish budgets

1.2 Publish contracts

2. Participation

2.1 Hold hearings
"""
TABLE = b"""# Open Contracting Roadmap 2024

| No. | Action | Responsible | Deadline |
|---|---|---|---|
| 1 | Publish budgets | Ministry of Finance | 2024 |
| 2 | Publish contracts | Ministry of Finance | 2025 |
| 3 | Hold hearings | Parliament | 2023 |
"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def manager(client, bob, sign_in):  # type: ignore[no-untyped-def]
    sign_in(client, bob)
    return client


def _upload(client, data: bytes, name: str = "plan.md", slug: str = ""):  # type: ignore[no-untyped-def]
    handle = io.BytesIO(data)
    handle.name = name
    return client.post("/en/plans/import/", {"file": handle, "slug": slug})


def _choices(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What the mapping form posts as shown: every field with its shown value."""
    form = response.context["mapping_form"]
    data = {"token": response.context["token"]}
    for field in form:
        value = field.value()
        data[field.name] = "" if value is None else str(value)
    return data


def _reread(client, response, **changes: str):  # type: ignore[no-untyped-def]
    return client.post("/en/plans/import/reread/", {**_choices(response), **changes})


def _confirm(client, response, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/en/plans/import/confirm/", {"token": response.context["token"], **extra})


def test_the_preview_offers_a_labelled_kind_for_every_level_and_the_plan_details(manager):  # type: ignore[no-untyped-def]
    response = _upload(manager, OUTLINE)
    assert response.status_code == 200
    page = response.content.decode()
    form = response.context["mapping_form"]
    assert [f.name for f in form.level_fields()] == ["level_0", "level_1"]
    assert [f.value() for f in form.level_fields()] == ["section", "activity"]
    assert '<label for="id_level_0">' in page and '<select name="level_0"' in page
    assert re.search(r'<option value="recommendation"', page)
    assert form["title"].value() == "Open Data Action Plan 2023-2025"
    assert (form["start_year"].value(), form["end_year"].value()) == (2023, 2025)
    assert form.column_fields() == []  # a text outline has no columns
    assert "import-target" in page and response.context["result"].plan_created


def test_a_kind_chosen_in_the_preview_is_read_again_confirmed_and_stored(manager):  # type: ignore[no-untyped-def]
    first = _upload(manager, OUTLINE)
    second = _reread(manager, first, level_0="goal", level_1="recommendation")
    assert second.status_code == 200
    kinds = {item.code: item.kind for item in second.context["parsed"].items}
    assert kinds == {
        "1": "goal",
        "1.1": "recommendation",
        "1.2": "recommendation",
        "2": "goal",
        "2.1": "recommendation",
    }
    assert [f.value() for f in second.context["mapping_form"].level_fields()] == [
        "goal",
        "recommendation",
    ]
    response = _confirm(manager, second)
    assert response.status_code == 302
    plan = Plan.objects.get(slug="open-data-action-plan-2023-2025")
    stored = dict(Item.objects.filter(plan=plan).values_list("code", "kind"))
    assert stored == kinds
    assert plan.import_mapping["levels"] == {"0:decimal.": "goal", "1:dotted2": "recommendation"}
    # Details left as read stay out of the mapping: the next version gives its own.
    assert "plan" not in plan.import_mapping


def test_the_stored_mapping_reads_the_next_version_of_the_document(manager):  # type: ignore[no-untyped-def]
    first = _upload(manager, OUTLINE)
    _confirm(manager, _reread(manager, first, level_0="goal", level_1="recommendation"))
    newer = OUTLINE + b"\n2.2 Train officials\n"
    preview = _upload(manager, newer)
    assert not preview.context["result"].plan_created
    assert preview.context["parsed"].count("recommendation") == 4
    assert [f.value() for f in preview.context["mapping_form"].level_fields()] == [
        "goal",
        "recommendation",
    ]
    _confirm(manager, preview)
    assert Item.objects.get(plan__slug="open-data-action-plan-2023-2025", code="2.2").kind == (
        "recommendation"
    )


def test_changed_plan_details_go_into_the_mapping_and_the_plan(manager):  # type: ignore[no-untyped-def]
    first = _upload(manager, OUTLINE)
    second = _reread(
        manager,
        first,
        title="Open Data Plan",
        short_name="odp",
        issuer="Cabinet Secretariat",
        adopted_on="2023-02-01",
        start_year="2023",
        end_year="2026",
    )
    assert second.context["result"].plan.slug == "odp"
    _confirm(manager, second)
    plan = Plan.objects.get(slug="odp")
    assert (plan.title_en, plan.issuer, str(plan.adopted_on), plan.end_year) == (
        "Open Data Plan",
        "Cabinet Secretariat",
        "2023-02-01",
        2026,
    )
    assert plan.import_mapping["plan"]["title"] == "Open Data Plan"
    assert plan.import_mapping["plan"]["period"] == [2023, 2026]


def test_a_table_offers_its_header_cells_per_role_and_reads_the_column_chosen(manager):  # type: ignore[no-untyped-def]
    first = _upload(manager, TABLE)
    form = first.context["mapping_form"]
    assert [f.name for f in form.column_fields()] == [
        "column_code",
        "column_title",
        "column_description",
        "column_indicators",
        "column_organisations",
        "column_deadline",
    ]
    assert form["column_title"].value() == "1"
    assert "Column 2: Action" in first.content.decode()
    # The title column is now the responsible body's; the action becomes the description.
    second = _reread(
        manager, first, column_title="2", column_organisations="", column_description="1"
    )
    assert second.status_code == 200
    assert [i.title for i in second.context["parsed"].items][:2] == ["Ministry of Finance"] * 2
    _confirm(manager, second)
    plan = Plan.objects.get(slug=second.context["result"].plan.slug)
    assert plan.import_mapping["columns"]["title"] == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"level_0": "galaxy"}, "level_0"),
        ({"level_1": ""}, "level_1"),
        ({"adopted_on": "2023-02-30"}, "adopted_on"),
        ({"adopted_on": "yesterday"}, "adopted_on"),
        ({"start_year": "2030", "end_year": "2020"}, "end_year"),
        ({"start_year": "99999"}, "start_year"),
        ({"short_name": "---"}, "short_name"),
        ({"title": "x" * 500}, "title"),
    ],
)
def test_a_bad_choice_is_an_error_on_its_field_and_writes_nothing(manager, changes, field):  # type: ignore[no-untyped-def]
    plans = Plan.objects.count()
    first = _upload(manager, OUTLINE)
    response = _reread(manager, first, **changes)
    assert response.status_code == 200
    form = response.context["mapping_form"]
    assert field in form.errors
    page = response.content.decode()
    assert 'id="error-summary"' in page and f'href="#id_{field}"' in page
    assert Plan.objects.count() == plans
    # The page still offers a working preview: confirming imports what it showed.
    assert _confirm(manager, response).status_code == 302
    assert Plan.objects.count() == plans + 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"column_code": "9"}, "column_code"),  # the table has four columns
        ({"column_title": "-1"}, "column_title"),
        ({"column_code": ""}, "column_code"),  # the code column is required
        ({"column_title": "0"}, "column_title"),  # column 1 already holds the code
    ],
)
def test_a_bad_column_is_an_error_on_its_field(manager, changes, field):  # type: ignore[no-untyped-def]
    first = _upload(manager, TABLE)
    response = _reread(manager, first, **changes)
    assert response.status_code == 200
    assert list(response.context["mapping_form"].errors) == [field]


def test_a_reread_with_a_forged_or_expired_token_reads_nothing(manager, bob, charlie, client):  # type: ignore[no-untyped-def]
    first = _upload(manager, OUTLINE)
    data = _choices(first)
    data["token"] = signing.dumps({"file": "../../etc/passwd", "user": bob.pk}, salt=_SALT)
    response = manager.post("/en/plans/import/reread/", data)
    assert response.status_code == 302 and response["Location"].endswith("/plans/import/")
    data["token"] = "not-a-token"
    assert manager.post("/en/plans/import/reread/", data).status_code == 302


def test_the_mapping_form_speaks_english_and_mongolian(manager):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        page = _upload(manager, OUTLINE).content.decode()
    assert "Read again with these choices" in page and "Level 1" in page
    page = manager.post(
        "/mn/plans/import/", {"file": io.BytesIO(OUTLINE), "slug": ""}
    ).content.decode()
    assert 'name="level_0"' in page
