"""Participation fixtures: a consultation on Vision 2050 objective 7.3 (its draft from the
items), verified organisations with members, and helpers that move a consultation's dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.organisations.models import Membership, Organisation
from plantrack.participation import services
from plantrack.participation.models import Consultation
from plantrack.plans.models import Item


def make_open(consultation: Consultation) -> Consultation:
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=10)
    )
    consultation.refresh_from_db()
    return consultation


def make_closed(consultation: Consultation) -> Consultation:
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - dt.timedelta(days=20), closes_at=now - dt.timedelta(minutes=1)
    )
    consultation.refresh_from_db()
    return consultation


@pytest.fixture
def objective(vision) -> Item:  # type: ignore[no-untyped-def]
    return Item.objects.get(plan=vision, code="7.3")


@pytest.fixture
def consultation(alice, vision, objective) -> Consultation:  # type: ignore[no-untyped-def]
    """Open now, on objective 7.3 of Vision 2050, its draft taken from the items."""
    now = timezone.now()
    made = services.consultation_create(
        by=alice,
        plan=vision,
        title_en="Objective 7.3 revision",
        title_mn="7.3 зорилтын шинэчлэл",
        summary_en="Comment on the revised activities.",
        subject=Consultation.Subject.ITEMS,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=14),
        answers_due=(now + dt.timedelta(days=45)).date(),
    )
    services.consultation_draft_from_items(consultation=made, by=alice, root=objective)
    return made


def _organisation(slug: str, name: str) -> Organisation:
    return Organisation.objects.create(
        slug=slug, name_en=name, kind="cso", verified_at=timezone.now()
    )


@pytest.fixture
def cso(db) -> Organisation:  # type: ignore[no-untyped-def]
    return _organisation("open-society-forum", "Open Society Forum")


@pytest.fixture
def cso2(db) -> Organisation:  # type: ignore[no-untyped-def]
    return _organisation("women-for-change", "Women for Change")


@pytest.fixture
def dana(cso) -> User:  # type: ignore[no-untyped-def]
    """Dana is an active member of the verified CSO."""
    user = User.objects.create_user("dana@example.org", "pw-dana-1234", display_name="Dana")
    Membership.objects.create(user=user, organisation=cso, role="member", state="active")
    return user


@pytest.fixture
def fran(cso2) -> User:  # type: ignore[no-untyped-def]
    """Fran is an active member of the second verified CSO."""
    user = User.objects.create_user("fran@example.org", "pw-fran-1234", display_name="Fran")
    Membership.objects.create(user=user, organisation=cso2, role="member", state="active")
    return user
