"""Work queues: "My reporting" groups a reporter's items (overdue, returned, drafts, due now,
submitted, done), "To review" lists a manager's waiting reports oldest first; each person
sees only their own; the header counts them; staff land on them after signing in."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from plantrack.plans.models import Item
from plantrack.progress.queues import my_reporting, reporter_needs_action, review_queue
from tests.notices.helpers import (
    activities,
    agency,
    days,
    manager,
    period,
    person,
    reporter,
    update,
)

REPORTING = "/en/my/reporting/"
REVIEW = "/en/my/review/"


@pytest.fixture
def world(db, vision, dice):  # type: ignore[no-untyped-def]
    """Vision 2050 with two periods past due, one open and one not started; the police
    agency is responsible for seven activities in every state, the customs agency for one.

    | item | Q-2 (late) | Q-1 (late) | Q0 (open) | expected group |
    | A    | —          | —          | —         | overdue (Q-2, Q-1), due (Q0) |
    | B    | approved   | approved   | returned  | returned |
    | C    | approved   | approved   | draft     | drafts |
    | D    | approved   | approved   | submitted | submitted |
    | E    | approved   | approved   | approved  | done |
    | F    | approved   | returned   | —         | overdue (Q-1, returned), due (Q0) |
    | G    | approved   | approved   | —, completed | nothing due |
    """
    police = agency("police", "Police")
    customs = agency("customs", "Customs")
    erin = reporter("erin@example.org", "Erin", police)
    carl = reporter("carl@example.org", "Carl", customs)
    alice = manager("alice@example.org", "Alice", vision)
    dora = manager("dora@example.org", "Dora", dice)
    q2 = period(vision, days(-270), days(-181), days(-150))
    q1 = period(vision, days(-180), days(-91), days(-60))
    q0 = period(vision, days(-90), days(0), days(30))
    period(vision, days(1), days(90), days(120))  # not started: no report on it yet
    a, b, c, d, e, f, g = activities(vision, police, 7)
    (h,) = activities(vision, customs, 1, skip=7)
    for item in (b, c, d, e, g):
        for late in (q2, q1):
            update(item, by=erin, organisation=police, state="approved", period=late)
    update(f, by=erin, organisation=police, state="approved", period=q2)
    update(
        f, by=erin, organisation=police, state="returned", period=q1, review_note="Add the letter."
    )
    update(
        b, by=erin, organisation=police, state="returned", period=q0, review_note="Which district?"
    )
    update(c, by=erin, organisation=police, state="draft", period=q0)
    update(d, by=erin, organisation=police, state="submitted", period=q0)
    update(e, by=erin, organisation=police, state="approved", period=q0)
    Item.objects.filter(pk=g.pk).update(status="completed", progress=100)
    return SimpleNamespace(
        police=police,
        customs=customs,
        erin=erin,
        carl=carl,
        alice=alice,
        dora=dora,
        periods=(q2, q1, q0),
        items=dict(zip("ABCDEFGH", (a, b, c, d, e, f, g, h), strict=True)),
    )


def _codes(tasks) -> list[str]:  # type: ignore[no-untyped-def]
    return [task.item.code for task in tasks]


def test_my_reporting_puts_each_item_and_period_in_the_first_group_that_fits(world):  # type: ignore[no-untyped-def]
    i, (q2, q1, q0) = world.items, world.periods
    work = my_reporting(user=world.erin)
    assert [o.slug for o in work.organisations] == ["police"]
    # Overdue: A for both late periods (oldest first), F for Q-1 with its returned update
    assert _codes(work.overdue) == [i["A"].code, i["F"].code]
    assert [p.pk for p in work.overdue[0].late] == [q2.pk, q1.pk]
    assert work.overdue[0].update is None
    assert work.overdue[1].period == q1 and work.overdue[1].update.state == "returned"
    # Returned with its note, draft, submitted, done: one item each
    assert _codes(work.returned) == [i["B"].code]
    assert work.returned[0].update.review_note == "Which district?"
    assert _codes(work.drafts) == [i["C"].code]
    assert _codes(work.submitted) == [i["D"].code]
    assert _codes(work.done) == [i["E"].code] and work.done[0].period == q0
    # Due now: the open period of the items with nothing sent for it (not G: completed)
    assert _codes(work.due) == [i["A"].code, i["F"].code]
    assert {task.period.pk for task in work.due} == {q0.pk}
    assert [item.code for item in work.other] == [i["G"].code]
    # Customs' item is nowhere
    every = work.overdue + work.returned + work.drafts + work.due + work.submitted + work.done
    assert i["H"].code not in _codes(every)
    assert work.needs_action == 3 == reporter_needs_action(world.erin)


def test_a_report_returned_on_a_later_late_period_is_listed_with_its_note(world):  # type: ignore[no-untyped-def]
    """Item A is late for Q-2 and Q-1; a report on Q-1 sent back must not hide in A's overdue
    row: it is listed under "Returned to you" with its note (and a draft likewise)."""
    i, (q2, q1, _q0) = world.items, world.periods
    update(
        i["A"],
        by=world.erin,
        organisation=world.police,
        state="returned",
        period=q1,
        review_note="Name the district.",
    )
    work = my_reporting(user=world.erin)
    overdue_a = next(task for task in work.overdue if task.item == i["A"])
    assert overdue_a.period == q2 and overdue_a.update is None
    returned = [task for task in work.returned if task.item == i["A"]]
    assert [task.period for task in returned] == [q1]
    assert returned[0].update.review_note == "Name the district."


def test_a_locked_period_is_neither_overdue_nor_due(world):  # type: ignore[no-untyped-def]
    q2, q1, q0 = world.periods
    for locked in (q2, q0):
        locked.locked_at = timezone.now()
        locked.save(update_fields=["locked_at"])
    work = my_reporting(user=world.erin)
    i = world.items
    assert _codes(work.overdue) == [i["A"].code, i["F"].code]
    assert [p.pk for p in work.overdue[0].late] == [q1.pk]
    assert work.due == []


def test_the_report_links_open_the_form_on_the_period(world):  # type: ignore[no-untyped-def]
    work = my_reporting(user=world.erin)
    a, q2 = world.items["A"], world.periods[0]
    assert work.overdue[0].report_url == (
        f"/mn/plans/{a.plan.slug}/items/{a.code}/report/?period={q2.pk}"
    )
    # Nothing sent for a due period yet: the form opens on that period too
    assert work.due[0].report_url.endswith(f"/items/{a.code}/report/?period={world.periods[2].pk}")


def test_the_reporting_page_shows_the_groups_with_links_and_the_note(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.erin)
    page = client.get(REPORTING).content.decode()
    i, q2 = world.items, world.periods[0]
    assert f"/items/{i['A'].code}/report/?period={q2.pk}" in page
    assert "Which district?" in page
    for heading in ("Overdue", "Returned to you", "Drafts", "Due now", "Waiting for review"):
        assert f">{heading}</h2>" in page
    assert f">{i['H'].code}</a>" not in page
    # The header counts what needs action: two overdue items and one returned report
    assert re.search(r'href="/en/my/reporting/"[^>]*>My reporting <span class="nav-count">3<', page)


def test_a_reporter_of_another_organisation_sees_only_their_own_items(client, world):  # type: ignore[no-untyped-def]
    client.force_login(world.carl)
    page = client.get(REPORTING).content.decode()
    assert f">{world.items['H'].code}</a>" in page
    for code in "ABCDEF":
        assert f">{world.items[code].code}</a>" not in page
    assert "Which district?" not in page


@pytest.mark.parametrize("url", [REPORTING, REVIEW])
def test_a_visitor_is_sent_to_sign_in(client, url):  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/sign-in/?next=")


def test_people_without_the_role_see_an_explanation_and_no_work(client, world):  # type: ignore[no-untyped-def]
    citizen = person("cid@example.org", "Cid")
    client.force_login(citizen)
    page = client.get(REPORTING).content.decode()
    assert "You do not report for any organisation" in page
    page = client.get(REVIEW).content.decode()
    assert "You do not manage any plan" in page
    assert "nav-count" not in page and "My reporting" not in page


def test_to_review_lists_the_submitted_reports_of_the_managers_plans_oldest_first(
    client, sign_in, world, dice
):  # type: ignore[no-untyped-def]
    i, q0 = world.items, world.periods[2]
    older = update(
        i["A"], by=world.erin, organisation=world.police, state="submitted", period=q0,
        sent=timezone.now() - timezone.timedelta(days=3),
    )  # fmt: skip
    newest = update(i["H"], by=world.carl, organisation=world.customs, state="submitted")
    dice_item = Item.objects.filter(plan=dice, kind="activity").first()
    elsewhere = update(dice_item, by=world.carl, organisation=world.customs, state="submitted")
    waiting = world.items["D"].updates.get(state="submitted")
    # Alice manages Vision 2050: its three submitted reports, oldest first
    assert list(review_queue(world.alice)) == [older, waiting, newest]
    sign_in(client, world.alice)
    page = client.get(REVIEW).content.decode()
    assert "3 reports wait for your review" in page
    assert f"#pending-{older.pk}" in page and f"#pending-{elsewhere.pk}" not in page
    assert page.index(f"#pending-{older.pk}") < page.index(f"#pending-{newest.pk}")
    assert re.search(r'href="/en/my/review/"[^>]*>To review <span class="nav-count">3<', page)
    # Dora manages DICE only; Erin, a reporter, manages nothing
    assert list(review_queue(world.dora)) == [elsewhere]
    client.logout()
    sign_in(client, world.dora)
    page = client.get(REVIEW).content.decode()
    assert f"#pending-{elsewhere.pk}" in page and f"#pending-{older.pk}" not in page
    client.logout()
    client.force_login(world.erin)
    page = client.get(REVIEW).content.decode()
    assert "You do not manage any plan" in page and "#pending-" not in page


def test_a_manager_does_not_see_their_own_report_to_review(world):  # type: ignore[no-untyped-def]
    own = update(
        world.items["A"], by=world.alice, organisation=None, state="submitted",
        period=world.periods[2],
    )  # fmt: skip
    assert own not in list(review_queue(world.alice))
    other = manager("bo@example.org", "Bo", world.items["A"].plan)
    assert own in list(review_queue(other))


def test_a_site_administrator_reviews_every_plan(world, site_admin, dice):  # type: ignore[no-untyped-def]
    dice_item = Item.objects.filter(plan=dice, kind="activity").first()
    elsewhere = update(dice_item, by=world.carl, organisation=world.customs, state="submitted")
    queue = list(review_queue(site_admin))
    assert elsewhere in queue and world.items["D"].updates.get(state="submitted") in queue


def test_reporters_and_citizens_have_nothing_to_review(world):  # type: ignore[no-untyped-def]
    assert list(review_queue(world.erin)) == []
    assert list(review_queue(person("cid@example.org", "Cid"))) == []


# -- Fixed query counts --------------------------------------------------------------------


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_work(world, n: int) -> None:  # type: ignore[no-untyped-def]
    """``n`` more police items in every state, reported by Ray (so that a manager who also
    reports for the police has them to review)."""
    _q2, q1, q0 = world.periods
    ray = reporter(f"ray{n}@example.org", "Ray", world.police)
    more = activities(world.items["A"].plan, world.police, n, skip=20 + n)
    for k, item in enumerate(more):
        state = ("returned", "draft", "submitted", "approved")[k % 4]
        update(item, by=ray, organisation=world.police, state=state, period=q0)
        if k % 3:
            update(item, by=ray, organisation=world.police, state="approved", period=q1)


def test_both_pages_run_the_same_number_of_queries_for_more_work(client, sign_in, world):  # type: ignore[no-untyped-def]
    both = world.erin
    world.items["A"].plan.managers.add(both)
    from django.contrib.auth.models import Group

    both.groups.add(Group.objects.get(name="Plan managers"))
    sign_in(client, both)
    _add_work(world, 4)
    client.get(REVIEW)  # the first page of a staff session also saves its expiry
    few = (_count(client, REPORTING), _count(client, REVIEW))
    _add_work(world, 12)
    many = (_count(client, REPORTING), _count(client, REVIEW))
    assert few == many
    assert client.get(REPORTING).content.decode().count("/report/?period=") > 12
    assert "4 reports wait for your review" in client.get(REVIEW).content.decode()


def test_the_header_counts_cost_the_same_for_more_notices_and_work(client, world):  # type: ignore[no-untyped-def]
    from plantrack.notices.models import Notice

    client.force_login(world.erin)
    few = _count(client, "/en/plans/")
    _add_work(world, 8)
    Notice.objects.bulk_create(
        Notice(recipient=world.erin, kind="progress.approved", subject_type="x", subject_id=n,
               key=f"k{n}")
        for n in range(20)
    )  # fmt: skip
    many = _count(client, "/en/plans/")
    assert few == many


# -- Where staff land after signing in ---------------------------------------------------------


def _sign_in(client, user, next_url: str | None = None):  # type: ignore[no-untyped-def]
    data = {"username": user.email, "password": "pw-queues-1"}
    url = "/en/accounts/sign-in/"
    if next_url is not None:
        data["next"] = next_url
    return client.post(url, data)


def test_a_reporter_lands_on_my_reporting(client, world):  # type: ignore[no-untyped-def]
    response = _sign_in(client, world.erin)
    assert response.status_code == 302 and response["Location"] == REPORTING


def test_a_citizen_lands_on_the_home_page(client, world):  # type: ignore[no-untyped-def]
    citizen = person("cid@example.org", "Cid")
    assert _sign_in(client, citizen)["Location"] == "/en/"


def test_a_manager_proves_the_second_step_then_lands_on_to_review(client, world):  # type: ignore[no-untyped-def]
    import base64

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.alice, name="phone", confirmed=True)
    response = _sign_in(client, world.alice)
    assert response["Location"] == REVIEW
    # The two-step middleware asks for the code first, and keeps where she was going
    challenge = client.get(REVIEW)
    assert challenge.status_code == 302
    assert challenge["Location"] == "/en/accounts/two-step/?next=%2Fen%2Fmy%2Freview%2F"
    verify = client.get(challenge["Location"])
    assert "nav-count" not in verify.content.decode()  # nothing of her work before the code
    code = f"{totp(base64.b32decode(base64.b32encode(device.bin_key))):06d}"
    done = client.post(challenge["Location"], {"token": code})
    assert done["Location"] == REVIEW
    assert client.get(REVIEW).status_code == 200


def test_someone_with_both_roles_lands_where_more_is_waiting(client, sign_in, world):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    from plantrack.accounts.work import landing_url

    translation.activate("en")
    both = world.erin
    both.groups.add(Group.objects.get(name="Plan managers"))
    world.items["A"].plan.managers.add(both)
    # Three reporting tasks need action; one report (D's, her own) is not hers to review
    assert landing_url(both) == REPORTING
    q0 = world.periods[2]
    for item in list(world.items.values())[:4]:
        update(item, by=world.carl, organisation=world.customs, state="submitted", period=q0)
    assert landing_url(both) == REVIEW


def test_a_safe_next_wins_and_the_home_page_or_another_site_does_not(client, world):  # type: ignore[no-untyped-def]
    item = world.items["A"]
    target = f"/en/plans/{item.plan.slug}/items/{item.code}/"
    assert _sign_in(client, world.erin, target)["Location"] == target
    client.logout()
    assert _sign_in(client, world.erin, "/en/")["Location"] == REPORTING
    client.logout()
    assert _sign_in(client, world.erin, "https://evil.example/")["Location"] == REPORTING
