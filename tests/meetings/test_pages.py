"""The meeting pages, the organiser's registrations page, the input page's "raised at", the
calendar (filters, fixed query counts) and the iCalendar feeds parsed back."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plantrack.meetings import services
from plantrack.meetings.ics import escape, fold
from plantrack.meetings.models import Meeting, Registration
from plantrack.participation.models import Input

from .conftest import make_past, values


def _unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def _events(text: str) -> list[dict[str, str]]:
    found, current = [], None
    for line in _unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_the_meeting_page_shows_place_agenda_and_a_register_button(client, meeting, english):
    page = client.get(f"/en/meetings/{meeting.pk}/").content.decode()
    assert "Feedback session, Erdene soum" in page and "Soum hall" in page
    assert meeting.soum.name in page and "2. Questions" in page
    assert f"/en/meetings/{meeting.pk}/register/" in page
    assert "Registrations and accessibility needs" not in page  # not for the public


def test_needs_are_shown_to_the_organiser_and_the_org_admin_only(
    client, sign_in, meeting, charlie, dana, olga, fran, english
):
    services.registration_create(
        meeting=meeting, by=charlie, needs=["sign_language", "step_free"], note="Wheelchair"
    )
    url = f"/en/meetings/{meeting.pk}/registrations/"
    assert client.get(url).status_code == 302  # a visitor is sent to sign in
    for outsider in (fran, charlie):
        sign_in(client, outsider)
        assert client.get(url).status_code in (403, 404)
        client.logout()
    for organiser in (dana, olga):
        sign_in(client, organiser)
        page = client.get(url).content.decode()
        assert "Charlie" in page and "Sign-language interpretation" in page and "Wheelchair" in page
        client.logout()
    # The public page says how many places are left, never who needs what.
    public = client.get(f"/en/meetings/{meeting.pk}/").content.decode()
    assert "2 of 3 free" in public
    assert "Charlie" not in public and "Wheelchair" not in public


def test_need_counts_on_the_organisers_page(client, sign_in, meeting, charlie, bob, dana, english):
    services.registration_create(meeting=meeting, by=charlie, needs=["sign_language"])
    services.registration_create(meeting=meeting, by=bob, needs=["sign_language", "large_print"])
    sign_in(client, dana)
    page = client.get(f"/en/meetings/{meeting.pk}/registrations/").content.decode()
    assert re.search(r"Sign-language interpretation</th><td>2<", page)
    assert re.search(r"Large print</th><td>1<", page)


def test_a_registrant_registers_with_needs_and_sees_them(
    client, sign_in, meeting, charlie, english
):
    sign_in(client, charlie)
    response = client.post(
        f"/en/meetings/{meeting.pk}/register/",
        {"needs": ["large_print", "other"], "needs_other": "Seat near the front"},
    )
    assert response.status_code == 302
    stored = Registration.objects.get(meeting=meeting, user=charlie)
    assert stored.needs == ["large_print", "other"]
    mine = client.get("/en/my/meetings/").content.decode()
    assert "Large print" in mine and "Seat near the front" in mine
    again = client.post(f"/en/meetings/{meeting.pk}/register/", {})
    assert again.status_code == 200 and "already registered" in again.content.decode()
    assert Registration.objects.filter(meeting=meeting).count() == 1


def test_the_meeting_form_shows_the_soum_error_on_its_field(
    client, sign_in, alice, aimag, foreign_soum, english
):
    sign_in(client, alice)
    start = timezone.localtime() + dt.timedelta(days=3)
    response = client.post(
        "/en/meetings/new/",
        {
            "title_en": "Hearing",
            "format": "in_person",
            "place": "Hall",
            "region": aimag.pk,
            "soum": foreign_soum.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_soum_errors"' in page
    assert not Meeting.objects.exists()


def test_the_input_page_says_where_it_was_raised(client, meeting, dana, english):
    make_past(meeting)
    link = services.meeting_input_record(
        meeting=meeting, by=dana, body="Coverage", attributed_to_name="Bat", consent=True
    )
    plain = services.meeting_input_record(meeting=meeting, by=dana, body="Prices")
    slug = meeting.consultation.slug
    named = client.get(f"/en/consultations/{slug}/inputs/{link.input_id}/").content.decode()
    assert "Raised by Bat at the meeting" in named
    anonymous = client.get(f"/en/consultations/{slug}/inputs/{plain.input_id}/").content.decode()
    assert "Raised at the meeting" in anonymous and "Bat" not in anonymous
    page = client.get(f"/en/meetings/{meeting.pk}/").content.decode()
    assert "Inputs raised at the meeting" in page and "Coverage" in page


def test_the_organiser_records_an_input_through_the_page(client, sign_in, meeting, dana, english):
    make_past(meeting)
    sign_in(client, dana)
    url = f"/en/meetings/{meeting.pk}/inputs/"
    refused = client.post(url, {"body": "Roads", "attributed_to_name": "Dorj"})
    assert 'id="id_consent_errors"' in refused.content.decode()
    ok = client.post(url, {"body": "Roads", "attributed_to_name": "Dorj", "consent": "on"})
    assert ok.status_code == 302
    assert Input.objects.get(body="Roads").meeting_link.attributed_to_name == "Dorj"


def test_the_feed_folds_escapes_and_gives_utc(client, alice, aimag, english):
    start = dt.datetime(2031, 3, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    long_title = "Hearing; on roads, bridges\nand " + "ө" * 60
    made = services.meeting_create(
        by=alice,
        **values(
            aimag,
            title_en=long_title,
            title_mn="",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        ),
    )
    text = client.get(f"/en/meetings/{made.pk}/meeting.ics").content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "\r\n " in text  # the long summary is folded
    [event] = _events(text)
    assert event["DTSTART"] == "20310305T013000Z" and event["DTEND"] == "20310305T033000Z"
    assert event["SUMMARY"].startswith("Hearing\\; on roads\\, bridges\\nand ")
    assert _unescape(event["SUMMARY"]) == long_title
    assert event["UID"] == f"meeting-{made.pk}@plantrack" and event["STATUS"] == "CONFIRMED"
    assert event["URL"] == f"http://testserver/en/meetings/{made.pk}/"
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    assert aimag.name in _unescape(event["LOCATION"])


def test_a_cancelled_meeting_is_cancelled_in_the_feed(client, meeting, dana, consultation):
    services.meeting_cancel(meeting=meeting, by=dana, reason="Snow, ice")
    text = client.get("/en/calendar.ics").content.decode()
    events = {e["UID"]: e for e in _events(text)}
    assert events[f"meeting-{meeting.pk}@plantrack"]["STATUS"] == "CANCELLED"
    assert "Snow\\, ice" in events[f"meeting-{meeting.pk}@plantrack"]["DESCRIPTION"]
    # The consultation's closing date is in the feed too (it opened before the window? no: 3
    # days ago, inside the month before).
    assert f"consultation-{consultation.pk}-closes@plantrack" in events
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")


def test_fold_never_splits_a_character_and_escape_covers_the_specials():
    line = "SUMMARY:" + "ө" * 100
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def _calendar(client, query: str = "") -> str:
    return client.get(f"/en/calendar/{query}").content.decode()


def test_the_calendar_lists_by_month_and_filters(client, meeting, consultation, alice, english):
    month = timezone.localtime(meeting.starts_at).strftime("%Y-%m")
    page = _calendar(client, f"?month={month}")
    assert "Feedback session, Erdene soum" in page
    only_consultations = _calendar(client, f"?month={month}&kind=consultation")
    assert "Feedback session, Erdene soum" not in only_consultations
    elsewhere = meeting.region.__class__.objects.exclude(pk=meeting.region_id).first()
    assert "Feedback session" not in _calendar(client, f"?month={month}&aimag={elsewhere.pk}")
    assert "Feedback session" in _calendar(client, f"?month={month}&aimag={meeting.region_id}")


def _count_queries(client, url: str) -> tuple[int, str]:
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    return len(captured), page.content.decode()


def test_the_calendar_costs_the_same_queries_whatever_the_data(
    client, meeting, dana, cso, consultation, aimag
):
    month = timezone.localtime(meeting.starts_at).strftime("%Y-%m")
    url = f"/en/calendar/?month={month}"
    few, _ = _count_queries(client, url)
    for n in range(12):
        services.meeting_create(by=dana, organisation=cso, **values(aimag, title_en=f"Extra {n}"))
    many, page = _count_queries(client, url)
    assert page.count("Extra ") == 12
    assert many == few
    feed_few = len(_events(client.get("/en/calendar.ics").content.decode()))
    assert feed_few >= 13


def test_the_meeting_and_organiser_pages_cost_the_same_queries_whatever_the_data(
    client, sign_in, meeting, dana, english
):
    sign_in(client, dana)
    urls = [f"/en/meetings/{meeting.pk}/", f"/en/meetings/{meeting.pk}/registrations/"]
    few = [_count_queries(client, url)[0] for url in urls]
    from plantrack.accounts.models import User

    Meeting.objects.filter(pk=meeting.pk).update(capacity=None)
    for n in range(8):
        person = User.objects.create_user(f"r{n}@example.org", "pw-meet-1234", display_name=f"R{n}")
        services.registration_create(meeting=meeting, by=person, needs=["large_print"])
    make_past(meeting)
    for n in range(5):
        services.meeting_input_record(meeting=meeting, by=dana, body=f"Raised {n}")
    many = [_count_queries(client, url)[0] for url in urls]
    assert many == few


def test_the_calendar_lists_an_open_surveys_dates_but_never_a_draft(client, alice, vision, english):  # type: ignore[no-untyped-def]
    from plantrack.surveys import services as survey_services

    opens = timezone.now() + dt.timedelta(days=3)
    closes = opens + dt.timedelta(days=20)

    def make(slug: str, title: str):  # type: ignore[no-untyped-def]
        survey = survey_services.survey_create(
            by=alice, plan=vision, slug=slug, title_en=title, opens_at=opens, closes_at=closes
        )
        survey_services.question_save(
            survey=survey, by=alice, values={"kind": "short_text", "text_en": "Why?"}
        )
        return survey

    survey_services.survey_set_state(survey=make("needs", "Digital needs"), by=alice, state="open")
    make("unfinished", "Unfinished draft")
    page = _calendar(client, f"?month={timezone.localtime(opens).strftime('%Y-%m')}")
    assert "Survey opens: Digital needs" in page
    assert "Unfinished draft" not in page
    assert "Survey opens: Digital needs" not in _calendar(
        client, f"?month={timezone.localtime(opens).strftime('%Y-%m')}&kind=meeting"
    )
