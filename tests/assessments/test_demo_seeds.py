"""The demo's assessments: the seed documents read through ``read_assessment``."""

from __future__ import annotations

from plantrack.assessments.models import Round
from plantrack.assessments.selectors import round_score
from plantrack.plans.demo import build_assessments


def test_the_demo_has_the_official_shadow_and_self_assessment_rounds(db):  # type: ignore[no-untyped-def]
    rounds = build_assessments()
    official, shadow, own = rounds.official, rounds.shadow, rounds.self_assessment
    assert official is not None and shadow is not None and own is not None
    assert (official.subject, official.year, official.official) == ("Mongolia", 2022, True)
    assert official.state == Round.State.PUBLISHED
    assert round_score(official).whole == 54
    assert official.ratings.count() == 36
    assert shadow.version_id == official.version_id and not shadow.official
    assert rounds.shadow_differs
    differing = {
        r.indicator.code
        for r in shadow.ratings.select_related("indicator")
        if r.level_id != official.ratings.get(indicator=r.indicator).level_id
    }
    assert differing == set(rounds.shadow_differs)
    assert own.version.framework != official.version.framework
    assert own.subject_organisation is not None
    assert own.subject_organisation.acronym == "NPA"
    before = Round.objects.count()
    build_assessments()  # the demo run again adds nothing
    assert Round.objects.count() == before
