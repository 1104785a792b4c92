"""Real published scorecards nobody on this project wrote (see tests/data/realdocs/README.md).

The files are not committed; each test is skipped, naming its file, until the file is
placed where ``_find`` looks. The counts asserted are the README's hand counts.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path

import pytest
from django.utils import translation

from plantrack.assessments.importers.reader import read_assessment
from plantrack.assessments.parsed import ParsedAssessment

ROOT = Path(__file__).resolve().parents[2]
VPAT = "telerik-fiddler-vpat-2012.md"
VPAT_SHA = "b1b0406d6011da3c"


def _find(name: str) -> Path:
    folders = [ROOT / "tests" / "data" / "realdocs", ROOT.parent / "shared" / "realdocs"]
    if os.environ.get("PLANTRACK_REALDOCS"):
        folders.insert(0, Path(os.environ["PLANTRACK_REALDOCS"]))
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    pytest.skip(f"{name} is not placed (see tests/data/realdocs/README.md)")


@pytest.fixture(scope="module")
def vpat() -> ParsedAssessment:
    path = _find(VPAT)
    assert hashlib.sha256(path.read_bytes()).hexdigest().startswith(VPAT_SHA)
    with translation.override("en"):
        return read_assessment(path, name=path.name)


def test_the_conformance_report_has_its_eight_sections_and_73_provisions(vpat):  # type: ignore[no-untyped-def]
    assert [len(area.indicators) for area in vpat.areas] == [12, 16, 14, 5, 13, 4, 6, 3]
    assert vpat.areas[0].title_en.startswith("Section 1194.21 Software Applications")
    assert vpat.areas[0].indicators[0].title_en.startswith("(a) When software is designed")
    assert not any(area.title_en == "Summary" for area in vpat.areas)


def test_its_ratings_are_counted_as_by_hand(vpat):  # type: ignore[no-untyped-def]
    ratings = vpat.round.ratings
    assert len(ratings) == 73
    levels = Counter("not assessed" if r.not_assessed else r.level_label for r in ratings)
    assert levels == {
        "Supports": 7,
        "Supports with Exceptions": 12,
        "Does Not Support": 2,
        "not assessed": 52,
    }
    assert [level.label_en for level in vpat.scale] == [
        "Supports",
        "Supports with Exceptions",
        "Does Not Support",
    ]


def test_its_remarks_identity_and_encoding_are_read(vpat):  # type: ignore[no-untyped-def]
    ratings = {r.indicator_code: r for r in vpat.round.ratings}
    assert ratings["1.1"].justification.startswith("• Fiddler supports all standard keyboard")
    assert ratings["8.3"].justification == (
        "Support via Web Discussions and email is available in the Product Help menu."
    )
    assert ratings["8.1"].level_label == "Supports"  # written "Supported"
    assert (vpat.round.subject, vpat.round.year) == ("Fiddler Web Debugger", 2012)
    assert vpat.round.assessed_on == "2012-09-15"
    assert vpat.framework_title_en == "Voluntary Product Accessibility Template"
    assert "Windows-1252" in vpat.warnings[0]
    assert "§1194.23" in vpat.areas[5].indicators[0].title_en
