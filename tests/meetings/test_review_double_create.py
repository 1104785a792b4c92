"""Review: a meeting scheduled with a double click is scheduled once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from plantrack.lib import once
from plantrack.meetings.models import Meeting


def test_a_double_submit_schedules_one_meeting(client, sign_in, alice, aimag):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    page = client.get("/mn/meetings/new/")
    token = page.context["form"].initial[once.FIELD]
    assert f'value="{token}"' in page.content.decode()
    start = timezone.localtime() + dt.timedelta(days=3)
    data = {
        "title_en": "Hearing",
        "format": "in_person",
        "place": "Hall",
        "region": aimag.pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        once.FIELD: token,
    }
    first = client.post("/mn/meetings/new/", data)
    second = client.post("/mn/meetings/new/", data)
    assert first.status_code == 302 and second.status_code == 302
    assert Meeting.objects.count() == 1
    assert second.url == first.url
