"""Indicator services: who may define, change, retire, delete and set up indicators and set
their targets (every role, checked by what changed in the database, with other plans' ids
too), the rules on their definitions, and one history event per change."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plantrack.history.models import Event
from plantrack.plans.models import Item
from plantrack.progress import indicators as services
from plantrack.progress.actuals import actuals_for, indicator_actuals_recompute
from plantrack.progress.dimensions import dimension_delete, dimension_save
from plantrack.progress.indicator_checks import MAX_SCALE_LEVELS, MAX_SETUP_ROWS
from plantrack.progress.models import (
    Dimension,
    DimensionValue,
    Indicator,
    IndicatorTarget,
    ProgressUpdate,
)

from . import roles
from .indicator_helpers import indicator, quarter, report
from .roles import MANAGES_VISION, ROLES

people = roles.people  # the fixture, used by name

pytestmark = pytest.mark.django_db

INDICATOR = "progress.indicator"
TRAINED = {"title_en": "People trained", "kind": "quantitative", "unit": "people"}


def _events(obj: Indicator) -> list[Event]:
    return list(Event.objects.filter(object_type=INDICATOR, object_id=str(obj.pk)).order_by("seq"))


@pytest.fixture
def dice_indicator(dice) -> Indicator:  # type: ignore[no-untyped-def]
    """A text-only indicator imported with the DICE roadmap (another plan than Alice's)."""
    return Indicator.objects.filter(item__plan=dice).order_by("pk").first()


# -- Who may: every role, by effect ---------------------------------------------------------------


def _attempt(allowed: bool, call) -> None:  # type: ignore[no-untyped-def]
    if allowed:
        call()
    else:
        with pytest.raises(PermissionDenied):
            call()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_plans_managers_and_site_admins_add_indicators(activity, people, role):  # type: ignore[no-untyped-def]
    before = activity.indicators.count()
    _attempt(
        role in MANAGES_VISION,
        lambda: services.indicator_create(item=activity, by=people[role], values=TRAINED),
    )
    assert activity.indicators.count() == before + (role in MANAGES_VISION)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_plans_managers_and_site_admins_change_indicators(activity, people, role):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    _attempt(
        role in MANAGES_VISION,
        lambda: services.indicator_update(
            indicator=trained, by=people[role], version=1, values={"unit": "officers"}
        ),
    )
    trained.refresh_from_db()
    assert trained.unit == ("officers" if role in MANAGES_VISION else "")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_plans_managers_and_site_admins_set_targets(activity, people, role):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    period = quarter(activity.plan, 2026, 1)
    _attempt(
        role in MANAGES_VISION,
        lambda: services.indicator_targets_set(
            indicator=trained, by=people[role], targets={period.pk: 40}
        ),
    )
    assert IndicatorTarget.objects.filter(indicator=trained).count() == (role in MANAGES_VISION)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_plans_managers_and_site_admins_retire_and_delete(activity, people, role):  # type: ignore[no-untyped-def]
    kept, gone = indicator(activity), indicator(activity, title_en="Mistake")
    allowed = role in MANAGES_VISION
    _attempt(
        allowed,
        lambda: services.indicator_retire(
            indicator=kept, by=people[role], reason="Replaced.", version=1
        ),
    )
    _attempt(allowed, lambda: services.indicator_delete(indicator=gone, by=people[role]))
    kept.refresh_from_db()
    assert (kept.retired_at is not None) == allowed
    assert Indicator.objects.filter(pk=gone.pk).exists() != allowed


@pytest.mark.parametrize("role", ROLES)
def test_only_the_plans_managers_and_site_admins_set_up_text_indicators(activity, people, role):  # type: ignore[no-untyped-def]
    text = Indicator.objects.create(item=activity, position=9, title_en="Cameras installed")
    row = services.SetupRow(indicator_id=text.pk, version=1, kind="quantitative", unit="cameras")
    _attempt(
        role in MANAGES_VISION,
        lambda: services.indicators_setup(plan=activity.plan, by=people[role], rows=[row]),
    )
    text.refresh_from_db()
    assert (text.measured, text.unit) == (
        (True, "cameras") if role in MANAGES_VISION else (False, "")
    )


# -- Other plans' ids (IDOR) ----------------------------------------------------------------------


def test_a_manager_cannot_touch_another_plans_indicator(alice, dice_indicator):  # type: ignore[no-untyped-def]
    before = Indicator.objects.values().get(pk=dice_indicator.pk)
    dice_period = quarter(dice_indicator.item.plan, 2026, 1)
    for call in (
        lambda: services.indicator_update(
            indicator=dice_indicator, by=alice, version=1, values={"title_en": "Mine now"}
        ),
        lambda: services.indicator_targets_set(
            indicator=dice_indicator, by=alice, targets={dice_period.pk: 1}
        ),
        lambda: services.indicator_retire(
            indicator=dice_indicator, by=alice, reason="x", version=1
        ),
        lambda: services.indicator_delete(indicator=dice_indicator, by=alice),
        lambda: services.indicator_create(item=dice_indicator.item, by=alice, values=TRAINED),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert Indicator.objects.values().get(pk=dice_indicator.pk) == before
    assert not IndicatorTarget.objects.filter(indicator=dice_indicator).exists()


def test_the_set_up_of_one_plan_refuses_another_plans_indicators(activity, alice, dice_indicator):  # type: ignore[no-untyped-def]
    mine = Indicator.objects.create(item=activity, position=9, title_en="Cameras installed")
    rows = [
        services.SetupRow(indicator_id=mine.pk, version=1, kind="quantitative"),
        services.SetupRow(indicator_id=dice_indicator.pk, version=1, kind="quantitative"),
    ]
    with pytest.raises(ValidationError) as refused:
        services.indicators_setup(plan=activity.plan, by=alice, rows=rows)
    assert set(refused.value.message_dict) == {str(dice_indicator.pk)}
    # All or nothing: not even Alice's own row was saved.
    assert not Indicator.objects.filter(pk__in=[mine.pk, dice_indicator.pk], measured=True).exists()


def test_targets_refuse_another_plans_period(activity, alice, dice):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    mine, theirs = quarter(activity.plan, 2026, 1), quarter(dice, 2026, 1)
    with pytest.raises(ValidationError) as refused:
        services.indicator_targets_set(
            indicator=trained, by=alice, targets={mine.pk: 5, theirs.pk: 7}
        )
    assert set(refused.value.message_dict) == {f"period_{theirs.pk}"}
    assert not IndicatorTarget.objects.filter(indicator=trained).exists()


# -- Definitions ----------------------------------------------------------------------------------


def test_an_indicator_is_created_with_its_definition_and_one_history_event(activity, alice):  # type: ignore[no-untyped-def]
    made = services.indicator_create(
        item=activity,
        by=alice,
        values={
            **TRAINED,
            "direction": "increase",
            "cumulative": True,
            "baseline_value": 120,
            "baseline_year": 2023,
            "baseline_note": "Police academy records",
            "end_target": 2000,
            "data_source": "NPA training register",
        },
        dimensions=Dimension.objects.filter(slug__in=["sex", "aimag"]),
    )
    stored = Indicator.objects.get(pk=made.pk)
    assert (stored.measured, stored.cumulative, stored.baseline_value, stored.end_target) == (
        True,
        True,
        120,
        2000,
    )
    assert {d.slug for d in stored.dimensions.all()} == {"sex", "aimag"}
    [event] = _events(stored)
    assert event.action == "created" and event.item_id == activity.pk
    assert event.changes["end_target"] == [None, "2000"] and event.changes["dimensions"][1]


def test_positions_follow_the_items_last_indicator(activity, alice):  # type: ignore[no-untyped-def]
    first = services.indicator_create(item=activity, by=alice, values=TRAINED)
    second = services.indicator_create(item=activity, by=alice, values={"title_mn": "Хоёр"})
    assert second.position == first.position + 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title_en": "", "title_mn": ""}, "title_en"),
        ({"kind": "qualitative", "scale": [{"en": "Only one", "mn": ""}]}, "scale"),
        ({"kind": "qualitative", "scale": [{"en": "", "mn": ""}, {"en": "b", "mn": ""}]}, "scale"),
        (
            {
                "kind": "qualitative",
                "scale": [{"en": f"L{n}"} for n in range(MAX_SCALE_LEVELS + 1)],
            },
            "scale",
        ),
        ({"kind": "percentage", "end_target": -5}, "end_target"),
        ({"kind": "yes_no", "end_target": 2}, "end_target"),
        ({"end_target": float("nan")}, "end_target"),
        ({"end_target": float("inf")}, "end_target"),
        ({"baseline_value": 1e13}, "baseline_value"),
        ({"baseline_year": 1492}, "baseline_year"),
        ({"kind": "sideways"}, "kind"),
        ({"direction": "up"}, "direction"),
        ({"unit": "x" * 61}, "unit"),
        ({"unit": "peo\x00ple"}, "unit"),
        ({"title_en": "t" * 2001}, "title_en"),
    ],
)
def test_a_definition_that_makes_no_sense_is_refused_on_its_field(activity, alice, values, field):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.indicator_create(item=activity, by=alice, values={**TRAINED, **values})
    assert field in refused.value.message_dict
    assert not activity.indicators.exists()


