"""Scores: 100 × Σ values ÷ (maximum value × rated indicators), checked against hand
computations; "not assessed" left out of both sums and counted; reported scores kept as
stated and compared."""

from __future__ import annotations

from plantrack.assessments.generate import sample_assessment
from plantrack.assessments.importing import assessment_import
from plantrack.assessments.scores import Score, compare_reported, score
from plantrack.assessments.selectors import area_scores, round_page, round_score


def test_the_sample_round_scores_78_of_144_points():
    # 12 × 4 + 4 × 3 + 5 × 2 + 8 × 1 + 7 × 0 = 78; 4 × 36 = 144; 100 × 78 / 144 = 54.166…
    values = [4.0] * 12 + [3.0] * 4 + [2.0] * 5 + [1.0] * 8 + [0.0] * 7
    result = score(values, 4)
    assert (result.total, result.rated, result.not_assessed) == (78, 36, 0)
    assert result.whole == 54
    assert result.exact_text == "54.17"
    assert result.points == "78 / 144"


def test_not_assessed_indicators_are_left_out_of_both_sums_and_counted():
    # 4 + 4 + 2 + 0 = 10 of 4 × 4 = 16 → 62.5, shown as 63 (halves up); two left out.
    result = score([4, 4, None, 2, None, 0], 4)
    assert (result.total, result.rated, result.not_assessed) == (10, 4, 2)
    assert result.exact == 62.5
    assert result.whole == 63
    assert result.exact_text == "62.50"


def test_a_round_with_nothing_rated_has_no_score():
    result = score([None, None], 4)
    assert result.exact is None and result.whole is None and result.exact_text == ""
    assert result.not_assessed == 2


def test_area_scores_add_up_to_the_overall_score(db):  # type: ignore[no-untyped-def]
    parsed = sample_assessment(not_assessed=("1.1", "5.2"))
    round = assessment_import(parsed=parsed, system=True, publish=True).round
    assert round is not None
    overall = round_score(round)
    # Area 1 is six 4s, one of them not assessed: 20 of 20 → 100. Area 5 is 1,1,1,1,1,0 with
    # 5.2 (a 1) not assessed: 4 of 20 → 20. Overall: 78 − 4 − 1 = 73 of 4 × 34 = 136 → 53.68.
    by_code = {
        area.code: part
        for area in round.version.areas.all()
        for pk, part in area_scores(round).items()
        if pk == area.pk
    }
    assert (by_code["1"].total, by_code["1"].rated, by_code["1"].not_assessed) == (20, 5, 1)
    assert by_code["1"].whole == 100
    assert (by_code["5"].total, by_code["5"].rated, by_code["5"].whole) == (4, 5, 20)
    assert (by_code["6"].total, by_code["6"].rated, by_code["6"].whole) == (0, 6, 0)
    assert (overall.total, overall.rated, overall.not_assessed) == (73, 34, 2)
    assert overall.exact_text == "53.68" and overall.whole == 54


def test_a_reported_score_that_matches_is_said_to_match(english):  # type: ignore[no-untyped-def]
    computed = Score(total=78, maximum=4, rated=36)
    [own, other] = compare_reported({"2022": 54, "2019": 58}, year=2022, computed=computed)
    assert (own.key, own.value, own.differs) == ("2022", 54, False)
    assert "matches" in own.explanation
    assert (other.key, other.computed, other.explanation) == ("2019", None, "")


def test_a_reported_score_that_differs_is_explained_in_numbers(english):  # type: ignore[no-untyped-def]
    computed = Score(total=78, maximum=4, rated=36, not_assessed=0)
    [row] = compare_reported({"2022": 58}, year=2022, computed=computed)
    assert row.differs
    # 58 − 54.17 = +3.83 points; one level of one indicator is 100 / 144 = 0.69 points.
    assert "+3.83 points" in row.explanation
    assert "0.69 points" in row.explanation
    assert "5.5 level(s)" in row.explanation


def test_the_round_page_shows_reported_and_computed_scores_and_the_method(db, client, english):  # type: ignore[no-untyped-def]
    parsed = sample_assessment(reported={"2022": 58, "2019": 60}, not_assessed=("2.1",))
    round = assessment_import(parsed=parsed, system=True, publish=True).round
    assert round is not None
    page = client.get(f"/en/assessments/rounds/{round.pk}/").content.decode()
    # 78 − 4 = 74 of 4 × 35 = 140 → 52.86
    assert "<strong>53</strong>" in page and "exact 52.86" in page
    assert "1 indicator not assessed is left out of the score." in page
    assert "The document states 58; the ratings here give 53 (exact 52.86)" in page
    assert "kept as the document states it" in page  # 2019: another round's score
    assert "Indicators marked “not assessed” are left out of both sums" in page
    context = round_page(round=round, user=None)
    assert [(r.key, r.differs) for r in context.reported] == [("2022", True), ("2019", False)]


def test_the_figures_stored_at_publication_are_those_computed_from_the_ratings(db):  # type: ignore[no-untyped-def]
    from plantrack.assessments.selectors import compute_stats

    round = assessment_import(
        parsed=sample_assessment(not_assessed=("3.3",)), system=True, publish=True
    ).round
    assert round is not None and round.stats
    assert round.stats == compute_stats(round)
    assert round.stats["levels"]["na"] == 1 and sum(round.stats["levels"].values()) == 36
