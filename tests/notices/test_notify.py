"""Who is told about a report's transitions, what they are told, and that each notice is
made once and emailed once, after commit, in the recipient's language."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone, translation

from plantrack.accounts.services import account_delete
from plantrack.notices.kinds import write
from plantrack.notices.models import Notice
from plantrack.notices.services import notice_email_send
from plantrack.notices.tasks import send_notice_email
from plantrack.organisations.models import Membership
from plantrack.plans.models import Item
from plantrack.progress.notify import progress_notify

from .helpers import (
    activities,
    agency,
    days,
    manager,
    notice_task_rows,
    period,
    person,
    reporter,
    run_ready_tasks,
    update,
)


@pytest.fixture
def scene(db, vision, dice):  # type: ignore[no-untyped-def]
    police, customs = agency("police", "Police"), agency("customs", "Customs")
    erin = reporter("erin@example.org", "Erin", police, language="en")
    ray = reporter("ray@example.org", "Ray", police)
    carl = reporter("carl@example.org", "Carl", customs)
    alice = manager("alice@example.org", "Alice", vision)  # writes in Mongolian (the default)
    bo = manager("bo@example.org", "Bo", vision, language="en")
    dora = manager("dora@example.org", "Dora", dice)
    quarter = period(vision, days(-90), days(-1), days(30))
    (item,) = activities(vision, police, 1)
    report = update(item, by=erin, organisation=police, state="submitted", period=quarter)
    return SimpleNamespace(
        police=police,
        erin=erin,
        ray=ray,
        carl=carl,
        alice=alice,
        bo=bo,
        dora=dora,
        quarter=quarter,
        item=item,
        report=report,
    )


def _told(action: str) -> dict[str, list[str]]:
    """{recipient's email: the kinds of notice they have} for every notice of ``action``."""
    told: dict[str, list[str]] = {}
    for notice in Notice.objects.filter(kind=f"progress.{action}").select_related("recipient"):
        told.setdefault(notice.recipient.email, []).append(notice.kind)
    return told


def _review(report, by, state: str, note: str = ""):  # type: ignore[no-untyped-def]
    report.state, report.reviewed_by, report.review_note = state, by, note
    report.reviewed_at = timezone.now()
    report.save()
    return report


def test_a_submitted_report_tells_the_plans_managers_and_nobody_else(scene):  # type: ignore[no-untyped-def]
    progress_notify(update=scene.report, action="submitted", by=scene.erin)
    assert sorted(_told("submitted")) == ["alice@example.org", "bo@example.org"]


def test_a_manager_who_reports_is_not_told_of_their_own_report(scene):  # type: ignore[no-untyped-def]
    own = update(scene.item, by=scene.alice, organisation=None, state="submitted")
    progress_notify(update=own, action="submitted", by=scene.alice)
    assert list(_told("submitted")) == ["bo@example.org"]


def test_a_plan_without_managers_tells_the_site_administrators(scene, dice, site_admin):  # type: ignore[no-untyped-def]
    dice.managers.clear()
    item = Item.objects.filter(plan=dice, kind="activity").first()
    report = update(item, by=scene.carl, organisation=None, state="submitted")
    progress_notify(update=report, action="submitted", by=scene.carl)
    assert list(_told("submitted")) == [site_admin.email]


@pytest.mark.parametrize("action", ["approved", "returned"])
def test_a_decision_tells_the_author_only(scene, action):  # type: ignore[no-untyped-def]
    _review(scene.report, scene.alice, action, note="Attach the letter.")
    progress_notify(update=scene.report, action=action, by=scene.alice)
    assert _told(action) == {"erin@example.org": [f"progress.{action}"]}


def test_when_the_author_is_gone_the_organisations_reporters_are_told(scene):  # type: ignore[no-untyped-def]
    admin = person("ada@example.org", "Ada")
    Membership.objects.create(user=admin, organisation=scene.police, role="admin", state="active")
    member = person("mo@example.org", "Mo")
    Membership.objects.create(user=member, organisation=scene.police, role="member", state="active")
    account_delete(user=scene.erin)
    scene.report.refresh_from_db()
    _review(scene.report, scene.alice, "returned", note="Which district?")
    progress_notify(update=scene.report, action="returned", by=scene.alice)
    # Reporters and administrators of the police, not its plain members, not the customs
    assert sorted(_told("returned")) == ["ada@example.org", "ray@example.org"]


def test_the_texts_say_what_happened_to_which_item_for_which_period(scene, english):  # type: ignore[no-untyped-def]
    item, report = scene.item, scene.report
    progress_notify(update=report, action="submitted", by=scene.erin)
    _review(report, scene.alice, "returned", note="Attach the signed letter.")
    progress_notify(update=report, action="returned", by=scene.alice)
    label = scene.quarter.label
    sent = write("progress.submitted", Notice.objects.filter(kind="progress.submitted")[0].params)
    assert sent.title == f"Report to review: {item.code}"
    assert sent.body.startswith(f"Erin (Police) sent a progress report on {item.code} “")
    assert f"for {label}. It waits for a plan manager" in sent.body
    back = write("progress.returned", Notice.objects.get(kind="progress.returned").params)
    assert back.title == f"Report returned: {item.code}"
    assert back.body.startswith(f"Alice returned the progress report on {item.code} “")
    assert f"for {label} with this note:\n\nAttach the signed letter.\n\nCorrect" in back.body
    _review(report, scene.bo, "approved")
    progress_notify(update=report, action="approved", by=scene.bo)
    done = write("progress.approved", Notice.objects.get(kind="progress.approved").params)
    assert done.title == f"Report approved: {item.code}"
    assert f"Bo approved the progress report on {item.code}" in done.body
    assert "It is public now" in done.body


def test_the_same_transition_is_one_notice_however_often_it_is_told(
    scene, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    # A double click, a retried request: the service tells the same submission twice
    with django_capture_on_commit_callbacks(execute=True):
        progress_notify(update=scene.report, action="submitted", by=scene.erin)
        progress_notify(update=scene.report, action="submitted", by=scene.erin)
    assert Notice.objects.count() == 2  # Alice and Bo, once each
    assert len(notice_task_rows()) == 2
    run_ready_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bo@example.org"]


def test_a_second_submission_after_a_return_is_a_new_notice(scene):  # type: ignore[no-untyped-def]
    progress_notify(update=scene.report, action="submitted", by=scene.erin)
    _review(scene.report, scene.alice, "returned", note="Add the district.")
    progress_notify(update=scene.report, action="returned", by=scene.alice)
    scene.report.state = "submitted"
    scene.report.submitted_at = timezone.now()
    scene.report.save()
    progress_notify(update=scene.report, action="submitted", by=scene.erin)
    assert Notice.objects.filter(recipient=scene.alice, kind="progress.submitted").count() == 2
    assert Notice.objects.filter(recipient=scene.erin, kind="progress.returned").count() == 1


def test_nothing_is_emailed_before_the_transaction_commits(
    scene, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        progress_notify(update=scene.report, action="submitted", by=scene.erin)
    assert notice_task_rows() == [] and mail.outbox == []
    assert len(callbacks) == 1


def test_each_email_is_written_in_its_recipients_language(
    scene, django_capture_on_commit_callbacks, settings
):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_SITE_URL = "https://plantrack.example"
    # Erin sends her report from a page in English; Alice reads Mongolian, Bo English
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        progress_notify(update=scene.report, action="submitted", by=scene.erin)
    run_ready_tasks()
    emails = {m.to[0]: m for m in mail.outbox}
    item = scene.item
    link = f"/plans/{item.plan.slug}/items/{item.code}/#pending-{scene.report.pk}"
    assert f"https://plantrack.example/mn{link}" in emails["alice@example.org"].body
    assert f"https://plantrack.example/en{link}" in emails["bo@example.org"].body
    with translation.override("mn"):
        mongolian = write("progress.submitted", Notice.objects.get(recipient=scene.alice).params)
    with translation.override("en"):
        english = write("progress.submitted", Notice.objects.get(recipient=scene.bo).params)
    assert emails["alice@example.org"].subject == f"Plantrack: {mongolian.title}"
    assert emails["bo@example.org"].subject == f"Plantrack: {english.title}"
    assert english.body in emails["bo@example.org"].body
    assert "Hello Bo," in emails["bo@example.org"].body


def test_running_the_email_task_twice_sends_one_email(scene, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        progress_notify(update=scene.report, action="submitted", by=scene.erin)
    notice = Notice.objects.get(recipient=scene.bo)
    # The queued task, and the same task queued again (a retry, a second worker)
    send_notice_email.enqueue(notice.pk)
    run_ready_tasks()
    assert send_notice_email.call(notice.pk) is False
    assert [m.to[0] for m in mail.outbox].count("bo@example.org") == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_a_failed_send_gives_the_email_back_for_a_retry(scene, monkeypatch):  # type: ignore[no-untyped-def]
    progress_notify(update=scene.report, action="submitted", by=scene.erin)
    notice = Notice.objects.get(recipient=scene.bo)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("mail server down")

    monkeypatch.setattr("plantrack.notices.services.send_mail", broken)
    with pytest.raises(OSError):
        notice_email_send(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.emailed_at is None
    monkeypatch.undo()
    assert notice_email_send(notice_id=notice.pk) is True
    assert len(mail.outbox) == 1


def test_a_deactivated_recipient_is_not_emailed(scene):  # type: ignore[no-untyped-def]
    progress_notify(update=scene.report, action="submitted", by=scene.erin)
    notice = Notice.objects.get(recipient=scene.bo)
    type(scene.bo).objects.filter(pk=scene.bo.pk).update(is_active=False)
    assert notice_email_send(notice_id=notice.pk) is False
    assert mail.outbox == []


def test_an_unknown_action_is_refused(scene):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        progress_notify(update=scene.report, action="deleted", by=scene.erin)
    assert Notice.objects.count() == 0