def test_a_qualitative_target_must_be_a_level_of_its_scale(activity, alice, english):  # type: ignore[no-untyped-def]
    levels = [
        {"en": "Not started", "mn": ""},
        {"en": "Drafted", "mn": ""},
        {"en": "Adopted", "mn": ""},
    ]
    with pytest.raises(ValidationError) as refused:
        services.indicator_create(
            item=activity,
            by=alice,
            values={"title_en": "Law", "kind": "qualitative", "scale": levels, "end_target": 3},
        )
    assert "from 0 (the lowest) to 2" in refused.value.message_dict["end_target"][0]
    made = services.indicator_create(
        item=activity,
        by=alice,
        values={"title_en": "Law", "kind": "qualitative", "scale": levels, "end_target": 2},
    )
    assert made.scale == levels and made.cumulative is False


def test_a_dimension_that_does_not_exist_is_refused(activity, alice):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.indicator_create(item=activity, by=alice, values=TRAINED, dimensions=[999_999])
    assert "dimensions" in refused.value.message_dict


def test_a_retired_item_takes_no_new_indicator(activity, alice):  # type: ignore[no-untyped-def]
    Item.objects.filter(pk=activity.pk).update(retired_at=timezone.now())
    activity.refresh_from_db()
    with pytest.raises(ValidationError):
        services.indicator_create(item=activity, by=alice, values=TRAINED)
    assert not activity.indicators.exists()


