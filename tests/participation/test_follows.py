"""Follow a consultation, a plan or an item; followers are told once when a consultation
opens and when it closes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from plantrack.notices.models import Notice
from plantrack.participation.follows import consultations_notify_phases, follow_set, is_following
from plantrack.participation.models import Follow, Paragraph
from plantrack.plans.models import Item, Plan

from . import e_world as w


def test_following_and_unfollowing_each_kind_of_target(vision, activity, charlie):
    consultation = w.consultation("c", plan=vision)
    for target in (consultation, vision, activity):
        assert follow_set(user=charlie, target=target, following=True)
        assert follow_set(user=charlie, target=target, following=True)  # twice: still one
        assert is_following(user=charlie, target=target)
    assert Follow.objects.filter(user=charlie).count() == 3
    follow_set(user=charlie, target=vision, following=False)
    assert not is_following(user=charlie, target=vision)
    assert Follow.objects.filter(user=charlie).count() == 2


def test_a_draft_plan_cannot_be_followed_by_those_who_cannot_see_it(vision, charlie, alice):
    Plan.objects.filter(pk=vision.pk).update(published_at=None)
    vision.refresh_from_db()
    with pytest.raises(PermissionDenied):
        follow_set(user=charlie, target=vision, following=True)
    assert not Follow.objects.exists()
    assert follow_set(user=alice, target=vision, following=True)  # its manager sees it


@pytest.fixture
def followed(vision, activity, charlie, bob, alice):  # type: ignore[no-untyped-def]
    """A consultation opening on 1 January and closing on 1 February 2026, its paragraph taken
    from 7.3.8. Charlie follows the consultation, Bob the plan, Alice the item."""
    consultation = w.consultation("followed", plan=vision)
    Paragraph.objects.filter(consultation=consultation).update(item=activity)
    follow_set(user=charlie, target=consultation, following=True)
    follow_set(user=bob, target=vision, following=True)
    follow_set(user=alice, target=activity, following=True)
    return consultation


def _kinds(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notice.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_followers_are_told_once_when_it_opens_and_once_when_it_closes(
    followed, charlie, bob, alice
):
    assert consultations_notify_phases(now=w.at("2025-12-31")).opened == 0  # not open yet
    sent = consultations_notify_phases(now=w.at("2026-01-02"))
    assert sent.opened == 3
    # Run again (the next timer tick, or a second worker): nothing new.
    assert consultations_notify_phases(now=w.at("2026-01-03")).opened == 0
    assert consultations_notify_phases(now=w.at("2026-02-02")).closed == 3
    assert consultations_notify_phases(now=w.at("2026-02-03")).closed == 0
    for person in (charlie, bob, alice):
        assert _kinds(person) == ["participation.opened", "participation.closed"]
    notice = Notice.objects.filter(recipient=charlie).first()
    assert notice is not None and notice.url.endswith("/consultations/followed/")


def test_moved_dates_notify_again_at_the_new_time(followed, charlie):
    consultations_notify_phases(now=w.at("2026-01-02"))
    followed.opens_at = w.at("2026-01-05")
    followed.save(update_fields=["opens_at"])
    assert consultations_notify_phases(now=w.at("2026-01-06")).opened == 3
    assert _kinds(charlie) == ["participation.opened", "participation.opened"]


def test_a_consultation_that_opened_long_ago_sends_nothing(followed):
    assert consultations_notify_phases(now=w.at("2026-01-01") + dt.timedelta(days=8)).opened == 0


def test_a_notice_reads_in_the_readers_language(followed, charlie, english):
    consultations_notify_phases(now=w.at("2026-01-02"))
    from plantrack.notices.kinds import write

    notice = Notice.objects.get(recipient=charlie)
    text = write(notice.kind, notice.params)
    assert text.title == "Consultation open: Consultation followed"
    assert "1 February 2026" in text.body


def test_unfollowing_stops_the_notices(followed, charlie):
    follow_set(user=charlie, target=followed, following=False)
    consultations_notify_phases(now=w.at("2026-01-02"))
    assert _kinds(charlie) == []


def test_item_of_another_plan_is_not_a_follower_path(followed, dice, charlie):
    other = Item.objects.filter(plan=dice).first()
    assert other is not None
    follow_set(user=charlie, target=followed, following=False)
    follow_set(user=charlie, target=other, following=True)
    consultations_notify_phases(now=w.at("2026-01-02"))
    assert _kinds(charlie) == []


def test_the_worker_sends_phase_notices_and_schedules_its_next_run(vision, charlie, english):  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.management.commands.db_worker import Worker

    from plantrack.participation.tasks import interval, pending_phase_notices

    today = timezone.localdate()
    consultation = w.consultation(
        "just-opened",
        plan=vision,
        opens=(today - dt.timedelta(days=1)).isoformat(),
        closes=(today + dt.timedelta(days=30)).isoformat(),
        due=(today + dt.timedelta(days=60)).isoformat(),
    )
    follow_set(user=charlie, target=consultation, following=True)
    out = StringIO()
    call_command("consultations_notify", "--schedule", stdout=out)
    assert "scheduled for" in out.getvalue()
    call_command("consultations_notify", "--schedule", stdout=out)  # a deploy runs it again
    assert "already scheduled" in out.getvalue()
    row = pending_phase_notices()
    assert row is not None and row.run_after > timezone.now()
    # Its time comes: the worker claims the run as `plantrack db_worker` does.
    row.claim("test-worker")
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run_task(row)
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert _kinds(charlie) == ["participation.opened"]
    following = pending_phase_notices()
    assert following is not None and following.pk != row.pk
    assert following.run_after >= row.run_after + interval()
