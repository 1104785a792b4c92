"""Moderation services: flags, hide and restore with a published reason, blocks — the
effect in the database, as each role."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.accounts.permissions import MODERATORS
from plantrack.history.models import Event
from plantrack.lib.ratelimit import RateLimited
from plantrack.participation.models import Block, Flag, Input, ModerationAction
from plantrack.participation.moderation import (
    flag_create,
    flags_dismiss,
    input_hide,
    input_restore,
    moderation_log,
    moderation_queue,
    participation_blocked,
    user_block,
    user_unblock,
)

from . import e_world as w

FLAG_LIMIT = SimpleNamespace(per_account=3, per_address=5)


@pytest.fixture(autouse=True)
def _small_limits(settings):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_RATE_LIMITS = {
        "participation.flag": {"per_account": 3, "per_address": 5, "window": 3600}
    }


@pytest.fixture
def mona(db):  # type: ignore[no-untyped-def]
    """Mona is in the Moderators group."""
    user = w.user("mona")
    user.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
    return user


@pytest.fixture
def setting(vision, charlie):  # type: ignore[no-untyped-def]
    consultation = w.consultation("vision-rev", plan=vision)
    return consultation, w.add_input(consultation, charlie, body="My phone is 99112233")


def _events(obj) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        Event.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_signed_in_user_flags_an_input_once_with_a_reason(setting, bob, english):
    _, entry = setting
    flag = flag_create(input=entry, reason=Flag.Reason.PERSONAL_DATA, text="a phone", by=bob)
    assert Flag.objects.filter(input=entry, user=bob, resolved_at__isnull=True).count() == 1
    assert _events(flag) == ["added"]
    with pytest.raises(ValidationError, match="already flagged"):
        flag_create(input=entry, reason=Flag.Reason.SPAM, by=bob)
    assert Flag.objects.count() == 1


def test_a_flag_needs_a_known_reason_and_words_for_other(setting, bob):
    _, entry = setting
    with pytest.raises(ValidationError) as error:
        flag_create(input=entry, reason="ugly", by=bob)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        flag_create(input=entry, reason=Flag.Reason.OTHER, text="  ", by=bob)
    assert "text" in error.value.message_dict
    assert not Flag.objects.exists()


def test_flags_are_rate_limited_per_account(vision, bob):
    consultation = w.consultation("many", plan=vision)
    inputs = [w.add_input(consultation, None) for _ in range(FLAG_LIMIT.per_account + 1)]
    for entry in inputs[:-1]:
        flag_create(input=entry, reason=Flag.Reason.SPAM, by=bob, address="10.0.0.1")
    with pytest.raises(RateLimited):
        flag_create(input=inputs[-1], reason=Flag.Reason.SPAM, by=bob, address="10.0.0.1")
    assert Flag.objects.count() == FLAG_LIMIT.per_account


def test_flags_are_rate_limited_per_address(vision):
    consultation = w.consultation("addr", plan=vision)
    entry = w.add_input(consultation, None)
    people = [w.user(f"p{n}") for n in range(FLAG_LIMIT.per_address + 1)]
    for person in people[:-1]:
        flag_create(input=entry, reason=Flag.Reason.SPAM, by=person, address="10.0.0.9")
    with pytest.raises(RateLimited):
        flag_create(input=entry, reason=Flag.Reason.SPAM, by=people[-1], address="10.0.0.9")
    assert Flag.objects.count() == FLAG_LIMIT.per_address


@pytest.mark.parametrize("who", ["mona", "alice", "site_admin"])
def test_a_moderator_hides_and_restores_with_a_published_reason(setting, bob, who, request):
    consultation, entry = setting
    moderator = request.getfixturevalue(who)
    flag_create(input=entry, reason=Flag.Reason.PERSONAL_DATA, by=bob)
    input_hide(input=entry, reason="personal data", by=moderator)
    stored = Input.objects.get(pk=entry.pk)
    # Hidden, never deleted: the text stays in the database, the reason is public.
    assert stored.hidden_at is not None and stored.hidden_reason == "personal data"
    assert stored.body == "My phone is 99112233" and stored.hidden_by == moderator
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    input_restore(input=stored, reason="number was a public office line", by=moderator)
    stored.refresh_from_db()
    assert stored.hidden_at is None and stored.hidden_reason == ""
    log = moderation_log(consultation=consultation)
    assert [(a.action, a.reason) for a in log] == [
        ("restore", "number was a public office line"),
        ("hide", "personal data"),
    ]
    assert _events(stored) == ["retired", "restored"]
    hide_event = Event.objects.get(object_id=str(stored.pk), action="retired")
    assert hide_event.public and hide_event.reason == "personal data"


@pytest.mark.parametrize("who", ["charlie", "bob", "erin"])
def test_others_cannot_hide_or_restore(setting, who, request):
    # Charlie wrote the input, Bob manages another plan, Erin reports for an agency.
    _, entry = setting
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        input_hide(input=entry, reason="no", by=person)
    assert not Input.objects.get(pk=entry.pk).is_hidden
    Input.objects.filter(pk=entry.pk).update(hidden_at=w.at("2026-01-20"), hidden_reason="spam")
    entry.refresh_from_db()
    with pytest.raises(PermissionDenied):
        input_restore(input=entry, reason="yes", by=person)
    assert Input.objects.get(pk=entry.pk).is_hidden
    assert not ModerationAction.objects.exists()


def test_hiding_needs_a_reason_and_a_visible_input(setting, mona, english):
    _, entry = setting
    with pytest.raises(ValidationError) as error:
        input_hide(input=entry, reason="  ", by=mona)
    assert "reason" in error.value.message_dict
    input_hide(input=entry, reason="spam", by=mona)
    with pytest.raises(ValidationError, match="already hidden"):
        input_hide(input=entry, reason="spam", by=mona)
    assert ModerationAction.objects.count() == 1


def test_a_blocked_account_cannot_flag_and_unblocking_lets_it(setting, mona, bob, english):
    _, entry = setting
    user_block(user=bob, reason="repeated abuse", by=mona)
    assert participation_blocked(bob)
    with pytest.raises(PermissionDenied, match="blocked"):
        flag_create(input=entry, reason=Flag.Reason.SPAM, by=bob)
    assert not Flag.objects.exists()
    block = user_unblock(user=bob, by=mona)
    assert not participation_blocked(bob)
    assert _events(block) == ["added", "removed"]
    flag_create(input=entry, reason=Flag.Reason.SPAM, by=bob)
    assert Flag.objects.count() == 1


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_only_moderators_and_site_admins_block(setting, who, bob, request):
    with pytest.raises(PermissionDenied):
        user_block(user=bob, reason="x", by=request.getfixturevalue(who))
    assert not Block.objects.exists()


def test_a_site_admin_blocks_and_a_moderator_cannot_be_blocked(
    setting, site_admin, mona, bob, english
):
    user_block(user=bob, reason="spam", by=site_admin)
    assert Block.objects.filter(user=bob, lifted_at__isnull=True).count() == 1
    with pytest.raises(ValidationError, match="already blocked"):
        user_block(user=bob, reason="spam", by=site_admin)
    with pytest.raises(ValidationError):
        user_block(user=mona, reason="x", by=site_admin)
    with pytest.raises(ValidationError, match="not blocked"):
        user_unblock(user=mona, by=site_admin)
    assert Block.objects.count() == 1


def test_dismissing_flags_keeps_the_input(setting, mona, bob, charlie):
    _, entry = setting
    flag_create(input=entry, reason=Flag.Reason.OFFENSIVE, by=bob)
    assert flags_dismiss(input=entry, by=mona) == 1
    assert not Input.objects.get(pk=entry.pk).is_hidden
    with pytest.raises(PermissionDenied):
        flags_dismiss(input=entry, by=charlie)


def test_the_queue_counts_open_flags_by_consultation_oldest_first(
    vision, dice, mona, alice, bob, django_assert_num_queries
):
    first = w.consultation("first", plan=dice)
    second = w.consultation("second", plan=vision)
    a = w.add_input(first, None)
    b, c = w.add_input(second, None), w.add_input(second, None)
    for entry in (a, b, c):
        flag_create(input=entry, reason=Flag.Reason.SPAM, by=bob)
    Flag.objects.filter(input=a).update(created_at=w.at("2026-01-01"))
    with django_assert_num_queries(4):
        queue = moderation_queue(user=mona)
    assert [(row.consultation.slug, row.open_flags) for row in queue.rows] == [
        ("first", 1),
        ("second", 2),
    ]
    assert queue.total == 3 and queue.flags[0].input == a
    # Alice manages Vision 2050 only: she sees its consultation's flags, not DICE's.
    mine = moderation_queue(user=alice)
    assert [row.consultation.slug for row in mine.rows] == ["second"] and mine.total == 2


def test_an_input_on_a_draft_plan_cannot_be_flagged_by_those_who_cannot_see_it(vision, bob):
    from plantrack.plans.models import Plan

    consultation = w.consultation("draft-one", plan=vision)
    entry = w.add_input(consultation, None)
    Plan.objects.filter(pk=vision.pk).update(published_at=None)
    entry.consultation.plan.refresh_from_db()
    with pytest.raises(PermissionDenied):
        flag_create(input=entry, reason=Flag.Reason.SPAM, by=bob)
    assert not Flag.objects.exists()
