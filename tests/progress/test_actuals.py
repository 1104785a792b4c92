"""The roll-up of approved measurements into indicator actuals, against hand-computed figures.

Each expected value is worked out in a comment next to it; none is read back from the code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plantrack.progress.actuals import (
    Achievement,
    Figure,
    achievement,
    actuals_for,
    indicator_actuals_recompute,
    targets_for,
)
from plantrack.progress.models import (
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Measurement,
    ProgressUpdate,
)

from .indicator_helpers import indicator, quarter, report, value_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(vision):  # type: ignore[no-untyped-def]
    """The four quarters of 2026 on the Vision 2050 plan: q[1] … q[4]."""
    return {n: quarter(vision, 2026, n) for n in (1, 2, 3, 4)}


def _figures(ind: Indicator):  # type: ignore[no-untyped-def]
    indicator_actuals_recompute(indicator_ids=[ind.pk])
    return actuals_for(indicator_ids=[ind.pk])[ind.pk]


def test_a_cumulative_indicator_adds_its_period_totals(activity, q):  # type: ignore[no-untyped-def]
    trained = indicator(activity, cumulative=True)
    u1 = report(activity, q[1], [(trained, None, {"value": 10})])
    u2 = report(activity, q[2], [(trained, None, {"value": 15})])
    u3 = report(activity, q[3], [(trained, None, {"value": 5})])
    figures = _figures(trained)
    assert {pk: f.value for pk, f in figures.periods.items()} == {
        q[1].pk: 10,
        q[2].pk: 15,
        q[3].pk: 5,
    }
    # 10 + 15 + 5 = 30, fed by all three updates
    assert figures.overall == Figure(30, sources=sorted([u1.pk, u2.pk, u3.pk]))
    assert figures.periods[q[2].pk].sources == [u2.pk]


def test_a_non_cumulative_indicator_takes_the_latest_periods_value(activity, q):  # type: ignore[no-untyped-def]
    rate = indicator(activity, cumulative=False, title_en="Cases solved (rate per 1,000)")
    report(activity, q[1], [(rate, None, {"value": 40})])
    u3 = report(activity, q[3], [(rate, None, {"value": 55})])
    # Q2 is approved after Q3, but Q3 is the later period: the overall is Q3's 55, not 70
    # and not (40 + 70 + 55) / 3.
    report(activity, q[2], [(rate, None, {"value": 70})])
    figures = _figures(rate)
    assert figures.overall == Figure(55, sources=[u3.pk])
    assert figures.periods[q[2].pk].value == 70


def test_percentages_sum_numerators_and_denominators_across_periods(activity, q):  # type: ignore[no-untyped-def]
    share = indicator(activity, kind="percentage", cumulative=True, title_en="Cases closed")
    u1 = report(activity, q[1], [(share, None, {"numerator": 3, "denominator": 4})])
    u2 = report(activity, q[2], [(share, None, {"numerator": 1, "denominator": 6})])
    figures = _figures(share)
    # Q1 3/4 = 75 %, Q2 1/6 ≈ 16.67 %.
    assert figures.periods[q[1].pk].value == pytest.approx(75)
    assert figures.periods[q[2].pk].value == pytest.approx(100 / 6)
    # Overall (3 + 1) / (4 + 6) = 4/10 = 40 %, not the average (75 + 16.67) / 2 = 45.8 %.
    overall = figures.overall
    assert (overall.numerator, overall.denominator) == (4, 10)
    assert overall.value == pytest.approx(40)
    assert overall.sources == sorted([u1.pk, u2.pk])


def test_percentages_sum_numerators_and_denominators_across_a_breakdown(activity, q):  # type: ignore[no-untyped-def]
    share = indicator(activity, kind="percentage", dimensions=("sex",), title_en="Women promoted")
    report(
        activity,
        q[1],
        [
            (share, "female", {"numerator": 3, "denominator": 4}),
            (share, "male", {"numerator": 1, "denominator": 6}),
        ],
    )
    figures = _figures(share)
    # No total row: female 3/4 and male 1/6 give (3 + 1) / (4 + 6) = 40 %, not 45.8 %.
    period = figures.periods[q[1].pk]
    assert (period.numerator, period.denominator) == (4, 10)
    assert period.value == pytest.approx(40)
    assert figures.period_values[(q[1].pk, value_of("female").pk)].value == pytest.approx(75)
    # Not cumulative: the overall is the latest period's own 4/10.
    assert figures.overall.value == pytest.approx(40)


def test_a_non_cumulative_percentage_is_the_latest_periods_ratio(activity, q):  # type: ignore[no-untyped-def]
    share = indicator(activity, kind="percentage", cumulative=False)
    report(activity, q[1], [(share, None, {"numerator": 9, "denominator": 10})])
    report(activity, q[2], [(share, None, {"numerator": 1, "denominator": 5})])
    # Latest period Q2: 1/5 = 20 %; neither 10/15 = 66.7 % nor (90 + 20) / 2 = 55 %.
    overall = _figures(share).overall
    assert (overall.numerator, overall.denominator, overall.value) == (1, 5, pytest.approx(20))


def test_a_given_total_is_the_period_total_even_with_a_breakdown(activity, q):  # type: ignore[no-untyped-def]
    trained = indicator(activity, cumulative=True, dimensions=("sex", "urban-rural"))
    report(
        activity,
        q[1],
        [
            (trained, None, {"value": 100}),
            (trained, "female", {"value": 60}),
            (trained, "male", {"value": 40}),
            (trained, "urban", {"value": 30}),  # rural not known: a partial breakdown
        ],
    )
    figures = _figures(trained)
    # The total row says 100; the partial urban figure (30) changes nothing.
    assert figures.periods[q[1].pk].value == 100
    assert figures.period_values[(q[1].pk, value_of("urban").pk)].value == 30


def test_without_a_total_the_first_dimension_with_values_is_summed(activity, q):  # type: ignore[no-untyped-def]
    # Sex comes before age group in the dimensions' order.
    trained = indicator(activity, cumulative=True, dimensions=("age-group", "sex"))
    report(
        activity,
        q[1],
        [
            (trained, "female", {"value": 7}),
            (trained, "male", {"value": 5}),
            (trained, "0-14", {"value": 4}),
            (trained, "15-24", {"value": 9}),
        ],
    )
    # Q2 breaks down by age group only.
    report(
        activity,
        q[2],
        [(trained, "0-14", {"value": 2}), (trained, "25-64", {"value": 6})],
    )
    figures = _figures(trained)
    # Q1: sex is first: 7 + 5 = 12 (the age groups, 4 + 9 = 13, are not used).
    assert figures.periods[q[1].pk].value == 12
    # Q2: no sex values, so the age groups: 2 + 6 = 8.
    assert figures.periods[q[2].pk].value == 8
    # Overall 12 + 8 = 20; per value, 0–14: 4 + 2 = 6; female only in Q1: 7.
    assert figures.overall.value == 20
    assert figures.overall_values[value_of("0-14").pk].value == 6
    assert figures.overall_values[value_of("female").pk].value == 7


def test_a_non_cumulative_breakdown_takes_each_values_latest_period(activity, q):  # type: ignore[no-untyped-def]
    staff = indicator(activity, cumulative=False, dimensions=("sex",))
    report(activity, q[1], [(staff, "female", {"value": 20}), (staff, "male", {"value": 30})])
    u2 = report(activity, q[2], [(staff, "female", {"value": 25})])
    figures = _figures(staff)
    # Q2's total is female only: 25 (male not reported in Q2), and Q2 is the latest: 25.
    assert figures.overall.value == 25
    # Per value: female from Q2 (25), male still Q1's 30.
    assert figures.overall_values[value_of("female").pk] == Figure(25, sources=[u2.pk])
    assert figures.overall_values[value_of("male").pk].value == 30


def test_a_later_approved_update_for_the_same_period_replaces_the_earlier(activity, q):  # type: ignore[no-untyped-def]
    trained = indicator(activity, cumulative=True, dimensions=("sex",))
    now = timezone.now()
    first = report(
        activity,
        q[1],
        [(trained, None, {"value": 10}), (trained, "female", {"value": 4})],
        reviewed_at=now,
    )
    correction = report(
        activity, q[1], [(trained, None, {"value": 12})], reviewed_at=now + dt.timedelta(days=3)
    )
    u2 = report(
        activity, q[2], [(trained, None, {"value": 5})], reviewed_at=now + dt.timedelta(days=1)
    )
    figures = _figures(trained)
    # Q1 is the correction's 12 (not 10, not 10 + 12); overall 12 + 5 = 17.
    assert figures.periods[q[1].pk] == Figure(12, sources=[correction.pk])
    assert figures.overall == Figure(17, sources=sorted([correction.pk, u2.pk]))
    # The replaced update's breakdown is gone with it.
    assert figures.period_values == {}
    assert first.pk not in figures.sources


def test_a_correction_approved_in_the_same_instant_is_ordered_by_id(activity, q):  # type: ignore[no-untyped-def]
    trained = indicator(activity, cumulative=True)
    same = timezone.now()
    report(activity, q[1], [(trained, None, {"value": 10})], reviewed_at=same)
    second = report(activity, q[1], [(trained, None, {"value": 11})], reviewed_at=same)
    assert _figures(trained).overall == Figure(11, sources=[second.pk])


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_unapproved_measurements_never_count(activity, q, state):  # type: ignore[no-untyped-def]
    trained = indicator(activity, cumulative=True)
    approved = report(activity, q[1], [(trained, None, {"value": 10})])
    report(activity, q[2], [(trained, None, {"value": 500})], state=state)
    # A later update of Q1 not approved does not replace the approved one either.
    report(activity, q[1], [(trained, None, {"value": 999})], state=state)
    # Even a measurement marked approved on an update that is not approved is left out.
    stray = report(activity, q[3], [(trained, None, {"value": 77})], state=state)
    Measurement.objects.filter(update=stray).update(approved=True)
    figures = _figures(trained)
    # Only the approved 10.
    assert figures.overall == Figure(10, sources=[approved.pk])
    assert list(figures.periods) == [q[1].pk]


def test_qualitative_and_yes_no_indicators_take_the_latest_answer(activity, q):  # type: ignore[no-untyped-def]
    levels = [
        {"en": "Not started", "mn": "Эхлээгүй"},
        {"en": "Drafted", "mn": "Төсөл"},
        {"en": "Adopted", "mn": "Батлагдсан"},
    ]
    law = indicator(activity, kind="qualitative", scale=levels, cumulative=True)
    gate = indicator(activity, kind="yes_no")
    report(activity, q[1], [(law, None, {"value": 1}), (gate, None, {"value": 0})])
    report(activity, q[2], [(law, None, {"value": 2}), (gate, None, {"value": 1})])
    # Levels are never added up, even if marked cumulative: 1 then 2 gives 2, not 3.
    assert _figures(law).overall.value == 2
    assert _figures(gate).overall.value == 1


def test_a_qualitative_breakdown_without_a_total_gives_no_period_total(activity, q):  # type: ignore[no-untyped-def]
    levels = [{"en": "Low", "mn": "Бага"}, {"en": "High", "mn": "Өндөр"}]
    law = indicator(activity, kind="qualitative", scale=levels, dimensions=("urban-rural",))
    report(activity, q[1], [(law, "urban", {"value": 1}), (law, "rural", {"value": 0})])
    figures = _figures(law)
    assert figures.periods == {} and figures.overall is None
    assert figures.overall_values[value_of("rural").pk].value == 0


def test_measurements_without_a_period_are_not_rolled_up(activity, q):  # type: ignore[no-untyped-def]
    trained = indicator(activity, cumulative=True)
    old = report(activity, q[1], [(trained, None, {"value": 3})])
    ProgressUpdate.objects.filter(pk=old.pk).update(period=None)
    Measurement.objects.filter(update=old).update(period=None)
    assert _figures(trained).overall is None


def test_recomputing_replaces_the_stored_rows_and_leaves_other_indicators_alone(activity, q):  # type: ignore[no-untyped-def]
    trained = indicator(activity, cumulative=True)
    other = indicator(activity, cumulative=True, title_en="Other")
    report(activity, q[1], [(trained, None, {"value": 10}), (other, None, {"value": 1})])
    indicator_actuals_recompute(indicator_ids=[trained.pk, other.pk])
    update = report(activity, q[2], [(trained, None, {"value": 4})])
    indicator_actuals_recompute(indicator_ids=[trained.pk])
    # 10 + 4 = 14; one overall row and one per period, nothing duplicated.
    rows = IndicatorActual.objects.filter(indicator=trained)
    assert sorted((r.period_id, r.value) for r in rows if r.period_id) == [
        (q[1].pk, 10),
        (q[2].pk, 4),
    ]
    assert rows.get(period=None).value == 14
    assert IndicatorActual.objects.get(indicator=other, period=None).value == 1
    # Measurements gone (say, a test database cleaned) leave no stale figure.
    Measurement.objects.filter(update=update).delete()
    indicator_actuals_recompute(indicator_ids=[trained.pk])
    assert IndicatorActual.objects.get(indicator=trained, period=None).value == 10


def test_the_recompute_query_count_does_not_grow_with_other_indicators_data(activity, q):  # type: ignore[no-untyped-def]
    trained = indicator(activity, cumulative=True, dimensions=("sex",))
    busy = indicator(activity, cumulative=True, title_en="Busy")
    report(activity, q[1], [(trained, None, {"value": 1}), (trained, "female", {"value": 1})])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            indicator_actuals_recompute(indicator_ids=[trained.pk])
        return len(captured)

    small = queries()
    for n in (1, 2, 3, 4):
        for _ in range(5):
            report(activity, q[n], [(busy, None, {"value": 1})])
    for n in (2, 3, 4):
        report(activity, q[n], [(trained, None, {"value": n}), (trained, "male", {"value": 1})])
    assert queries() == small
    # Three reads, one delete, one insert.
    assert small == 5


def test_reading_actuals_and_targets_takes_one_query_each(activity, q, django_assert_num_queries):  # type: ignore[no-untyped-def]
    made = [indicator(activity, cumulative=True, title_en=f"I{n}") for n in range(3)]
    for ind in made:
        report(activity, q[1], [(ind, None, {"value": 2})])
        IndicatorTarget.objects.create(indicator=ind, period=q[1], value=5)
    indicator_actuals_recompute(indicator_ids=[ind.pk for ind in made])
    ids = [ind.pk for ind in made]
    with django_assert_num_queries(1):
        figures = actuals_for(indicator_ids=ids)
    with django_assert_num_queries(1):
        targets = targets_for(indicator_ids=ids)
    assert all(figures[pk].overall.value == 2 for pk in ids)
    assert all(targets[pk] == {q[1].pk: 5} for pk in ids)


# -- Achievement ------------------------------------------------------------------------


def _ind(**values):  # type: ignore[no-untyped-def]
    defaults = {
        "kind": "quantitative",
        "direction": "increase",
        "cumulative": False,
        "baseline_value": None,
    }
    return Indicator(**{**defaults, **values})


def test_achievement_counts_from_the_baseline_towards_the_target():
    # Baseline 20, target 60, actual 50: (50 − 20) / (60 − 20) = 30 / 40 = 75 %.
    result = achievement(_ind(baseline_value=20), 50, 60)
    assert result.percent == pytest.approx(75) and result.met is False
    # No baseline: from 0: 50 / 60 ≈ 83.3 %.
    assert achievement(_ind(), 50, 60).percent == pytest.approx(250 / 3)
    # Beyond the target: 70 → (70 − 20) / 40 = 125 %, met.
    result = achievement(_ind(baseline_value=20), 70, 60)
    assert result.percent == pytest.approx(125) and result.met is True


def test_achievement_respects_a_lower_is_better_direction():
    lower = _ind(direction="decrease", baseline_value=30)
    # Baseline 30, target 10, actual 25: (25 − 30) / (10 − 30) = −5 / −20 = 25 %.
    result = achievement(lower, 25, 10)
    assert result.percent == pytest.approx(25) and result.met is False
    # Actual 8 ≤ 10: met; (8 − 30) / (10 − 30) = 110 %.
    result = achievement(lower, 8, 10)
    assert result.percent == pytest.approx(110) and result.met is True
    # Worse than the baseline: 35 → (35 − 30) / −20 = −25 %.
    assert achievement(lower, 35, 10).percent == pytest.approx(-25)
    # A target above the baseline contradicts "lower is better": no percentage, only met.
    assert achievement(lower, 35, 40) == Achievement(None, True)


def test_a_cumulative_indicator_counts_from_zero():
    # Cumulative: the periods report what was done, so the baseline 100 is not subtracted:
    # 50 / 200 = 25 %.
    assert achievement(_ind(cumulative=True, baseline_value=100), 50, 200).percent == pytest.approx(
        25
    )


def test_yes_no_achievement_is_all_or_nothing_and_unknowns_give_none():
    gate = _ind(kind="yes_no")
    assert (achievement(gate, 1, 1).percent, achievement(gate, 0, 1).percent) == (100, 0)
    assert achievement(_ind(), None, 5) is None and achievement(_ind(), 5, None) is None
    # Target equal to the start: nothing to measure the way by.
    assert achievement(_ind(baseline_value=5), 7, 5).percent is None
