"""``plantrack import`` of an assessment: the plan reader says the file is one, the
assessments' reader reads it, ``assessment_import`` stores it; a summary in the command's
language; re-import changes nothing; bad input refused cleanly with nothing written."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plantrack.assessments.generate import sample_assessment
from plantrack.assessments.importers.template_writer import template_csv
from plantrack.assessments.models import Framework, Rating, Round
from plantrack.assessments.selectors import round_score
from plantrack.history.models import Event
from plantrack.plans.demo import SEED_DIR

R2P = SEED_DIR / "003_8a0f78df4ed7b134.txt"
SSR = SEED_DIR / "004_a753d303f7349415.txt"


def _import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("importplan", *args, "--language", "en", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_r2p_seed_imports_as_a_published_round_scored_54(db):  # type: ignore[no-untyped-def]
    output, _err = _import(str(R2P), "--official")
    round = Round.objects.get()
    assert round.ratings.count() == 36
    assert round.state == Round.State.PUBLISHED
    assert round.official  # the document's own suggestion (a research centre) corrected
    assert "(Mongolia, 2022, official): created" in output
    score = round_score(round)
    assert (score.whole, score.exact_text) == (54, "54.17")
    assert "framework" in output and "created" in output
    assert "36 ratings" in output
    assert "score: 54 (exact 54.17; 78 / 144 points)" in output
    assert "6 areas, 36 indicators, a scale of 5 levels" in output
    assert "reported score 2019: 58" in output


def test_a_second_import_changes_nothing(db):  # type: ignore[no-untyped-def]
    _import(str(R2P))
    counts = (Framework.objects.count(), Round.objects.count(), Rating.objects.count())
    events = Event.objects.count()
    output, _err = _import(str(R2P))
    assert (Framework.objects.count(), Round.objects.count(), Rating.objects.count()) == counts
    assert Event.objects.count() == events
    assert "unchanged" in output
    assert "nothing changed" in output


def test_the_security_sector_framework_imports_without_a_round(db):  # type: ignore[no-untyped-def]
    output, _err = _import(str(SSR))
    assert Framework.objects.count() == 1
    assert not Round.objects.exists()
    assert "framework" in output and "created" in output


def test_a_dry_run_counts_and_saves_nothing(db):  # type: ignore[no-untyped-def]
    events = Event.objects.count()
    output, _err = _import(str(R2P), "--dry-run")
    assert "36 ratings" in output
    assert "score: 54" in output
    assert "dry run:" in output
    assert not Framework.objects.exists()
    assert Event.objects.count() == events
    as_json, _err = _import(str(R2P), "--dry-run", "--json")
    data = json.loads(as_json)
    assert data["round"]["ratings"] == 36
    assert data["round"]["score"] == 54
    assert data["assessment"]["areas"] == 6
    assert not Framework.objects.exists()


def test_draft_leaves_the_round_for_a_second_person(db):  # type: ignore[no-untyped-def]
    output, _err = _import(str(R2P), "--draft")
    assert Round.objects.get().state == Round.State.DRAFT
    assert "draft" in output


def test_the_assessment_template_is_read_as_an_assessment(db, tmp_path):  # type: ignore[no-untyped-def]
    # The sample scorecard written in the documented CSV template: not a plan.
    path = tmp_path / "template.csv"
    path.write_bytes(template_csv(sample_assessment()))
    output, _err = _import(str(path))
    assert Framework.objects.count() == 1
    assert Round.objects.get().ratings.count() == 36
    assert "score: 54" in output


def test_plan_is_refused_for_an_assessment(db):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="1 of 1 files"):
        _import(str(R2P), "--plan", "vision")
    assert not Framework.objects.exists()


def test_bad_input_is_refused_cleanly_and_writes_nothing(db, tmp_path):  # type: ignore[no-untyped-def]
    # A scorecard whose ratings name no indicator: the reader or the service refuses it.
    bad = tmp_path / "bad.txt"
    bad.write_text(
        "Indicator\tAssessment\tChange\nVery Strong Unchanged\tVery Strong\tUnchanged\n" * 4,
        encoding="utf-8",
    )
    err = StringIO()
    events = Event.objects.count()
    with pytest.raises(CommandError, match="1 of 1 files not imported"):
        call_command("importplan", str(bad), "--language", "en", stdout=StringIO(), stderr=err)
    assert "bad.txt: not imported:" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert not Framework.objects.exists()
    assert Event.objects.count() == events
