"""Real published scorecards nobody on this project wrote (see tests/data/realdocs/README.md).

The files are not committed; each test is skipped, naming its file, until the file is
placed where ``_find`` looks. The counts asserted are the README's hand counts.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from plantrack.assessments.importers.reader import read_assessment
from plantrack.assessments.parsed import ParsedAssessment
from plantrack.plans.importers.base import ImportRefused

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


# Freedom House, "Freedom in the World 2013-2023 Raw Data": one row per country or
# territory and edition, one column per indicator (A1 … G4, scored 0–4), area subtotals,
# the two category totals and the total. Counts by hand in tests/data/realdocs/README.md.
FIW = "freedom-in-the-world-2013-2023.xlsx"
FIW_SHA = "1d11e081ed30701e"


@pytest.fixture(scope="module")
def fiw_path() -> Path:
    path = _find(FIW)
    assert hashlib.sha256(path.read_bytes()).hexdigest().startswith(FIW_SHA)
    return path


def _fiw(path: Path, **hints: object) -> ParsedAssessment:
    with translation.override("en"):
        return read_assessment(path, name=path.name, hints=hints)


def test_a_score_table_gives_mongolia_2023_as_counted_by_hand(fiw_path):  # type: ignore[no-untyped-def]
    parsed = _fiw(fiw_path, subject="Mongolia", year=2023)
    assert [area.code for area in parsed.areas] == ["A", "B", "C", "D", "E", "F", "G"]
    assert [len(area.indicators) for area in parsed.areas] == [3, 4, 3, 4, 3, 4, 4]
    assert [level.value for level in parsed.scale] == [4, 3, 2, 1, 0]
    assert parsed.round is not None
    assert (parsed.round.subject, parsed.round.year) == ("Mongolia", 2023)
    ratings = {r.indicator_code: r.level_label for r in parsed.round.ratings}
    assert Counter(ratings.values()) == {"4": 12, "3": 10, "2": 3}
    assert (ratings["C2"], ratings["F1"], ratings["G4"]) == ("2", "2", "2")
    assert parsed.round.reported_scores == {"2023": 84}
    assert all(r.justification for r in parsed.round.ratings)
    assert parsed.framework_title_en == "Freedom in the World 2013-2023 Raw Data"
    assert any("PR rating" in w and "Add Q" in w for w in parsed.warnings)


def test_a_score_table_without_a_choice_says_what_it_holds(fiw_path):  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused) as refused:
        _fiw(fiw_path)
    assert "2305 assessments" in str(refused.value)
    assert "211 subjects, 2013–2023" in str(refused.value)
    with pytest.raises(ImportRefused) as refused:
        _fiw(fiw_path, subject="mongolia")
    assert "11 years" in str(refused.value)
    with pytest.raises(ImportRefused) as refused:
        _fiw(fiw_path, subject="Atlantis", year=2023)
    assert "Atlantis" in str(refused.value)


def test_the_plan_reader_hands_a_score_table_to_the_assessments(fiw_path):  # type: ignore[no-untyped-def]
    from plantrack.plans.importers.detect import parse_bytes

    with pytest.raises(ImportRefused) as refused:
        parse_bytes(fiw_path.read_bytes())
    assert refused.value.kind == ImportRefused.ASSESSMENT


def _import(*args: str) -> str:
    out = StringIO()
    call_command("importplan", *args, "--language", "en", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_two_editions_import_with_scores_and_changes_as_published(fiw_path, db):  # type: ignore[no-untyped-def]
    from plantrack.assessments.models import Rating, Round
    from plantrack.assessments.selectors import area_scores, round_score

    body = ("--assessing-body", "Freedom House")
    _import(str(fiw_path), "--subject", "Mongolia", "--year", "2019", *body)
    output = _import(str(fiw_path), "--subject", "Mongolia", "--year", "2023", *body)
    assert "score: 84 (exact 84.00; 84 / 100 points)" in output
    assert "reported score 2023: 84" in output
    latest = Round.objects.get(year=2023)
    assert not latest.official  # an index publisher's rating of a country is not its own
    # 2019 → 2023 only F1 moved, 3 → 2 (the hand comparison in the README).
    changed = {
        r.indicator.code: r.change
        for r in Rating.objects.filter(round=latest).select_related("indicator")
        if r.change != "unchanged"
    }
    assert changed == {"F1": "decrease"}
    assert round_score(Round.objects.get(year=2019)).whole == 85
    codes = dict(latest.version.areas.values_list("pk", "code"))
    by_area = {codes[pk]: s.whole for pk, s in area_scores(latest).items()}
    # 11/12, 16/16, 9/12, 14/16, 11/12, 11/16, 12/16 → halves up.
    assert by_area == {"A": 92, "B": 100, "C": 75, "D": 88, "E": 92, "F": 69, "G": 75}
    events = Round.objects.count()
    assert "nothing changed" in _import(
        str(fiw_path), "--subject", "Mongolia", "--year", "2023", *body
    )
    assert Round.objects.count() == events


def test_a_reported_total_that_differs_is_kept_beside_the_computed_score(fiw_path, db):  # type: ignore[no-untyped-def]
    from plantrack.assessments.models import Round
    from plantrack.assessments.selectors import round_score

    # China 2023: the 25 indicators add up to 12, the published total is 9 (the additional
    # discretionary question takes 3 points away).
    output = _import(str(fiw_path), "--subject", "China", "--year", "2023")
    round = Round.objects.get()
    assert round_score(round).whole == 12
    assert round.reported_scores == {"2023": 9}
    assert "reported score 2023: 9" in output
