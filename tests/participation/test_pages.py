"""The participation pages: what they show, fixed query counts at 3 and 300 inputs, double
submits, rate limits answered 429 with a message, attachments checked by content."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plantrack.notices.models import Notice
from plantrack.participation import services
from plantrack.participation.models import Input, Response
from plantrack.plans.models import Item

from .conftest import make_closed

pytestmark = pytest.mark.django_db


def _inputs(consultation, user, n: int, *, paragraph=None) -> list[Input]:  # type: ignore[no-untyped-def]
    return Input.objects.bulk_create(
        [
            Input(consultation=consultation, author=user, paragraph=paragraph, body=f"Input {i}")
            for i in range(n)
        ]
    )


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_pages_keep_their_query_counts_at_3_and_300_inputs(
    client, consultation, charlie, dana, sign_in
):
    paragraph = consultation.paragraphs.order_by("position").first()
    urls = [
        "/en/consultations/",
        "/en/consultations/?phase=open",
        f"/en/consultations/{consultation.slug}/",
        f"/en/consultations/{consultation.slug}/p/{paragraph.anchor}/",
    ]
    _inputs(consultation, charlie, 3)
    _inputs(consultation, charlie, 3, paragraph=paragraph)
    sign_in(client, charlie)
    small = [_queries(client, url) for url in [*urls, "/en/my/inputs/"]]
    _inputs(consultation, charlie, 297)
    _inputs(consultation, charlie, 297, paragraph=paragraph)
    large = [_queries(client, url) for url in [*urls, "/en/my/inputs/"]]
    assert small == large


def test_input_page_query_count_does_not_grow(
    client, consultation, charlie, dana, cso, fran, settings
):
    settings.PLANTRACK_RATE_LIMITS = {}
    first = services.input_create(consultation=consultation, by=dana, organisation=cso, body="x")
    url = first.get_absolute_url()
    services.input_create(
        consultation=consultation, by=charlie, kind="reply", parent=first, body="r"
    )
    small = _queries(client, url)
    for i in range(20):
        services.input_create(
            consultation=consultation, by=charlie, kind="reply", parent=first, body=f"r{i}"
        )
        services.input_edit(input=first, by=dana, version=first.version, body=f"v{i}")
    services.support_add(input=first, by=charlie)
    assert _queries(client, url) == small


def test_consultation_page_shows_draft_anchors_counts_and_due_date(
    client, consultation, charlie, english
):
    paragraph = consultation.paragraphs.order_by("position").first()
    services.input_create(consultation=consultation, by=charlie, paragraph=paragraph, body="A")
    page = client.get(f"/en/consultations/{consultation.slug}/").content.decode()
    assert f'id="{paragraph.anchor}"' in page
    assert "1 input on this paragraph" in page
    assert "Official answers promised by" in page
    assert "Open" in page


def test_comment_through_the_paragraph_page_double_submit_stores_one(
    client, consultation, charlie, sign_in
):
    paragraph = consultation.paragraphs.order_by("position").first()
    sign_in(client, charlie)
    url = f"/en/consultations/{consultation.slug}/p/{paragraph.anchor}/"
    form = client.get(url).content.decode()
    token = re.search(r'name="once" value="([^"]+)"', form).group(1)
    data = {"body": "Please add rural schools.", "once": token}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302 and second.status_code == 302
    assert Input.objects.filter(author=charlie).count() == 1
    stored = Input.objects.get(author=charlie)
    assert stored.paragraph == paragraph and second["Location"] == stored.get_absolute_url()


def test_rate_limit_answers_429_naming_the_limit(
    client, consultation, charlie, sign_in, settings, english
):
    settings.PLANTRACK_RATE_LIMITS = {
        "participation.input": {"per_account": 2, "per_address": 100, "window": 3600}
    }
    sign_in(client, charlie)
    url = f"/en/consultations/{consultation.slug}/send/"
    for n in range(2):
        assert client.post(url, {"kind": "comment", "body": f"n{n}"}).status_code == 302
    refused = client.post(url, {"kind": "comment", "body": "third"})
    assert refused.status_code == 429
    assert "limit of 2 inputs per account in 1 hour" in refused.content.decode()
    assert Input.objects.filter(author=charlie).count() == 2


def test_rate_limit_per_address(client, consultation, charlie, dana, sign_in, settings):
    settings.PLANTRACK_RATE_LIMITS = {
        "participation.support": {"per_account": 100, "per_address": 1, "window": 60}
    }
    one = services.input_create(consultation=consultation, by=dana, body="a")
    two = services.input_create(consultation=consultation, by=dana, body="b")
    sign_in(client, charlie)
    base = f"/en/consultations/{consultation.slug}/inputs/"
    assert client.post(f"{base}{one.pk}/support/").status_code == 302
    refused = client.post(f"{base}{two.pk}/support/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert two.supports.count() == 0


MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 200
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(name: str, data: bytes):  # type: ignore[no-untyped-def]
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_attachments_audio_and_document_accepted(client, consultation, charlie, sign_in):
    sign_in(client, charlie)
    url = f"/en/consultations/{consultation.slug}/send/"
    for name, data in (("voice.mp3", MP3), ("note.pdf", PDF)):
        response = client.post(url, {"kind": "comment", "attachment": _upload(name, data)})
        assert response.status_code == 302, response.content.decode()[:2000]
    stored = list(Input.objects.filter(author=charlie).order_by("pk"))
    assert [i.attachment_type for i in stored] == ["audio/mpeg", "application/pdf"]
    download = client.get(f"/en/consultations/{consultation.slug}/inputs/{stored[0].pk}/file/")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == MP3


def test_attachments_refused_by_content(client, consultation, charlie, sign_in, settings, english):
    sign_in(client, charlie)
    url = f"/en/consultations/{consultation.slug}/send/"
    program = client.post(
        url, {"kind": "comment", "attachment": _upload("voice.mp3", b"MZ\x90\x00" + b"\0" * 100)}
    )
    assert program.status_code == 200
    assert "is a program" in program.content.decode()
    renamed = client.post(url, {"kind": "comment", "attachment": _upload("voice.wav", MP3)})
    assert "its content is MP3 audio" in renamed.content.decode()
    settings.PLANTRACK_AUDIO_MAX_BYTES = 100
    big = client.post(url, {"kind": "comment", "attachment": _upload("voice.mp3", MP3)})
    assert "larger than the limit of" in big.content.decode()
    assert "per audio file" in big.content.decode()
    assert not Input.objects.exists()


def test_respond_in_bulk_through_the_page(
    client, consultation, alice, charlie, dana, sign_in, activity, english
):
    one = services.input_create(consultation=consultation, by=charlie, body="a")
    two = services.input_create(consultation=consultation, by=dana, body="b")
    make_closed(consultation)
    sign_in(client, alice)
    url = f"/en/consultations/{consultation.slug}/respond/"
    page = client.get(url).content.decode()
    assert f'value="{one.pk}"' in page and f'value="{two.pk}"' in page
    response = client.post(
        url,
        {
            "inputs": [one.pk, two.pk],
            "status": "partly_accepted",
            "explanation_en": "Rural schools are added.",
            "responding_body_name": "Ministry of Digital Development",
            "responded_on": timezone.localdate().isoformat(),
            "items": "7.3.8",
        },
    )
    assert response.status_code == 302
    answer = Response.objects.get()
    assert set(answer.inputs.values_list("pk", flat=True)) == {one.pk, two.pk}
    assert list(answer.items.all()) == [activity]
    assert Notice.objects.filter(kind="participation.response.author").count() == 2
    shown = client.get(one.get_absolute_url()).content.decode()
    assert "Partly accepted" in shown and "Rural schools are added." in shown
    assert f"#{two.pk}" in shown  # the other input the same response answers
    item_page = client.get(f"/en/plans/{activity.plan.slug}/items/{activity.code}/")
    assert "Inputs that changed this item" in item_page.content.decode()
    mark = client.post(f"/en/consultations/{consultation.slug}/answered/")
    assert mark.status_code == 302
    consultation.refresh_from_db()
    assert consultation.answered_at is not None


def test_respond_page_refuses_unknown_item_codes(client, consultation, alice, charlie, sign_in):
    one = services.input_create(consultation=consultation, by=charlie, body="a")
    make_closed(consultation)
    sign_in(client, alice)
    response = client.post(
        f"/en/consultations/{consultation.slug}/respond/",
        {
            "inputs": [one.pk],
            "status": "accepted",
            "explanation_en": "Yes.",
            "responding_body_name": "Ministry",
            "responded_on": timezone.localdate().isoformat(),
            "items": "99.99",
        },
    )
    assert response.status_code == 200 and "99.99" in response.content.decode()
    assert not Response.objects.exists()


def test_my_inputs_lists_answers(client, consultation, alice, charlie, sign_in, english):
    one = services.input_create(consultation=consultation, by=charlie, body="Mine")
    make_closed(consultation)
    one.refresh_from_db()
    services.response_publish(
        inputs=[one],
        by=alice,
        status="noted",
        explanation_en="Thank you.",
        responding_body_name="Ministry",
    )
    sign_in(client, charlie)
    page = client.get("/en/my/inputs/").content.decode()
    assert "Noted" in page and "Thank you." in page


def test_manager_creates_a_consultation_and_its_draft(client, alice, sign_in, vision):
    sign_in(client, alice)
    response = client.post(
        "/en/consultations/new/",
        {
            "plan": vision.slug,
            "title_en": "Objective 7.3",
            "subject": "items",
            "eligibility": "accounts",
            "opens_at": "2026-01-01T10:00",
            "closes_at": "2027-01-01T10:00",
            "answers_due": "2027-02-01",
        },
    )
    assert response.status_code == 302
    draft_url = response["Location"]
    response = client.post(draft_url, {"root": "7.3"})
    assert response.status_code == 302
    from plantrack.participation.models import Consultation

    made = Consultation.objects.get(title_en="Objective 7.3")
    assert made.paragraphs.filter(item=Item.objects.get(plan=vision, code="7.3.8")).exists()


def test_creation_dates_error_is_tied_to_the_field(client, alice, sign_in, vision, english):
    sign_in(client, alice)
    response = client.post(
        "/en/consultations/new/",
        {
            "plan": vision.slug,
            "title_en": "X",
            "subject": "items",
            "eligibility": "accounts",
            "opens_at": "2027-01-01T10:00",
            "closes_at": "2026-01-01T10:00",
            "answers_due": "2027-02-01",
        },
    )
    assert response.status_code == 200
    assert 'id="id_closes_at_errors"' in response.content.decode()


def test_list_rows_count_supports_replies_and_cosigners(
    client, consultation, charlie, dana, fran, cso, cso2, english
):
    first = services.input_create(consultation=consultation, by=dana, organisation=cso, body="x")
    services.support_add(input=first, by=charlie)
    services.support_add(input=first, by=fran)
    services.input_create(
        consultation=consultation, by=charlie, kind="reply", parent=first, body="r"
    )
    services.cosign_add(input=first, organisation=cso2, by=fran)
    services.input_create(consultation=consultation, by=charlie, body="no support")
    page = client.get(f"/en/consultations/{consultation.slug}/").content.decode()
    assert "2 supports · 1 reply · co-signed by 1 organisation" in page
    assert "0 supports · 0 replies" in page


def test_respond_with_a_listed_responding_body(client, consultation, alice, charlie, sign_in):
    from plantrack.organisations.models import Organisation

    ministry = Organisation.objects.create(
        slug="mdd", name_en="Ministry of Digital Development", kind="government"
    )
    one = services.input_create(consultation=consultation, by=charlie, body="a")
    make_closed(consultation)
    sign_in(client, alice)
    url = f"/en/consultations/{consultation.slug}/respond/"
    assert f'value="{ministry.pk}"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "inputs": [one.pk],
            "status": "noted",
            "explanation_mn": "Тэмдэглэв.",
            "responding_body": ministry.pk,
            "responded_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    answer = Response.objects.get()
    assert answer.responding_body == ministry and answer.body_name == ministry.name


def test_organisation_only_consultation_pages(
    client, consultation, alice, charlie, dana, cso, sign_in, english
):
    services.consultation_update(
        consultation=consultation, by=alice, eligibility="verified_organisations"
    )
    paragraph = consultation.paragraphs.order_by("position").first()
    url = f"/en/consultations/{consultation.slug}/p/{paragraph.anchor}/"
    sign_in(client, charlie)
    page = client.get(url).content.decode()
    assert "Only verified organisations take part" in page and 'name="body"' not in page
    assert client.post(url, {"body": "x"}).status_code == 302
    assert not Input.objects.exists()
    sign_in(client, dana)
    page = client.get(url).content.decode()
    assert "Myself (as a person)" not in page and cso.name in page
    assert client.post(url, {"body": "x", "organisation": cso.pk}).status_code == 302
    assert Input.objects.get().organisation == cso


def test_respond_and_item_pages_keep_their_query_counts(
    client, consultation, alice, charlie, sign_in, activity
):
    _inputs(consultation, charlie, 3)
    make_closed(consultation)
    sign_in(client, alice)
    respond = f"/en/consultations/{consultation.slug}/respond/"
    item_page = f"/en/plans/{activity.plan.slug}/items/{activity.code}/"

    def answer(count: int) -> None:
        pending = list(Input.objects.filter(response__isnull=True).order_by("pk")[:count])
        for one in pending:
            one.consultation = consultation
        services.response_publish(
            inputs=pending,
            by=alice,
            status="accepted",
            explanation_en="Yes.",
            responding_body_name="Ministry",
            items=[activity],
        )

    answer(1)
    client.get(respond)  # the first request after signing in also saves the session
    small = (_queries(client, respond), _queries(client, item_page))
    _inputs(consultation, charlie, 297)
    for _ in range(5):
        answer(30)
    assert (_queries(client, respond), _queries(client, item_page)) == small


def test_respond_link_from_an_input_past_the_first_page(
    client, consultation, alice, charlie, sign_in
):
    _inputs(consultation, charlie, 60)
    last = Input.objects.order_by("-pk").first()
    make_closed(consultation)
    sign_in(client, alice)
    url = f"/en/consultations/{consultation.slug}/respond/?input={last.pk}"
    assert f'value="{last.pk}"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "inputs": [last.pk],
            "status": "noted",
            "explanation_en": "Noted.",
            "responding_body_name": "Ministry",
            "responded_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert Input.objects.get(pk=last.pk).response is not None


def test_a_hidden_input_keeps_a_placeholder_with_its_reason(client, consultation, charlie, english):
    from django.utils import timezone

    made = services.input_create(
        consultation=consultation, by=charlie, kind="proposal", title="Call 9911 2233", body="b"
    )
    Input.objects.filter(pk=made.pk).update(hidden_at=timezone.now(), hidden_reason="personal data")
    for url in (f"/en/consultations/{consultation.slug}/", made.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Removed by a moderator: personal data" in page
        assert "9911" not in page
