"""Indicator pages: the public indicator page (approved figures only, each traced to its
updates), the item page's list, and the managers' pages — every role posting, with other
plans' ids too, checked by what changed in the database; fixed query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plantrack.plans.models import Item, Plan
from plantrack.progress.actuals import indicator_actuals_recompute
from plantrack.progress.models import Indicator, IndicatorTarget, ReportingPeriod

from . import roles
from .indicator_helpers import indicator, quarter, report
from .roles import MANAGES_VISION, ROLES

people = roles.people  # the fixture, used by name
pytestmark = pytest.mark.django_db

VISION = "/en/plans/vision-2050-goal-7"
DICE = "/en/plans/dice-inclusive-digitalization-roadmap"


def _client(sign_in, user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None and user.is_authenticated:
        sign_in(client, user)
    return client


def _refused(response, role: str) -> bool:  # type: ignore[no-untyped-def]
    if role == "visitor":
        return response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    return response.status_code in (403, 404)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """The page's main content as plain text, spaces collapsed."""
    html = response.content.decode()
    main = html[html.find("<main") : html.find("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


# -- The public indicator page --------------------------------------------------------------------


@pytest.fixture
def measured(activity):  # type: ignore[no-untyped-def]
    """A cumulative indicator with targets, two approved quarters (Q1 broken down by sex),
    and a submitted Q3 report not yet approved."""
    trained = indicator(
        activity,
        cumulative=True,
        unit="officers",
        dimensions=("sex",),
        baseline_value=0,
        end_target=100,
    )
    q1, q2, q3 = (quarter(activity.plan, 2026, n) for n in (1, 2, 3))
    IndicatorTarget.objects.create(indicator=trained, period=q1, value=20)
    IndicatorTarget.objects.create(indicator=trained, period=q2, value=25)
    first = report(
        activity,
        q1,
        [
            (trained, None, {"value": 18}),
            (trained, "female", {"value": 11}),
            (trained, "male", {"value": 7}),
        ],
    )
    second = report(activity, q2, [(trained, None, {"value": 12})])
    pending = report(activity, q3, [(trained, None, {"value": 4321})], state="submitted")
    indicator_actuals_recompute(indicator_ids=[trained.pk])
    return trained, first, second, pending


def test_the_indicator_page_shows_targets_against_approved_actuals(client, measured, english):  # type: ignore[no-untyped-def]
    trained = measured[0]
    response = client.get(f"{VISION}/indicators/{trained.pk}/")
    assert response.status_code == 200
    text = _text(response)
    # Q1: target 20, actual 18 → 18 / 20 = 90 %; Q2: 12 / 25 = 48 %; to date 18 + 12 = 30 of 100.
    assert "2026 Q1 20 officers 18 officers" in text
    assert "90 % · not yet reached" in text and "48 % · not yet reached" in text
    assert "Actual to date 30 officers" in text and "30 % · not yet reached" in text
    # The breakdown: female 11, male 7.
    assert "Female 11 officers" in text and "Male 7 officers" in text
    # The report not approved shows nowhere.
    assert "4,321" not in text and "4321" not in text and "2026 Q3" not in text


def test_every_figure_links_to_the_approved_updates_it_came_from(client, measured):  # type: ignore[no-untyped-def]
    trained, first, second, pending = measured
    html = client.get(f"{VISION}/indicators/{trained.pk}/").content.decode()
    links = re.findall(r'href="/en/plans/vision-2050-goal-7/updates/(\d+)/"', html)
    # Q1 total, female, male, their "to date" cells, Q1's row; Q2's row; the overall.
    assert set(map(int, links)) == {first.pk, second.pk}
    assert str(pending.pk) not in links
    # Each link opens the approved update's own public page.
    assert client.get(f"{VISION}/updates/{first.pk}/").status_code == 200


def test_an_indicator_is_found_only_under_its_own_plan(client, dice):  # type: ignore[no-untyped-def]
    theirs = Indicator.objects.filter(item__plan=dice).first()
    assert client.get(f"{VISION}/indicators/{theirs.pk}/").status_code == 404
    assert client.get(f"{DICE}/indicators/{theirs.pk}/").status_code == 200
    assert client.get(f"{VISION}/indicators/999999/").status_code == 404


def test_a_draft_plans_indicator_is_hidden_from_visitors(client, dice):  # type: ignore[no-untyped-def]
    Plan.objects.filter(pk=dice.pk).update(published_at=None)
    theirs = Indicator.objects.filter(item__plan=dice).first()
    assert client.get(f"{DICE}/indicators/{theirs.pk}/").status_code == 404


def test_a_text_only_indicator_page_says_it_is_not_measured(client, dice, english):  # type: ignore[no-untyped-def]
    theirs = Indicator.objects.filter(item__plan=dice).first()
    text = _text(client.get(f"{DICE}/indicators/{theirs.pk}/"))
    assert "not measured yet" in text and "Targets and actuals by period" not in text


# -- The item page --------------------------------------------------------------------------------


def test_the_item_page_lists_measured_indicators_with_their_actuals(client, measured, english):  # type: ignore[no-untyped-def]
    trained = measured[0]
    Indicator.objects.create(item=trained.item, position=50, title_en="Cameras working")
    text = _text(client.get(f"{VISION}/items/{trained.item.code}/"))
    # Baseline 0, to date 30, end target 100: (30 − 0) / (100 − 0) = 30 %.
    assert "People trained 0 officers 30 officers 100 officers 30 % · not yet reached" in text
    assert "Described in the plan, not yet measured Cameras working" in text
    assert "Add an indicator" not in text


def test_the_item_page_offers_managers_the_indicator_pages(measured, alice, sign_in, english):  # type: ignore[no-untyped-def]
    trained = measured[0]
    html = _client(sign_in, alice).get(f"{VISION}/items/{trained.item.code}/").content.decode()
    assert f'href="/en/plans/vision-2050-goal-7/items/{trained.item.code}/indicators/add/"' in html


# -- Managers' pages: every role, by effect -------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_adding_an_indicator_through_the_page(activity, people, sign_in, role):  # type: ignore[no-untyped-def]
    client = _client(sign_in, people[role])
    url = f"{VISION}/items/{activity.code}/indicators/add/"
    data = {"title_en": "Officers trained", "kind": "quantitative", "direction": "increase"}
    response = client.post(url, {**data, "measured": "on", "unit": "officers"})
    made = activity.indicators.filter(title_en="Officers trained").first()
    if role in MANAGES_VISION:
        assert response.status_code == 302 and made is not None and made.unit == "officers"
    else:
        assert _refused(response, role) and made is None


@pytest.mark.parametrize("role", ROLES)
def test_editing_an_indicator_through_the_page(activity, people, sign_in, role):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    client = _client(sign_in, people[role])
    data = {"title_en": "Renamed", "kind": "quantitative", "direction": "increase", "version": 1}
    response = client.post(f"{VISION}/indicators/{trained.pk}/edit/", {**data, "measured": "on"})
    trained.refresh_from_db()
    if role in MANAGES_VISION:
        assert response.status_code == 302 and trained.title_en == "Renamed"
    else:
        assert _refused(response, role) and trained.title_en == "People trained"


@pytest.mark.parametrize("role", ROLES)
def test_setting_targets_through_the_page(activity, people, sign_in, role):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    q1 = quarter(activity.plan, 2026, 1)
    client = _client(sign_in, people[role])
    response = client.post(
        f"{VISION}/indicators/{trained.pk}/targets/", {f"period_{q1.pk}": "40", "version": "1"}
    )
    stored = list(IndicatorTarget.objects.filter(indicator=trained).values_list("value", flat=True))
    if role in MANAGES_VISION:
        assert response.status_code == 302 and stored == [40]
    else:
        assert _refused(response, role) and stored == []


@pytest.mark.parametrize("role", ROLES)
def test_retiring_and_deleting_through_the_page(activity, people, sign_in, role):  # type: ignore[no-untyped-def]
    kept, gone = indicator(activity), indicator(activity, title_en="Typo")
    client = _client(sign_in, people[role])
    first = client.post(
        f"{VISION}/indicators/{kept.pk}/retire/", {"reason": "Replaced.", "version": "1"}
    )
    second = client.post(f"{VISION}/indicators/{gone.pk}/delete/")
    kept.refresh_from_db()
    if role in MANAGES_VISION:
        assert (first.status_code, second.status_code) == (302, 302)
        assert kept.is_retired and not Indicator.objects.filter(pk=gone.pk).exists()
    else:
        assert _refused(first, role) and _refused(second, role)
        assert not kept.is_retired and Indicator.objects.filter(pk=gone.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_setting_up_text_indicators_through_the_page(activity, people, sign_in, role):  # type: ignore[no-untyped-def]
    text = Indicator.objects.create(item=activity, position=9, title_en="Cameras installed")
    client = _client(sign_in, people[role])
    prefix = f"ind-{text.pk}"
    response = client.post(
        f"{VISION}/indicators/setup/",
        {
            f"{prefix}-kind": "quantitative",
            f"{prefix}-unit": "cameras",
            f"{prefix}-direction": "increase",
            f"{prefix}-end_target": "300",
            f"{prefix}-version": "1",
        },
    )
    text.refresh_from_db()
    if role in MANAGES_VISION:
        assert response.status_code == 302
        assert (text.measured, text.unit, text.end_target) == (True, "cameras", 300)
    else:
        assert _refused(response, role) and not text.measured


def test_a_manager_cannot_reach_another_plans_indicator_through_any_page(  # type: ignore[no-untyped-def]
    alice, dice, sign_in
):
    theirs = Indicator.objects.filter(item__plan=dice).order_by("pk").first()
    before = Indicator.objects.values().get(pk=theirs.pk)
    client = _client(sign_in, alice)
    for tail in ("edit/", "targets/", "retire/", "restore/", "delete/"):
        # Under Alice's plan's address: no such indicator there.
        response = client.post(f"{VISION}/indicators/{theirs.pk}/{tail}", {"reason": "x"})
        assert response.status_code == 404, tail
        # Under its own plan's address: not hers to change.
        response = client.post(f"{DICE}/indicators/{theirs.pk}/{tail}", {"reason": "x"})
        assert response.status_code == 403, tail
    # The set-up of her own plan with DICE's indicator in its rows changes nothing.
    prefix = f"ind-{theirs.pk}"
    client.post(
        f"{VISION}/indicators/setup/",
        {
            f"{prefix}-kind": "quantitative",
            f"{prefix}-direction": "increase",
            f"{prefix}-version": "1",
        },
    )
    assert Indicator.objects.values().get(pk=theirs.pk) == before


def test_targets_posted_for_another_plans_period_are_not_stored(activity, alice, dice, sign_in):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    theirs = quarter(dice, 2026, 1)
    quarter(activity.plan, 2026, 1)
    response = _client(sign_in, alice).post(
        f"{VISION}/indicators/{trained.pk}/targets/", {f"period_{theirs.pk}": "9", "version": "1"}
    )
    assert response.status_code == 302  # the form has no field for it: nothing to save
    assert not IndicatorTarget.objects.filter(indicator=trained).exists()


# -- Forms say what is wrong ----------------------------------------------------------------------


def test_the_form_shows_a_refusal_next_to_its_field(activity, alice, sign_in, english):  # type: ignore[no-untyped-def]
    client = _client(sign_in, alice)
    response = client.post(
        f"{VISION}/items/{activity.code}/indicators/add/",
        {
            "title_en": "Law adopted",
            "kind": "qualitative",
            "direction": "increase",
            "scale_en": "Drafted\nAdopted",
            "scale_mn": "Төсөл",
            "measured": "on",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="error-summary"' in html
    assert 'aria-describedby="id_scale_mn_help id_scale_mn_errors"' in html
    assert "The English scale has 2 levels and the Mongolian one 1" in html
    response = client.post(
        f"{VISION}/items/{activity.code}/indicators/add/",
        {
            "title_en": "Law adopted",
            "kind": "qualitative",
            "direction": "increase",
            "scale_en": "Only",
            "measured": "on",
        },
    )
    assert "at least two levels" in response.content.decode()
    assert not activity.indicators.exists()


def test_a_stale_edit_form_is_refused_with_a_message(activity, alice, sign_in, english):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    Indicator.objects.filter(pk=trained.pk).update(version=2, unit="cases")
    data = {"title_en": "Mine", "kind": "quantitative", "direction": "increase", "version": "1"}
    response = _client(sign_in, alice).post(f"{VISION}/indicators/{trained.pk}/edit/", data)
    assert "Someone else saved indicator" in response.content.decode()
    trained.refresh_from_db()
    assert (trained.title_en, trained.unit) == ("People trained", "cases")


def test_a_set_up_with_a_wrong_row_saves_nothing_and_names_the_row(dice, people, sign_in, english):  # type: ignore[no-untyped-def]
    a, b = Indicator.objects.filter(item__plan=dice).order_by("item__path", "position")[:2]
    data: dict[str, object] = {}
    for ind, kind, target in ((a, "quantitative", "10"), (b, "yes_no", "5")):
        prefix = f"ind-{ind.pk}"
        data |= {
            f"{prefix}-kind": kind,
            f"{prefix}-direction": "increase",
            f"{prefix}-end_target": target,
            f"{prefix}-version": "1",
        }
    response = _client(sign_in, people["other_manager"]).post(f"{DICE}/indicators/setup/", data)
    html = response.content.decode()
    assert response.status_code == 200 and "Nothing was saved" in html
    assert f'aria-describedby="row-{b.pk}-errors"' in html and "enter 1 for yes or 0 for no" in html
    assert not Indicator.objects.filter(pk__in=[a.pk, b.pk], measured=True).exists()


# -- Fixed query counts ---------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    client.get(url)  # the session, saved once after signing in, is not the page's
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _measured_indicators(item: Item, count: int, periods: list[ReportingPeriod]) -> list[Indicator]:
    made = [
        indicator(item, cumulative=bool(n % 2), dimensions=("sex", "urban-rural"), title_en=f"I{n}")
        for n in range(count)
    ]
    for period in periods:
        rows = []
        for ind in made:
            rows += [
                (ind, None, {"value": 3}),
                (ind, "female", {"value": 1}),
                (ind, "male", {"value": 2}),
                (ind, "rural", {"value": 3}),
            ]
            IndicatorTarget.objects.get_or_create(
                indicator=ind, period=period, defaults={"value": 5}
            )
        report(item, period, rows)
        report(item, period, rows)  # a correction
    indicator_actuals_recompute(indicator_ids=[i.pk for i in made])
    return made


def test_the_item_page_query_count_does_not_grow_with_indicators(activity, client):  # type: ignore[no-untyped-def]
    url = f"{VISION}/items/{activity.code}/"
    plan = activity.plan
    _measured_indicators(activity, 1, [quarter(plan, 2026, 1)])
    small = _queries(client, url)
    _measured_indicators(activity, 8, [quarter(plan, 2026, n) for n in (1, 2, 3, 4)])
    for n in range(5):
        Indicator.objects.create(item=activity, position=100 + n, title_en=f"Text {n}")
    assert _queries(client, url) == small


def test_the_indicator_page_query_count_does_not_grow_with_its_data(activity, client):  # type: ignore[no-untyped-def]
    plan = activity.plan
    [few] = _measured_indicators(activity, 1, [quarter(plan, 2026, 1)])
    [many] = _measured_indicators(
        activity, 1, [quarter(plan, year, n) for year in (2026, 2027) for n in (1, 2, 3, 4)]
    )
    assert _queries(client, f"{VISION}/indicators/{few.pk}/") == _queries(
        client, f"{VISION}/indicators/{many.pk}/"
    )


def test_the_managers_pages_query_counts_do_not_grow(activity, alice, dice, sign_in):  # type: ignore[no-untyped-def]
    client = _client(sign_in, alice)
    plan = activity.plan
    [trained] = _measured_indicators(activity, 1, [quarter(plan, 2026, 1)])
    Indicator.objects.create(item=activity, position=60, title_en="Text only")
    setup = f"{VISION}/indicators/setup/"
    counts = [
        _queries(client, url)
        for url in (
            f"{VISION}/indicators/{trained.pk}/targets/",
            f"{VISION}/indicators/{trained.pk}/edit/",
            setup,
        )
    ]
    for year in (2027, 2028):
        for n in (1, 2, 3, 4):
            quarter(plan, year, n)
    others = Item.objects.filter(plan=plan, kind__in=Item.TRACKED_KINDS).exclude(pk=activity.pk)[
        :20
    ]
    Indicator.objects.bulk_create(
        [Indicator(item=item, position=70, title_en=f"Text {item.code}") for item in others]
    )
    trained.dimensions.add(*trained.dimensions.model.objects.all())
    again = [
        _queries(client, url)
        for url in (
            f"{VISION}/indicators/{trained.pk}/targets/",
            f"{VISION}/indicators/{trained.pk}/edit/",
            setup,
        )
    ]
    assert again == counts


def test_the_dice_roadmaps_text_indicators_fit_one_table(dice, people, sign_in):  # type: ignore[no-untyped-def]
    total = Indicator.objects.filter(item__plan=dice, measured=False).count()
    html = _client(sign_in, people["other_manager"]).get(f"{DICE}/indicators/setup/").content
    assert html.decode().count('<tr id="row-') == total > 100
    assert b'rel="next"' not in html
