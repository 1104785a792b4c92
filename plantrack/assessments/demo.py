"""Demo assessments: an official round, a civil-society shadow round of the same framework
with some different ratings, and an agency's self-assessment on a second framework.

``assessments_demo`` takes what the readers return (``ParsedAssessment``), so the demo
reads the seed documents through the same path as any upload; nothing here names one."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from plantrack.organisations.models import Organisation

from .importing import ImportResult, assessment_import
from .models import IndicatorKind, Round
from .parsed import ParsedAssessment, ParsedRating, ParsedRound

SHADOW_BODY = "Иргэний нийгмийн эвсэл (туршилтын сүүдрийн үнэлгээ)"
SHADOW_EVERY = 5  # every fifth rated indicator is rated one level apart in the shadow round


@dataclass
class DemoRounds:
    official: Round | None = None
    shadow: Round | None = None
    self_assessment: Round | None = None
    # The codes the shadow round rates differently from the official one.
    shadow_differs: list[str] = field(default_factory=list)


def _scale_labels(parsed: ParsedAssessment) -> list[str]:
    """The scale's labels, highest value first."""
    return [lv.label_en or lv.label_mn for lv in sorted(parsed.scale, key=lambda lv: -lv.value)]


def shadow_of(
    parsed: ParsedAssessment, *, body: str = SHADOW_BODY
) -> tuple[ParsedAssessment, list[str]]:
    """The same round as a civil-society shadow assessment: every ``SHADOW_EVERY``-th rated
    indicator one level lower (or higher, at the bottom), with its own justification."""
    assert parsed.round is not None
    shadow = copy.deepcopy(parsed)
    assert shadow.round is not None
    labels = [label.casefold() for label in _scale_labels(parsed)]
    kinds = {ind.code: ind.kind for area in parsed.areas for ind in area.indicators}
    differs = []
    rated = 0
    for rating in shadow.round.ratings:
        if rating.not_assessed or kinds.get(rating.indicator_code) != IndicatorKind.RATED:
            continue
        rated += 1
        position = (
            labels.index(rating.level_label.casefold())
            if rating.level_label.casefold() in labels
            else -1
        )
        if rated % SHADOW_EVERY or position < 0:
            continue
        moved = position + 1 if position + 1 < len(labels) else position - 1
        rating.level_label = _scale_labels(parsed)[moved]
        rating.justification = (
            f"The coalition's reading differs: {rating.justification}"
            if rating.justification
            else "The coalition's reading differs from the official one."
        )
        differs.append(rating.indicator_code)
    shadow.round.official = False
    shadow.round.assessing_body = body
    shadow.round.title = f"{parsed.round.title or parsed.round.subject} (сүүдрийн үнэлгээ)"
    shadow.round.reported_scores = {}
    return shadow, differs


def self_assessment_of(parsed: ParsedAssessment, *, subject: str, year: int) -> ParsedAssessment:
    """A round for a framework that came without one: every rated indicator at the scale's
    middle level, every checklist indicator "partly", each with a justification."""
    own = copy.deepcopy(parsed)
    labels = _scale_labels(parsed)
    middle = labels[len(labels) // 2] if labels else ""
    ratings = [
        ParsedRating(
            indicator_code=ind.code,
            level_label=middle if ind.kind == IndicatorKind.RATED else "partly",
            justification=f"Өөрийн үнэлгээ ({subject}): хэсэгчлэн хэрэгжсэн, дутагдлыг тэмдэглэв.",
        )
        for area in parsed.areas
        for ind in area.indicators
    ]
    own.round = ParsedRound(
        title=f"{subject}: өөрийн үнэлгээ {year}",
        subject=subject,
        year=year,
        assessing_body=subject,
        official=True,
        ratings=ratings,
    )
    return own


def assessments_demo(
    *,
    official: ParsedAssessment,
    self_assessment: ParsedAssessment | None = None,
    agency: Organisation | None = None,
    year: int = 2024,
) -> DemoRounds:
    """Publish ``official``'s round, a shadow round of it, and (with ``self_assessment``,
    a framework with or without its own round) an agency's self-assessment. Run again, it
    changes nothing."""
    rounds = DemoRounds()
    first: ImportResult = assessment_import(parsed=official, system=True, publish=True)
    rounds.official = first.round
    if official.round is not None:
        shadow, rounds.shadow_differs = shadow_of(official)
        rounds.shadow = assessment_import(parsed=shadow, system=True, publish=True).round
    if self_assessment is not None:
        parsed = self_assessment
        if parsed.round is None:
            subject = str(agency.name) if agency is not None else "Agency"
            parsed = self_assessment_of(parsed, subject=subject, year=year)
        result = assessment_import(
            parsed=parsed,
            system=True,
            publish=True,
            assessing_organisation=agency,
            subject_organisation=agency,
        )
        rounds.self_assessment = result.round
    return rounds
