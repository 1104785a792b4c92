"""The report form and the report's page: fields per indicator kind, errors under their
fields, drafts continued, a returned report's note on top, a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.progress.evidence import EvidenceLink, Upload
from plantrack.progress.models import ProgressUpdate
from plantrack.progress.services import MeasurementInput, progress_update_review

from ._workflow import PLAN, draft, make_period, submitted
from .test_evidence import pdf_bytes

REPORT = f"/en/plans/{PLAN}/items/7.3.8/report/"


def _base(period) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"period": period.pk, "status": "in_progress", "progress": 40, "note": "Done."}


def test_the_form_has_a_field_for_each_kind_of_indicator(
    client, activity, period, erin, indicators, english
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    html = client.get(REPORT).content.decode()
    i = indicators
    assert 'enctype="multipart/form-data"' in html
    assert f'<option value="{period.pk}" selected>' in html  # the default period
    assert '<legend lang="en">Officers trained</legend>' in html
    assert "<legend>By Sex</legend>" in html
    assert f'name="m-{i.count.pk}"' in html and f'name="m-{i.count.pk}-{i.female}"' in html
    assert f'name="m-{i.share.pk}-num"' in html and f'name="m-{i.share.pk}-den"' in html
    assert f'name="m-{i.share.pk}-{i.male}-den"' in html
    assert re.search(rf'<select name="m-{i.level.pk}"[^>]*>', html)
    assert ">Medium</option>" in html
    assert f'type="radio" name="m-{i.done.pk}" value="1"' in html
    assert 'type="file" name="evidence_files" multiple' in html
    assert 'name="action" value="draft"' in html and 'name="action" value="submit"' in html


def test_values_from_the_form_are_saved_as_measurements(client, activity, period, erin, indicators):  # type: ignore[no-untyped-def]
    i = indicators
    client.force_login(erin)
    data = {
        **_base(period),
        f"m-{i.count.pk}": "30",
        f"m-{i.count.pk}-{i.female}": "12",
        f"m-{i.count.pk}-{i.male}": "18",
        f"m-{i.count.pk}-note": "Register",
        f"m-{i.share.pk}-num": "3",
        f"m-{i.share.pk}-den": "4",
        f"m-{i.level.pk}": "1",
        f"m-{i.done.pk}": "0",
        "action": "draft",
    }
    response = client.post(REPORT, data)
    update = ProgressUpdate.objects.get()
    assert response["Location"] == f"/en/plans/{PLAN}/updates/{update.pk}/"
    assert update.state == "draft"
    got = {(m.indicator_id, m.dimension_value_id): m.value for m in update.measurements.all()}
    assert got == {
        (i.count.pk, None): 30,
        (i.count.pk, i.female): 12,
        (i.count.pk, i.male): 18,
        (i.share.pk, None): 75,
        (i.level.pk, None): 1,
        (i.done.pk, None): 0,
    }
    assert update.measurements.get(dimension_value=None, indicator=i.count).note == "Register"


def test_a_service_refusal_is_shown_under_its_field(
    client, activity, period, erin, indicators, english
):  # type: ignore[no-untyped-def]
    i = indicators
    client.force_login(erin)
    data = {
        **_base(period),
        f"m-{i.count.pk}": "30",
        f"m-{i.count.pk}-{i.female}": "10",
        f"m-{i.count.pk}-{i.male}": "10",
        f"m-{i.share.pk}-num": "3",
    }
    html = client.post(REPORT, data).content.decode()
    assert f'id="id_m-{i.count.pk}_errors"' in html
    assert "add up to 20, not the total 30" in html
    assert f'aria-describedby="id_m-{i.count.pk}_errors"' in html
    assert f'id="id_m-{i.share.pk}-num_errors"' in html  # a percentage's error: its numerator
    assert 'class="error-summary"' in html and f'href="#id_m-{i.count.pk}"' in html
    assert not ProgressUpdate.objects.exists()


def test_opening_the_form_on_a_period_with_a_draft_continues_the_draft(
    client, activity, period, erin, police
):  # type: ignore[no-untyped-def]
    from plantrack.accounts.models import User
    from plantrack.organisations.models import Membership

    update = draft(activity, erin, period)
    colleague = User.objects.create_user("finn@example.org", "pw-finn-1234", display_name="Finn")
    Membership.objects.create(user=colleague, organisation=police, role="reporter", state="active")
    client.force_login(colleague)
    response = client.get(REPORT)
    assert response.status_code == 302
    assert response["Location"] == f"/en/plans/{PLAN}/updates/{update.pk}/edit/"
    page = client.get(response["Location"]).content.decode()
    assert 'name="version" value="1"' in page and "Started." in page


def test_a_returned_report_opens_with_the_review_note_on_top(
    client, activity, period, erin, alice, english
):  # type: ignore[no-untyped-def]
    update = submitted(activity, erin, period)
    progress_update_review(update=update, by=alice, approve=False, note="Name the 12 posts.")
    client.force_login(erin)
    html = client.get(f"/en/plans/{PLAN}/updates/{update.pk}/edit/").content.decode()
    heading = html.index("Returned to you with this note")
    assert heading < html.index("Name the 12 posts.") < html.index('enctype="multipart')


def test_an_approved_report_is_not_opened_for_editing(
    client, activity, period, erin, alice, english
):  # type: ignore[no-untyped-def]
    update = submitted(activity, erin, period)
    progress_update_review(update=update, by=alice, approve=True)
    client.force_login(erin)
    response = client.get(f"/en/plans/{PLAN}/updates/{update.pk}/edit/", follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/en/plans/{PLAN}/updates/{update.pk}/"


def test_an_edit_sent_twice_is_recorded_once(client, activity, period, erin, english):  # type: ignore[no-untyped-def]
    update = draft(activity, erin, period)
    client.force_login(erin)
    url = f"/en/plans/{PLAN}/updates/{update.pk}/edit/"
    token = client.get(url).context["form"].initial["once"]
    data = {**_base(period), "version": 1, "once": token, "action": "submit"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert "already sent" in again.content.decode()
    update.refresh_from_db()
    assert (update.state, update.version) == ("submitted", 2)


def test_the_report_page_shows_values_and_evidence_to_those_allowed(
    client, sign_in, activity, period, erin, alice, indicators, settings, tmp_path, english
):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    i = indicators
    update = submitted(
        activity,
        erin,
        period,
        measurements=[
            MeasurementInput(i.count.pk, value=1200),
            MeasurementInput(i.count.pk, i.female, value=500),
            MeasurementInput(i.share.pk, numerator=9, denominator=20),
            MeasurementInput(i.level.pk, value=2),
            MeasurementInput(i.done.pk, value=1),
        ],
        evidence_files=[Upload("list.pdf", pdf_bytes())],
        evidence_links=[EvidenceLink("https://example.org/law", "The law")],
    )
    url = f"/en/plans/{PLAN}/updates/{update.pk}/"
    assert client.get(url).status_code == 404
    sign_in(client, alice)
    html = client.get(url).content.decode()
    for shown in ("1,200 people", "Sex: Female", "45 % (9 / 20)", "High", "Yes", "list.pdf"):
        assert shown in html, shown
    assert 'href="https://example.org/law" rel="nofollow noopener noreferrer"' in html


@pytest.mark.parametrize("who", ["visitor", "manager"])
def test_the_report_page_takes_the_same_queries_for_few_and_many_values(
    client, sign_in, activity, vision, erin, alice, indicators, recomputed, who
):  # type: ignore[no-untyped-def]
    from plantrack.progress.models import Dimension

    aimag = Dimension.objects.get(slug="aimag")
    indicators.count.dimensions.add(aimag)

    def report(quarter: int, rows: list[MeasurementInput], links: int) -> ProgressUpdate:
        update = submitted(
            activity,
            erin,
            make_period(vision, quarter),
            measurements=rows,
            evidence_links=[
                EvidenceLink(f"https://example.org/{n}", f"L{n}") for n in range(links)
            ],
        )
        return progress_update_review(update=update, by=alice, approve=True)

    few = report(1, [MeasurementInput(indicators.count.pk, value=1)], 1)
    many_rows = [MeasurementInput(indicators.count.pk, v.pk, value=1) for v in aimag.values.all()]
    many = report(2, many_rows, 15)
    if who == "manager":
        sign_in(client, alice)
    counts = []
    for update in (few, many):
        url = f"/en/plans/{PLAN}/updates/{update.pk}/"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