def test_a_stale_edit_is_refused_and_changes_nothing(activity, alice, site_admin):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    services.indicator_update(
        indicator=trained, by=site_admin, version=1, values={"unit": "officers"}
    )
    with pytest.raises(ValidationError) as refused:
        services.indicator_update(indicator=trained, by=alice, version=1, values={"unit": "people"})
    assert refused.value.code == "stale"
    trained.refresh_from_db()
    assert (trained.unit, trained.version) == ("officers", 2)
    assert [e.action for e in _events(trained)] == ["changed"]


def test_an_edit_records_what_changed(activity, alice):  # type: ignore[no-untyped-def]
    trained = indicator(activity, dimensions=("sex",))
    services.indicator_update(
        indicator=trained,
        by=alice,
        version=1,
        values={"end_target": 50, "direction": "decrease"},
        dimensions=Dimension.objects.filter(slug__in=["sex", "disability"]),
    )
    [event] = _events(trained)
    assert event.changes == {
        "end_target": [None, "50"],  # the history keeps numbers as text
        "direction": ["increase", "decrease"],
        "dimensions": ["Sex", "Sex, Disability"],
    }


def test_values_reported_fix_the_kind_dimensions_and_scale(activity, alice):  # type: ignore[no-untyped-def]
    levels = [{"en": "Low", "mn": ""}, {"en": "Mid", "mn": ""}, {"en": "High", "mn": ""}]
    law = indicator(activity, kind="qualitative", scale=levels, dimensions=("urban-rural",))
    # Even a draft's values count: they would be reinterpreted.
    report(activity, quarter(activity.plan, 2026, 1), [(law, "urban", {"value": 2})], state="draft")
    attempts = [
        ({"kind": "quantitative"}, None, "kind"),
        ({"scale": levels[:2]}, None, "scale"),
        ({"measured": False}, None, "measured"),
        ({}, Dimension.objects.filter(slug="sex"), "dimensions"),
    ]
    for values, dimensions, field in attempts:
        with pytest.raises(ValidationError) as refused:
            services.indicator_update(
                indicator=law, by=alice, version=1, values=values, dimensions=dimensions
            )
        assert field in refused.value.message_dict
    law.refresh_from_db()
    assert (law.kind, law.scale, law.version) == ("qualitative", levels, 1)
    # Renaming a level and adding one above are fine.
    renamed = [{"en": "Weak", "mn": ""}, *levels[1:], {"en": "Very high", "mn": ""}]
    services.indicator_update(indicator=law, by=alice, version=1, values={"scale": renamed})
    law.refresh_from_db()
    assert law.scale == renamed


