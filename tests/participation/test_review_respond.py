"""Review: the response page with ids no database column holds."""

from __future__ import annotations

from django.test import Client

from plantrack.participation import services
from plantrack.participation.models import Response

from .conftest import make_closed


def test_respond_with_huge_input_ids_is_no_server_error(consultation, bob, alice, sign_in):  # type: ignore[no-untyped-def]
    found = services.input_create(consultation=consultation, by=bob, body="A comment.")
    make_closed(consultation)
    client = sign_in(Client(), alice)
    url = f"/mn/consultations/{consultation.slug}/respond/"
    huge = "9" * 30
    assert client.get(url, {"input": [huge, "²", str(found.pk)]}).status_code == 200
    answer = client.post(
        url,
        {"inputs": [huge, "²", str(found.pk)], "status": "noted", "explanation_en": "Seen."},
    )
    assert answer.status_code in (200, 302)
    assert Response.objects.count() <= 1
