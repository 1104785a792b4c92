"""Generated assessments for tests and the benchmark: a scorecard shaped like a published
one (6 areas, a 5-level scale from 4 to 0) at any size, with its round of ratings.

At ``size=1`` it has 36 indicators rated 12 × 4, 4 × 3, 5 × 2, 8 × 1 and 7 × 0: 78 of 144
points, a score of 54 (exact 54.17). Larger sizes repeat that pattern, so the score stays."""

from __future__ import annotations

from .parsed import (
    ParsedArea,
    ParsedAssessment,
    ParsedIndicator,
    ParsedLevel,
    ParsedRating,
    ParsedRound,
    ParsedSource,
)

SCALE = (
    ("Very Strong", "Маш сайн", 4),
    ("Strong", "Сайн", 3),
    ("Fair", "Дунд", 2),
    ("Weak", "Сул", 1),
    ("Very Weak", "Маш сул", 0),
)
# The levels of the 36 ratings of one block, in indicator order.
PATTERN = [4] * 12 + [3] * 4 + [2] * 5 + [1] * 8 + [0] * 7
AREAS = 6


def _label(value: int) -> str:
    return next(en for en, _mn, v in SCALE if v == value)


def sample_assessment(
    *,
    size: int = 1,
    title: str = "Sample scorecard",
    subject: str = "Mongolia",
    year: int = 2022,
    body: str = "Sample assessing centre",
    official: bool = True,
    not_assessed: tuple[str, ...] = (),
    levels: dict[str, int] | None = None,
    reported: dict[str, float] | None = None,
) -> ParsedAssessment:
    """A framework of ``36 × size`` indicators in 6 areas, and a round rating them by
    ``PATTERN`` (``levels`` overrides some by code; codes in ``not_assessed`` are marked so)."""
    count = 36 * size
    per_area = count // AREAS
    areas = []
    ratings = []
    for a in range(AREAS):
        indicators = []
        for i in range(per_area):
            n = a * per_area + i
            code = f"{a + 1}.{i + 1}"
            indicators.append(
                ParsedIndicator(
                    code=code,
                    title_en=f"Indicator {code} of the sample",
                    title_mn=f"Шалгуур {code}",
                )
            )
            value = (levels or {}).get(code, PATTERN[n % 36])
            marked = code in not_assessed
            ratings.append(
                ParsedRating(
                    indicator_code=code,
                    level_label="" if marked else _label(value),
                    not_assessed=marked,
                    justification="" if marked else f"Why {code} is rated {_label(value)}.",
                    change="unchanged",
                    sources=[
                        ParsedSource(
                            text=f"Report {n + 1}",
                            url=f"https://example.org/r/{n + 1}",
                            marker=str(n + 1),
                        )
                    ]
                    if n % 3 == 0
                    else [],
                )
            )
        areas.append(
            ParsedArea(
                code=str(a + 1),
                title_en=f"Area {a + 1}",
                title_mn=f"Хэсэг {a + 1}",
                indicators=indicators,
            )
        )
    return ParsedAssessment(
        framework_title_en=title,
        framework_description_en="A generated scorecard.",
        scale=[
            ParsedLevel(label_en=en, label_mn=mn, value=v, description_en=f"What earns {en}.")
            for en, mn, v in SCALE
        ],
        areas=areas,
        round=ParsedRound(
            title=f"{subject} {year}",
            subject=subject,
            year=year,
            assessing_body=body,
            official=official,
            ratings=ratings,
            reported_scores=reported or {},
        ),
        source_name="generated",
    )