def test_changing_cumulation_recomputes_the_stored_actuals(activity, alice):  # type: ignore[no-untyped-def]
    trained = indicator(activity, cumulative=True)
    report(activity, quarter(activity.plan, 2026, 1), [(trained, None, {"value": 10})])
    report(activity, quarter(activity.plan, 2026, 2), [(trained, None, {"value": 4})])
    indicator_actuals_recompute(indicator_ids=[trained.pk])
    # Cumulative: 10 + 4 = 14.
    assert actuals_for(indicator_ids=[trained.pk])[trained.pk].overall.value == 14
    services.indicator_update(indicator=trained, by=alice, version=1, values={"cumulative": False})
    # Not cumulative: the latest period, Q2: 4.
    assert actuals_for(indicator_ids=[trained.pk])[trained.pk].overall.value == 4


# -- Retire, restore, delete ----------------------------------------------------------------------


def test_an_indicator_with_measurements_is_retired_not_deleted(activity, alice):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    report(
        activity,
        quarter(activity.plan, 2026, 1),
        [(trained, None, {"value": 1})],
        state="submitted",
    )
    with pytest.raises(ValidationError) as refused:
        services.indicator_delete(indicator=trained, by=alice)
    assert refused.value.code == "has_measurements"
    assert Indicator.objects.filter(pk=trained.pk).exists()
    services.indicator_retire(indicator=trained, by=alice, reason="Replaced by 7.3.9's", version=1)
    trained.refresh_from_db()
    assert trained.is_retired and not trained.takes_measurements
    assert trained.retired_reason == "Replaced by 7.3.9's"
    # Retired, it takes no edit until restored.
    with pytest.raises(ValidationError):
        services.indicator_update(indicator=trained, by=alice, version=2, values={"unit": "x"})
    services.indicator_restore(indicator=trained, by=alice, version=2)
    trained.refresh_from_db()
    assert not trained.is_retired
    assert [e.action for e in _events(trained)] == ["retired", "restored"]


def test_a_retirement_needs_a_reason(activity, alice):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    with pytest.raises(ValidationError):
        services.indicator_retire(indicator=trained, by=alice, reason="  ", version=1)
    trained.refresh_from_db()
    assert not trained.is_retired


def test_deleting_an_unused_indicator_is_recorded(activity, alice):  # type: ignore[no-untyped-def]
    mistake = indicator(activity, title_en="Typo")
    pk = mistake.pk
    services.indicator_delete(indicator=mistake, by=alice)
    assert not Indicator.objects.filter(pk=pk).exists()
    event = Event.objects.get(object_type=INDICATOR, object_id=str(pk))
    assert event.action == "removed" and event.changes["title_en"] == ["Typo", None]


# -- Targets --------------------------------------------------------------------------------------


