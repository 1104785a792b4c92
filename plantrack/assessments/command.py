"""``plantrack import FILE`` for an assessment: the plan reader says the file is one (a
scorecard, a self-assessment framework or the assessment template), the assessments'
reader (``read_assessment``) reads it and ``assessment_import`` stores it, published at
once as the command line's imports are (``--draft``: a draft a second person publishes);
``--official`` / ``--civil-society`` correct what the document suggests (a reader hint).

``--dry-run`` imports inside a transaction that is rolled back: the summary says exactly
what an import would do, and nothing is saved."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plantrack.accounts.models import User
from plantrack.plans.importers.base import ImportRefused

from .importers.reader import read_assessment
from .importing import ImportResult, assessment_import
from .parsed import ParsedAssessment
from .scores import Reported, Score, compare_reported
from .selectors import Bar, compute_stats, distribution_bars, round_score


@dataclass
class Outcome:
    parsed: ParsedAssessment
    result: ImportResult
    score: Score | None
    ratings: int
    not_assessed: int
    # What the upload preview shows besides: the ratings per level, the reported scores.
    bars: list[Bar] = field(default_factory=list)
    reported: list[Reported] = field(default_factory=list)


class _DryRun(Exception):
    """Raised inside the dry run's transaction to roll it back, carrying the outcome."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


def _store(parsed: ParsedAssessment, *, draft: bool, by: User | None) -> Outcome:
    # The command line (by=None) publishes at once unless --draft; a page's import is a
    # draft that a second person publishes (the service's four-eyes rule).
    result = assessment_import(
        parsed=parsed, by=by, system=by is None, publish=by is None and not draft
    )
    round = result.round
    if round is None:
        return Outcome(parsed, result, None, 0, 0)
    stats = compute_stats(round)
    score = round_score(round, stats)
    ratings = round.ratings.count()
    return Outcome(
        parsed,
        result,
        score,
        ratings,
        round.ratings.filter(not_assessed=True).count(),
        bars=distribution_bars(round, stats),
        reported=compare_reported(round.reported_scores or {}, year=round.year, computed=score),
    )


def import_parsed(
    parsed: ParsedAssessment,
    *,
    by: User | None = None,
    draft: bool = False,
    dry_run: bool = False,
) -> Outcome:
    """Store what was read (or, with ``dry_run``, only try it in a transaction that is
    rolled back): the command line (``by=None``) and the upload page (``by``: the person)
    alike. The service's refusals (``ValidationError``, ``PermissionDenied``) go up as they
    are; nothing is left behind by a dry run or a refusal."""
    if not dry_run:
        return _store(parsed, draft=draft, by=by)
    try:
        with transaction.atomic():
            raise _DryRun(_store(parsed, draft=draft, by=by))
    except _DryRun as rolled_back:
        return rolled_back.outcome


def import_assessment(
    path: Path,
    data: bytes,
    *,
    dry_run: bool = False,
    draft: bool = False,
    hints: dict[str, Any] | None = None,
) -> Outcome:
    """Read and store (or, with ``dry_run``, only try) the assessment in ``data``;
    a ``CommandError`` saying why when the file cannot be imported; nothing is left behind."""
    try:
        parsed = read_assessment(data, name=path.name, hints=hints)
        return import_parsed(parsed, draft=draft, dry_run=dry_run)
    except ImportRefused as exc:
        raise CommandError(
            _("%(path)s: not imported: %(reason)s") % {"path": path, "reason": exc}
        ) from exc
    except (ValidationError, PermissionDenied) as exc:  # the service's checks
        messages = getattr(exc, "messages", None) or [str(exc)]
        raise CommandError(
            _("%(path)s: not imported: %(reason)s")
            % {"path": path, "reason": " ".join(str(m) for m in messages)}
        ) from exc


