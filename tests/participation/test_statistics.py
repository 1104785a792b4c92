"""Response statistics computed from the data, against hand-computed figures."""

from __future__ import annotations

import pytest

from plantrack.participation.models import Consultation, Input, Response
from plantrack.participation.statistics import (
    consultation_stats,
    per_consultation,
    per_plan,
    per_responding_body,
    plan_stats,
)

from . import e_world as w

S = Response.Status


@pytest.fixture
def world(vision, dice, police):  # type: ignore[no-untyped-def]
    """c1 on Vision 2050 (answers promised by 1 March 2026), c2 on DICE (by 15 February)."""
    c1 = w.consultation("c1", plan=vision, due="2026-03-01")
    c2 = w.consultation("c2", plan=dice, due="2026-02-15")
    ann, ben = w.user("ann"), w.user("ben")
    i1 = w.add_input(c1, ann, created="2026-01-10")
    i2 = w.add_input(c1, ben, created="2026-01-15")
    i3 = w.add_input(c1, ann, created="2026-01-20", kind=Input.Kind.PROPOSAL, title="P")
    i4 = w.add_input(c1, ben, created="2026-01-20")
    i5 = w.add_input(c1, ann, created="2026-01-25")
    w.add_input(c1, ben, created="2026-01-25")  # i6: no response at all
    w.add_input(c1, ben, kind=Input.Kind.REPLY, parent=i1)  # a reply: not counted
    # i7: hidden by a moderator; it still waits for its answer like any other.
    w.add_input(c1, ann, created="2026-01-26", hidden_at=w.at("2026-01-26"), hidden_reason="spam")
    w.add_input(c2, ann, created="2026-01-12")  # unanswered on DICE
    w.answer([i1], S.ACCEPTED, published="2026-02-10")  # 31 days
    w.answer([i2], S.PARTLY_ACCEPTED, published="2026-02-10")  # 26 days
    w.answer([i3], S.NOT_ACCEPTED, published="2026-02-20", responding_body=police)  # 31 days
    w.answer([i4], S.NOTED, published="2026-02-11")  # 22 days
    w.answer([i5], S.ACCEPTED, published=None)  # a draft response: not answered
    return c1, c2


def test_a_consultation_counts_received_answered_shares_and_median(
    world, django_assert_num_queries
):
    c1, _ = world
    with django_assert_num_queries(2):
        stats = consultation_stats(consultation=c1, now=w.at("2026-03-01"))
    # Received: i1..i7 (the reply does not count; the hidden i7 does) = 7.
    assert stats.received == 7
    # Answered: i1..i4 have published responses; i5's is a draft, i6 and i7 have none = 4.
    assert stats.answered == 4
    assert stats.waiting == 3
    # Shares of the 4 answered: 1 accepted, 1 partly, 1 not accepted → 25 % each.
    assert (stats.accepted, stats.partly_accepted, stats.not_accepted) == (1, 1, 1)
    assert (stats.share_accepted, stats.share_partly, stats.share_not_accepted) == (25, 25, 25)
    # Days (noon to noon): 31 (10 Jan→10 Feb), 26 (15 Jan→10 Feb), 31 (20 Jan→20 Feb),
    # 22 (20 Jan→11 Feb); sorted 22, 26, 31, 31 → median (26 + 31) / 2 = 28.5.
    assert stats.median_days == 28.5


def test_waiting_inputs_are_overdue_only_after_the_promised_date(world):
    c1, _ = world
    # On 1 March itself (the promised date) nothing is overdue yet.
    assert consultation_stats(consultation=c1, now=w.at("2026-03-01", 23)).overdue == 0
    # On 2 March the three inputs without a published response (i5, i6, i7) are overdue.
    assert consultation_stats(consultation=c1, now=w.at("2026-03-02", 0)).overdue == 3


