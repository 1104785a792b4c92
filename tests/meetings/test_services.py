"""Every meeting write, by its effect in the database, as each role and with other
objects' ids."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plantrack.history.models import Event
from plantrack.meetings import services
from plantrack.meetings.models import Meeting, MeetingInput, Registration
from plantrack.notices.models import Notice
from plantrack.participation.models import Input

from .conftest import make_past, values


def test_a_member_schedules_a_meeting_for_her_verified_organisation(meeting, dana, cso, soum):
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.organisation == cso and stored.created_by == dana and stored.soum == soum
    assert stored.state == Meeting.State.SCHEDULED
    event = Event.objects.order_by("-seq").first()
    assert event.object_type == "meetings.meeting" and event.action == "created"


def test_a_citizen_may_not_schedule_a_meeting(charlie, aimag):
    with pytest.raises(PermissionDenied):
        services.meeting_create(by=charlie, **values(aimag))
    assert not Meeting.objects.exists()


def test_a_member_may_not_schedule_for_another_organisation(dana, other_cso, aimag):
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(by=dana, organisation=other_cso, **values(aimag))
    assert "organisation" in refused.value.message_dict
    assert not Meeting.objects.exists()


def test_a_plan_manager_may_not_link_a_plan_she_does_not_manage(alice, dice, aimag):
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(by=alice, plan=dice, **values(aimag))
    assert "plan" in refused.value.message_dict
    made = services.meeting_create(by=alice, plan=alice.managed_plans.first(), **values(aimag))
    assert made.plan_id is not None


def test_a_soum_outside_the_aimag_is_refused_naming_the_soum(alice, aimag, foreign_soum):
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(by=alice, **values(aimag, foreign_soum))
    assert foreign_soum.name in refused.value.message_dict["soum"][0]
    assert not Meeting.objects.exists()


def test_place_link_and_times_are_checked(alice, aimag):
    start = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(
            by=alice,
            title_en="x",
            format=Meeting.Format.BOTH,
            starts_at=start,
            ends_at=start - dt.timedelta(hours=1),
        )
    assert set(refused.value.message_dict) == {"ends_at", "place", "online_link"}


def test_another_organisations_admin_may_not_change_or_cancel_it(meeting, fran, charlie):
    for person in (fran, charlie):
        with pytest.raises(PermissionDenied):
            services.meeting_update(meeting=meeting, by=person, version=1, place="Elsewhere")
        with pytest.raises(PermissionDenied):
            services.meeting_cancel(meeting=meeting, by=person, reason="No")
    assert Meeting.objects.get(pk=meeting.pk).place == "Soum hall"
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.SCHEDULED


def test_the_organisations_admin_manages_a_members_meeting(meeting, olga):
    services.meeting_update(meeting=meeting, by=olga, version=1, place="School gym")
    assert Meeting.objects.get(pk=meeting.pk).place == "School gym"


def test_a_stale_edit_is_refused(meeting, dana):
    services.meeting_update(meeting=meeting, by=dana, version=1, place="A")
    with pytest.raises(ValidationError):
        services.meeting_update(meeting=meeting, by=dana, version=1, place="B")
    assert Meeting.objects.get(pk=meeting.pk).place == "A"


def test_registrants_are_told_once_of_a_move_and_once_of_a_cancellation(
    meeting, dana, charlie, bob
):
    services.registration_create(meeting=meeting, by=charlie)
    services.registration_create(meeting=meeting, by=bob)
    services.registration_cancel(registration=Registration.objects.get(user=bob), by=bob)
    # A change of the agenda alone tells nobody; a new time does.
    services.meeting_update(meeting=meeting, by=dana, version=1, agenda_en="New agenda")
    assert not Notice.objects.exists()
    later = meeting.starts_at + dt.timedelta(days=1)
    services.meeting_update(
        meeting=meeting, by=dana, version=2, starts_at=later, ends_at=later + dt.timedelta(hours=2)
    )
    assert list(Notice.objects.values_list("recipient__email", "kind")) == [
        ("charlie@example.org", "meetings.moved")
    ]
    services.meeting_cancel(meeting=meeting, by=dana, reason="Snowstorm")
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, by=dana, reason="Snowstorm")
    kinds = list(Notice.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["meetings.moved", "meetings.cancelled"]
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.state == Meeting.State.CANCELLED and stored.cancel_reason == "Snowstorm"


def test_the_notice_reads_in_the_recipients_language(meeting, dana, charlie, english):
    from plantrack.notices.kinds import write

    services.registration_create(meeting=meeting, by=charlie)
    services.meeting_cancel(meeting=meeting, by=dana, reason="Snowstorm")
    notice = Notice.objects.get()
    text = write(notice.kind, notice.params)
    assert "Feedback session, Erdene soum" in text.title and "Snowstorm" in text.body


def test_registration_with_needs_and_no_second_one(meeting, charlie, english):
    made = services.registration_create(
        meeting=meeting, by=charlie, needs=["sign_language", "other"], needs_other="Braille"
    )
    assert made.needs == ["sign_language", "other"] and made.needs_other == "Braille"
    with pytest.raises(ValidationError) as refused:
        services.registration_create(meeting=meeting, by=charlie)
    assert "already registered" in refused.value.messages[0]
    assert Registration.objects.filter(meeting=meeting).count() == 1
    assert Event.objects.order_by("-seq").first().public is False


def test_an_other_need_without_words_is_refused(meeting, charlie):
    with pytest.raises(ValidationError) as refused:
        services.registration_create(meeting=meeting, by=charlie, needs=["other"])
    assert "needs_other" in refused.value.message_dict
    assert not Registration.objects.exists()


def test_the_last_place_goes_to_one_of_two(meeting, charlie, bob, alice, fran, english):
    services.registration_create(meeting=meeting, by=alice)
    services.registration_create(meeting=meeting, by=fran)
    services.registration_create(meeting=meeting, by=charlie)  # the last of 3 places
    with pytest.raises(ValidationError) as refused:
        services.registration_create(meeting=meeting, by=bob)
    assert "full" in refused.value.messages[0]
    assert Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).count() == 3
    # A cancellation frees the place.
    services.registration_cancel(registration=Registration.objects.get(user=charlie), by=charlie)
    services.registration_create(meeting=meeting, by=bob)
    assert Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).count() == 3


def test_no_registration_for_a_cancelled_closed_or_past_meeting(meeting, dana, charlie):
    Meeting.objects.filter(pk=meeting.pk).update(registration_open=False)
    with pytest.raises(ValidationError):
        services.registration_create(meeting=meeting, by=charlie)
    services.meeting_cancel(meeting=meeting, by=dana, reason="Snow")
    with pytest.raises(ValidationError):
        services.registration_create(meeting=meeting, by=charlie)
    Meeting.objects.filter(pk=meeting.pk).update(state="scheduled", registration_open=True)
    make_past(meeting)
    with pytest.raises(ValidationError):
        services.registration_create(meeting=meeting, by=charlie)
    assert not Registration.objects.exists()


def test_someone_else_may_not_cancel_a_registration(meeting, charlie, bob, dana):
    mine = services.registration_create(meeting=meeting, by=charlie)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=mine, by=bob)
    assert Registration.objects.get(pk=mine.pk).cancelled_at is None
    services.registration_cancel(registration=mine, by=dana)  # the organiser may
    assert Registration.objects.get(pk=mine.pk).cancelled_at is not None


def test_minutes_only_after_the_meeting_and_by_the_organiser(meeting, dana, fran):
    with pytest.raises(ValidationError):
        services.meeting_minutes_publish(meeting=meeting, by=dana, minutes_en="Early")
    make_past(meeting)
    with pytest.raises(PermissionDenied):
        services.meeting_minutes_publish(meeting=meeting, by=fran, minutes_en="Not mine")
    services.meeting_minutes_publish(meeting=meeting, by=dana, minutes_en="Twelve came.")
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.state == Meeting.State.HELD and stored.minutes_en == "Twelve came."
    assert stored.minutes_published_at is not None


def test_inputs_raised_enter_the_consultation_named_only_with_consent(meeting, dana, consultation):
    make_past(meeting)
    anonymous = services.meeting_input_record(
        meeting=meeting, by=dana, body="Mobile coverage in the soum is poor."
    )
    named = services.meeting_input_record(
        meeting=meeting,
        by=dana,
        body="Train the soum's staff.",
        attributed_to_name="Bat-Erdene",
        consent=True,
    )
    inputs = Input.objects.filter(consultation=consultation).order_by("pk")
    assert [i.body for i in inputs] == [
        "Mobile coverage in the soum is poor.",
        "Train the soum's staff.",
    ]
    assert all(i.meeting_label.startswith("Санал сонсох уулзалт") for i in inputs)
    assert anonymous.attributed_to_name == "" and not anonymous.consent
    assert named.attributed_to_name == "Bat-Erdene" and named.consent
    # A name without consent is refused, and nothing is stored.
    with pytest.raises(ValidationError) as refused:
        services.meeting_input_record(meeting=meeting, by=dana, body="x", attributed_to_name="Dorj")
    assert "consent" in refused.value.message_dict
    assert Input.objects.filter(consultation=consultation).count() == 2
    assert MeetingInput.objects.count() == 2


def test_inputs_are_not_recorded_before_the_meeting_or_by_others(meeting, dana, fran):
    with pytest.raises(ValidationError):
        services.meeting_input_record(meeting=meeting, by=dana, body="Too early")
    make_past(meeting)
    with pytest.raises(PermissionDenied):
        services.meeting_input_record(meeting=meeting, by=fran, body="Not mine")
    assert not Input.objects.filter(meeting_label__gt="").exists()


def test_a_meeting_without_a_consultation_records_no_inputs(alice, aimag):
    made = make_past(services.meeting_create(by=alice, **values(aimag)))
    with pytest.raises(ValidationError):
        services.meeting_input_record(meeting=made, by=alice, body="x")
    assert not MeetingInput.objects.exists()


def test_one_event_per_write(meeting, dana, charlie):
    start = Event.objects.count()
    services.meeting_update(meeting=meeting, by=dana, version=1, place="B")
    registration = services.registration_create(meeting=meeting, by=charlie)
    services.registration_cancel(registration=registration, by=charlie)
    assert Event.objects.count() == start + 3
    make_past(meeting)
    services.meeting_minutes_publish(meeting=meeting, by=dana, minutes_en="Held")
    assert Event.objects.count() == start + 4
    # The input's own event (participation) and the meeting's record of it.
    services.meeting_input_record(meeting=meeting, by=dana, body="Raised")
    actions = list(Event.objects.order_by("-seq").values_list("object_type", "action")[:2])
    assert actions == [
        ("meetings.meetinginput", "input_recorded"),
        ("participation.input", "created"),
    ]
    other = services.meeting_create(
        by=dana, organisation=meeting.organisation, **values(None, place="Hall")
    )
    services.meeting_cancel(meeting=other, by=dana, reason="Moved online")
    assert Event.objects.count() == start + 8


def test_nobody_registers_for_a_meeting_on_a_draft_plan_they_cannot_see(
    alice, vision, charlie, aimag
):
    made = services.meeting_create(by=alice, plan=vision, **values(aimag))
    vision.published_at = None
    vision.save(update_fields=["published_at"])
    with pytest.raises(PermissionDenied):
        services.registration_create(meeting=made, by=charlie)
    assert not Registration.objects.exists()


def test_a_blocked_account_cannot_register(meeting, charlie, english):  # type: ignore[no-untyped-def]
    from plantrack.participation.models import Block

    Block.objects.create(user=charlie, reason="abuse")
    with pytest.raises(ValidationError, match="blocked from taking part"):
        services.registration_create(meeting=meeting, by=charlie)
    assert not Registration.objects.exists()


def test_a_meeting_held_while_open_records_its_inputs_after_the_close(
    meeting, dana, consultation, english
):  # type: ignore[no-untyped-def]
    from plantrack.participation.models import Consultation

    make_past(meeting)  # held three hours ago, while the consultation was open
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - dt.timedelta(days=5), closes_at=now - dt.timedelta(hours=1)
    )
    recorded = services.meeting_input_record(
        meeting=meeting, by=dana, body="Raised on the last day"
    )
    assert recorded.input.consultation_id == consultation.pk
    # A meeting after the close does not count for it.
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=now - dt.timedelta(hours=4))
    with pytest.raises(ValidationError, match="took place while the consultation was open"):
        services.meeting_input_record(meeting=meeting, by=dana, body="Too late")
    # Nor once the consultation is answered.
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=now - dt.timedelta(hours=1), answered_at=now
    )
    with pytest.raises(ValidationError, match="has been answered"):
        services.meeting_input_record(meeting=meeting, by=dana, body="After the answers")
    assert Input.objects.filter(consultation=consultation).count() == 1


def test_a_persons_registrations_are_in_their_data_and_go_with_their_account(
    meeting, charlie, consultation
):  # type: ignore[no-untyped-def]
    from plantrack.accounts.services import account_delete, account_export
    from plantrack.participation import services as participation_services
    from plantrack.participation.follows import follow_set
    from plantrack.participation.models import Follow

    services.registration_create(meeting=meeting, by=charlie, needs=["sign_language"])
    participation_services.input_create(consultation=consultation, by=charlie, body="Mine")
    follow_set(user=charlie, target=consultation, following=True)
    data = account_export(user=charlie)
    [registration] = data["meeting_registrations"]
    assert registration["needs"] == ["sign_language"]
    assert [i["text"] for i in data["consultation_inputs"]] == ["Mine"]
    assert data["follows"] == [{"consultation": consultation.slug, "plan": None, "item": None}]
    account_delete(user=charlie)
    assert not Registration.objects.filter(user=charlie).exists()
    assert not Follow.objects.filter(user=charlie).exists()
    assert Input.objects.filter(author=charlie, body="Mine").exists()  # the input stays
