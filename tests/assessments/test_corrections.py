"""A published round is never changed in place; a correction is a new revision, published
the same way, and the earlier one stays readable as it was."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from plantrack.assessments import services
from plantrack.assessments.models import AssessmentIndicator, Rating, Round, ScaleLevel
from plantrack.assessments.selectors import round_score


def _indicator(round: Round, code: str) -> AssessmentIndicator:
    return AssessmentIndicator.objects.get(version=round.version, code=code)


def _level(round: Round, value: float) -> ScaleLevel:
    return ScaleLevel.objects.get(version=round.version, kind="rated", value=value)


def test_the_services_refuse_to_change_a_published_round(published, ada, english):  # type: ignore[no-untyped-def]
    before = list(Rating.objects.filter(round=published).values_list("level_id", "justification"))
    with pytest.raises(ValidationError) as refused:
        services.rating_set(
            round=published,
            indicator=_indicator(published, "1.1"),
            by=ada,
            level=_level(published, 0),
            justification="Changed my mind",
        )
    assert "published and cannot be changed" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        services.round_submit(round=published, by=ada)
    with pytest.raises(ValidationError):
        services.round_publish(round=published, by=ada)
    assert (
        list(Rating.objects.filter(round=published).values_list("level_id", "justification"))
        == before
    )


def test_the_rating_form_of_a_published_round_is_not_there(client, sign_in, published, ada):  # type: ignore[no-untyped-def]
    sign_in(client, ada)
    # Someone who may see the round is sent to its page, told it is published (a stale
    # link or tab), not shown "not found"; the form is not there.
    response = client.get(f"/en/assessments/rounds/{published.pk}/rate/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/assessments/rounds/{published.pk}/"


def test_a_correction_is_a_new_revision_and_the_old_one_stays_readable(
    client, sign_in, published, ada, abe, english
):  # type: ignore[no-untyped-def]
    old_score = round_score(published)
    sign_in(client, ada)
    response = client.post(
        f"/en/assessments/rounds/{published.pk}/correct/", {"reason": "1.1 was misread"}
    )
    correction = Round.objects.get(supersedes=published)
    assert response["Location"] == f"/en/assessments/rounds/{correction.pk}/rate/"
    assert (correction.state, correction.revision, correction.correction_reason) == (
        "draft",
        2,
        "1.1 was misread",
    )
    assert correction.ratings.count() == 36
    # A second correction of the same round is refused while one exists.
    with pytest.raises(ValidationError):
        services.round_correct(round=published, by=ada, reason="again")
    services.rating_set(
        round=correction,
        indicator=_indicator(correction, "1.1"),
        by=ada,
        level=_level(correction, 0),
        justification="The 2022 report says otherwise.",
    )
    services.round_submit(round=correction, by=ada)
    services.round_publish(round=correction, by=abe)
    # The old revision: unchanged, readable by anyone, and says it was corrected.
    client.logout()
    page = client.get(f"/en/assessments/rounds/{published.pk}/").content.decode()
    assert "Revision 2 replaces this round" in page
    assert Rating.objects.get(round=published, indicator__code="1.1").level.value == 4  # type: ignore[union-attr]
    assert round_score(published) == old_score
    # The new one: 78 − 4 = 74 of 144 → 51.39; it says what it corrects.
    new_page = client.get(f"/en/assessments/rounds/{correction.pk}/").content.decode()
    assert "This revision corrects revision 1." in new_page and "exact 51.39" in new_page
    # Lists show the current revision only.
    listing = client.get("/en/assessments/").content.decode()
    assert f"/rounds/{correction.pk}/" in listing and f"/rounds/{published.pk}/" not in listing


def test_a_correction_cannot_be_started_without_saying_why(published, ada):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.round_correct(round=published, by=ada, reason="  ")
    assert not Round.objects.filter(supersedes=published).exists()


def test_a_citizen_cannot_start_a_correction(client, sign_in, published, charlie):  # type: ignore[no-untyped-def]
    sign_in(client, charlie)
    assert (
        client.post(f"/en/assessments/rounds/{published.pk}/correct/", {"reason": "x"}).status_code
        == 404
    )
    assert not Round.objects.filter(supersedes=published).exists()


def test_the_change_since_the_previous_round_is_computed_when_it_exists(published, draft, ada, abe):  # type: ignore[no-untyped-def]
    # The published 2022 round rates 1.1 Very Strong (4) and 6.1 Very Weak (0).
    services.rating_set(
        round=draft,
        indicator=_indicator(draft, "1.1"),
        by=ada,
        level=_level(draft, 3),
        justification="Slipped.",
        change="unchanged",
    )
    services.rating_set(
        round=draft,
        indicator=_indicator(draft, "6.1"),
        by=ada,
        level=_level(draft, 1),
        justification="Better.",
    )
    slipped = Rating.objects.get(round=draft, indicator__code="1.1")
    better = Rating.objects.get(round=draft, indicator__code="6.1")
    assert (slipped.change_computed, slipped.change_stated, slipped.change) == (
        "decrease",
        "unchanged",
        "decrease",
    )
    assert (better.change_computed, better.change) == ("increase", "increase")
    # Imported with no earlier round: the change is kept as stated.
    first = Rating.objects.get(round=published, indicator__code="1.1")
    assert (first.change_computed, first.change) == ("", "unchanged")
