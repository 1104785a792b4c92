"""The round workflow through the pages, as every role, with its effect in the database:
assessors draft, rate (a justification for every rating) and submit; a second assessor or a
plan manager publishes — never the one who submitted it, nor one who rated it all alone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from plantrack.accounts.models import User
from plantrack.accounts.permissions import PLAN_MANAGERS
from plantrack.assessments import services
from plantrack.assessments.models import AssessmentIndicator, Rating, Round, ScaleLevel
from plantrack.history.models import Event
from plantrack.organisations.models import Membership, Organisation


def _persona(name: str, request) -> User | None:  # type: ignore[no-untyped-def]
    if name == "visitor":
        return None
    if name == "site_admin":
        return request.getfixturevalue("site_admin")
    return request.getfixturevalue(name)


def _client(name, request, client, sign_in):  # type: ignore[no-untyped-def]
    user = _persona(name, request)
    if user is not None:
        sign_in(client, user)
    return client


def _rate_everything(round: Round, by: User, value: float = 3) -> None:
    level = ScaleLevel.objects.get(version=round.version, kind="rated", value=value)
    for indicator in AssessmentIndicator.objects.filter(version=round.version):
        services.rating_set(
            round=round, indicator=indicator, by=by, level=level, justification="Seen in reports."
        )


def _form(
    round: Round, value: float = 2, justification: str = "Because of the 2023 law."
) -> dict[str, str]:
    """The first page of the rating form, every indicator on it rated ``value``."""
    level = ScaleLevel.objects.get(version=round.version, kind="rated", value=value)
    data = {}
    for indicator in AssessmentIndicator.objects.filter(version=round.version).order_by("position")[
        :20
    ]:
        prefix = f"i{indicator.pk}"
        data |= {
            f"{prefix}-level": str(level.pk),
            f"{prefix}-justification": justification,
            f"{prefix}-change": "",
            f"{prefix}-sources": "Annual report https://example.org/report",
        }
    return data


VIEW_DRAFT = {
    "visitor": 404,
    "charlie": 404,
    "ada": 200,
    "abe": 200,
    "bob": 200,
    "site_admin": 200,
}


@pytest.mark.parametrize("who, status", VIEW_DRAFT.items())
def test_a_draft_is_seen_by_assessors_managers_and_administrators_only(
    request, client, sign_in, draft, who, status
):  # type: ignore[no-untyped-def]
    page = _client(who, request, client, sign_in).get(f"/en/assessments/rounds/{draft.pk}/")
    assert page.status_code == status
    listing = client.get("/en/assessments/").content.decode()
    assert (f"/en/assessments/rounds/{draft.pk}/" in listing) == (status == 200)


# Who may rate Ada's draft through the form, and what the database holds afterwards.
RATE = {"visitor": 302, "charlie": 404, "ada": 302, "abe": 302, "bob": 404, "site_admin": 302}


@pytest.mark.parametrize("who, status", RATE.items())
def test_rating_through_the_form_as_every_role(request, client, sign_in, draft, who, status):  # type: ignore[no-untyped-def]
    response = _client(who, request, client, sign_in).post(
        f"/en/assessments/rounds/{draft.pk}/rate/", _form(draft)
    )
    assert response.status_code == status
    saved = Rating.objects.filter(round=draft).count()
    if who in ("ada", "abe", "site_admin"):
        assert saved == 20
        rating = Rating.objects.filter(round=draft).select_related("level").first()
        assert (
            rating is not None
            and rating.level.value == 2
            and rating.rated_by == _persona(who, request)
        )  # type: ignore[union-attr]
        assert rating.sources.get().url == "https://example.org/report"
    else:
        assert saved == 0
        if who == "visitor":
            assert "/accounts/sign-in/" in response["Location"]


def test_a_rating_without_a_justification_is_refused_and_nothing_is_saved(
    client, sign_in, draft, ada, english
):  # type: ignore[no-untyped-def]
    sign_in(client, ada)
    page = client.post(f"/en/assessments/rounds/{draft.pk}/rate/", _form(draft, justification=""))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="error-summary"' in html and "a justification is required" in html
    assert 'aria-invalid="true"' in html
    assert not Rating.objects.filter(round=draft).exists()


def test_submitting_needs_every_indicator_rated_or_marked_not_assessed(
    client, sign_in, draft, ada, english
):  # type: ignore[no-untyped-def]
    sign_in(client, ada)
    client.post(f"/en/assessments/rounds/{draft.pk}/rate/", _form(draft))
    response = client.post(f"/en/assessments/rounds/{draft.pk}/submit/", follow=True)
    assert "Rate these indicators, or mark them not assessed" in response.content.decode()
    assert Round.objects.get(pk=draft.pk).state == "draft"
    rest = AssessmentIndicator.objects.filter(version=draft.version).order_by("position")[20:]
    for indicator in rest:
        services.rating_set(round=draft, indicator=indicator, by=ada, not_assessed=True)
    client.post(f"/en/assessments/rounds/{draft.pk}/submit/")
    draft.refresh_from_db()
    assert (draft.state, draft.submitted_by) == ("submitted", ada)


@pytest.fixture
def submitted(draft, ada) -> Round:  # type: ignore[no-untyped-def]
    _rate_everything(draft, ada)
    return services.round_submit(round=draft, by=ada)


# Who may publish Ada's submitted round: never Ada, who submitted it.
PUBLISH = {"visitor": 302, "charlie": 404, "ada": 403, "abe": 302, "bob": 302, "site_admin": 302}


@pytest.mark.parametrize("who, status", PUBLISH.items())
def test_publishing_as_every_role(request, client, sign_in, submitted, who, status):  # type: ignore[no-untyped-def]
    response = _client(who, request, client, sign_in).post(
        f"/en/assessments/rounds/{submitted.pk}/publish/"
    )
    assert response.status_code == status
    submitted.refresh_from_db()
    published = who in ("abe", "bob", "site_admin")
    assert submitted.is_published == published
    if published:
        assert submitted.published_by == _persona(who, request)
        assert Event.objects.filter(
            object_type="assessments.round",
            object_id=str(submitted.pk),
            action="published",
            public=True,
        ).exists()


def test_whoever_rated_every_indicator_alone_cannot_publish(
    client, sign_in, draft, ada, abe, english
):  # type: ignore[no-untyped-def]
    _rate_everything(draft, ada)
    services.round_submit(round=draft, by=abe)
    sign_in(client, ada)
    response = client.post(f"/en/assessments/rounds/{draft.pk}/publish/")
    assert response.status_code == 403
    assert "You rated every indicator of this round yourself" in response.content.decode()
    assert Round.objects.get(pk=draft.pk).state == "submitted"


def test_a_manager_of_another_plan_cannot_publish_a_round_about_a_plan(
    client, sign_in, submitted, bob, alice, vision
):  # type: ignore[no-untyped-def]
    Round.objects.filter(pk=submitted.pk).update(subject_plan=vision)
    sign_in(client, bob)
    assert client.post(f"/en/assessments/rounds/{submitted.pk}/publish/").status_code == 404
    assert Round.objects.get(pk=submitted.pk).state == "submitted"
    client.logout()
    sign_in(client, alice)  # manages Vision 2050
    client.post(f"/en/assessments/rounds/{submitted.pk}/publish/")
    assert Round.objects.get(pk=submitted.pk).state == "published"


def test_a_reviewer_returns_a_round_with_a_note(client, sign_in, submitted, abe):  # type: ignore[no-untyped-def]
    sign_in(client, abe)
    client.post(f"/en/assessments/rounds/{submitted.pk}/return/", {"note": ""})
    assert Round.objects.get(pk=submitted.pk).state == "submitted"
    client.post(
        f"/en/assessments/rounds/{submitted.pk}/return/", {"note": "Cite the 2023 law for 2.1."}
    )
    assert Round.objects.get(pk=submitted.pk).state == "draft"
    event = Event.objects.get(object_type="assessments.round", action="returned")
    assert event.reason == "Cite the 2023 law for 2.1." and not event.public


CREATE = {"visitor": 302, "charlie": 403, "ada": 302, "abe": 302, "bob": 403, "site_admin": 302}


@pytest.mark.parametrize("who, status", CREATE.items())
def test_starting_a_round_as_every_role(request, client, sign_in, published, who, status):  # type: ignore[no-untyped-def]
    slug = published.version.framework.slug
    response = _client(who, request, client, sign_in).post(
        f"/en/assessments/frameworks/{slug}/new-round/",
        {"subject": "Mongolia", "year": "2025", "assessing_body": "Review team", "official": "1"},
    )
    assert response.status_code == status
    made = Round.objects.filter(year=2025)
    assert made.count() == (1 if status == 302 and who != "visitor" else 0)
    if made:
        assert made.get().created_by == _persona(who, request) and made.get().state == "draft"


@pytest.fixture
def ngo(db) -> Organisation:  # type: ignore[no-untyped-def]
    return Organisation.objects.create(slug="watch", name_en="Steppe Watch", kind="cso")


def test_a_civil_society_member_drafts_shadow_rounds_for_their_organisation_only(
    client, sign_in, published, charlie, ngo, english
):  # type: ignore[no-untyped-def]
    Membership.objects.create(user=charlie, organisation=ngo, role="member", state="active")
    slug = published.version.framework.slug
    sign_in(client, charlie)
    data = {"subject": "Mongolia", "year": "2025", "assessing_organisation": str(ngo.pk)}
    page = client.post(f"/en/assessments/frameworks/{slug}/new-round/", data | {"official": "1"})
    assert "cannot be marked official" in page.content.decode()
    client.post(f"/en/assessments/frameworks/{slug}/new-round/", data | {"official": "0"})
    shadow = Round.objects.get(year=2025)
    assert (shadow.official, shadow.assessing_organisation, shadow.created_by) == (
        False,
        ngo,
        charlie,
    )
    other = Organisation.objects.create(slug="other", name_en="Other NGO", kind="cso")
    client.post(
        f"/en/assessments/frameworks/{slug}/new-round/",
        data | {"official": "0", "year": "2026", "assessing_organisation": str(other.pk)},
    )
    assert not Round.objects.filter(year=2026).exists()


def test_an_assessor_of_another_organisation_cannot_rate_its_round(
    client, sign_in, published, ada, abe, ngo
):  # type: ignore[no-untyped-def]
    Membership.objects.create(user=ada, organisation=ngo, role="member", state="active")
    round = services.round_create(
        by=ada,
        framework=published.version.framework,
        subject="Mongolia",
        year=2025,
        assessing_organisation=ngo,
        official=False,
    )
    sign_in(client, abe)  # an assessor, but not of Steppe Watch
    assert client.post(f"/en/assessments/rounds/{round.pk}/rate/", _form(round)).status_code == 404
    assert not Rating.objects.filter(round=round).exists()


def test_a_plan_manager_group_alone_gives_no_rating_rights(db, bob, draft):  # type: ignore[no-untyped-def]
    bob.groups.add(Group.objects.get(name=PLAN_MANAGERS))
    indicator = AssessmentIndicator.objects.filter(version=draft.version).first()
    level = ScaleLevel.objects.filter(version=draft.version).first()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.rating_set(
            round=draft, indicator=indicator, by=bob, level=level, justification="x"
        )  # type: ignore[arg-type]


def test_another_rounds_indicators_and_levels_are_refused(db, draft, ada, english):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from plantrack.assessments.generate import sample_assessment
    from plantrack.assessments.importing import assessment_import

    other = assessment_import(parsed=sample_assessment(title="Other card"), system=True).round
    assert other is not None
    foreign_indicator = AssessmentIndicator.objects.filter(version=other.version).first()
    foreign_level = ScaleLevel.objects.filter(version=other.version, kind="rated").first()
    own_indicator = AssessmentIndicator.objects.filter(version=draft.version).first()
    with pytest.raises(ValidationError):
        services.rating_set(
            round=draft, indicator=foreign_indicator, by=ada, level=foreign_level, justification="x"
        )  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        services.rating_set(
            round=draft, indicator=own_indicator, by=ada, level=foreign_level, justification="x"
        )  # type: ignore[arg-type]
    assert not Rating.objects.filter(round=draft).exists()


def test_the_rating_form_ignores_fields_naming_other_indicators(client, sign_in, draft, ada):  # type: ignore[no-untyped-def]
    from plantrack.assessments.generate import sample_assessment
    from plantrack.assessments.importing import assessment_import

    other = assessment_import(parsed=sample_assessment(title="Other card"), system=True).round
    assert other is not None
    foreign = AssessmentIndicator.objects.filter(version=other.version).first()
    level = ScaleLevel.objects.filter(version=other.version, kind="rated").first()
    sign_in(client, ada)
    client.post(
        f"/en/assessments/rounds/{draft.pk}/rate/",
        {f"i{foreign.pk}-level": str(level.pk), f"i{foreign.pk}-justification": "x"},  # type: ignore[union-attr]
    )
    assert not Rating.objects.filter(rated_by=ada).exists()
