"""The dashboards, the item timeline and the pages with overdue marks pass the axe-core scan in
both languages, on the demo's living plans (periods, indicators, approved, waiting and
missing reports), and their charts carry a text alternative and a table."""

from __future__ import annotations

from typing import Any

import pytest

from .test_accessibility import AXE_OPTIONS, LANGUAGES, _describe, _structure_problems

pytestmark = pytest.mark.browser

VISION = "plans/vision-2050-goal-7/"
DICE = "plans/dice-inclusive-digitalization-roadmap/"
PAGES = {
    "plan-dashboard-vision": f"{VISION}dashboard/",
    "plan-dashboard-vision-page-2": f"{VISION}dashboard/?page=2",
    "plan-dashboard-dice": f"{DICE}dashboard/",
    "plan-page-with-overdue-marks": VISION,
}


def _scan(page: Any, axe: Any, lang: str) -> list[str]:
    problems = _structure_problems(page, lang)
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        problems.append(f"axe-core found {len(violations)} violation(s):\n{_describe(violations)}")
    return problems


def _charts_are_described(page: Any) -> list[str]:
    problems = []
    for chart in page.locator("svg.chart").all():
        if chart.get_attribute("role") != "img":
            problems.append("a chart without role=img")
        labelled = (chart.get_attribute("aria-labelledby") or "").split()
        if len(labelled) != 2 or not all(page.locator(f"[id='{i}']").count() for i in labelled):
            problems.append(f"a chart labelled by {labelled}, not its title and description")
    return problems


