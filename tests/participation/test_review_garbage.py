"""Review: garbage numbers in posted fields answer 4xx or the form again, never a 500."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from plantrack.participation.models import Consultation, Follow


def test_follow_with_a_huge_or_odd_id_is_not_found(consultation, bob, sign_in):  # type: ignore[no-untyped-def]
    client = sign_in(Client(raise_request_exception=False), bob)
    for value in ("9" * 30, "²", "-1"):
        answer = client.post("/mn/consultations/follow/", {"kind": "consultation", "id": value})
        assert answer.status_code == 404, value
    assert not Follow.objects.exists()


def test_consultation_edit_with_a_garbage_version_is_no_server_error(  # type: ignore[no-untyped-def]
    consultation, alice, sign_in
):
    client = sign_in(Client(raise_request_exception=False), alice)
    now = timezone.localtime()
    data = {
        "title_mn": "Шинэ нэр",
        "title_en": "New title",
        "subject": consultation.subject,
        "eligibility": consultation.eligibility,
        "opens_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
        "answers_due": (now + dt.timedelta(days=45)).date().isoformat(),
    }
    for version in ("abc", "9" * 30, "²"):
        answer = client.post(
            f"/mn/consultations/{consultation.slug}/edit/", {**data, "version": version}
        )
        assert answer.status_code == 200, version  # the form again, saying it is stale
    assert Consultation.objects.get(pk=consultation.pk).title_en == "Objective 7.3 revision"
