"""Review of issue 12's score maths by hand: halves on scales with fractional values, a scale
that does not start at 0, and "not assessed" left out of both sums."""

from __future__ import annotations

import pytest

from plantrack.assessments.scores import Score, score


@pytest.mark.parametrize(
    "values, maximum, whole, exact",
    [
        # Fully met 1, Partly met 0.5, Not met 0 and tenths: 100 × 2.3 ÷ (1 × 4) = 57.5 → 58.
        ([1, 0.5, 0.5, 0.3], 1, 58, "57.50"),
        ([1, 0.1, 0], 1, 37, "36.67"),
        # 100 × 5.1 ÷ 12 = 42.5 → 43; 100 × 8.7 ÷ 12 = 72.5 → 73.
        ([0.5] * 6 + [0.3, 0.4, 0.6, 0.2, 0.2, 0.4], 1, 43, "42.50"),
        ([0.7] * 11 + [1.0], 1, 73, "72.50"),
        # A scale from 1 to 5 (no 0): 100 × (5 + 3 + 1) ÷ (5 × 3) = 60 — the documented
        # method divides by the top value, so the lowest level still scores 20.
        ([5, 3, 1], 5, 60, "60.00"),
        ([1, 1], 5, 20, "20.00"),
        # Not assessed (None) is left out of both sums: 100 × (4 + 1) ÷ (4 × 2) = 62.5 → 63.
        ([4, None, 1, None], 4, 63, "62.50"),
        # An exact third: 100 × 1 ÷ 3 = 33.333…
        ([1, 0, 0], 1, 33, "33.33"),
    ],
)
def test_scores_by_hand(values, maximum, whole, exact):  # type: ignore[no-untyped-def]
    result = score(values, maximum)
    assert (result.whole, result.exact_text) == (whole, exact)
    assert result.not_assessed == values.count(None)


def test_a_half_from_summed_tenths_rounds_up_as_the_page_says():  # type: ignore[no-untyped-def]
    # 0.1 + 0.2 + … sums in binary floating point to 2.3000000000000003 or 2.2999999999999998;
    # the score is the same either way.
    assert Score(2.3, 1.0, 4).whole == 58
    assert Score(0.1 + 0.7 + 0.7 + 0.8, 1.0, 4).whole == 58