def test_an_answer_published_later_takes_an_input_out_of_the_overdue_count(world):
    c1, _ = world
    waiting = Input.objects.get(
        consultation=c1, response__published_at__isnull=True, response__isnull=False
    )
    Response.objects.filter(pk=waiting.response_id).update(published_at=w.at("2026-03-05"))
    stats = consultation_stats(consultation=c1, now=w.at("2026-03-06"))
    # i5 answered on 5 March, 39 days after 25 January: answered 5, overdue 2 (i6, i7).
    assert (stats.answered, stats.overdue) == (5, 2)
    # Sorted 22, 26, 31, 31, 39 → the middle one, 31.
    assert stats.median_days == 31
    # 2 accepted of 5 answered = 40 %.
    assert stats.share_accepted == 40


def test_an_empty_consultation_has_zeros_and_no_median(vision):
    empty = w.consultation("empty", plan=vision)
    stats = consultation_stats(consultation=empty, now=w.at("2026-06-01"))
    assert (stats.received, stats.answered, stats.overdue) == (0, 0, 0)
    assert stats.median_days is None and stats.share_accepted is None


def test_per_plan_and_per_consultation_rows(world, vision, dice, django_assert_num_queries):
    now = w.at("2026-03-02")
    with django_assert_num_queries(3):
        plans = per_plan(plans=vision.__class__.objects.all(), now=now)
    by_plan = {row.key: row for row in plans}
    # Vision: c1's 7 received, 4 answered, 3 overdue. DICE: c2's 1 received, overdue since 15 Feb.
    assert (
        by_plan[vision.pk].received,
        by_plan[vision.pk].answered,
        by_plan[vision.pk].overdue,
    ) == (7, 4, 3)
    assert (by_plan[dice.pk].received, by_plan[dice.pk].answered, by_plan[dice.pk].overdue) == (
        1,
        0,
        1,
    )
    assert plan_stats(plan=dice, now=now).overdue == 1
    with django_assert_num_queries(3):
        rows = per_consultation(consultations=Consultation.objects.order_by("slug"), now=now)
    assert [(r.label, r.received) for r in rows] == [("Зөвлөлдөх c1", 7), ("Зөвлөлдөх c2", 1)]


def test_per_responding_body(world, police, django_assert_num_queries):
    with django_assert_num_queries(5):
        rows = per_responding_body(consultations=Consultation.objects.all(), now=w.at("2026-03-02"))
    named = {row.label: row for row in rows}
    # "Ministry" (by name) answered i1 (accepted, 31 d), i2 (partly, 26 d), i4 (noted, 22 d):
    # 3 answered, accepted 1/3 = 33 %, median of 22, 26, 31 = 26.
    ministry = named["Ministry"]
    assert (ministry.answered, ministry.share_accepted, ministry.median_days) == (3, 33, 26)
    # The police answered i3 only: not accepted, 100 %, 31 days.
    npa = named[police.name]
    assert (npa.answered, npa.share_not_accepted, npa.median_days) == (1, 100, 31)
    assert rows[0] is ministry  # most answered first


def test_the_query_count_does_not_grow_with_the_inputs(world, django_assert_num_queries):
    c1, _ = world
    author = w.user("many")
    Input.objects.bulk_create(
        [Input(consultation=c1, author=author, body=f"n{n}") for n in range(200)]
    )
    with django_assert_num_queries(2):
        stats = consultation_stats(consultation=c1, now=w.at("2026-03-02"))
    assert stats.received == 207 and stats.median_days == 28.5


def test_an_answer_within_a_day_counts_zero_days_and_a_median_needs_whole_days(vision):
    c = w.consultation("quick", plan=vision)
    quick = w.add_input(c, None, created="2026-01-10")  # at noon
    w.answer([quick], S.ACCEPTED, published="2026-01-10")  # the same noon: 0 days
    later = w.add_input(c, None, created="2026-01-10")
    Input.objects.filter(pk=later.pk).update(created_at=w.at("2026-01-10", 13))
    # Published 11 January at noon, 23 hours after: not yet a whole day, 0.
    w.answer([later], S.NOTED, published="2026-01-11")
    assert consultation_stats(consultation=c).median_days == 0
