"""``events_visible_to``: the one rule every history section and page follows, checked as a
visitor, a citizen, an agency reporter, a plan manager (of this plan and of none), an
organisation's administrator and a site administrator, and through the pages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client

from plantrack.accounts.models import User
from plantrack.accounts.services import user_roles_set
from plantrack.history.models import Event, Head
from plantrack.history.selectors import events_visible_to
from plantrack.history.services import record
from plantrack.organisations.models import Membership
from plantrack.organisations.services import membership_request
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.services import plan_import
from plantrack.progress.services import progress_update_review, progress_update_submit

DRAFT_CSV = """# title: Quiet draft plan
# short_name: quiet-draft
code,parent_code,kind,title
1,,objective,Hidden objective
"""


@pytest.fixture
def root(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_superuser("root@example.org", "pw-root-12345", display_name="Root")


@pytest.fixture
def police_admin(police) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create_user("pia@example.org", "pw-pia-12345", display_name="Pia")
    Membership.objects.create(user=user, organisation=police, role="admin", state="active")
    return user


@pytest.fixture
def world(activity, alice, bob, charlie, erin, police, police_admin, root):  # type: ignore[no-untyped-def]
    """One event of each kind, by the services that write them."""
    start = Head.objects.get(pk=1).seq
    w = SimpleNamespace()
    with transaction.atomic():
        w.public = record(
            activity, "changed", by=alice, plan_id=activity.plan_id, item_id=activity.pk
        )
    submitted = progress_update_submit(
        item=activity, by=erin, status="in_progress", progress=30, note="Half the posts built."
    )
    returned = progress_update_submit(
        item=activity, by=erin, status="in_progress", progress=35, note="More posts."
    )
    progress_update_review(update=returned, by=alice, approve=False, note="Add the evidence.")
    w.submitted = Event.objects.get(object_id=str(submitted.pk), action="submitted")
    w.returned = Event.objects.get(object_id=str(returned.pk), action="returned")
    membership_request(organisation=police, user=charlie)
    w.membership = Event.objects.get(object_type="organisations.membership", subject_user=charlie)
    user_roles_set(user=charlie, by=root, is_staff=True)
    w.roles = Event.objects.get(action="roles_changed", subject_user=charlie)
    draft = plan_import(parsed=parse_bytes(DRAFT_CSV.encode()), by=alice, draft=True).plan
    w.draft = Event.objects.filter(plan_id=draft.pk, public=True).first()
    assert w.draft is not None
    w.all = {e.seq for e in Event.objects.filter(seq__gt=start)}
    return w


def _seen(user, world) -> set[str]:  # type: ignore[no-untyped-def]
    visible = {e.seq for e in events_visible_to(user, Event.objects.filter(seq__in=world.all))}
    names = ("public", "submitted", "returned", "membership", "roles", "draft")
    return {name for name in names if getattr(world, name).seq in visible}


def test_a_visitor_sees_public_events_of_published_plans_only(world):  # type: ignore[no-untyped-def]
    assert _seen(None, world) == {"public"}
    from django.contrib.auth.models import AnonymousUser

    assert _seen(AnonymousUser(), world) == {"public"}


def test_a_citizen_sees_the_public_events_and_their_own_roles(world, charlie):  # type: ignore[no-untyped-def]
    charlie.refresh_from_db()
    # Charlie asked to join: the request is about them, so they see it too.
    assert _seen(charlie, world) == {"public", "roles", "membership"}


def test_a_reporter_sees_their_organisations_unpublished_reports(world, erin):  # type: ignore[no-untyped-def]
    assert _seen(erin, world) == {"public", "submitted", "returned"}


def test_a_plan_manager_sees_their_plans_private_events_and_drafts(world, alice, bob):  # type: ignore[no-untyped-def]
    assert _seen(alice, world) == {"public", "submitted", "returned", "draft"}
    assert _seen(bob, world) == {"public"}  # manages no plan


def test_an_organisations_administrator_sees_its_memberships(world, police_admin):  # type: ignore[no-untyped-def]
    # Pia administers the police agency: a reporter for it too, by the reporting rule.
    assert _seen(police_admin, world) == {"public", "membership", "submitted", "returned"}


def test_a_site_administrator_sees_everything(world, root):  # type: ignore[no-untyped-def]
    assert _seen(root, world) == {"public", "submitted", "returned", "membership", "roles", "draft"}


def test_the_pages_follow_the_same_rule(world, activity, police, erin, charlie, sign_in):  # type: ignore[no-untyped-def]
    item_url = f"/en/plans/{activity.plan.slug}/items/{activity.code}/"
    org_url = f"/en/organisations/{police.slug}/"
    for url in (item_url, item_url + "history/"):
        assert "Half the posts built." not in Client().get(url).content.decode()
        assert "Half the posts built." in sign_in(Client(), erin).get(url).content.decode()
        assert "Half the posts built." not in sign_in(Client(), charlie).get(url).content.decode()
    for url in (org_url, org_url + "history/"):
        html = Client().get(url).content.decode()
        assert f'id="event-{world.membership.seq}"' not in html
    pia = User.objects.get(email="pia@example.org")
    for url in (org_url, org_url + "history/"):
        html = sign_in(Client(), pia).get(url).content.decode()
        assert f'id="event-{world.membership.seq}"' in html