def summary_lines(path: Path, outcome: Outcome, *, dry_run: bool) -> list[str]:
    """What the command prints: the framework, the round, the counts, the score."""
    parsed, result = outcome.parsed, outcome.result
    framework = str(result.framework)
    if result.framework_created:
        headline = _("%(file)s: assessment framework ‘%(title)s’ created")
    elif result.version_created:
        headline = _("%(file)s: assessment framework ‘%(title)s’: a new version added")
    elif result.framework_changed:
        headline = _("%(file)s: assessment framework ‘%(title)s’ updated")
    else:
        headline = _("%(file)s: assessment framework ‘%(title)s’ unchanged")
    lines = [headline % {"file": path.name, "title": framework}]
    indicators = sum(len(area.indicators) for area in parsed.areas)
    lines.append(
        "  "
        + _("read: %(areas)s, %(indicators)s, a scale of %(levels)s")
        % {
            "areas": ngettext("%(count)s area", "%(count)s areas", len(parsed.areas))
            % {"count": len(parsed.areas)},
            "indicators": ngettext("%(count)s indicator", "%(count)s indicators", indicators)
            % {"count": indicators},
            "levels": ngettext("%(count)s level", "%(count)s levels", len(parsed.scale))
            % {"count": len(parsed.scale)},
        }
    )
    round = result.round
    if round is not None:
        if result.round_created:
            state = _("created")
        elif result.correction:
            state = _("a correction started")
        elif result.round_changed:
            state = _("updated")
        else:
            state = _("unchanged")
        lines.append(
            "  "
            + _("round ‘%(title)s’ (%(subject)s, %(year)s, %(kind)s): %(state)s")
            % {
                "title": str(round),
                "subject": round.subject,
                "year": round.year,
                "kind": _("official") if round.official else _("civil-society"),
                "state": state,
            }
        )
        lines.append(
            "  "
            + ngettext("%(count)s rating", "%(count)s ratings", outcome.ratings)
            % {"count": outcome.ratings}
            + (
                "; "
                + _("%(count)s not assessed (left out of the score)")
                % {"count": outcome.not_assessed}
                if outcome.not_assessed
                else ""
            )
        )
        score = outcome.score
        if score is not None and score.whole is not None:
            lines.append(
                "  "
                + _("score: %(score)s (exact %(exact)s; %(points)s points)")
                % {"score": score.whole, "exact": score.exact_text, "points": score.points}
            )
        for year, value in sorted(round.reported_scores.items()):
            lines.append(
                "  "
                + _("reported score %(year)s: %(score)s (as the document states it)")
                % {"year": year, "score": f"{value:g}"}
            )
        if round.state != round.State.PUBLISHED and not dry_run:
            lines.append("  " + _("draft: published by a second person on the site"))
    summary = result.summary()
    if dry_run:
        summary = _("dry run: %(summary)s; nothing saved") % {"summary": summary}
    lines.append(f"  {summary}")
    for line in result.warnings[:20]:
        lines.append("  " + _("warning: %(line)s") % {"line": line})
    return lines


def dry_run_json(outcome: Outcome) -> str:
    """``--dry-run --json`` for an assessment: what was read and what an import would do."""
    parsed, result = outcome.parsed, outcome.result
    round = parsed.round
    data: dict[str, Any] = {
        "assessment": {
            "framework": parsed.framework_title_en or parsed.framework_title_mn,
            "framework_created": result.framework_created,
            "areas": len(parsed.areas),
            "indicators": sum(len(area.indicators) for area in parsed.areas),
            "scale": [
                {"label": level.label_en or level.label_mn, "value": level.value}
                for level in parsed.scale
            ],
        },
        "round": None,
        "warnings": list(result.warnings),
    }
    if round is not None:
        score = outcome.score
        data["round"] = {
            "title": round.title,
            "subject": round.subject,
            "year": round.year,
            "assessing_body": round.assessing_body,
            "official": round.official,
            "ratings": outcome.ratings,
            "not_assessed": outcome.not_assessed,
            "score": score.whole if score else None,
            "score_exact": score.exact_text if score else "",
            "reported_scores": round.reported_scores,
            "created": result.round_created,
            "changed": result.round_changed,
        }
    return json.dumps(data, ensure_ascii=False)
