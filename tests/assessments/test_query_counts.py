"""The assessment pages cost the same number of queries for 36 indicators as for 3,600."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.assessments import services
from plantrack.assessments.demo import shadow_of
from plantrack.assessments.generate import sample_assessment
from plantrack.assessments.importing import assessment_import
from plantrack.assessments.models import Round


@dataclass
class Rounds:
    official: Round
    shadow: Round
    draft: Round


def _rounds(size: int, title: str, by) -> Rounds:  # type: ignore[no-untyped-def]
    parsed = sample_assessment(size=size, title=title, subject=title, not_assessed=("1.2",))
    official = assessment_import(parsed=parsed, system=True, publish=True).round
    shadow = assessment_import(parsed=shadow_of(parsed)[0], system=True, publish=True).round
    assert official is not None and shadow is not None
    draft = services.round_create(
        by=by, framework=official.version.framework, subject=title, year=2025, assessing_body="Team"
    )
    return Rounds(official, shadow, draft)


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


def _urls(r: Rounds) -> dict[str, str]:
    return {
        "round": f"/en/assessments/rounds/{r.official.pk}/",
        "round, page 2": f"/en/assessments/rounds/{r.official.pk}/?page=2",
        "draft round": f"/en/assessments/rounds/{r.draft.pk}/",
        "comparison": f"/en/assessments/compare/?a={r.official.pk}&b={r.shadow.pk}",
        "comparison, differences": (
            f"/en/assessments/compare/?a={r.official.pk}&b={r.shadow.pk}&show=different"
        ),
        "framework": r.official.version.framework.get_absolute_url(),
        "subject": f"/en/assessments/subjects/{r.official.subject_key}/",
        "rating form": f"/en/assessments/rounds/{r.draft.pk}/rate/",
        "rating form, page 2": f"/en/assessments/rounds/{r.draft.pk}/rate/?page=2",
    }


def test_the_pages_cost_the_same_queries_at_36_and_3600_indicators(client, sign_in, ada):  # type: ignore[no-untyped-def]
    small = _rounds(1, "Small card", ada)
    big = _rounds(100, "Big card", ada)
    assert big.official.version.indicators.count() == 3600
    sign_in(client, ada)
    for name, url in _urls(small).items():
        client.get(url)  # warm the per-request caches once
        small_count = _count(client, url)
        big_count = _count(client, _urls(big)[name])
        assert small_count == big_count, (
            f"{name}: {small_count} queries at 36, {big_count} at 3,600"
        )
    for url in ("/en/assessments/", "/en/"):
        assert _count(client, url) == _count(client, url)
    # The big round page shows one page of indicators, its scores from all 3,600.
    page = client.get(f"/en/assessments/rounds/{big.official.pk}/").content.decode()
    assert page.count('class="rating"') == 50 and "Page 1 of 72" in page
    assert "3600 indicators" in page.replace(",", "").replace("\u00a0", "")
