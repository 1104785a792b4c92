"""The "History" sections of the item, plan and organisation pages, the organisation's
history page, a progress update's page and the plan's "what changed since" view: newest
first, in the reader's language, and the same number of queries for 1,000 events as for 3."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from plantrack.history.models import Event
from plantrack.history.services import Entry, append
from plantrack.plans.models import Item
from plantrack.progress.models import ProgressUpdate
from plantrack.progress.services import progress_update_review, progress_update_submit


def _entries(count: int, **about):  # type: ignore[no-untyped-def]
    return [
        Entry(
            action="changed", changes={"weight": [str(n), str(n + 1)]}, reason=f"why {n}", **about
        )
        for n in range(count)
    ]


def _append(entries, by=None):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        append(entries, by=by)


def _item_about(item: Item) -> dict:  # type: ignore[type-arg]
    return {
        "object_type": "plans.item",
        "object_id": str(item.pk),
        "label": item.code,
        "plan_id": item.plan_id,
        "item_id": item.pk,
    }


def _same_queries(client: Client, url: str, add_many) -> str:  # type: ignore[no-untyped-def]
    """The page's queries with few events, then with 1,000 more: the same number."""
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_many()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    return response.content.decode()


@pytest.fixture
def update(activity, erin, alice) -> ProgressUpdate:  # type: ignore[no-untyped-def]
    update = progress_update_submit(
        item=activity, by=erin, status="in_progress", progress=40, note="Twelve posts built."
    )
    return progress_update_review(update=update, by=alice, approve=True, note="Checked on site.")


# -- Item and plan pages -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "manager"])
def test_the_item_pages_history_section_takes_the_same_queries_for_1000_events(
    activity, alice, sign_in, who
):  # type: ignore[no-untyped-def]
    _append(_entries(3, **_item_about(activity)), by=alice)
    client = sign_in(Client(), alice) if who == "manager" else Client()
    url = f"/en/plans/{activity.plan.slug}/items/{activity.code}/"
    html = _same_queries(
        client, url, lambda: _append(_entries(1000, **_item_about(activity)), by=alice)
    )
    assert 'id="history-heading"' in html
    assert html.count('class="history-event"') == 5
    assert f"/en/plans/{activity.plan.slug}/items/{activity.code}/history/" in html


def test_the_item_pages_history_is_newest_first_and_readable(activity, alice):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        append(
            [
                Entry(
                    action="progress_set",
                    changes={"status": ["not_started", "in_progress"]},
                    reason="started",
                    **_item_about(activity),
                )
            ],
            by=alice,
        )
        append(_entries(1, **_item_about(activity)), kind="import")
    with translation.override("en"):
        html = (
            Client().get(f"/en/plans/{activity.plan.slug}/items/{activity.code}/").content.decode()
        )
    section = html[html.index('id="history-heading"') :]
    assert section.index("import") < section.index("Alice")  # newest first
    assert "status or progress set" in section and "Not started" in section
    # One line per change here: each field, with before → after when they are short.
    assert "status: <span>Not started → In progress</span>" in section
    assert "weight: <span>0 → 1</span>" in section


def test_last_updated_shows_the_latest_public_event_in_the_sites_date_format(activity, alice):  # type: ignore[no-untyped-def]
    Item.objects.filter(pk=activity.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=400)
    )
    _append(_entries(1, **_item_about(activity)), by=alice)
    event = Event.objects.filter(item_id=activity.pk).first()
    with translation.override("en"):
        html = (
            Client().get(f"/en/plans/{activity.plan.slug}/items/{activity.code}/").content.decode()
        )
    from django.utils.formats import date_format

    with translation.override("en"):
        shown = date_format(timezone.localtime(event.at), "DATE_FORMAT")
    assert (
        f'<dt>Last updated</dt><dd><time datetime="{timezone.localtime(event.at).isoformat()}"'
        in html
    )
    assert f">{shown}</time>" in html


def test_the_plan_pages_history_section_takes_the_same_queries_for_1000_events(
    vision, activity, alice
):  # type: ignore[no-untyped-def]
    _append(_entries(3, **_item_about(activity)), by=alice)
    html = _same_queries(
        Client(),
        f"/en/plans/{vision.slug}/",
        lambda: _append(_entries(1000, **_item_about(activity)), by=alice),
    )
    assert 'id="history-heading"' in html and f"/en/plans/{vision.slug}/history/" in html
    assert f"/en/plans/{vision.slug}/changes/" in html


# -- Organisations -----------------------------------------------------------------------------


def _organisation_about(organisation) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {
        "object_type": "organisations.organisation",
        "object_id": str(organisation.pk),
        "label": str(organisation),
    }


@pytest.mark.parametrize("page", ["detail", "history"])
def test_the_organisation_pages_take_the_same_queries_for_1000_events(police, alice, page):  # type: ignore[no-untyped-def]
    _append(_entries(3, **_organisation_about(police)), by=alice)
    url = f"/en/organisations/{police.slug}/" + ("history/?page=2" if page == "history" else "")
    html = _same_queries(
        Client(), url, lambda: _append(_entries(1000, **_organisation_about(police)), by=alice)
    )
    assert "why" in html
    if page == "detail":
        assert f"/en/organisations/{police.slug}/history/" in html