@pytest.mark.parametrize(
    ("name", "lang"), [pytest.param(n, lang, id=f"{n}-{lang}") for n in PAGES for lang in LANGUAGES]
)
def test_a_dashboard_page_is_accessible(name: str, lang: str, page: Any, axe: Any) -> None:
    response = page.goto(f"/{lang}/{PAGES[name]}")
    assert response is not None and response.status == 200, page.url
    problems = _scan(page, axe, lang) + _charts_are_described(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_charts_have_tables_and_the_item_timeline_and_organisation_dashboard_pass(
    lang: str, page: Any, axe: Any
) -> None:
    # The Vision 2050 dashboard charts its objectives, statuses and measured indicators
    page.goto(f"/{lang}/{VISION}dashboard/")
    # Each chart has its table beside it, or (no approved figure yet) says so in its place
    pairs = page.locator(".chart-pair").all()
    assert len(pairs) >= 3
    for pair in pairs:
        assert pair.locator("svg.chart").count() == 1
        if not pair.locator("table caption").count():
            assert pair.locator("svg.chart text").count() == 1, pair.inner_html()[:300]
    # An activity's page shows its timeline of approved reports
    page.goto(f"/{lang}/{VISION}items/7.3.13/")
    assert page.locator("#timeline-heading").count() == 1
    problems = _scan(page, axe, lang)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)
    # The organisation responsible for it: its page links to its dashboard
    page.locator("main a[href*='/organisations/']").first.click()
    page.locator("a[href$='/dashboard/']").first.click()
    assert page.url.endswith("/dashboard/")
    problems = _scan(page, axe, lang) + _charts_are_described(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


# -- Every part filled, rendered in-process from unsaved objects (the browser's thread runs an
# event loop, so no database here), loaded into the live site's page for its stylesheet ----


def _world() -> dict[str, tuple[str, dict[str, Any]]]:
    import datetime as dt

    from django.utils import timezone

    from plantrack.lib.charts import Series, line_chart
    from plantrack.organisations.models import Organisation
    from plantrack.plans.models import Item, Plan
    from plantrack.plans.render import Renderer
    from plantrack.progress import dashboards as d
    from plantrack.progress.models import Indicator, ProgressUpdate, ReportingPeriod

    plan = Plan(pk=1, slug="vision-2050-goal-7", short_name="Vision", title_en="Vision 2050")
    objectives = [
        Item(
            pk=n,
            plan=plan,
            code=f"7.{n}",
            kind="objective",
            depth=2,
            title_en=f"Objective {n} <b>&</b>",
            progress=[None, 0, 45.5, 100][n % 4],
            tracked_count=10 * n,
            status_counts={"completed": n, "delayed": 1},
        )
        for n in range(1, 6)
    ]
    activities = [
        Item(pk=100 + n, plan=plan, code=f"7.1.{n}", kind="activity", title_en=f"Activity {n}")
        for n in range(1, 5)
    ]
    for item in activities:
        item.org_links = [("npa", "NPA", "en")]  # type: ignore[attr-defined]
    today = timezone.localdate()
    periods = [
        ReportingPeriod(
            pk=n + 1,
            plan=plan,
            starts_on=dt.date(today.year - 1, 1 + 3 * n, 1),
            ends_on=dt.date(today.year - 1, 3 + 3 * n, 28),
            due_on=dt.date(today.year - 1, 3 + 3 * n, 28),
        )
        for n in range(4)
    ]
    labels = [p.label for p in periods]
    indicator = Indicator(pk=1, item=activities[0], title_en="People trained", unit="people")
    chart = line_chart(
        chart_id="indicator-1",
        title="7.1.1: People trained",
        labels=labels,
        series=[
            Series("Actual", [10, None, 30, 45]),
            Series("Target", [15, 30, 45, 60], "target"),
        ],
        columns=["Period", "Actual", "Target"],
        unit="people",
    )
    board = d.PlanDashboard(
        plan=plan,
        level="Objective",
        objectives=objectives,
        objective_chart=d._objective_chart(plan, objectives, "Objective", "/en/x/__code__/"),
        status_chart=d.status_chart(
            chart_id="s", title="Tracked items by status", counts={"completed": 3, "delayed": 2}
        ),
        overdue=[d.OverdueRow(item, periods[0], 2) for item in activities],
        overdue_count=30,
        indicators=d.IndicatorPage(2, True),
        figures=[d.IndicatorFigures(indicator, chart, "85 people", "100 people", "—")],
    )
    police = Organisation(pk=1, slug="npa", name_en="National Police Agency", acronym="NPA")
    now = timezone.now()
    updates = [
        ProgressUpdate(
            pk=n,
            item=activities[0],
            period=periods[n % 4],
            organisation=police,
            status="in_progress",
            progress=20 * n,
            note="Done. " * 80,
            state="approved",
            reviewed_at=now,
        )
        for n in range(1, 4)
    ]
    timeline = d.ItemTimeline(
        [
            d.TimelineEntry(u, d.excerpt(u.note), [("People trained", "12 people")], n == 2)
            for n, u in enumerate(updates)
        ],
        labels[0],
    )
    org_board = d.OrganisationDashboard(
        organisation=police,
        item_count=4,
        status_chart=board.status_chart,
        plan_chart=board.objective_chart,
        plans=[],
        overdue=board.overdue,
        overdue_count=4,
        latest=updates,
    )
    marks = Renderer(plan, overdue={a.pk: labels[0] for a in activities}).activities(activities)
    return {
        "plan-dashboard": ("progress/dashboard_plan.html", {"plan": plan, "board": board}),
        "organisation-dashboard": (
            "progress/dashboard_organisation.html",
            {"organisation": police, "board": org_board},
        ),
        "timeline-and-marks": (
            "",
            {"plan": plan, "timeline": timeline, "marks": marks},
        ),
    }


TIMELINE_PAGE = (
    '{% extends "base.html" %}{% block content %}<h1>Item</h1>'
    '{% include "progress/_timeline.html" %}<h2>Activities</h2>{{ marks }}{% endblock %}'
)


def _html(template: str, context: dict[str, Any], lang: str) -> str:
    from django.contrib.auth.models import AnonymousUser
    from django.template import engines
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    request = RequestFactory().get(f"/{lang}/")
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = lang
    with translation.override(lang):
        if not template:
            return engines["django"].from_string(TIMELINE_PAGE).render(context, request)
        return render_to_string(template, context, request=request)


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        pytest.param(n, lang, id=f"{n}-filled-{lang}")
        for n in ("plan-dashboard", "organisation-dashboard", "timeline-and-marks")
        for lang in LANGUAGES
    ],
)
def test_a_filled_dashboard_timeline_or_overdue_mark_is_accessible(
    name: str, lang: str, page: Any, axe: Any
) -> None:
    template, context = _world()[name]
    page.goto(f"/{lang}/")
    page.set_content(_html(template, context, lang))
    if name == "plan-dashboard":
        assert page.locator("svg.chart").count() == 3
        assert page.locator(".chart-table caption").count() == 3
    if name == "timeline-and-marks":
        assert page.locator(".timeline .superseded").count() == 1
        assert page.locator(".activity .overdue").count() == 4
    problems = _scan(page, axe, lang) + _charts_are_described(page)
    assert not problems, f"{name} ({lang}):\n" + "\n".join(problems)
