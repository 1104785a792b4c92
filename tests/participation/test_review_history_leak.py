"""Review: an input a moderator hid does not live on, word for word, in public history."""

from __future__ import annotations

from django.test import Client

from plantrack.participation import services
from plantrack.participation.moderation import input_hide


def test_a_hidden_inputs_text_is_not_in_the_public_plan_history(  # type: ignore[no-untyped-def]
    consultation, bob, site_admin, vision
):
    found = services.input_create(consultation=consultation, by=bob, body="My phone is 9911.")
    services.input_edit(
        input=found, by=bob, version=found.version, body="My phone is 9911 2233, call me."
    )
    input_hide(input=found, reason="personal data", by=site_admin)
    visitor = Client()
    for url in (f"/mn/plans/{vision.slug}/history/", f"/mn/plans/{vision.slug}/changes/"):
        page = visitor.get(url)
        assert page.status_code == 200
        assert "9911" not in page.content.decode(), url
