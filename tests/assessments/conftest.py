"""Personas and rounds of the assessment tests.

Ada and Abe are assessors; Alice manages Vision 2050 (tests/conftest.py), Bob is a plan
manager of no plan, Charlie a citizen. ``published`` is the sample scorecard's round
(score 54, exact 54.17) published by the command line; ``draft`` a round Ada drafted."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from plantrack.accounts.models import User
from plantrack.accounts.permissions import ASSESSORS
from plantrack.assessments.generate import sample_assessment
from plantrack.assessments.importing import assessment_import
from plantrack.assessments.models import Round
from plantrack.assessments.services import round_create


def _assessor(email: str, name: str) -> User:
    user = User.objects.create_user(email, f"pw-{name}-12345", display_name=name)
    user.groups.add(Group.objects.get_or_create(name=ASSESSORS)[0])
    return user


@pytest.fixture
def ada(db) -> User:  # type: ignore[no-untyped-def]
    return _assessor("ada@example.org", "Ada")


@pytest.fixture
def abe(db) -> User:  # type: ignore[no-untyped-def]
    """A second assessor."""
    return _assessor("abe@example.org", "Abe")


@pytest.fixture
def published(db) -> Round:  # type: ignore[no-untyped-def]
    result = assessment_import(parsed=sample_assessment(), system=True, publish=True)
    assert result.round is not None
    return result.round


@pytest.fixture
def draft(published, ada) -> Round:  # type: ignore[no-untyped-def]
    return round_create(
        by=ada,
        framework=published.version.framework,
        subject="Mongolia",
        year=2024,
        assessing_body="Ada's review team",
    )
