"""Publishing a response tells the author, the co-signers and the supporters: one notice
each per response, and one email each in the recipient's own language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from plantrack.notices.kinds import write
from plantrack.notices.models import Notice
from plantrack.participation import services

from ..notices.helpers import run_ready_tasks
from .conftest import make_closed

pytestmark = pytest.mark.django_db


def test_one_email_each_in_their_language(
    consultation,
    alice,
    charlie,
    dana,
    fran,
    cso,
    cso2,
    settings,
    django_capture_on_commit_callbacks,
):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_SITE_URL = "https://plantrack.example"
    charlie.language, fran.language = "en", "mn"
    charlie.save()
    fran.save()
    first = services.input_create(consultation=consultation, by=charlie, body="a")
    second = services.input_create(consultation=consultation, by=dana, organisation=cso, body="b")
    services.cosign_add(input=second, organisation=cso2, by=fran)
    services.support_add(input=first, by=fran)  # Fran co-signed one and supports the other
    services.support_add(input=second, by=charlie)  # Charlie wrote one and supports the other
    make_closed(consultation)
    first.refresh_from_db()
    second.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.response_publish(
            inputs=[first, second],
            by=alice,
            status="accepted",
            explanation_en="Both are taken up.",
            responding_body_name="Ministry",
        )
    run_ready_tasks()
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["charlie@example.org", "dana@example.org", "fran@example.org"]
    emails = {m.to[0]: m for m in mail.outbox}
    path = f"/consultations/{consultation.slug}/inputs/{first.pk}/"
    assert f"https://plantrack.example/en{path}" in emails["charlie@example.org"].body
    with translation.override("en"):
        english = write(
            "participation.response.author", Notice.objects.get(recipient=charlie).params
        )
    assert emails["charlie@example.org"].subject == f"Plantrack: {english.title}"
    assert "Accepted".lower() in english.title.lower()
    fran_notice = Notice.objects.get(recipient=fran)
    assert fran_notice.kind == "participation.response.cosigner"
    assert (
        f"/mn/consultations/{consultation.slug}/inputs/{second.pk}/"
        in emails["fran@example.org"].body
    )
    assert alice.email not in to
