"""Plain-text emails show names as written, never HTML-escaped."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from django.template.loader import render_to_string

import plantrack

NAME = "O'Brien & <Sons>"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages are checked in English; the active language otherwise depends on which test
    ran before on this worker (a request leaves its language active)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _email_templates() -> list[Path]:
    return sorted(Path(plantrack.__file__).parent.glob("*/templates/*/email/*.txt"))


def test_the_verification_email_shows_the_name_as_written(client, db):  # type: ignore[no-untyped-def]
    client.post(
        "/en/accounts/sign-up/",
        {"email": "obrien@example.org", "display_name": NAME, "password": "a-long-pass-77"},
    )
    body = mail.outbox[0].body
    assert f"Hello {NAME}," in body
    assert "&#x27;" not in body
    assert "&amp;" not in body
    assert "&lt;" not in body


def test_the_invitation_email_shows_names_as_written():
    membership = SimpleNamespace(
        organisation=SimpleNamespace(name=NAME),
        invited_by=SimpleNamespace(public_name="Ann O'Neil <ann>"),
        get_role_display=lambda: "Reporter & admin",
    )
    context = {"membership": membership, "url": "https://example.org/invitations/?a=1&b=2"}
    subject = render_to_string("organisations/email/invitation_subject.txt", context)
    body = render_to_string("organisations/email/invitation.txt", context)
    assert NAME in subject
    assert f"Ann O'Neil <ann> invited you to join {NAME}" in body
    assert "Reporter & admin" in body
    assert "https://example.org/invitations/?a=1&b=2" in body


def test_every_email_template_turns_autoescaping_off():
    templates = _email_templates()
    assert len(templates) >= 8
    missing = [str(t) for t in templates if "{% autoescape off %}" not in t.read_text()]
    assert not missing, "plain-text emails that would HTML-escape names: " + ", ".join(missing)
