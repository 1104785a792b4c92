"""The moderation, report, statistics and follow pages: what each role gets, and the
effect of each form in the database."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from plantrack.accounts.permissions import MODERATORS
from plantrack.participation.models import Block, Flag, Follow, Input, Response
from plantrack.participation.moderation import input_hide

from . import e_world as w


@pytest.fixture
def mona(db):  # type: ignore[no-untyped-def]
    user = w.user("mona")
    user.groups.add(Group.objects.get_or_create(name=MODERATORS)[0])
    return user


@pytest.fixture
def entry(consultation, charlie) -> Input:  # type: ignore[no-untyped-def]
    return w.add_input(consultation, charlie, body="Call me on 99112233")


def _url(entry: Input, action: str = "") -> str:
    base = f"/en/consultations/{entry.consultation.slug}/inputs/{entry.pk}/"
    return base + (f"{action}/" if action else "")


def test_a_signed_in_user_flags_through_the_form(client, sign_in, entry, bob, english):
    sign_in(client, bob)
    assert client.get(_url(entry, "flag")).status_code == 200
    response = client.post(_url(entry, "flag"), {"reason": "personal_data", "text": "phone"})
    assert response.status_code == 302
    assert Flag.objects.filter(input=entry, user=bob, reason="personal_data").count() == 1


def test_a_flag_with_other_and_no_words_is_refused_on_the_field(
    client, sign_in, entry, bob, english
):
    sign_in(client, bob)
    response = client.post(_url(entry, "flag"), {"reason": "other", "text": ""})
    assert response.status_code == 400
    assert "Say what is wrong" in response.content.decode()
    assert not Flag.objects.exists()


def test_too_many_flags_answer_429_with_a_message(
    client, sign_in, consultation, bob, settings, english
):
    settings.PLANTRACK_RATE_LIMITS = {
        "participation.flag": {"per_account": 1, "per_address": 10, "window": 3600}
    }
    first, second = w.add_input(consultation, None), w.add_input(consultation, None)
    sign_in(client, bob)
    client.post(_url(first, "flag"), {"reason": "spam"})
    response = client.post(_url(second, "flag"), {"reason": "spam"})
    assert response.status_code == 429
    assert "limit of 1 flags per account" in response.content.decode()
    assert Flag.objects.count() == 1


def test_a_visitor_is_sent_to_sign_in_to_flag(client, entry):
    response = client.post(_url(entry, "flag"), {"reason": "spam"})
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert not Flag.objects.exists()


def test_a_moderator_hides_and_the_placeholder_shows_the_reason(
    client, sign_in, entry, mona, english
):
    sign_in(client, mona)
    response = client.post(_url(entry, "hide"), {"reason": "personal data"})
    assert response.status_code == 302
    assert Input.objects.get(pk=entry.pk).hidden_reason == "personal data"
    client.logout()
    page = client.get(f"/en/consultations/{entry.consultation.slug}/").content.decode()
    assert "Removed by a moderator: personal data" in page and "99112233" not in page
    log = client.get(f"/en/consultations/{entry.consultation.slug}/moderation/").content.decode()
    assert "personal data" in log and f"#{entry.pk}" in log
    report = client.get(f"/en/consultations/{entry.consultation.slug}/report/").content.decode()
    assert "Removed by a moderator: personal data" in report and "99112233" not in report


def test_a_citizen_cannot_hide(client, sign_in, entry, bob):
    sign_in(client, bob)
    assert client.post(_url(entry, "hide"), {"reason": "x"}).status_code == 403
    assert not Input.objects.get(pk=entry.pk).is_hidden


def test_the_plans_manager_restores(client, sign_in, entry, alice, mona):
    input_hide(input=entry, reason="spam", by=mona)
    sign_in(client, alice)
    assert client.post(_url(entry, "restore"), {"reason": "not spam"}).status_code == 302
    assert not Input.objects.get(pk=entry.pk).is_hidden


def test_the_queue_lists_open_flags_and_blocks(client, sign_in, entry, mona, bob, charlie, english):
    Flag.objects.create(input=entry, user=bob, reason="spam")
    sign_in(client, mona)
    page = client.get("/en/consultations/moderation/").content.decode()
    assert "1 open flag waits" in page and f"Block {charlie.public_name}" in page
    response = client.post(
        f"/en/consultations/moderation/people/{charlie.pk}/block/", {"reason": "abuse"}
    )
    assert response.status_code == 302
    assert Block.objects.filter(user=charlie, lifted_at__isnull=True).count() == 1
    client.post(f"/en/consultations/moderation/people/{charlie.pk}/unblock/")
    assert not Block.objects.filter(user=charlie, lifted_at__isnull=True).exists()
    client.post(_url(entry, "flags/close"))
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()


def test_a_plan_manager_may_open_the_queue_but_not_block(client, sign_in, alice, charlie):
    sign_in(client, alice)
    assert client.get("/en/consultations/moderation/").status_code == 200
    response = client.post(
        f"/en/consultations/moderation/people/{charlie.pk}/block/", {"reason": "x"}
    )
    assert response.status_code == 403
    assert not Block.objects.exists()


def test_a_citizen_cannot_open_the_queue(client, sign_in, charlie):
    sign_in(client, charlie)
    assert client.get("/en/consultations/moderation/").status_code == 403


def test_the_report_pdf_downloads(client, consultation, entry):
    Response.objects.create(
        consultation=consultation,
        status="noted",
        explanation_en="Thanks.",
        responded_on="2026-01-01",
        published_at=w.at("2026-01-02"),
    )
    response = client.get(f"/en/consultations/{consultation.slug}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    # In Mongolian too, its Cyrillic text kept (not boxes): read back from the PDF.
    import io

    from pypdf import PdfReader

    mongolian = client.get(f"/mn/consultations/{consultation.slug}/report.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(mongolian.content)).pages)
    assert "шинэчлэл" in text and "99112233" in text


def test_without_weasyprint_the_pdf_link_says_so(client, consultation, monkeypatch, english):
    import builtins

    real = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'pango-1.0-0'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    response = client.get(f"/en/consultations/{consultation.slug}/report.pdf")
    assert response.status_code == 503
    assert "Print this page to PDF" in response.content.decode()


def test_the_statistics_page_and_the_consultation_section(client, consultation, entry, english):
    page = client.get("/en/consultations/statistics/").content.decode()
    assert consultation.title_en in page and "By responding body" in page


def test_follow_and_unfollow_through_the_form(client, sign_in, consultation, vision, charlie):
    sign_in(client, charlie)
    data = {
        "kind": "consultation",
        "id": consultation.pk,
        "following": "1",
        "next": "/en/consultations/",
    }
    response = client.post("/en/consultations/follow/", data)
    assert response.status_code == 302 and response["Location"] == "/en/consultations/"
    assert Follow.objects.filter(user=charlie, consultation=consultation).count() == 1
    client.post(
        "/en/consultations/follow/", {**data, "following": "0", "next": "https://evil.example/"}
    )
    assert not Follow.objects.filter(user=charlie).exists()
    response = client.post(
        "/en/consultations/follow/",
        {"kind": "plan", "id": vision.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == vision.get_absolute_url()
    assert client.post("/en/consultations/follow/", {"kind": "user", "id": 1}).status_code == 404


def test_the_includes_on_consultation_input_plan_and_item_pages(
    client, sign_in, consultation, entry, vision, activity, mona, english
):
    page = client.get(f"/en/consultations/{consultation.slug}/").content.decode()
    assert "Official answers in figures" in page and "Sign in to follow" in page
    assert "Flag this input" in client.get(_url(entry)).content.decode()
    sign_in(client, mona)
    page = client.get(_url(entry)).content.decode()
    assert "Hide (moderator)" in page
    assert "Follow this plan" in client.get(vision.get_absolute_url()).content.decode()
    assert (
        "Follow consultations on this item"
        in client.get(activity.get_absolute_url()).content.decode()
    )


def test_moderators_have_the_queue_in_their_work(entry, mona, bob, alice):
    from plantrack.accounts.work import work_queues

    Flag.objects.create(input=entry, user=bob, reason="spam")
    queues = {queue.key: queue.waiting for queue in work_queues(mona)}
    assert queues["moderation"] == 1
    assert "moderation" not in {queue.key for queue in work_queues(alice)}


def test_the_follow_button_on_the_plan_page_sends_its_csrf_token(sign_in, vision, charlie):
    import re

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sign_in(client, charlie)
    page = client.get(vision.get_absolute_url()).content.decode()
    form = re.search(
        r'<form method="post" action="/mn/consultations/follow/".*?</form>', page, re.S
    )
    assert form is not None
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    response = client.post("/mn/consultations/follow/", fields)
    assert response.status_code == 302
    assert Follow.objects.filter(user=charlie, plan=vision).count() == 1
