"""Every participation service's effect in the database, as each role, with other objects'
ids too; the answered rule; bulk responses; double submits; eligibility; edit history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plantrack.history.models import Event
from plantrack.notices.models import Notice
from plantrack.participation import services
from plantrack.participation.models import (
    Block,
    Consultation,
    Cosignature,
    Input,
    InputRevision,
    Paragraph,
    Response,
    Support,
)
from plantrack.plans.models import Item, Plan

from .conftest import make_closed, make_open

pytestmark = pytest.mark.django_db


def _dates(days_open: int = 10) -> dict:  # type: ignore[type-arg]
    now = timezone.now()
    return {
        "opens_at": now,
        "closes_at": now + dt.timedelta(days=days_open),
        "answers_due": (now + dt.timedelta(days=days_open + 30)).date(),
    }


def test_draft_from_items_makes_chapters_and_paragraphs_linked_to_items(consultation, objective):
    sections = list(consultation.sections.all())
    paragraphs = list(Paragraph.objects.filter(consultation=consultation).order_by("position"))
    subtree = Item.objects.filter(plan=objective.plan, path__startswith=objective.path)
    assert len(paragraphs) == subtree.count()
    assert paragraphs[0].item == objective
    assert sections[0].item == objective
    assert len({p.anchor for p in paragraphs}) == len(paragraphs)
    assert all(p.anchor.startswith("p-7-3") for p in paragraphs)
    assert (
        Event.objects.filter(
            object_type="participation.consultation", object_id=str(consultation.pk)
        ).count()
        == 2
    )  # created, draft


def test_only_the_plans_managers_open_a_consultation(vision, bob, charlie, alice, site_admin):
    for user in (bob, charlie):
        with pytest.raises(PermissionDenied):
            services.consultation_create(by=user, plan=vision, title_en="X", **_dates())
    assert not Consultation.objects.exists()
    made = services.consultation_create(by=site_admin, plan=vision, title_en="X", **_dates())
    assert made.created_by == site_admin


def test_dates_are_validated(alice, vision):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        services.consultation_create(
            by=alice,
            plan=vision,
            title_en="X",
            opens_at=now,
            closes_at=now - dt.timedelta(days=1),
            answers_due=now.date(),
        )
    assert "closes_at" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.consultation_create(
            by=alice,
            plan=vision,
            title_en="X",
            opens_at=now,
            closes_at=now + dt.timedelta(days=5),
            answers_due=now.date(),
        )
    assert "answers_due" in caught.value.message_dict
    assert not Consultation.objects.exists()


def test_update_checks_version_and_permission(consultation, alice, bob):
    with pytest.raises(PermissionDenied):
        services.consultation_update(consultation=consultation, by=bob, title_en="Hijacked")
    services.consultation_update(
        consultation=consultation, by=alice, version=consultation.version, title_en="Renamed"
    )
    assert Consultation.objects.get(pk=consultation.pk).title_en == "Renamed"
    with pytest.raises(ValidationError):
        services.consultation_update(
            consultation=consultation, by=alice, version=1, title_en="Stale"
        )
    assert Consultation.objects.get(pk=consultation.pk).title_en == "Renamed"


def test_draft_from_another_plans_item_is_refused(consultation, alice, dice):
    other = Item.objects.filter(plan=dice).first()
    with pytest.raises(ValidationError):
        services.consultation_draft_from_items(consultation=consultation, by=alice, root=other)


def test_draft_imported_from_markdown(alice, vision):
    made = services.consultation_create(by=alice, plan=vision, title_en="Law", **_dates())
    text = b"# Chapter one\n\nFirst paragraph.\n\nSecond paragraph.\n\n# Chapter two\n\nThird.\n"
    sections = services.consultation_draft_import(
        consultation=made, by=alice, data=text, name="law.md"
    )
    assert [s.title_en for s in sections] == ["Chapter one", "Chapter two"]
    texts = list(
        Paragraph.objects.filter(consultation=made)
        .order_by("position")
        .values_list("anchor", "text_en")
    )
    assert texts == [
        ("p-1-1", "First paragraph."),
        ("p-1-2", "Second paragraph."),
        ("p-2-1", "Third."),
    ]


def test_draft_import_refuses_a_program(alice, vision):
    made = services.consultation_create(by=alice, plan=vision, title_en="Law", **_dates())
    with pytest.raises(ValidationError) as caught:
        services.consultation_draft_import(
            consultation=made, by=alice, data=b"\x7fELF\x02\x01\x01" + b"\0" * 50, name="law.md"
        )
    assert "file" in caught.value.message_dict
    assert not made.sections.exists()


def test_comment_on_a_paragraph_and_a_reply(consultation, charlie, dana):
    paragraph = consultation.paragraphs.first()
    comment = services.input_create(
        consultation=consultation, by=charlie, paragraph=paragraph, body="Add rural schools."
    )
    reply = services.input_create(
        consultation=consultation, by=dana, kind="reply", parent=comment, body="Agreed."
    )
    assert reply.paragraph == paragraph and reply.parent == comment
    with pytest.raises(ValidationError):
        services.input_create(
            consultation=consultation, by=charlie, kind="reply", parent=reply, body="Deeper"
        )
    assert Input.objects.filter(consultation=consultation).count() == 2
    assert Event.objects.filter(object_type="participation.input", action="created").count() == 2


def test_paragraph_of_another_consultation_is_refused(consultation, charlie, alice, vision):
    other = services.consultation_create(by=alice, plan=vision, title_en="Other", **_dates())
    services.consultation_draft_import(consultation=other, by=alice, data=b"A\n\nB", name="a.txt")
    foreign = other.paragraphs.first()
    with pytest.raises(ValidationError):
        services.input_create(consultation=consultation, by=charlie, paragraph=foreign, body="x")
    assert not Input.objects.exists()


def test_inputs_only_while_open(consultation, charlie):
    make_closed(consultation)
    with pytest.raises(ValidationError):
        services.input_create(consultation=consultation, by=charlie, body="Late")
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() + dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=2),
    )
    consultation.refresh_from_db()
    with pytest.raises(ValidationError):
        services.input_create(consultation=consultation, by=charlie, body="Early")
    assert not Input.objects.exists()


def test_on_behalf_of_an_organisation_only_for_its_active_members(
    consultation, charlie, dana, cso, cso2
):
    with pytest.raises(ValidationError):
        services.input_create(consultation=consultation, by=charlie, organisation=cso, body="x")
    with pytest.raises(ValidationError):
        services.input_create(consultation=consultation, by=dana, organisation=cso2, body="x")
    made = services.input_create(consultation=consultation, by=dana, organisation=cso, body="x")
    assert made.organisation == cso
    cso.verified_at = None
    cso.save()
    with pytest.raises(ValidationError):
        services.input_create(consultation=consultation, by=dana, organisation=cso, body="y")
    assert Input.objects.count() == 1


def test_organisation_only_consultation(consultation, alice, charlie, dana, cso):
    services.consultation_update(
        consultation=consultation, by=alice, eligibility="verified_organisations"
    )
    with pytest.raises(ValidationError) as caught:
        services.input_create(consultation=consultation, by=charlie, body="x")
    assert "organisation" in caught.value.message_dict
    services.input_create(consultation=consultation, by=dana, organisation=cso, body="x")
    assert Input.objects.count() == 1


def test_blocked_account_cannot_take_part(consultation, charlie, site_admin):
    Block.objects.create(user=charlie, reason="spam", blocked_by=site_admin)
    with pytest.raises(PermissionDenied):
        services.input_create(consultation=consultation, by=charlie, body="x")


def test_proposal_needs_a_title_and_an_item_of_the_plan(consultation, charlie, dice, objective):
    with pytest.raises(ValidationError) as caught:
        services.input_create(consultation=consultation, by=charlie, kind="proposal", body="b")
    assert "title" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.input_create(
            consultation=consultation,
            by=charlie,
            kind="proposal",
            title="T",
            body="b",
            item=Item.objects.filter(plan=dice).first(),
        )
    made = services.input_create(
        consultation=consultation, by=charlie, kind="proposal", title="T", body="b", item=objective
    )
    assert made.item == objective and made.paragraph is None


def test_double_submit_stores_one_input(consultation, charlie):
    first = services.input_create(consultation=consultation, by=charlie, body="x", token="t1")
    again = services.input_create(consultation=consultation, by=charlie, body="x", token="t1")
    assert first.pk == again.pk
    assert Input.objects.count() == 1
    services.input_create(consultation=consultation, by=charlie, body="x", token="t2")
    assert Input.objects.count() == 2


def test_edit_keeps_history_and_checks_version(consultation, charlie, dana):
    made = services.input_create(consultation=consultation, by=charlie, body="First")
    with pytest.raises(PermissionDenied):
        services.input_edit(input=made, by=dana, version=made.version, body="Not mine")
    services.input_edit(input=made, by=charlie, version=1, body="Second")
    with pytest.raises(ValidationError):
        services.input_edit(input=made, by=charlie, version=1, body="Stale")
    stored = Input.objects.get(pk=made.pk)
    assert stored.body == "Second" and stored.version == 2 and stored.edited_at
    assert list(InputRevision.objects.values_list("body", flat=True)) == ["First"]
    make_closed(consultation)
    made.refresh_from_db()
    with pytest.raises(ValidationError):
        services.input_edit(input=made, by=charlie, version=2, body="After close")
    assert Input.objects.get(pk=made.pk).body == "Second"


def test_support_once_and_not_own(consultation, charlie, dana):
    made = services.input_create(consultation=consultation, by=charlie, body="x")
    with pytest.raises(ValidationError):
        services.support_add(input=made, by=charlie)
    services.support_add(input=made, by=dana)
    services.support_add(input=made, by=dana)
    assert Support.objects.filter(input=made).count() == 1
    assert services.support_withdraw(input=made, by=dana)
    assert not Support.objects.exists()


def test_cosign_by_another_verified_organisations_member(consultation, dana, fran, cso, cso2):
    made = services.input_create(consultation=consultation, by=dana, organisation=cso, body="x")
    with pytest.raises(ValidationError):
        services.cosign_add(input=made, organisation=cso, by=dana)
    with pytest.raises(PermissionDenied):
        services.cosign_add(input=made, organisation=cso2, by=dana)
    services.cosign_add(input=made, organisation=cso2, by=fran)
    services.cosign_add(input=made, organisation=cso2, by=fran)
    assert list(Cosignature.objects.values_list("organisation_id", "signed_by_id")) == [
        (cso2.pk, fran.pk)
    ]


def _answer(inputs, by, **extra):  # type: ignore[no-untyped-def]
    values = {
        "status": "partly_accepted",
        "explanation_en": "We added rural schools to 7.3.8.",
        "responding_body_name": "Ministry of Digital Development",
    }
    values.update(extra)
    return services.response_publish(inputs=inputs, by=by, **values)


def test_responses_after_close_by_managers_only_and_bulk(
    consultation, alice, bob, charlie, dana, fran, cso, cso2, activity
):
    one = services.input_create(consultation=consultation, by=charlie, body="a")
    two = services.input_create(consultation=consultation, by=dana, organisation=cso, body="b")
    services.cosign_add(input=two, organisation=cso2, by=fran)
    services.support_add(input=one, by=dana)
    with pytest.raises(ValidationError):
        _answer([one], alice)  # still open
    make_closed(consultation)
    one.refresh_from_db()
    two.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _answer([one], bob)
    with pytest.raises(ValidationError) as caught:
        _answer([one], alice, explanation_en="")
    assert "explanation_mn" in caught.value.message_dict
    response = _answer([one, two], alice, items=[activity])
    assert set(Input.objects.filter(response=response).values_list("pk", flat=True)) == {
        one.pk,
        two.pk,
    }
    assert list(response.items.all()) == [activity]
    assert response.published_at is not None
    with pytest.raises(ValidationError):
        _answer([one], alice)  # answered already
    assert Response.objects.count() == 1
    # Notices: author of one (charlie), author of two (dana, also a supporter of one: once),
    # the co-signer (fran); nobody twice, not the manager.
    recipients = sorted(Notice.objects.values_list("recipient__email", flat=True))
    assert recipients == ["charlie@example.org", "dana@example.org", "fran@example.org"]
    kinds = dict(Notice.objects.values_list("recipient__email", "kind"))
    assert kinds["fran@example.org"] == "participation.response.cosigner"
    assert kinds["dana@example.org"] == "participation.response.author"


def test_response_links_from_another_plan_refused(consultation, alice, charlie, dice):
    one = services.input_create(consultation=consultation, by=charlie, body="a")
    make_closed(consultation)
    with pytest.raises(ValidationError):
        _answer([one], alice, items=[Item.objects.filter(plan=dice).first()])
    assert not Response.objects.exists()


def test_answered_rule_counts_hidden_inputs_not_replies(consultation, alice, charlie, dana):
    one = services.input_create(consultation=consultation, by=charlie, body="a")
    hidden = services.input_create(consultation=consultation, by=dana, body="spam")
    services.input_create(consultation=consultation, by=dana, kind="reply", parent=one, body="r")
    Input.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_reason="spam")
    make_closed(consultation)
    one.refresh_from_db()
    hidden.refresh_from_db()
    _answer([one], alice)
    with pytest.raises(ValidationError) as caught:
        services.consultation_mark_answered(consultation=consultation, by=alice)
    assert "1" in caught.value.messages[0]
    assert Consultation.objects.get(pk=consultation.pk).answered_at is None
    _answer([hidden], alice, status="out_of_scope", explanation_en="Removed as spam.")
    services.consultation_mark_answered(consultation=consultation, by=alice)
    stored = Consultation.objects.get(pk=consultation.pk)
    assert stored.answered_at is not None and stored.phase == "answered"
    services.consultation_close_with_report(consultation=stored, by=alice)
    assert Consultation.objects.get(pk=consultation.pk).phase == "reported"


def test_mark_answered_needs_manager_and_close(consultation, alice, bob):
    with pytest.raises(ValidationError):
        services.consultation_mark_answered(consultation=consultation, by=alice)
    make_closed(consultation)
    with pytest.raises(PermissionDenied):
        services.consultation_mark_answered(consultation=consultation, by=bob)
    with pytest.raises(ValidationError):
        services.consultation_close_with_report(consultation=consultation, by=alice)


def test_phases_and_filter(consultation, alice, vision):
    assert consultation.phase == "open"
    assert list(Consultation.objects.in_phase("open")) == [consultation]
    make_closed(consultation)
    assert list(Consultation.objects.in_phase("closed")) == [consultation]
    assert not Consultation.objects.in_phase("open").exists()
    make_open(consultation)
    assert Consultation.objects.in_phase("open").count() == 1


def test_a_draft_plans_consultation_is_hidden(consultation, charlie):
    from plantrack.participation.permissions import visible_consultations

    Plan.objects.filter(pk=consultation.plan_id).update(published_at=None)
    assert not visible_consultations(charlie).exists()


def test_one_event_per_write(consultation, alice, charlie, dana, fran, cso, cso2):
    def events() -> int:
        return Event.objects.count()

    start = events()
    made = services.input_create(consultation=consultation, by=dana, organisation=cso, body="x")
    assert events() == start + 1
    services.input_edit(input=made, by=dana, version=1, body="y")
    assert events() == start + 2
    services.support_add(input=made, by=charlie)
    assert events() == start + 3
    services.support_withdraw(input=made, by=charlie)
    assert events() == start + 4
    services.cosign_add(input=made, organisation=cso2, by=fran)
    assert events() == start + 5
    make_closed(consultation)
    made.refresh_from_db()
    _answer([made], alice)
    assert events() == start + 6
    services.consultation_mark_answered(consultation=consultation, by=alice)
    assert events() == start + 7
    services.consultation_close_with_report(consultation=consultation, by=alice)
    assert events() == start + 8
    last = Event.objects.order_by("-seq").first()
    assert last.object_type == "participation.consultation" and last.plan_id == consultation.plan_id
    # A refused write writes none.
    with pytest.raises(ValidationError):
        services.input_create(consultation=consultation, by=charlie, body="late")
    assert events() == start + 8


def test_draft_imported_from_docx_and_pdf(alice, vision):
    from plantrack.plans.generate_documents import outline_docx, outline_pdf

    for name, data in (("draft.docx", outline_docx(12)), ("draft.pdf", outline_pdf(1))):
        made = services.consultation_create(by=alice, plan=vision, title_en=name, **_dates())
        services.consultation_draft_import(consultation=made, by=alice, data=data, name=name)
        paragraphs = list(Paragraph.objects.filter(consultation=made))
        assert paragraphs, name
        assert len({p.anchor for p in paragraphs}) == len(paragraphs)
        assert all(p.text_en or p.text_mn for p in paragraphs)
        assert made.source_name == name


def test_draft_cannot_be_replaced_once_inputs_arrived(consultation, alice, charlie, objective):
    services.input_create(consultation=consultation, by=charlie, body="x")
    before = list(consultation.paragraphs.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        services.consultation_draft_from_items(consultation=consultation, by=alice, root=objective)
    assert list(consultation.paragraphs.values_list("pk", flat=True)) == before
