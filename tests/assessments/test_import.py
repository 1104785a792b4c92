"""``assessment_import``: one framework per title, a version per content, a round per
subject, year and body; re-import changes nothing; a refused import leaves nothing."""

from __future__ import annotations

import copy

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.assessments.generate import sample_assessment
from plantrack.assessments.importing import assessment_import
from plantrack.assessments.models import (
    AssessmentIndicator,
    Framework,
    FrameworkVersion,
    Rating,
    Round,
    Source,
)
from plantrack.history.models import Event


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_app_config("assessments").get_models()
    } | {"events": Event.objects.count()}


def test_an_import_stores_the_framework_its_version_and_the_round(db):  # type: ignore[no-untyped-def]
    result = assessment_import(parsed=sample_assessment(), system=True)
    assert result.framework_created and result.round_created
    framework, round = result.framework, result.round
    assert round is not None and round.state == Round.State.DRAFT
    assert framework.title_en == "Sample scorecard" and framework.slug == "sample-scorecard"
    assert result.version.number == 1 and result.version.is_frozen
    assert result.version.areas.count() == 6 and result.version.indicators.count() == 36
    assert [lv.label_en for lv in result.version.levels.order_by("position")] == [
        "Very Strong",
        "Strong",
        "Fair",
        "Weak",
        "Very Weak",
    ]
    assert round.ratings.count() == 36
    assert not round.ratings.filter(justification="", level__isnull=False).exists()
    assert Source.objects.filter(rating__round=round).count() == 12  # every third rating
    assert (round.subject, round.subject_key, round.year) == ("Mongolia", "mongolia", 2022)


def test_importing_the_same_file_again_changes_nothing(db):  # type: ignore[no-untyped-def]
    assessment_import(parsed=sample_assessment(), system=True, publish=True)
    before = _counts()
    again = assessment_import(parsed=sample_assessment(), system=True, publish=True)
    assert not again.changed
    assert _counts() == before


def test_the_framework_is_matched_by_its_title_in_either_language_case_folded(db):  # type: ignore[no-untyped-def]
    first = assessment_import(parsed=sample_assessment(), system=True)
    parsed = sample_assessment(title="SAMPLE  Scorecard")
    parsed.framework_title_mn = "Жишээ карт"
    second = assessment_import(parsed=parsed, system=True)
    assert second.framework.pk == first.framework.pk
    only_mn = sample_assessment(title="")
    only_mn.framework_title_mn = "ЖИШЭЭ КАРТ"
    assert assessment_import(parsed=only_mn, system=True).framework.pk == first.framework.pk
    assert Framework.objects.count() == 1


def test_a_changed_structure_makes_a_new_version_and_old_rounds_keep_theirs(db):  # type: ignore[no-untyped-def]
    first = assessment_import(parsed=sample_assessment(), system=True, publish=True)
    changed = sample_assessment(year=2024)
    changed.areas[0].indicators[0].title_en = "A reworded first indicator"
    second = assessment_import(parsed=changed, system=True)
    assert second.version_created and second.version.number == 2
    assert first.round is not None and second.round is not None
    first.round.refresh_from_db()
    assert first.round.version.number == 1 and second.round.version.number == 2
    old = AssessmentIndicator.objects.get(version=first.round.version, code="1.1")
    assert old.title_en == "Indicator 1.1 of the sample"
    assert FrameworkVersion.objects.filter(framework=first.framework).count() == 2


def test_a_version_no_round_uses_is_rewritten_in_place(db):  # type: ignore[no-untyped-def]
    parsed = sample_assessment()
    parsed.round = None
    first = assessment_import(parsed=parsed, system=True)
    assert not first.version.is_frozen
    changed = copy.deepcopy(parsed)
    changed.areas[0].indicators[0].title_en = "Reworded"
    second = assessment_import(parsed=changed, system=True)
    assert second.framework_changed and not second.version_created
    assert FrameworkVersion.objects.get().number == 1
    assert AssessmentIndicator.objects.get(code="1.1").title_en == "Reworded"


def test_different_ratings_for_a_published_round_start_a_correction(db):  # type: ignore[no-untyped-def]
    first = assessment_import(parsed=sample_assessment(), system=True, publish=True)
    second = assessment_import(parsed=sample_assessment(levels={"1.1": 0}), system=True)
    assert second.correction and second.round is not None
    assert second.round.supersedes_id == first.round.pk  # type: ignore[union-attr]
    assert second.round.state == Round.State.DRAFT and second.round.revision == 2
    assert Rating.objects.get(round=first.round, indicator__code="1.1").level.value == 4  # type: ignore[union-attr]
    assert Rating.objects.get(round=second.round, indicator__code="1.1").level.value == 0  # type: ignore[union-attr]


