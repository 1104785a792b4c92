"""The demo's meetings: built through the services, deterministic, once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.meetings.demo import DICE_CONSULTATION, meetings_demo
from plantrack.meetings.models import Meeting, MeetingInput, Registration
from plantrack.participation import services as participation_services
from plantrack.plans.demo import demo_accounts


def test_the_demo_links_the_dice_plan_when_no_consultation_exists(dice):
    demo_accounts()
    built = meetings_demo()
    assert built is not None
    assert built.upcoming.plan == dice and built.upcoming.consultation is None
    assert built.upcoming.soum.aimag_id == built.upcoming.region_id
    assert built.registrations == 3 and built.inputs == 0
    assert built.held.state == Meeting.State.HELD and built.held.minutes_en
    needs = sorted(n for r in Registration.objects.all() for n in r.needs)
    assert needs == sorted(["sign_language", "step_free", "large_print", "hearing_loop", "other"])
    assert meetings_demo() is None  # again: nothing added
    assert Meeting.objects.count() == 2


def test_the_demo_records_the_held_meetings_inputs_into_the_dice_consultation(dice):
    demo_accounts()
    manager = User.objects.get(email="manager@plantrack.local")
    dice.managers.add(manager)
    now = timezone.now()
    consultation = participation_services.consultation_create(
        by=manager,
        plan=dice,
        title_en="DICE digital skills",
        opens_at=now - dt.timedelta(days=20),
        closes_at=now + dt.timedelta(days=20),
        answers_due=(now + dt.timedelta(days=40)).date(),
    )
    consultation.slug = DICE_CONSULTATION
    consultation.save(update_fields=["slug"])
    built = meetings_demo()
    assert built is not None and built.inputs == 3
    assert built.upcoming.consultation == consultation
    links = list(MeetingInput.objects.order_by("pk"))
    assert [bool(link.attributed_to_name) for link in links] == [True, False, False]
    assert all(link.input.consultation == consultation for link in links)
    assert all(link.input.meeting_label for link in links)
