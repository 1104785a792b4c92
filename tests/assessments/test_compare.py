"""The comparison page puts two rounds side by side and lists exactly the indicators where
they disagree; the demo's official and shadow rounds differ on the shadow's changed codes."""

from __future__ import annotations

import re

from plantrack.assessments.demo import assessments_demo
from plantrack.assessments.generate import sample_assessment
from plantrack.assessments.models import Round
from plantrack.assessments.selectors import compare


def _rows(html: str, only_marked: bool = False) -> list[str]:
    body = html[html.index('<table class="table compare">') :]
    rows = re.findall(
        r'<tr( class="differs")?>\s*<th scope="row"><span class="code">([^<]+)</span>', body
    )
    return [code for marked, code in rows if marked or not only_marked]


def test_the_official_and_shadow_demo_rounds_differ_exactly_on_the_shadow_codes(db, client):  # type: ignore[no-untyped-def]
    demo = assessments_demo(official=sample_assessment(), self_assessment=None)
    assert demo.official is not None and demo.shadow is not None
    assert demo.shadow_differs  # every fifth rated indicator
    url = f"/en/assessments/compare/?a={demo.official.pk}&b={demo.shadow.pk}"
    only = client.get(url + "&show=different").content.decode()
    assert _rows(only) == demo.shadow_differs
    everything = client.get(url).content.decode()
    assert len(_rows(everything)) == 36
    assert _rows(everything, only_marked=True) == demo.shadow_differs
    assert f"disagree on {len(demo.shadow_differs)} of 36 indicators" in everything


def test_the_demo_changes_nothing_when_run_again(db):  # type: ignore[no-untyped-def]
    first = assessments_demo(
        official=sample_assessment(), self_assessment=sample_assessment(title="Self check")
    )
    count = Round.objects.count()
    second = assessments_demo(
        official=sample_assessment(), self_assessment=sample_assessment(title="Self check")
    )
    assert Round.objects.count() == count == 3
    assert second.shadow == first.shadow and second.self_assessment == first.self_assessment
    assert all(r.is_published for r in Round.objects.all())
    assert not first.shadow.official  # type: ignore[union-attr]


def test_a_self_assessment_is_made_for_a_framework_without_a_round(db, police):  # type: ignore[no-untyped-def]
    framework_only = sample_assessment(title="Security sector self-assessment")
    framework_only.round = None
    framework_only.areas[5].indicators[0].kind = "checklist"
    demo = assessments_demo(
        official=sample_assessment(), self_assessment=framework_only, agency=police
    )
    own = demo.self_assessment
    assert own is not None and own.assessing_organisation == police and own.is_published
    assert own.ratings.count() == 36
    assert own.ratings.get(indicator__code="6.1").level.label_en == "Partly"  # type: ignore[union-attr]


def test_rounds_on_two_versions_are_matched_by_code(db):  # type: ignore[no-untyped-def]
    from plantrack.assessments.importing import assessment_import

    old = assessment_import(parsed=sample_assessment(), system=True, publish=True).round
    newer = sample_assessment(year=2024, levels={"2.2": 1})
    newer.areas[0].indicators[0].title_en = "Reworded, version 2"
    new = assessment_import(parsed=newer, system=True, publish=True).round
    assert old is not None and new is not None and old.version_id != new.version_id
    result = compare(left=old, right=new)
    assert [row.code for row in result.different] == ["2.2"]
    assert result.different[0].difference == -3


def test_rounds_of_different_frameworks_are_not_compared(db, client, english):  # type: ignore[no-untyped-def]
    from plantrack.assessments.importing import assessment_import

    a = assessment_import(parsed=sample_assessment(), system=True, publish=True).round
    b = assessment_import(
        parsed=sample_assessment(title="Another card"), system=True, publish=True
    ).round
    page = client.get(f"/en/assessments/compare/?a={a.pk}&b={b.pk}")  # type: ignore[union-attr]
    assert page.status_code == 400
    assert "Only two different rounds of the same framework" in page.content.decode()
    assert client.get("/en/assessments/compare/?a=abc&b=99999999999999").status_code == 404
