"""Meetings fixtures: a consultation on Vision 2050 objective 7.3 open now, a verified CSO
with an admin and a member, an aimag with its soums, and a meeting maker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.meetings import services
from plantrack.meetings.models import Meeting
from plantrack.organisations.models import Membership, Organisation, Region, Soum
from plantrack.participation import services as participation_services
from plantrack.participation.models import Consultation
from plantrack.plans.models import Item


def _user(email: str, name: str) -> User:
    return User.objects.create_user(email, "pw-meet-1234", display_name=name)


@pytest.fixture
def consultation(alice, vision) -> Consultation:  # type: ignore[no-untyped-def]
    now = timezone.now()
    made = participation_services.consultation_create(
        by=alice,
        plan=vision,
        title_en="Objective 7.3 revision",
        title_mn="7.3 зорилтын шинэчлэл",
        subject=Consultation.Subject.ITEMS,
        opens_at=now - dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=14),
        answers_due=(now + dt.timedelta(days=45)).date(),
    )
    participation_services.consultation_draft_from_items(
        consultation=made, by=alice, root=Item.objects.get(plan=vision, code="7.3")
    )
    return made


@pytest.fixture
def cso(db) -> Organisation:  # type: ignore[no-untyped-def]
    return Organisation.objects.create(
        slug="rural-voices", name_en="Rural Voices", kind="cso", verified_at=timezone.now()
    )


@pytest.fixture
def other_cso(db) -> Organisation:  # type: ignore[no-untyped-def]
    return Organisation.objects.create(
        slug="city-voices", name_en="City Voices", kind="cso", verified_at=timezone.now()
    )


@pytest.fixture
def dana(cso) -> User:  # type: ignore[no-untyped-def]
    """Dana is an active member of the verified CSO Rural Voices."""
    user = _user("dana@example.org", "Dana")
    Membership.objects.create(user=user, organisation=cso, role="member", state="active")
    return user


@pytest.fixture
def olga(cso) -> User:  # type: ignore[no-untyped-def]
    """Olga administers Rural Voices."""
    user = _user("olga@example.org", "Olga")
    Membership.objects.create(user=user, organisation=cso, role="admin", state="active")
    return user


@pytest.fixture
def fran(other_cso) -> User:  # type: ignore[no-untyped-def]
    """Fran administers City Voices, another organisation."""
    user = _user("fran@example.org", "Fran")
    Membership.objects.create(user=user, organisation=other_cso, role="admin", state="active")
    return user


@pytest.fixture
def aimag(db) -> Region:  # type: ignore[no-untyped-def]
    return Region.objects.filter(kind=Region.Kind.AIMAG, soums__isnull=False).order_by("pk")[0]


@pytest.fixture
def soum(aimag) -> Soum:  # type: ignore[no-untyped-def]
    return aimag.soums.order_by("pk")[0]


@pytest.fixture
def foreign_soum(aimag) -> Soum:  # type: ignore[no-untyped-def]
    """A soum of another aimag."""
    return Soum.objects.exclude(aimag=aimag).order_by("pk")[0]


def values(region: Region | None = None, soum: Soum | None = None, **extra: Any) -> dict[str, Any]:
    start = timezone.now() + dt.timedelta(days=7)
    return {
        "title_en": "Feedback session, Erdene soum",
        "title_mn": "Санал сонсох уулзалт",
        "agenda_en": "1. The draft; 2. Questions, answers; 3. Next steps",
        "format": Meeting.Format.IN_PERSON,
        "place": "Soum hall",
        "region": region,
        "soum": soum,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        **extra,
    }


@pytest.fixture
def meeting(dana, cso, consultation, aimag, soum) -> Meeting:  # type: ignore[no-untyped-def]
    """Dana's meeting for Rural Voices in a soum, linked to the consultation, 3 places."""
    return services.meeting_create(
        by=dana,
        organisation=cso,
        consultation=consultation,
        **values(aimag, soum, capacity=3),
    )


def make_past(meeting: Meeting) -> Meeting:
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=1)
    )
    meeting.refresh_from_db()
    return meeting
