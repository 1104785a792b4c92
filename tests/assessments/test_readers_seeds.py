"""The two assessment seeds, read through the one entry point (sandbox, limits, detection).

003 is a published scorecard (tab rows, HTML cells, rows split by page breaks,
one-field-per-line blocks, footnotes); 004 a self-assessment benchmark with no ratings.
Every figure asserted here was counted by hand in the seed text; the justification
ends were checked against the document by reading it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from django.utils import translation

from plantrack.assessments.importers.footnotes import cited
from plantrack.assessments.importers.reader import read_assessment
from plantrack.assessments.parsed import ParsedAssessment
from plantrack.plans.importers.base import ImportRefused

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "plantrack" / "plans" / "seeds"
CONVERTED = ROOT / "tests" / "data" / "seeds-converted"
SCORECARD = "003_8a0f78df4ed7b134"
BENCHMARK = "004_a753d303f7349415"


def _read(path: Path) -> ParsedAssessment:
    with translation.override("en"):  # the warnings are checked in English
        return read_assessment(path, name=path.name)


@pytest.fixture(scope="module", params=["txt", "docx"])
def scorecard(request: pytest.FixtureRequest) -> ParsedAssessment:
    folder = SEEDS if request.param == "txt" else CONVERTED
    return _read(folder / f"{SCORECARD}.{request.param}")


def _ratings(parsed: ParsedAssessment):  # type: ignore[no-untyped-def]
    assert parsed.round is not None
    return {rating.indicator_code: rating for rating in parsed.round.ratings}


def test_the_scorecard_has_six_areas_and_thirty_six_indicators(scorecard):  # type: ignore[no-untyped-def]
    assert [area.title_en for area in scorecard.areas] == [
        "Basic Compliance",
        "Policy Mechanisms",
        "International Human Rights Obligations",
        "Domestic Implementation",
        "Bilateral and Multilateral Relations",
        "United Nations, prevention, Peacekeeping, and assistance",
    ]
    assert [len(area.indicators) for area in scorecard.areas] == [3, 3, 11, 5, 7, 7]
    assert all(i.kind == "rated" for area in scorecard.areas for i in area.indicators)


def test_the_scale_is_the_five_named_levels_valued_by_their_order(scorecard):  # type: ignore[no-untyped-def]
    assert [(level.label_en, level.value) for level in scorecard.scale] == [
        ("Very Strong", 4),
        ("Strong", 3),
        ("Fair", 2),
        ("Weak", 1),
        ("Very Weak", 0),
    ]
    assert any("taken from the levels' order" in w for w in scorecard.warnings)


def test_the_ratings_and_changes_are_distributed_as_the_document_states(scorecard):  # type: ignore[no-untyped-def]
    ratings = list(_ratings(scorecard).values())
    assert len(ratings) == 36
    assert Counter(r.level_label for r in ratings) == {
        "Very Strong": 12,
        "Strong": 4,
        "Fair": 5,
        "Weak": 8,
        "Very Weak": 7,
    }
    assert Counter(r.change for r in ratings) == {"unchanged": 30, "decrease": 5, "increase": 1}
    assert not any(r.not_assessed for r in ratings)
    values = {level.label_en: level.value for level in scorecard.scale}
    total = sum(values[r.level_label] for r in ratings)
    assert total == 78  # 78 of 144 points: the computed score is 54 (54.17)
    assert round(100 * total / (4 * 36)) == 54


def test_the_reported_scores_and_identity_come_from_the_document(scorecard):  # type: ignore[no-untyped-def]
    round_ = scorecard.round
    assert round_.reported_scores == {"2022": 54, "2019": 58}
    assert (round_.subject, round_.year, round_.title) == ("Mongolia", 2022, "Mongolia 2022")
    assert round_.assessing_body == "Asia-Pacific Centre for the Responsibility to Protect"
    assert round_.official is False  # a centre assessing a country: not the country's own
    assert "implementing R2P" in round_.summary
    assert scorecard.framework_title_en == "Assessment of R2P Implementation"


def test_every_justification_is_there_and_whole(scorecard):  # type: ignore[no-untyped-def]
    ratings = _ratings(scorecard)
    assert all(r.justification.strip() for r in ratings.values())
    # Ends checked by hand against the seed: rows split by page breaks close up again.
    ends = {
        "3.5": "it has no overdue reports of the procedures it is a part of.¹⁶",
        "3.10": "despite recent increased visibility and awareness.²⁸",
        "4.3": "can still illicit subpar responses due to ingrained social stigmas.³⁴",
        "5.2": "no other efforts on R2P by Mongolia could be found.",
        "5.5": "either for atrocity prevention or otherwise.",
        "6.4": "attached to UNMISS, which has a protection of civilians mandate. ⁵⁴",
    }
    for code, end in ends.items():
        assert ratings[code].justification.endswith(end), code
    starts = {
        "3.5": "Mongolia participated in its most recent UPR in November 2020.",
        "3.11": "There seems to be no improvement on Mongolia's capacity",
        "4.4": "Mongolia retains an adequate education system",
        "5.3": "There is no evidence to suggest Mongolia has worked towards",
    }
    for code, start in starts.items():
        assert ratings[code].justification.startswith(start), code
    assert "170 of which it accepted and noted the other 21.¹⁴" in ratings["3.5"].justification
    assert ratings["5.2"].justification.count("• 20") == 10  # the resolutions, as a list


def test_a_title_split_by_a_page_break_is_joined(scorecard):  # type: ignore[no-untyped-def]
    titles = {i.code: i.title_en for area in scorecard.areas for i in area.indicators}
    assert titles["3.5"] == (
        "Participate in international peer review processes, including the Universal "
        "Periodic Review (UPR) of the UN Human Rights Council"
    )


def test_every_rating_that_cites_a_footnote_carries_it_as_a_source(scorecard):  # type: ignore[no-untyped-def]
    citing = 0
    for rating in _ratings(scorecard).values():
        markers = cited(rating.justification)
        if markers:
            citing += 1
            assert rating.sources, rating.indicator_code
            assert [s.marker for s in rating.sources] == markers
    assert citing == 28
    # The document's 57 footnotes, each attached to the one rating that cites it.
    markers = sorted(int(s.marker) for r in _ratings(scorecard).values() for s in r.sources)
    assert markers == list(range(1, 58))
    sources = _ratings(scorecard)["2.1"].sources
    assert sources[0].url == (
        "https://www.globalr2p.org/resources/members-of-the-global-network-of-r2p-focal-points/"
    )
    assert sources[0].text.startswith("Global Centre for the Responsibility to Protect (GCR2P)")
    long_note = next(s for s in _ratings(scorecard)["3.10"].sources if s.marker == "25")
    assert "Sisters of the Well" in long_note.text  # a footnote continued after a blank line


def test_the_scorecard_printed_to_pdf_is_refused_saying_why():  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused, match="lost its columns"), translation.override("en"):
        _read(CONVERTED / f"{SCORECARD}.pdf")


@pytest.fixture(scope="module", params=["txt", "docx", "pdf"])
def benchmark(request: pytest.FixtureRequest) -> ParsedAssessment:
    folder = SEEDS if request.param == "txt" else CONVERTED
    return _read(folder / f"{BENCHMARK}.{request.param}")


def test_the_eight_attributes_are_rated_indicators_on_a_documented_default_scale(benchmark):  # type: ignore[no-untyped-def]
    ideal = benchmark.areas[0]
    assert ideal.title_en == "Ideal security sector"
    assert len(ideal.indicators) == 8
    assert {i.kind for i in ideal.indicators} == {"rated"}
    assert ideal.indicators[0].title_en.startswith("Up-to-date security strategy")
    assert ideal.indicators[-1].title_en == "Accountability to the national parliament and public"
    assert [level.value for level in benchmark.scale] == [4, 3, 2, 1, 0]
    assert any("default maturity scale" in w for w in benchmark.warnings)


def test_the_sources_of_deficits_and_of_corruption_are_checklists(benchmark):  # type: ignore[no-untyped-def]
    areas = {area.title_en.lower(): area for area in benchmark.areas}
    deficits = areas["sources of deficits"]
    corruption = areas["sources of corruption in security sectors"]
    assert len(deficits.indicators) == 7
    assert len(corruption.indicators) == 9  # four risks, and "poor management in" five fields
    assert {i.kind for i in deficits.indicators + corruption.indicators} == {"checklist"}
    assert corruption.indicators[4].title_en == "Poor management in: Personnel policy"
    assert len(benchmark.areas) == 3


def test_the_focus_areas_and_challenges_are_guidance_and_there_is_no_round(benchmark):  # type: ignore[no-untyped-def]
    guidance = benchmark.guidance_en
    for heading in (
        "Focus 1: Create reform-focused policy and programmes",
        "Focus 2: Interagency approach",
        "Challenges to democratic security sector reform",
    ):
        assert heading in guidance
    assert "– Synchronised legislation" in guidance
    assert "Chronic underfunding" not in guidance
    assert benchmark.round is None


def test_the_readers_name_no_document():  # type: ignore[no-untyped-def]
    """Nothing in the readers' code is about one document: no title, name or wording."""
    words = re.compile(r"\bmongolia\b|r2p|responsibility to protect|atrocit|security sector", re.I)
    folder = ROOT / "plantrack" / "assessments" / "importers"
    for path in folder.glob("*.py"):
        assert not words.search(path.read_text(encoding="utf-8")), path.name