def test_targets_are_set_changed_and_removed_with_one_event_each_time(activity, alice, english):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    q1, q2 = quarter(activity.plan, 2026, 1), quarter(activity.plan, 2026, 2)
    services.indicator_targets_set(indicator=trained, by=alice, targets={q1.pk: 10, q2.pk: 20})
    services.indicator_targets_set(indicator=trained, by=alice, targets={q1.pk: None, q2.pk: 25})
    # Nothing changed: no event.
    services.indicator_targets_set(indicator=trained, by=alice, targets={q2.pk: 25})
    assert dict(
        IndicatorTarget.objects.filter(indicator=trained).values_list("period_id", "value")
    ) == {q2.pk: 25}
    events = _events(trained)
    assert [e.changes["targets"] for e in events] == [
        [{"2026 Q1": None, "2026 Q2": None}, {"2026 Q1": 10, "2026 Q2": 20}],
        [{"2026 Q1": 10, "2026 Q2": 20}, {"2026 Q1": None, "2026 Q2": 25}],
    ]


def test_targets_are_checked_for_the_kind_and_refused_on_text_only_indicators(activity, alice):  # type: ignore[no-untyped-def]
    gate = indicator(activity, kind="yes_no")
    q1 = quarter(activity.plan, 2026, 1)
    with pytest.raises(ValidationError) as refused:
        services.indicator_targets_set(indicator=gate, by=alice, targets={q1.pk: 3})
    assert f"period_{q1.pk}" in refused.value.message_dict
    text = Indicator.objects.create(item=activity, position=9, title_en="Text only")
    with pytest.raises(ValidationError) as refused:
        services.indicator_targets_set(indicator=text, by=alice, targets={q1.pk: 3})
    assert refused.value.code == "not_measured"
    assert not IndicatorTarget.objects.exists()


# -- The one-step set-up --------------------------------------------------------------------------


def test_the_set_up_turns_chosen_rows_into_measured_indicators(dice, people, dice_indicator):  # type: ignore[no-untyped-def]
    bob = people["other_manager"]  # Bob manages the DICE roadmap
    others = list(services.text_only_indicators(dice).exclude(pk=dice_indicator.pk)[:2])
    rows = [
        services.SetupRow(
            indicator_id=dice_indicator.pk,
            version=1,
            kind="quantitative",
            unit="organisations",
            cumulative=True,
            end_target=40,
        ),
        services.SetupRow(indicator_id=others[0].pk, version=1, kind="percentage", end_target=60),
    ]
    done = services.indicators_setup(plan=dice, by=bob, rows=rows)
    assert len(done) == 2
    first = Indicator.objects.get(pk=dice_indicator.pk)
    assert (
        first.measured,
        first.kind,
        first.unit,
        first.cumulative,
        first.end_target,
        first.version,
    ) == (
        True,
        "quantitative",
        "organisations",
        True,
        40,
        2,
    )
    share = Indicator.objects.get(pk=others[0].pk)
    assert (share.kind, share.unit) == ("percentage", "%")
    # A row not sent stays text only.
    assert Indicator.objects.get(pk=others[1].pk).measured is False
    # One event per indicator set up, each on its item's history.
    assert [len(_events(i)) for i in (first, share, others[1])] == [1, 1, 0]
    assert _events(first)[0].item_id == first.item_id


def test_the_set_up_refuses_all_rows_when_one_is_wrong(dice, people):  # type: ignore[no-untyped-def]
    bob = people["other_manager"]
    a, b, c = services.text_only_indicators(dice)[:3]
    Indicator.objects.filter(pk=c.pk).update(version=5)  # someone changed it meanwhile
    rows = [
        services.SetupRow(indicator_id=a.pk, version=1, kind="quantitative"),
        services.SetupRow(indicator_id=b.pk, version=1, kind="yes_no", end_target=7),
        services.SetupRow(indicator_id=c.pk, version=1, kind="quantitative"),
    ]
    with pytest.raises(ValidationError) as refused:
        services.indicators_setup(plan=dice, by=bob, rows=rows)
    assert set(refused.value.message_dict) == {str(b.pk), str(c.pk)}
    assert not Indicator.objects.filter(pk__in=[a.pk, b.pk, c.pk], measured=True).exists()


