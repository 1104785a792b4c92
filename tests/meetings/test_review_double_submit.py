"""Review: an input raised at a meeting, sent twice (double click, resend), is stored once."""

from __future__ import annotations

from django.test import Client

from plantrack.lib import once
from plantrack.meetings import services
from plantrack.meetings.models import MeetingInput
from plantrack.participation.models import Input

from .conftest import make_past


def test_the_same_token_records_one_input(meeting, dana):  # type: ignore[no-untyped-def]
    make_past(meeting)
    token = once.new_token()
    first = services.meeting_input_record(
        meeting=meeting, by=dana, body="More buses to the soum centre.", token=token
    )
    again = services.meeting_input_record(
        meeting=meeting, by=dana, body="More buses to the soum centre.", token=token
    )
    assert again.pk == first.pk
    assert Input.objects.count() == 1 and MeetingInput.objects.count() == 1


def test_a_double_click_on_the_page_records_one_input(meeting, dana, sign_in):  # type: ignore[no-untyped-def]
    make_past(meeting)
    client = sign_in(Client(), dana)
    url = f"/mn/meetings/{meeting.pk}/inputs/"
    page = client.get(url)
    token = page.context["form"].initial[once.FIELD]
    assert f'value="{token}"' in page.content.decode()
    data = {"body": "More buses to the soum centre.", once.FIELD: token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Input.objects.count() == 1 and MeetingInput.objects.count() == 1
