"""Review of issue 12's workflow from outside: stale rating forms (two tabs) and imports in
the name of an organisation."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied

from plantrack.assessments import services
from plantrack.assessments.generate import sample_assessment
from plantrack.assessments.importing import assessment_import
from plantrack.assessments.models import AssessmentIndicator, Framework, Rating, Round, ScaleLevel
from plantrack.organisations.models import Organisation


def _page_one(client, round: Round) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The rating form's first page as the browser would post it back unchanged: the
    values of its hidden and text fields, its checked radios and selected options."""
    html = client.get(f"/en/assessments/rounds/{round.pk}/rate/").content.decode()
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="(i\d+-[a-z]+)"', tag)
        if not name or ('type="radio"' in tag and "checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, text in re.findall(
        r'<textarea name="(i\d+-[a-z]+)"[^>]*>(.*?)</textarea>', html, re.S
    ):
        data[name] = unescape(text.strip("\n"))
    for name, body in re.findall(r'<select name="(i\d+-[a-z]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    assert any(name.endswith("-seen") for name in data), "the form carries what it showed"
    return data


def test_a_stale_tab_does_not_overwrite_a_rating_saved_meanwhile(
    client, sign_in, draft, ada, english
):  # type: ignore[no-untyped-def]
    first = AssessmentIndicator.objects.filter(version=draft.version).order_by("position")[0]
    low = ScaleLevel.objects.get(version=draft.version, kind="rated", value=1)
    high = ScaleLevel.objects.get(version=draft.version, kind="rated", value=4)
    services.rating_set(
        round=draft, indicator=first, by=ada, level=low, justification="First look."
    )
    sign_in(client, ada)
    stale = _page_one(client, draft)  # tab A opens the form
    # Tab B (or a colleague) changes the first indicator meanwhile.
    services.rating_set(
        round=draft, indicator=first, by=ada, level=high, justification="Second look."
    )
    # Tab A rates the second indicator and posts the page, the first one untouched.
    second = AssessmentIndicator.objects.filter(version=draft.version).order_by("position")[1]
    stale |= {
        f"i{second.pk}-level": str(low.pk),
        f"i{second.pk}-justification": "Seen in the report.",
    }
    page = client.post(f"/en/assessments/rounds/{draft.pk}/rate/", stale, follow=True)
    kept = Rating.objects.get(round=draft, indicator=first)
    assert (kept.level, kept.justification) == (high, "Second look.")
    assert "changed since you opened" in page.content.decode()
    # Nothing of the stale page is saved: the person reloads and posts again.
    assert not Rating.objects.filter(round=draft, indicator=second).exists()


def test_the_form_posted_twice_saves_once_and_keeps_the_rating(client, sign_in, draft, ada):  # type: ignore[no-untyped-def]
    sign_in(client, ada)
    data = _page_one(client, draft)
    first = AssessmentIndicator.objects.filter(version=draft.version).order_by("position")[0]
    level = ScaleLevel.objects.get(version=draft.version, kind="rated", value=2)
    data |= {f"i{first.pk}-level": str(level.pk), f"i{first.pk}-justification": "Because."}
    client.post(f"/en/assessments/rounds/{draft.pk}/rate/", data)
    client.post(f"/en/assessments/rounds/{draft.pk}/rate/", data)  # a double click
    rating = Rating.objects.get(round=draft, indicator=first)
    assert (rating.level, rating.justification) == (level, "Because.")


@pytest.fixture
def other_org(db) -> Organisation:  # type: ignore[no-untyped-def]
    return Organisation.objects.create(slug="other-watch", name_en="Other Watch", kind="cso")


def test_an_import_from_a_page_cannot_name_an_organisation_the_person_does_not_belong_to(
    db, ada, other_org
):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        assessment_import(
            parsed=sample_assessment(title="Watch card"),
            by=ada,
            assessing_organisation=other_org,
        )
    assert not Round.objects.exists() and not Framework.objects.exists()


def test_an_import_from_a_page_cannot_name_a_plan_the_person_cannot_see(db, ada, vision):  # type: ignore[no-untyped-def]
    vision.published_at = None
    vision.save(update_fields=["published_at"])
    with pytest.raises(PermissionDenied):
        assessment_import(parsed=sample_assessment(title="Plan card"), by=ada, subject_plan=vision)
    assert not Round.objects.exists()


def test_a_civil_society_member_who_is_not_an_assessor_cannot_act_on_an_official_round(
    client, sign_in, published, ada, abe, charlie
):  # type: ignore[no-untyped-def]
    """Charlie may draft shadow rounds for Steppe Watch only; an official round that an
    assessor drafted in Steppe Watch's name is not his to rate, publish or correct."""
    ngo = Organisation.objects.create(slug="steppe", name_en="Steppe Watch", kind="cso")
    from plantrack.organisations.models import Membership

    for user in (ada, charlie):
        Membership.objects.create(user=user, organisation=ngo, role="member", state="active")
    round = services.round_create(
        by=ada,
        framework=published.version.framework,
        subject="Mongolia",
        year=2025,
        assessing_organisation=ngo,
        official=True,
    )
    indicator = AssessmentIndicator.objects.filter(version=round.version).first()
    level = ScaleLevel.objects.filter(version=round.version, kind="rated").first()
    with pytest.raises(PermissionDenied):
        services.rating_set(
            round=round, indicator=indicator, by=charlie, level=level, justification="x"
        )  # type: ignore[arg-type]
    sign_in(client, charlie)
    assert client.get(f"/en/assessments/rounds/{round.pk}/").status_code == 200  # he sees it
    assert client.get(f"/en/assessments/rounds/{round.pk}/rate/").status_code == 404
    for indicator in AssessmentIndicator.objects.filter(version=round.version):
        services.rating_set(
            round=round, indicator=indicator, by=ada, level=level, justification="Seen."
        )
    services.round_submit(round=round, by=ada)
    assert client.post(f"/en/assessments/rounds/{round.pk}/publish/").status_code == 404
    assert Round.objects.get(pk=round.pk).state == Round.State.SUBMITTED
    # His own shadow rounds are his team's as before.
    shadow = services.round_create(
        by=charlie,
        framework=published.version.framework,
        subject="Mongolia",
        year=2025,
        assessing_organisation=ngo,
        official=False,
    )
    assert client.get(f"/en/assessments/rounds/{shadow.pk}/rate/").status_code == 200


def test_a_draft_is_listed_only_to_those_who_may_open_it(
    client, sign_in, published, ada, erin, police
):  # type: ignore[no-untyped-def]
    """Erin reports for the police; she is not an assessor, so a draft an assessor made in
    the police's name is not hers to see: not on its page, nor in a list or a trend."""
    from plantrack.organisations.models import Membership

    Membership.objects.create(user=ada, organisation=police, role="member", state="active")
    draft = services.round_create(
        by=ada,
        framework=published.version.framework,
        subject="Secret subject",
        year=2025,
        assessing_organisation=police,
    )
    sign_in(client, erin)
    assert client.get(f"/en/assessments/rounds/{draft.pk}/").status_code == 404
    assert "Secret subject" not in client.get("/en/assessments/").content.decode()
    slug = published.version.framework.slug
    assert (
        "Secret subject" not in client.get(f"/en/assessments/frameworks/{slug}/").content.decode()
    )
    assert client.get(f"/en/assessments/subjects/{draft.subject_key}/").status_code == 404


def test_a_second_click_on_publish_says_the_round_is_published_not_page_not_found(
    client, sign_in, draft, ada, abe, english
):  # type: ignore[no-untyped-def]
    level = ScaleLevel.objects.get(version=draft.version, kind="rated", value=3)
    for indicator in AssessmentIndicator.objects.filter(version=draft.version):
        services.rating_set(
            round=draft, indicator=indicator, by=ada, level=level, justification="Seen."
        )
    services.round_submit(round=draft, by=ada)
    sign_in(client, abe)
    first = client.post(f"/en/assessments/rounds/{draft.pk}/publish/")
    assert first.status_code == 302
    again = client.post(f"/en/assessments/rounds/{draft.pk}/publish/", follow=True)
    assert again.status_code == 200
    assert "This round is published and cannot be changed" in again.content.decode()
    # A stale tab's submit, return or rating on the published round: the same, nothing changes.
    for action in ("submit", "return", "rate"):
        page = client.post(
            f"/en/assessments/rounds/{draft.pk}/{action}/", {"note": "x"}, follow=True
        )
        assert page.status_code == 200 and "is published" in page.content.decode()
    draft.refresh_from_db()
    assert draft.state == Round.State.PUBLISHED and draft.published_by == abe


def test_someone_with_no_part_in_a_round_still_gets_page_not_found(client, sign_in, draft, charlie):  # type: ignore[no-untyped-def]
    sign_in(client, charlie)
    for action in ("submit", "publish", "return", "rate", "correct"):
        assert client.post(f"/en/assessments/rounds/{draft.pk}/{action}/").status_code == 404
