"""The whole loop through the real pages and services: a report sent with a double click is
one report and one notice; the manager finds it on "To review" and returns it; the reporter
is told once, by email in her language, finds it on "My reporting", corrects and resends it;
the manager approves it and she is told again."""

from __future__ import annotations

import pytest
from django.core import mail

from plantrack.notices.models import Notice
from plantrack.progress.models import ProgressUpdate

from .helpers import activities, agency, days, manager, period, reporter, run_ready_tasks


@pytest.fixture
def loop(db, vision):  # type: ignore[no-untyped-def]
    police = agency("police", "Police")
    erin = reporter("erin@example.org", "Erin", police, language="en")
    alice = manager("alice@example.org", "Alice", vision)
    quarter = period(vision, days(-90), days(-1), days(30))
    (item,) = activities(vision, police, 1)
    return erin, alice, quarter, item


def _form(period_pk: int, token: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "period": period_pk,
        "status": "in_progress",
        "progress": 40,
        "note": "Cameras in three districts.",
        "once": token,
        "action": "submit",
    }
    data.update(changes)
    return data


def test_the_report_loop_tells_each_person_once(
    client, sign_in, loop, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    erin, alice, quarter, item = loop
    plan = item.plan.slug
    report_url = f"/en/plans/{plan}/items/{item.code}/report/"
    # Erin sends her report, and her double click sends the form a second time
    client.force_login(erin)
    token = client.get(report_url).context["form"].initial["once"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(report_url, _form(quarter.pk, token)).status_code == 302
        client.post(report_url, _form(quarter.pk, token))
    update = ProgressUpdate.objects.get(item=item)
    assert update.state == "submitted"
    assert list(Notice.objects.values_list("recipient__email", "kind")) == [
        ("alice@example.org", "progress.submitted")
    ]
    run_ready_tasks()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    # Alice finds it on "To review" and returns it with a note
    client.logout()
    sign_in(client, alice)
    assert f"#pending-{update.pk}" in client.get("/en/my/review/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/plans/{plan}/updates/{update.pk}/review/",
            {"decision": "return", "review_note": "Name the three districts."},
        )
    run_ready_tasks()
    told = mail.outbox[-1]
    assert told.to == ["erin@example.org"] and len(mail.outbox) == 2
    assert told.subject == f"Plantrack: Report returned: {item.code}"  # Erin reads English
    assert "Name the three districts." in told.body
    assert f"/en/plans/{plan}/items/{item.code}/report/?period={quarter.pk}" in told.body
    # Erin finds it on "My reporting", returned, and the link opens her report to correct
    client.logout()
    client.force_login(erin)
    page = client.get("/en/my/reporting/").content.decode()
    assert "Name the three districts." in page
    opened = client.get(f"{report_url}?period={quarter.pk}")
    assert opened["Location"] == f"/en/plans/{plan}/updates/{update.pk}/edit/"
    edit = client.get(opened["Location"]).context["form"].initial
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            opened["Location"],
            _form(quarter.pk, edit["once"], version=edit["version"], note="Districts 1, 2, 5."),
        )
    # Alice approves the corrected report
    client.logout()
    sign_in(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/plans/{plan}/updates/{update.pk}/review/", {"decision": "approve"})
    run_ready_tasks()
    kinds = list(
        Notice.objects.order_by("pk").values_list("recipient__email", "kind", "emailed_at")
    )
    assert [(email, kind) for email, kind, _ in kinds] == [
        ("alice@example.org", "progress.submitted"),
        ("erin@example.org", "progress.returned"),
        ("alice@example.org", "progress.submitted"),
        ("erin@example.org", "progress.approved"),
    ]
    assert all(emailed is not None for _, _, emailed in kinds)
    assert len(mail.outbox) == 4