def test_a_draft_round_imported_again_is_updated_in_place(db):  # type: ignore[no-untyped-def]
    first = assessment_import(parsed=sample_assessment(), system=True)
    second = assessment_import(parsed=sample_assessment(levels={"1.1": 2}), system=True)
    assert second.round_changed and second.round.pk == first.round.pk  # type: ignore[union-attr]
    assert Round.objects.count() == 1
    assert Rating.objects.get(indicator__code="1.1").level.value == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda p: setattr(p.round.ratings[-1], "level_label", "Superb"), "Superb"),
        (lambda p: setattr(p.round.ratings[-1], "justification", ""), "no justification"),
        (lambda p: setattr(p.round.ratings[-1], "indicator_code", "9.9"), "9.9"),
        (lambda p: setattr(p.round, "subject", " "), "subject"),
        (lambda p: setattr(p.round, "assessed_on", "2022-13-45"), "2022-13-45"),
        (lambda p: p.areas[1].indicators.append(copy.deepcopy(p.areas[0].indicators[0])), "1.1"),
        (lambda p: setattr(p, "scale", p.scale[:1]), "at least two levels"),
        (lambda p: setattr(p, "framework_title_en", ""), "title"),
    ],
)
def test_a_refused_import_says_why_and_leaves_nothing(db, english, spoil, message):  # type: ignore[no-untyped-def]
    before = _counts()
    parsed = sample_assessment()
    spoil(parsed)
    with pytest.raises(ValidationError) as refused:
        assessment_import(parsed=parsed, system=True, publish=True)
    assert message in " ".join(refused.value.messages)
    assert _counts() == before


def test_a_refused_reimport_leaves_the_stored_framework_as_it_was(db):  # type: ignore[no-untyped-def]
    assessment_import(parsed=sample_assessment(), system=True, publish=True)
    before = _counts()
    parsed = sample_assessment(year=2024)
    parsed.areas[0].indicators[0].title_en = "Would make a version 2"
    parsed.round.ratings[-1].level_label = "Superb"  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        assessment_import(parsed=parsed, system=True)
    assert _counts() == before


def test_only_assessors_import_and_a_page_never_publishes_at_once(db, charlie, ada):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        assessment_import(parsed=sample_assessment(), by=charlie)
    with pytest.raises(PermissionDenied):
        assessment_import(parsed=sample_assessment(), by=ada, publish=True)
    assert not Framework.objects.exists()
    result = assessment_import(parsed=sample_assessment(), by=ada)
    assert result.round is not None and result.round.created_by == ada


def test_a_malformed_source_link_is_kept_as_text_with_a_warning(db, english):  # type: ignore[no-untyped-def]
    parsed = sample_assessment()
    parsed.round.ratings[0].sources[0].url = "not a link"  # type: ignore[union-attr]
    result = assessment_import(parsed=parsed, system=True)
    source = Source.objects.get(rating__indicator__code="1.1")
    assert (source.text, source.url) == ("Report 1 not a link", "")
    assert any("1.1" in w for w in result.warnings)


def test_checklist_indicators_take_present_partly_absent(db):  # type: ignore[no-untyped-def]
    parsed = sample_assessment()
    parsed.areas[5].indicators[0].kind = "checklist"
    parsed.round.ratings[30].level_label = "partly"  # type: ignore[union-attr]
    result = assessment_import(parsed=parsed, system=True)
    rating = Rating.objects.get(round=result.round, indicator__code="6.1")
    assert rating.level.label_en == "Partly" and rating.level.kind == "checklist"  # type: ignore[union-attr]


def test_subject_keys_group_spellings_of_one_subject():
    from plantrack.assessments.checks import subject_key

    assert subject_key("Mongolia") == subject_key(" MONGOLIA ") == "mongolia"
    assert subject_key("Монгол Улс") == "mongol-uls"
    # A name no slug keeps still gets a key of its own.
    assert subject_key("蒙古") != subject_key("中国")
    assert subject_key("蒙古").startswith("subject-")


def test_an_import_from_a_page_does_not_rewrite_another_teams_round(db, ada, abe):  # type: ignore[no-untyped-def]
    from plantrack.organisations.models import Membership, Organisation

    watch = Organisation.objects.create(slug="watch", name_en="Watch", kind="cso")
    Membership.objects.create(user=ada, organisation=watch, role="member", state="active")
    first = assessment_import(parsed=sample_assessment(), by=ada, assessing_organisation=watch)
    before = _counts()
    with pytest.raises(PermissionDenied):
        assessment_import(parsed=sample_assessment(levels={"1.1": 0}), by=abe)
    assert _counts() == before
    assert first.round is not None
