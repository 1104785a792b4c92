"""Review: rules the services must hold whatever door calls them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plantrack.participation import services
from plantrack.participation.models import Consultation, Input
from plantrack.participation.moderation import input_hide

from .conftest import make_closed


def test_the_author_cannot_rewrite_a_hidden_input(consultation, bob, site_admin):  # type: ignore[no-untyped-def]
    found = services.input_create(consultation=consultation, by=bob, body="Call 9911 2233.")
    input_hide(input=found, reason="personal data", by=site_admin)
    found.refresh_from_db()
    with pytest.raises(ValidationError):
        services.input_edit(input=found, by=bob, version=found.version, body="Harmless now.")
    assert Input.objects.get(pk=found.pk).body == "Call 9911 2233."


def test_a_blocked_author_is_told_they_are_blocked(consultation, bob, site_admin):  # type: ignore[no-untyped-def]
    from plantrack.participation.moderation import user_block

    found = services.input_create(consultation=consultation, by=bob, body="First text.")
    user_block(user=bob, reason="spam", by=site_admin)
    bob = type(bob).objects.get(pk=bob.pk)
    with pytest.raises(PermissionDenied):
        services.input_edit(input=found, by=bob, version=found.version, body="Second.")
    assert Input.objects.get(pk=found.pk).body == "First text."


def _answer(consultation, found, alice):  # type: ignore[no-untyped-def]
    make_closed(consultation)
    return services.response_publish(
        inputs=[found],
        by=alice,
        status="noted",
        explanation_en="Seen.",
        responding_body_name="Ministry",
    )


def test_a_consultation_with_published_answers_cannot_be_reopened(consultation, bob, alice):  # type: ignore[no-untyped-def]
    found = services.input_create(consultation=consultation, by=bob, body="A comment.")
    _answer(consultation, found, alice)
    consultation = Consultation.objects.get(pk=consultation.pk)
    with pytest.raises(ValidationError):
        services.consultation_update(
            consultation=consultation, by=alice, closes_at=timezone.now() + dt.timedelta(days=5)
        )
    consultation = Consultation.objects.get(pk=consultation.pk)
    assert consultation.has_closed
    # and the answered input keeps the text its answer was given to
    found.refresh_from_db()
    with pytest.raises((ValidationError, PermissionDenied)):
        services.input_edit(input=found, by=bob, version=found.version, body="Changed later.")


def test_a_consultation_with_inputs_cannot_be_made_upcoming(consultation, bob, alice):  # type: ignore[no-untyped-def]
    services.input_create(consultation=consultation, by=bob, body="A comment.")
    with pytest.raises(ValidationError):
        services.consultation_update(
            consultation=consultation, by=alice, opens_at=timezone.now() + dt.timedelta(days=1)
        )
    assert Consultation.objects.get(pk=consultation.pk).is_open


def test_a_passed_promised_date_cannot_be_moved_to_clear_the_overdue(consultation, bob, alice):  # type: ignore[no-untyped-def]
    services.input_create(consultation=consultation, by=bob, body="A comment.")
    make_closed(consultation)
    passed = timezone.localdate() - dt.timedelta(days=2)
    Consultation.objects.filter(pk=consultation.pk).update(answers_due=passed)
    consultation = Consultation.objects.get(pk=consultation.pk)
    with pytest.raises(ValidationError):
        services.consultation_update(
            consultation=consultation,
            by=alice,
            answers_due=timezone.localdate() + dt.timedelta(days=30),
        )
    assert Consultation.objects.get(pk=consultation.pk).answers_due == passed


def test_a_response_cannot_be_dated_in_the_future(consultation, bob, alice):  # type: ignore[no-untyped-def]
    found = services.input_create(consultation=consultation, by=bob, body="A comment.")
    make_closed(consultation)
    with pytest.raises(ValidationError) as caught:
        services.response_publish(
            inputs=[found],
            by=alice,
            status="accepted",
            explanation_en="Done.",
            responding_body_name="Ministry",
            responded_on=timezone.localdate() + dt.timedelta(days=40),
        )
    assert "responded_on" in caught.value.message_dict
    found.refresh_from_db()
    assert found.response_id is None
