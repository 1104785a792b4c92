"""``plantrack bench --only progress``: generated progress data that follows the actuals rule,
and a table of the dashboards' times and query counts at two scales."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from plantrack.plans.generate import scaled_vision
from plantrack.plans.services import plan_import
from plantrack.progress import bench_data
from plantrack.progress.models import (
    IndicatorActual,
    Measurement,
    ProgressUpdate,
    ReportingPeriod,
)
from plantrack.progress.overdue import overdue_items

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_generator_writes_exactly_the_measurements_asked_for_and_their_actuals():
    plan = plan_import(parsed=scaled_vision(1, short_name="gen-x1"), system=True).plan
    made = bench_data.generate(plans=[plan], measurements=5000)
    assert made.measurements == 5000
    assert Measurement.objects.filter(approved=True, update__item__plan=plan).count() == 5000
    assert not Measurement.objects.filter(approved=False).exists()
    assert ProgressUpdate.objects.filter(item__plan=plan, state="approved").count() == made.updates
    # Each period's stored total is its approved update's total row
    measured = Measurement.objects.filter(dimension_value__isnull=True)
    one = measured.order_by("pk").first()
    assert one is not None
    stored = IndicatorActual.objects.get(
        indicator=one.indicator, period=one.period, dimension_value__isnull=True
    )
    assert stored.value == one.value and stored.source_updates == [one.update_id]
    # The breakdown by sex adds up to the total
    by_sex = Measurement.objects.filter(
        update=one.update, indicator=one.indicator, dimension_value__dimension__slug="sex"
    ).aggregate(total=Sum("value"))["total"]
    assert by_sex == one.value
    # A cumulative indicator's overall figure is the sum of its periods', a non-cumulative
    # one's the latest period's
    for indicator in {m.indicator for m in measured.select_related("indicator")[:50]}:
        periods = IndicatorActual.objects.filter(
            indicator=indicator, period__isnull=False, dimension_value__isnull=True
        ).order_by("period__starts_on")
        overall = IndicatorActual.objects.get(
            indicator=indicator, period__isnull=True, dimension_value__isnull=True
        )
        values = [a.value for a in periods]
        if indicator.cumulative:
            assert overall.value == sum(values)
        else:
            assert overall.value == values[-1]
    # Old quarters are locked; the open ones have late reports
    assert ReportingPeriod.objects.filter(plan=plan, locked_at__isnull=True).count() == 2
    assert overdue_items(plan.items.all())


def test_the_progress_table_compares_the_query_counts_at_two_scales():
    out = StringIO()
    call_command(
        "bench", only=["progress"], measurements=3000, progress_scale=2, runs=2, stdout=out
    )
    printed = out.getvalue()
    assert "3,000 approved measurements" in printed
    rows = {
        line.split("  ")[0]: line.split()
        for line in printed.splitlines()
        if line.startswith(("plan ", "item ", "organisation "))
    }
    assert set(rows) >= {
        "plan page",
        "plan dashboard",
        "item page with its timeline",
        "organisation dashboard",
    }
    for name in ("plan page", "plan dashboard", "organisation dashboard"):
        words = rows[name]
        same = words[len(name.split()) + 2]
        assert same == "yes", printed