def test_the_set_up_refuses_a_qualitative_kind_and_too_many_rows(dice, people):  # type: ignore[no-untyped-def]
    bob = people["other_manager"]
    first = services.text_only_indicators(dice).first()
    with pytest.raises(ValidationError) as refused:
        services.indicators_setup(
            plan=dice,
            by=bob,
            rows=[services.SetupRow(indicator_id=first.pk, version=1, kind="qualitative")],
        )
    assert str(first.pk) in refused.value.message_dict
    many = [
        services.SetupRow(indicator_id=n, version=1, kind="quantitative")
        for n in range(MAX_SETUP_ROWS + 1)
    ]
    with pytest.raises(ValidationError) as refused:
        services.indicators_setup(plan=dice, by=bob, rows=many)
    assert str(MAX_SETUP_ROWS) in refused.value.messages[0]


# -- Dimensions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_site_admins_add_dimensions(people, role):  # type: ignore[no-untyped-def]
    values = {"slug": "ethnicity", "name_en": "Ethnic group", "name_mn": "Угсаатан", "position": 9}
    _attempt(
        role == "site_admin",
        lambda: dimension_save(dimension=Dimension(), by=people[role], values=values),
    )
    assert Dimension.objects.filter(slug="ethnicity").exists() == (role == "site_admin")


def test_a_dimension_in_use_keeps_its_slug_and_is_not_deleted(activity, site_admin):  # type: ignore[no-untyped-def]
    trained = indicator(activity, dimensions=("sex",))
    report(
        activity,
        quarter(activity.plan, 2026, 1),
        [(trained, "female", {"value": 3})],
        state=ProgressUpdate.State.DRAFT,
    )
    female = DimensionValue.objects.get(slug="female")
    with pytest.raises(ValidationError):
        dimension_save(dimension=female, by=site_admin, values={"slug": "women"})
    with pytest.raises(ValidationError):
        dimension_delete(dimension=female, by=site_admin)
    with pytest.raises(ValidationError):
        dimension_delete(dimension=Dimension.objects.get(slug="sex"), by=site_admin)
    assert DimensionValue.objects.filter(slug="female").exists()
    # Its name may change, recorded in the history.
    female = DimensionValue.objects.get(slug="female")
    dimension_save(dimension=female, by=site_admin, values={"name_en": "Women"})
    assert DimensionValue.objects.get(pk=female.pk).name_en == "Women"
    event = Event.objects.get(object_type="progress.dimensionvalue", object_id=str(female.pk))
    assert event.changes == {"name_en": ["Female", "Women"]}


def test_an_unused_dimension_value_is_deleted_with_a_record(site_admin):  # type: ignore[no-untyped-def]
    extra = DimensionValue.objects.create(
        dimension=Dimension.objects.get(slug="sex"), slug="other", name_en="Other", name_mn="Бусад"
    )
    dimension_delete(dimension=extra, by=site_admin)
    assert not DimensionValue.objects.filter(pk=extra.pk).exists()
    assert (
        Event.objects.filter(object_type="progress.dimensionvalue", action="removed").count() == 1
    )


def test_reordering_dimensions_recomputes_the_totals_they_make(activity, site_admin):  # type: ignore[no-untyped-def]
    trained = indicator(activity, dimensions=("sex", "urban-rural"))
    report(
        activity,
        quarter(activity.plan, 2026, 1),
        [
            (trained, "female", {"value": 6}),
            (trained, "male", {"value": 4}),
            (trained, "urban", {"value": 3}),
        ],
    )
    indicator_actuals_recompute(indicator_ids=[trained.pk])
    # Sex first: 6 + 4 = 10.
    assert actuals_for(indicator_ids=[trained.pk])[trained.pk].overall.value == 10
    dimension_save(
        dimension=Dimension.objects.get(slug="urban-rural"), by=site_admin, values={"position": 0}
    )
    dimension_save(
        dimension=Dimension.objects.get(slug="sex"), by=site_admin, values={"position": 5}
    )
    # Urban/rural first now: 3 (rural not given).
    assert actuals_for(indicator_ids=[trained.pk])[trained.pk].overall.value == 3
