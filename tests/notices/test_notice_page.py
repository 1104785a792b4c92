"""The notices page: each person sees and marks only their own notices, written in the
language of the page; the header counts the unread ones in a fixed number of queries."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from plantrack.notices.models import Notice
from plantrack.progress.notify import progress_notify

from .helpers import activities, agency, days, manager, period, person, reporter, update

PAGE = "/en/notices/"
READ = "/en/notices/read/"


@pytest.fixture
def people(db, vision, dice, site_admin):  # type: ignore[no-untyped-def]
    """Erin's report was returned and approved; every other role has a notice of its own."""
    police, customs = agency("police", "Police"), agency("customs", "Customs")
    erin = reporter("erin@example.org", "Erin", police)
    carl = reporter("carl@example.org", "Carl", customs)
    alice = manager("alice@example.org", "Alice", vision)
    dora = manager("dora@example.org", "Dora", dice)
    cid = person("cid@example.org", "Cid")
    quarter = period(vision, days(-90), days(-1), days(30))
    (item,) = activities(vision, police, 1)
    report = update(
        item,
        by=erin,
        organisation=police,
        state="returned",
        period=quarter,
        reviewer=alice,
        review_note="Name the three districts.",
    )
    # Made while the reviewer's page was in Mongolian
    with translation.override("mn"):
        progress_notify(update=report, action="returned", by=alice)
    later = timezone.now() + timezone.timedelta(minutes=5)
    report.state, report.reviewed_at = "approved", later
    report.save()
    progress_notify(update=report, action="approved", by=alice)
    Notice.objects.filter(kind="progress.approved").update(created_at=later)
    others = {}
    for user in (carl, alice, dora, cid, site_admin):
        others[user.email] = Notice.objects.create(
            recipient=user,
            kind="progress.submitted",
            subject_type="progress.progressupdate",
            subject_id=report.pk,
            params={"code": f"SECRET-{user.pk}", "by": "Someone"},
            key=f"test:{user.pk}",
        )
    return SimpleNamespace(
        erin=erin,
        item=item,
        report=report,
        others=others,
        roles=(carl, alice, dora, cid, site_admin),
    )


def _erins(people) -> list[Notice]:  # type: ignore[no-untyped-def]
    return list(Notice.objects.filter(recipient=people.erin))


def test_a_visitor_is_sent_to_sign_in_and_marks_nothing(client, people):  # type: ignore[no-untyped-def]
    assert client.get(PAGE)["Location"].startswith("/en/accounts/sign-in/")
    notice = _erins(people)[0]
    response = client.post(READ, {"notice": notice.pk})
    assert response.status_code == 302
    assert Notice.objects.filter(read_at__isnull=False).count() == 0


def test_the_recipient_sees_theirs_newest_first_in_the_pages_language(client, people):  # type: ignore[no-untyped-def]
    client.force_login(people.erin)
    page = client.get(PAGE).content.decode()
    code = people.item.code
    approved = page.index(f"Report approved: {code}")
    returned = page.index(f"Report returned: {code}")
    assert approved < returned  # newest first
    assert "Name the three districts." in page
    # The link was made on a Mongolian page; it opens in the reader's language
    report = f"/en/plans/{people.item.plan.slug}/items/{code}/report/?period="
    assert f'href="{report}{people.report.period_id}"' in page
    assert "You have 2 unread notices." in page
    assert "SECRET" not in page


def test_every_other_role_sees_only_its_own(client, sign_in, people):  # type: ignore[no-untyped-def]
    for user in people.roles:
        sign_in(client, user)
        page = client.get(PAGE).content.decode()
        assert "Name the three districts." not in page, user.email
        assert "Report returned" not in page, user.email
        assert f"SECRET-{user.pk}" in page
        assert sum(f"SECRET-{other.pk}" in page for other in people.roles) == 1
        client.logout()


def test_marking_one_read_changes_only_that_notice(client, people):  # type: ignore[no-untyped-def]
    first, second = _erins(people)
    client.force_login(people.erin)
    response = client.post(READ, {"notice": first.pk})
    assert response.status_code == 302 and response["Location"] == PAGE
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert "You have 1 unread notice." in client.get(PAGE).content.decode()


def test_nobody_marks_someone_elses_notice_not_even_a_site_administrator(client, sign_in, people):  # type: ignore[no-untyped-def]
    target = _erins(people)[0]
    for user in people.roles:
        sign_in(client, user)
        assert client.post(READ, {"notice": target.pk}).status_code == 404, user.email
        client.logout()
    target.refresh_from_db()
    assert target.read_at is None


def test_marking_all_read_marks_only_ones_own(client, people):  # type: ignore[no-untyped-def]
    client.force_login(people.erin)
    client.post(READ, {"all": "1"})
    assert all(n.read_at is not None for n in _erins(people))
    assert not Notice.objects.exclude(recipient=people.erin).filter(read_at__isnull=False).exists()
    page = client.get(PAGE).content.decode()
    assert "Mark all as read" not in page and "nav-count" not in page


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "99999999999999999999999", "١٢"])
def test_a_bad_notice_id_is_a_404_never_a_500(client, people, value):  # type: ignore[no-untyped-def]
    client.force_login(people.erin)
    assert client.post(READ, {"notice": value}).status_code == 404
    assert Notice.objects.filter(read_at__isnull=False).count() == 0


def test_marking_needs_a_post(client, people):  # type: ignore[no-untyped-def]
    client.force_login(people.erin)
    assert client.get(READ, {"all": "1"}).status_code == 405
    assert Notice.objects.filter(read_at__isnull=False).count() == 0


def test_the_header_counts_unread_notices(client, people):  # type: ignore[no-untyped-def]
    client.force_login(people.erin)
    page = client.get("/en/plans/").content.decode()
    assert '>Notices <span class="nav-count">2<span class="visually-hidden"> unread</span>' in page
    client.logout()
    assert "nav-count" not in client.get("/en/plans/").content.decode()


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_the_same_number_of_queries_for_many_notices(client, people):  # type: ignore[no-untyped-def]
    client.force_login(people.erin)
    few = _queries(client, PAGE)
    Notice.objects.bulk_create(
        Notice(
            recipient=people.erin,
            kind="progress.approved",
            subject_type="progress.progressupdate",
            subject_id=people.report.pk,
            params=people.report and {"code": str(n), "by": "Alice"},
            url=f"/mn/plans/{people.item.plan.slug}/updates/{people.report.pk}/",
            key=f"many:{n}",
        )
        for n in range(60)
    )
    many = _queries(client, PAGE)
    assert few == many
    assert client.get(PAGE + "?page=3").status_code == 200
