"""The plan and organisation dashboards, the item's timeline and the overdue marks: figures
computed by hand, approved data only, drafts hidden, the same queries at any size."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.organisations.models import Organisation
from plantrack.plans.models import Item, Plan, Responsibility
from plantrack.progress.dashboards import INDICATORS_PER_PAGE, OVERDUE_LIMIT

from . import dashboard_data as data

pytestmark = pytest.mark.usefixtures("english")

DASHBOARD = "/en/plans/vision-2050-goal-7/dashboard/"
PLAN = "/en/plans/vision-2050-goal-7/"
SVG = "{http://www.w3.org/2000/svg}"


def _get(client, url: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries), response.content.decode()


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", html, re.S)]


def _desc(svg: ET.Element) -> str:
    return svg.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]


def _row(html: str, head: str) -> list[str]:
    """The cells of the table row whose header (or its link) reads ``head``."""
    match = re.search(
        rf'<th scope="row">(?:<a href="[^"]*">)?{re.escape(head)}(?:</a>)?</th>(.*?)</tr>',
        html,
        re.S,
    )
    assert match is not None, f"no row {head!r}"
    return re.findall(r"<td>(.*?)</td>", match.group(1), re.S)


def _activities(plan: Plan, under: str = "") -> list[Item]:
    items = Item.objects.filter(plan=plan, kind="activity")
    if under:
        items = items.filter(path__startswith=Item.objects.get(plan=plan, code=under).path + ".")
    return list(items.order_by("path"))


def _build(plan: Plan, *, periods: int, indicators: int, reporting: int) -> dict:  # type: ignore[type-arg]
    """Quarters, measured indicators with actuals and targets, approved updates in every
    quarter for the first ``reporting`` activities (the others are overdue), and
    unapproved updates with marker texts."""
    quarters = data.quarters(plan, periods)
    activities = _activities(plan)
    for n, item in enumerate(activities[:reporting]):
        for period in quarters:
            data.approved(item, period, progress=10 + n % 50, note=f"Report {n}.")
    made = []
    for n in range(indicators):
        ind = data.indicator(activities[n], f"Indicator {n}", unit="people", cumulative=True)
        for k, period in enumerate(quarters):
            data.actual(ind, period, 10 * (k + 1))
            data.target(ind, period, 15 * (k + 1))
        data.actual(ind, None, sum(10 * (k + 1) for k in range(len(quarters))))
        made.append(ind)
    data.unapproved(activities[-1], quarters[-1], made[0] if made else None)
    data.rollup(plan)
    return {"quarters": quarters, "indicators": made, "activities": activities}


# -- figures ------------------------------------------------------------------------------


def test_progress_per_objective_comes_from_the_stored_roll_up(client, vision):  # type: ignore[no-untyped-def]
    # Given every activity of objective 7.2 is at 40 %, and of 7.4's 31 two are completed
    for item in _activities(vision, "7.2"):
        data.approved(item, None, progress=40)
    under_74 = _activities(vision, "7.4")
    assert len(under_74) == 31
    for n, item in enumerate(under_74):
        done = n < 2
        data.approved(
            item, None, status="completed" if done else "in_progress", progress=100 if done else 70
        )
    data.rollup(vision)
    # When the dashboard is opened
    _, html = _get(client, DASHBOARD)
    # Then 7.2 is at 40 %, and 7.4 at (2 × 100 + 29 × 70) / 31 = 71.9 → 72 %
    desc = _desc(_svgs(html)[0])
    assert re.search(r"7\.2 [^;]*: 40 %", desc) and re.search(r"7\.4 [^;]*: 72 %", desc)
    title_72 = Item.objects.get(plan=vision, code="7.2").title
    assert _row(html, f"7.2 {title_72}")[:2] == ["40 %", "17"]
    title_74 = Item.objects.get(plan=vision, code="7.4").title
    # Progress, activities, completed, delayed
    assert _row(html, f"7.4 {title_74}") == ["72 %", "31", "2", "0"]
    # An objective nobody reported on says so in words
    assert re.search(r"7\.1 [^;]*: no progress reported", desc)


def test_the_status_distribution_counts_the_plans_tracked_items(client, vision):  # type: ignore[no-untyped-def]
    # Given 10 completed and 5 delayed activities of 116
    activities = _activities(vision)
    for item in activities[:10]:
        data.approved(item, None, status="completed", progress=100)
    for item in activities[10:15]:
        data.approved(item, None, status="delayed", progress=20)
    data.rollup(vision)
    _, html = _get(client, DASHBOARD)
    statuses = _svgs(html)[1]
    # Then: 101 not started (87 %), 10 completed (9 %), 5 delayed (4 %)
    desc = _desc(statuses)
    assert "Not started: 101 (87 %)" in desc
    assert "Completed: 10 (9 %)" in desc and "Delayed: 5 (4 %)" in desc
    assert _row(html, "Delayed") == ["5 (4 %)"]
    # Delayed bars are patterned, not told by colour alone
    assert statuses.find(f".//{SVG}pattern") is not None


def test_indicators_are_charted_against_their_targets_period_by_period(client, vision):  # type: ignore[no-untyped-def]
    built = _build(vision, periods=3, indicators=1, reporting=5)
    q1, q2, q3 = (p.label for p in built["quarters"])
    ind = built["indicators"][0]
    ind.end_target = 100
    ind.baseline_value = 5
    ind.save()
    _, html = _get(client, DASHBOARD)
    chart = next(
        svg for svg in _svgs(html) if "Indicator 0" in (svg.find(f"{SVG}title").text or "")
    )  # type: ignore[union-attr]
    assert _desc(chart) == (
        f"{q1}: Actual 10 people, Target 15 people; {q2}: Actual 20 people, Target 30 people; "
        f"{q3}: Actual 30 people, Target 45 people."
    )
    assert _row(html, q2) == ["20 people", "30 people"]
    # The overall actual (10 + 20 + 30) against the end target, and the baseline
    assert "<dt>Actual to date</dt><dd>60 people</dd>" in html
    assert "<dt>End target</dt><dd>100 people</dd>" in html
    assert "<dt>Baseline</dt><dd>5 people</dd>" in html


def test_percentage_qualitative_and_yes_no_figures_read_as_their_kind(client, vision):  # type: ignore[no-untyped-def]
    (quarter,) = data.quarters(vision, 1)
    activity = _activities(vision)[0]
    rate = data.indicator(activity, "Share online", kind="percentage")
    data.actual(rate, quarter, 25.0, numerator=5, denominator=20)
    level = data.indicator(
        activity, "Law adopted", kind="qualitative", scale=[{"en": "Drafted"}, {"en": "Adopted"}]
    )
    data.actual(level, quarter, 1)
    done = data.indicator(activity, "Centre open", kind="yes_no")
    data.actual(done, quarter, 0)
    _, html = _get(client, DASHBOARD)
    assert _row(html, quarter.label)[0] == "25 % (5 / 20)"
    rows = re.findall(rf'<th scope="row">{quarter.label}</th><td>(.*?)</td>', html)
    assert rows == ["25 % (5 / 20)", "Adopted", "No"]


def test_the_overdue_list_names_the_longest_overdue_items_and_counts_all(client, vision):  # type: ignore[no-untyped-def]
    built = _build(vision, periods=2, indicators=0, reporting=100)
    first = built["quarters"][0]
    # 116 activities, 100 reported in both quarters: 16 are late since the first quarter
    _, html = _get(client, DASHBOARD)
    assert "16 items whose reports are late, longest overdue first" in html
    late = built["activities"][100]
    assert f"/items/{late.code}/" in html
    assert re.search(rf"<td>{first.label} <span class=\"meta\">\(due ", html)
    assert '<dt>Reports overdue</dt><dd><a href="#overdue-heading">16</a></dd>' in html


def test_the_overdue_list_is_capped_and_says_how_many_there_are(client, vision):  # type: ignore[no-untyped-def]
    # Nobody reported but the last activity, whose report is submitted (sent counts)
    _build(vision, periods=1, indicators=0, reporting=0)
    _, html = _get(client, DASHBOARD)
    overdue = html[html.index('id="overdue-heading"') : html.index('id="indicators-heading"')]
    assert overdue.count('<th scope="row"><a href="/en/plans/') == OVERDUE_LIMIT
    assert f"The {OVERDUE_LIMIT} longest overdue of 115 are listed." in overdue


# -- approved data only --------------------------------------------------------------------


def test_unapproved_updates_and_measurements_never_reach_the_public(client, vision, police):  # type: ignore[no-untyped-def]
    built = _build(vision, periods=2, indicators=2, reporting=3)
    item = built["activities"][-1]
    Responsibility.objects.create(item=item, organisation=police, role="lead")
    pages = [
        DASHBOARD,
        f"/en/plans/vision-2050-goal-7/items/{item.code}/",
        f"/en/organisations/{police.slug}/dashboard/",
        f"/en/organisations/{police.slug}/",
        "/en/plans/vision-2050-goal-7/progress.csv",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        for note in data.SECRET_NOTES.values():
            assert note not in text, url
        assert "987654" not in text and "987,654" not in text, url


def test_the_timeline_lists_approved_updates_with_period_excerpt_and_measurements(client, vision):  # type: ignore[no-untyped-def]
    q1, q2 = data.quarters(vision, 2)
    item = _activities(vision)[0]
    trained = data.indicator(item, "People trained", unit="people")
    data.approved(
        item, q1, progress=20, note="First quarter. " + "word " * 200, values={trained: 12}
    )
    later = data.approved(item, q2, progress=35, note="Second quarter.", values={trained: 30})
    data.unapproved(item, q2, trained)
    _, html = _get(client, f"/en/plans/vision-2050-goal-7/items/{item.code}/")
    timeline = html[html.index('id="timeline-heading"') :]
    # Latest period first, each with its status, progress and approved measurement
    assert timeline.index(q2.label) < timeline.index(q1.label)
    assert f"{q2.label} · " in timeline and "35 %" in timeline
    assert "People trained: <strong>30 people</strong>" in timeline
    assert "People trained: <strong>12 people</strong>" in timeline
    assert f'/en/plans/vision-2050-goal-7/updates/{later.pk}/"' in timeline
    # The long narrative is cut to an excerpt; the update page has it whole
    assert "First quarter. word" in timeline and "word " * 100 not in timeline
    for note in data.SECRET_NOTES.values():
        assert note not in html


def test_a_correction_for_the_same_period_is_marked_and_the_older_report_kept(client, vision):  # type: ignore[no-untyped-def]
    (q1,) = data.quarters(vision, 1)
    item = _activities(vision)[0]
    from django.utils import timezone

    first = data.approved(item, q1, progress=20, note="First count.", reviewed_at=timezone.now())
    data.approved(item, q1, progress=25, note="Corrected count.")
    _, html = _get(client, f"/en/plans/vision-2050-goal-7/items/{item.code}/")
    superseded = re.search(r'<li class="update superseded">.*?</li>', html, re.S)
    assert superseded is not None and "First count." in superseded.group(0)
    assert f"/updates/{first.pk}/" in superseded.group(0)
    assert html.count("Corrected by a later approved report") == 1


# -- drafts --------------------------------------------------------------------------------


def test_a_draft_plans_dashboard_and_export_are_a_404_for_all_but_its_managers(
    client, sign_in, vision, alice
):  # type: ignore[no-untyped-def]
    Plan.objects.filter(pk=vision.pk).update(published_at=None)
    for url in (
        DASHBOARD,
        "/en/plans/vision-2050-goal-7/progress.csv",
        "/en/plans/vision-2050-goal-7/progress.xlsx",
    ):
        assert client.get(url).status_code == 404
    sign_in(client, alice)
    assert client.get(DASHBOARD).status_code == 200
    assert b"Draft" in client.get(DASHBOARD).content


def test_the_organisation_dashboard_leaves_out_draft_plans_for_visitors(
    client, vision, dice, police
):  # type: ignore[no-untyped-def]
    for plan, code in ((vision, "7.3.8"), (dice, "1.1")):
        Responsibility.objects.create(
            item=Item.objects.get(plan=plan, code=code), organisation=police, role="lead"
        )
    Plan.objects.filter(pk=dice.pk).update(published_at=None)
    _, html = _get(client, f"/en/organisations/{police.slug}/dashboard/")
    assert "<dt>Activities</dt><dd>1</dd>" in html
    assert dice.short_title not in html


# -- the organisation dashboard --------------------------------------------------------------


def test_the_organisation_dashboard_shows_its_items_state_overdue_and_latest_reports(
    client, vision, police
):  # type: ignore[no-untyped-def]
    # Given the police lead five activities: three reported this quarter (one completed),
    # two not at all
    (quarter,) = data.quarters(vision, 1)
    mine = _activities(vision, "7.3")[:5]
    for item in mine:
        Responsibility.objects.create(item=item, organisation=police, role="lead")
    # A second role on the same item counts it once
    Responsibility.objects.create(item=mine[0], organisation=police, role="partner")
    updates = [
        data.approved(mine[0], quarter, status="completed", progress=100, organisation=police),
        data.approved(mine[1], quarter, progress=40, organisation=police),
        data.approved(mine[2], quarter, progress=10, organisation=police),
    ]
    data.rollup(vision)
    _, html = _get(client, f"/en/organisations/{police.slug}/dashboard/")
    assert "<dt>Activities</dt><dd>5</dd>" in html
    desc = _desc(_svgs(html)[0])
    assert "Completed: 1 (20 %)" in desc and "In progress: 2 (40 %)" in desc
    assert "Not started: 2 (40 %)" in desc
    # Average progress of its activities that reported: (100 + 40 + 10) / 3 = 50
    assert _row(html, vision.short_title) == ["50 %", "5", "1"]
    # Overdue: the two that sent nothing for the quarter
    assert "2 items whose reports are late" in html
    assert f"/items/{mine[3].code}/" in html and f"/items/{mine[4].code}/" in html
    # Latest approved reports, with links to them
    latest = html[html.index('id="latest-heading"') :]
    links = re.findall(r'href="/en/plans/vision-2050-goal-7/updates/(\d+)/"', latest)
    # The latest approved first
    assert [int(pk) for pk in links] == [u.pk for u in reversed(updates)]


# -- overdue marks on the plan and organisation pages --------------------------------------


def test_the_plan_page_marks_overdue_activities_with_the_period(client, vision, police):  # type: ignore[no-untyped-def]
    built = _build(vision, periods=2, indicators=0, reporting=115)
    late = built["activities"][-1]
    Responsibility.objects.create(item=late, organisation=police, role="lead")
    _, html = _get(client, PLAN)
    mark = f'<span class="overdue">Overdue since {built["quarters"][0].label}</span>'
    assert html.count(mark) == 1
    row = re.search(
        rf'<li class="activity"><a class="code" href="[^"]*/items/{re.escape(late.code)}/".*?</li>',
        html,
        re.S,
    )
    assert row is not None and mark in row.group(0)
    assert f'href="/en/plans/{vision.slug}/dashboard/"' in html
    # And the organisation page marks it too
    _, org_html = _get(client, f"/en/organisations/{police.slug}/")
    assert f"Overdue since {built['quarters'][0].label}" in org_html
    assert f'href="/en/organisations/{police.slug}/dashboard/"' in org_html


def test_a_locked_or_reported_period_is_not_overdue(client, vision):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    q1, q2 = data.quarters(vision, 2)
    q1.locked_at = timezone.now()
    q1.save()
    item = _activities(vision)[0]
    data.approved(item, q2)
    _, html = _get(client, f"/en/plans/vision-2050-goal-7/items/{item.code}/")
    assert "Overdue since" not in html
    other = _activities(vision)[1]
    _, html = _get(client, f"/en/plans/vision-2050-goal-7/items/{other.code}/")
    assert f"Overdue since {q2.label}" in html


# -- a fixed number of queries --------------------------------------------------------------


def test_the_dashboards_cost_the_same_queries_at_two_sizes(client, vision, dice, police):  # type: ignore[no-untyped-def]
    # Given a small plan: 2 quarters, 2 indicators, 5 reporting activities
    org = Organisation.objects.create(slug="small-org", name_en="Small", kind="government")
    dice_items = _activities(dice)
    _build(dice, periods=2, indicators=2, reporting=5)
    Responsibility.objects.create(item=dice_items[0], organisation=org, role="lead")
    Responsibility.objects.create(item=dice_items[-1], organisation=org, role="lead")
    # And a bigger one: 6 quarters, more indicators than a page, 100 reporting activities
    _build(vision, periods=6, indicators=INDICATORS_PER_PAGE + 3, reporting=100)
    Responsibility.objects.bulk_create(
        Responsibility(item=item, organisation=police, role="lead") for item in _activities(vision)
    )
    urls = [
        (f"/en/plans/{dice.slug}/dashboard/", DASHBOARD),
        (f"/en/plans/{dice.slug}/dashboard/", DASHBOARD + "?page=2"),
        (f"/en/plans/{dice.slug}/", PLAN),
        (f"/en/organisations/{org.slug}/dashboard/", f"/en/organisations/{police.slug}/dashboard/"),
        (f"/en/organisations/{org.slug}/", f"/en/organisations/{police.slug}/"),
        (
            f"/en/plans/{dice.slug}/items/{dice_items[0].code}/",
            f"/en/plans/{vision.slug}/items/{_activities(vision)[0].code}/",
        ),
    ]
    for small_url, big_url in urls:
        small, _ = _get(client, small_url)
        big, _ = _get(client, big_url)
        assert small == big, (small_url, big_url)
    _, html = _get(client, DASHBOARD)
    assert html.count('class="indicator-figures"') == INDICATORS_PER_PAGE


def test_the_timeline_shows_the_latest_reports_and_says_when_there_are_more(client, vision):  # type: ignore[no-untyped-def]
    from plantrack.progress.dashboards import TIMELINE_LIMIT

    quarters = data.quarters(vision, TIMELINE_LIMIT + 1)
    item = _activities(vision)[0]
    for k, period in enumerate(quarters):
        data.approved(item, period, note=f"Quarter number {k}.")
    _, html = _get(client, f"/en/plans/vision-2050-goal-7/items/{item.code}/")
    assert html.count('<li class="update') == TIMELINE_LIMIT
    assert f"Quarter number {TIMELINE_LIMIT}." in html and "Quarter number 0." not in html
    assert f"The latest {TIMELINE_LIMIT} approved reports are shown" in html


def test_empty_dashboards_say_so_in_words(client, vision):  # type: ignore[no-untyped-def]
    # An organisation responsible for nothing, and a plan without periods or indicators
    org = Organisation.objects.create(slug="quiet", name_en="Quiet office", kind="government")
    _, html = _get(client, f"/en/organisations/{org.slug}/dashboard/")
    assert "<dt>Activities</dt><dd>0</dd>" in html
    assert "No tracked items yet." in html and "No report is overdue." in html
    assert "This organisation is responsible for no activity yet." in html
    assert "No approved progress report yet." in html
    _, html = _get(client, DASHBOARD)
    assert "No report is overdue." in html
    assert "No indicator of this plan is measured yet." in html
    # A page past the last indicators leads back to the first
    _, html = _get(client, DASHBOARD + "?page=99")
    assert "There are no more indicators; back to the first page." in html
