"""The import service: idempotent re-import, in-place updates, all-or-nothing writes."""

from __future__ import annotations

import pytest
from django.db import connection

from plantrack.organisations.models import Organisation
from plantrack.plans.demo import SEED_DIR
from plantrack.plans.importers.base import ImportRefused, ParsedItem
from plantrack.plans.models import Item, Plan, Responsibility
from plantrack.plans.seedfiles import read_seed
from plantrack.plans.services import plan_import
from plantrack.progress.models import Indicator


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """These tests check the English messages (the Mongolian ones are in the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


VISION = SEED_DIR / "000_9b10a168590abdd1.txt"
RECOMMENDATIONS = SEED_DIR / "001_2125384cf4ad98ca.txt"
DICE = SEED_DIR / "002_99bd07660585a0bf.txt"


def _snapshot() -> dict[str, list[tuple]]:
    return {
        "plans": list(Plan.objects.order_by("pk").values_list()),
        "items": list(Item.objects.order_by("pk").values_list()),
        "responsibilities": list(Responsibility.objects.order_by("pk").values_list()),
        "organisations": list(Organisation.objects.order_by("pk").values_list()),
        "indicators": list(Indicator.objects.order_by("pk").values_list()),
    }


@pytest.mark.parametrize(
    ("seed", "slug", "counts"),
    [
        (
            VISION,
            "vision-2050-goal-7",
            {"goal": 1, "objective": 5, "stage": 15, "expected_result": 53, "activity": 116},
        ),
        (RECOMMENDATIONS, "law-enforcement-cooperation-2015", {"section": 7, "recommendation": 50}),
        (DICE, "dice-inclusive-digitalization-roadmap", {"area": 5, "activity": 55}),
    ],
)
def test_the_seed_plans_are_stored_with_the_exact_counts(db, seed, slug, counts):  # type: ignore[no-untyped-def]
    parsed = read_seed(seed)
    assert parsed.short_name == slug
    assert {kind: parsed.count(kind) for kind in counts} == counts
    plan = Plan.objects.get(slug=slug)
    stored = {kind: Item.objects.filter(plan=plan, kind=kind).count() for kind in counts}
    assert stored == counts
    assert Item.objects.filter(plan=plan).count() == sum(counts.values())
    assert sorted(Item.objects.filter(plan=plan).values_list("code", flat=True)) == sorted(
        item.code for item in parsed.items
    )


@pytest.mark.parametrize("seed", [VISION, RECOMMENDATIONS, DICE])
def test_importing_a_seed_again_changes_nothing(db, seed):  # type: ignore[no-untyped-def]
    before = _snapshot()
    result = plan_import(parsed=read_seed(seed), system=True)
    assert (result.created, result.changed) == (0, 0)
    assert result.summary().startswith("0 created, 0 changed")
    after = _snapshot()
    # Only the plan's updated_at may move; every item, link and indicator is untouched.
    assert after["items"] == before["items"]
    assert after["responsibilities"] == before["responsibilities"]
    assert after["indicators"] == before["indicators"]
    assert after["organisations"] == before["organisations"]


def test_an_edited_file_updates_items_in_place_matched_by_code(db, vision):  # type: ignore[no-untyped-def]
    activity = Item.objects.get(plan=vision, code="7.3.13")
    parsed = read_seed(VISION)
    for item in parsed.items:
        if item.code == "7.3.13":
            item.title = "Equip special task-force agencies with drug detection tools."
    parsed.items.append(
        ParsedItem(code="7.3.26", kind="activity", parent_code="7.3", title="A new activity.")
    )
    result = plan_import(parsed=parsed, system=True)
    assert (result.created, result.changed) == (1, 1)
    assert result.changes == ["7.3.13: title_en changed"]
    activity.refresh_from_db()
    assert activity.title_en == "Equip special task-force agencies with drug detection tools."
    assert activity.version == 2
    new = Item.objects.get(plan=vision, code="7.3.26")
    assert new.parent.code == "7.3"
    assert new.path > Item.objects.get(plan=vision, code="7.3.25").path


def test_reordered_items_get_new_paths_without_clashing(db, vision):  # type: ignore[no-untyped-def]
    parsed = read_seed(VISION)
    activities = [i for i in parsed.items if i.parent_code == "7.1" and i.kind == "activity"]
    first, second = activities[0], activities[1]
    a, b = parsed.items.index(first), parsed.items.index(second)
    parsed.items[a], parsed.items[b] = second, first
    plan_import(parsed=parsed, system=True)
    assert (
        Item.objects.get(plan=vision, code="7.1.2").path
        < Item.objects.get(plan=vision, code="7.1.1").path
    )


def test_dice_stakeholders_are_one_organisation_per_body(db, dice):  # type: ignore[no-untyped-def]
    mddic = Organisation.objects.get(acronym="MDDIC")
    assert Responsibility.objects.filter(item__plan=dice, organisation=mddic).count() >= 10
    names = list(Organisation.objects.values_list("name_en", flat=True))
    assert len(names) == len(set(names))
    assert not Organisation.objects.filter(name_en__contains="&amp;").exists()


def test_dice_activity_indicators_are_separate_entries(db, dice):  # type: ignore[no-untyped-def]
    activity = Item.objects.get(plan=dice, code="1.4")
    indicators = list(activity.indicators.values_list("title_en", flat=True))
    assert len(indicators) == 5
    assert all("<" not in text and "&amp;" not in text for text in indicators)


def test_an_import_that_fails_halfway_leaves_the_database_unchanged(db, monkeypatch):  # type: ignore[no-untyped-def]
    # Given a new plan whose import breaks after its items are written
    before = _snapshot()
    parsed = read_seed(DICE)
    parsed.short_name = "broken-copy"

    def explode(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr("plantrack.plans.services._apply_links", explode)
    # When it runs
    with pytest.raises(RuntimeError):
        plan_import(parsed=parsed, system=True)
    # Then nothing of it was kept: no plan, no items, no organisations
    assert _snapshot() == before


def test_an_import_with_a_bad_row_is_refused_before_anything_is_written(db):  # type: ignore[no-untyped-def]
    before = _snapshot()
    parsed = read_seed(RECOMMENDATIONS)
    parsed.short_name = "another"
    parsed.items.append(ParsedItem(code="9.1", kind="recommendation", parent_code="9", title="x"))
    with pytest.raises(ImportRefused, match="names parent '9'"):
        plan_import(parsed=parsed, system=True)
    assert _snapshot() == before


def test_a_dry_run_reports_the_changes_and_saves_nothing(db):  # type: ignore[no-untyped-def]
    before = _snapshot()
    parsed = read_seed(DICE)
    parsed.short_name = "dice-preview"
    result = plan_import(parsed=parsed, dry_run=True, system=True)
    assert result.created == 60
    assert result.plan_created
    assert _snapshot() == before


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(db):  # type: ignore[no-untyped-def]
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only check; this run uses " + connection.vendor)
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