def test_an_organisations_history_lists_its_registration(db, charlie, sign_in):  # type: ignore[no-untyped-def]
    from plantrack.organisations.models import FieldOfActivity
    from plantrack.organisations.services import organisation_register

    organisation = organisation_register(
        by=charlie,
        data={
            "name_en": "Steppe Rights Centre",
            "kind": "cso",
            "fields": [FieldOfActivity.objects.order_by("pk").first()],
        },
    )
    with translation.override("en"):
        html = Client().get(f"/en/organisations/{organisation.slug}/history/").content.decode()
    assert "registered" in html and "Charlie" in html and "Steppe Rights Centre" in html
    assert Client().get("/en/organisations/no-such-body/history/").status_code == 404


# -- Progress updates --------------------------------------------------------------------------


def test_an_approved_update_has_a_public_page_with_its_history(update, activity):  # type: ignore[no-untyped-def]
    url = f"/en/plans/{activity.plan.slug}/updates/{update.pk}/"
    with translation.override("en"):
        response = Client().get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Twelve posts built." in html and "Checked on site." in html and "approved" in html
    # The submitted event is not public; the approval is.
    assert html.count('class="history-event"') == 1
    item_page = Client().get(f"/en/plans/{activity.plan.slug}/items/{activity.code}/")
    assert url in item_page.content.decode()


def test_the_update_page_takes_the_same_queries_for_1000_events(update, activity, alice):  # type: ignore[no-untyped-def]
    about = {
        "object_type": "progress.progressupdate",
        "object_id": str(update.pk),
        "plan_id": activity.plan_id,
        "item_id": activity.pk,
    }
    _same_queries(
        Client(),
        f"/en/plans/{activity.plan.slug}/updates/{update.pk}/",
        lambda: _append(_entries(1000, **about), by=alice),
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("visitor", 404),
        ("citizen", 404),
        ("other_manager", 404),
        ("reporter", 200),
        ("manager", 200),
        ("admin", 200),
    ],
)
def test_an_unapproved_update_is_seen_by_its_reporters_managers_and_admins_only(
    activity, erin, alice, bob, charlie, sign_in, who, status
):  # type: ignore[no-untyped-def]
    from plantrack.accounts.models import User

    update = progress_update_submit(
        item=activity, by=erin, status="in_progress", progress=10, note="Secret draft figures."
    )
    returned = progress_update_submit(
        item=activity, by=erin, status="in_progress", progress=15, note="Second try."
    )
    progress_update_review(update=returned, by=alice, approve=False, note="Say which posts.")
    root = User.objects.create_superuser("root@example.org", "pw-root-12345", display_name="R")
    user = {
        "citizen": charlie,
        "other_manager": bob,
        "reporter": erin,
        "manager": alice,
        "admin": root,
    }.get(who)
    client = sign_in(Client(), user) if user else Client()
    for pk in (update.pk, returned.pk):
        response = client.get(f"/en/plans/{activity.plan.slug}/updates/{pk}/")
        assert response.status_code == status
    if status == 200:
        with translation.override("en"):
            html = client.get(
                f"/en/plans/{activity.plan.slug}/updates/{returned.pk}/"
            ).content.decode()
        assert "Say which posts." in html and "returned" in html and "submitted" in html


def test_an_update_of_another_plan_is_not_found_under_this_one(update, dice):  # type: ignore[no-untyped-def]
    assert Client().get(f"/en/plans/{dice.slug}/updates/{update.pk}/").status_code == 404
    assert Client().get(f"/en/plans/{dice.slug}/updates/999999/").status_code == 404


def test_the_section_speaks_the_readers_language(activity, alice):  # type: ignore[no-untyped-def]
    from plantrack.history.models import Action

    _append(_entries(1, **_item_about(activity)), by=alice)
    for lang in ("mn", "en"):
        with translation.override(lang):
            html = Client().get(f"/{lang}/plans/{activity.plan.slug}/items/{activity.code}/")
            section = html.content.decode().split('id="history-heading"', 1)[1]
            assert str(Action.CHANGED.label) in section
            weight = str(Item._meta.get_field("weight").verbose_name)
            assert f"{weight}: " in section


def test_erased_people_are_deleted_users_in_the_sections(activity, police, bob, sign_in):  # type: ignore[no-untyped-def]
    from plantrack.accounts.models import User
    from plantrack.accounts.services import account_delete
    from plantrack.organisations.services import membership_request

    _append(_entries(1, **_item_about(activity)), by=bob)
    membership_request(organisation=police, user=bob)
    account_delete(user=bob)
    root = User.objects.create_superuser("root@example.org", "pw-root-12345", display_name="R")
    admin = sign_in(Client(), root)
    with translation.override("en"):
        item = Client().get(f"/en/plans/{activity.plan.slug}/items/{activity.code}/")
        organisation = admin.get(f"/en/organisations/{police.slug}/history/")
    for response in (item, organisation):
        html = response.content.decode()
        assert "deleted user" in html and "Bob" not in html
