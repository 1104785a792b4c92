"""The seeds as LibreOffice saves them as DOCX and PDF (tests/data/seeds-converted/) read
the same figures as the seed text; the two assessment seeds are refused in every format."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.detect import read_untrusted
from plantrack.plans.importers.limits import DEFAULT_LIMITS

from .helpers import FIGURES, RECOMMENDATIONS, ROADMAP, VISION, counts, seed_plan, tree

CONVERTED = Path(__file__).resolve().parents[2] / "data" / "seeds-converted"

# The DICE roadmap's activities live in a table that the seed text writes as tab-separated
# rows. Printed to PDF, a tab is only a jump to LibreOffice's next default tab stop and a
# long row wraps back to the left margin, so the page no longer says where a cell ends: the
# narrative outline above the table is all that is left to read. See the README there.
_TABLE_LOST_IN_PRINT = pytest.mark.xfail(
    strict=True,
    reason="a text file printed to PDF keeps no table: tab-separated cells wrap across lines",
)


def _read(name: str):  # type: ignore[no-untyped-def]
    return read_untrusted((CONVERTED / name).read_bytes(), DEFAULT_LIMITS)


@pytest.mark.parametrize(
    "name",
    [
        f"{VISION.stem}.docx",
        f"{VISION.stem}.pdf",
        f"{RECOMMENDATIONS.stem}.docx",
        f"{RECOMMENDATIONS.stem}.pdf",
        f"{ROADMAP.stem}.docx",
        pytest.param(f"{ROADMAP.stem}.pdf", marks=_TABLE_LOST_IN_PRINT),
    ],
)
def test_each_converted_plan_seed_gives_exactly_its_figures(name: str) -> None:
    seed = next(s for s in (VISION, RECOMMENDATIONS, ROADMAP) if name.startswith(s.stem))
    plan = _read(name)
    assert counts(plan) == FIGURES[seed.name]
    assert [(code, kind, parent) for code, kind, parent, _t in tree(plan)] == [
        (code, kind, parent) for code, kind, parent, _t in tree(seed_plan(seed))
    ]


@pytest.mark.parametrize("name", [f"{VISION.stem}.docx", f"{RECOMMENDATIONS.stem}.docx"])
def test_a_text_saved_as_docx_reads_the_same_titles_as_the_text(name: str) -> None:
    seed = next(s for s in (VISION, RECOMMENDATIONS) if name.startswith(s.stem))
    assert tree(_read(name)) == tree(seed_plan(seed))


@pytest.mark.parametrize(
    ("stem", "word"),
    [("003_8a0f78df4ed7b134", "assessment"), ("004_a753d303f7349415", "self-assessment")],
)
@pytest.mark.parametrize("suffix", ["docx", "pdf"])
def test_the_converted_assessment_seeds_are_refused_as_not_plans(
    stem: str, word: str, suffix: str
) -> None:
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        _read(f"{stem}.{suffix}")
    assert word in str(refused.value.message)
    assert "assessments module" in str(refused.value.message)
