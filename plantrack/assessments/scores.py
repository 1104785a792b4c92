"""Scores: overall and per area, 100 × Σ values ÷ (maximum value × number of rated indicators).

Indicators marked "not assessed" are left out of both sums and counted; checklist indicators
are not scored. The score is shown rounded to a whole number (halves up) with the exact value
beside it; a score a document reports is kept as stated and compared with the computed one."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

METHOD = gettext_lazy(
    "Score = 100 × the sum of the rated indicators' level values ÷ (the highest level value × "
    "the number of rated indicators). Indicators marked “not assessed” are left out of both "
    "sums, and their number is shown. Checklist indicators are not scored. The score is shown "
    "rounded to a whole number; the exact value is given beside it."
)


_MILLIONTHS = Decimal("0.000001")


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def whole_number(value: float) -> int:
    """Rounded to a whole number, halves up (54.5 → 55), as a reader rounds."""
    return int(_decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Score:
    total: float = 0.0  # Σ values of the rated indicators
    maximum: float = 0.0  # the scale's highest value
    rated: int = 0
    not_assessed: int = 0

    @property
    def exact_decimal(self) -> Decimal | None:
        """The score in decimal arithmetic: level values like 0.5 or 0.1 summed in binary
        floating point (2.3 → 2.2999999999999998) are taken to millionths first, so a
        score that is a half (57.5) is one, and rounds up as the method says."""
        if not self.rated or not self.maximum:
            return None
        total = _decimal(self.total).quantize(_MILLIONTHS, rounding=ROUND_HALF_UP)
        maximum = _decimal(self.maximum).quantize(_MILLIONTHS, rounding=ROUND_HALF_UP)
        if not maximum:
            return None
        return 100 * total / (maximum * self.rated)

    @property
    def exact(self) -> float | None:
        exact = self.exact_decimal
        return None if exact is None else float(exact)

    @property
    def whole(self) -> int | None:
        exact = self.exact_decimal
        if exact is None:
            return None
        return int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    @property
    def exact_text(self) -> str:
        """Two decimals (54.17), or "" when there is no score."""
        exact = self.exact_decimal
        if exact is None:
            return ""
        return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    @property
    def points(self) -> str:
        """ "78 of 144"-style: the sum and the most it could be."""
        return f"{self.total:g} / {self.maximum * self.rated:g}"

    @property
    def step(self) -> float | None:
        """How much one level of one indicator moves the score (for a scale of whole steps)."""
        if not self.rated or not self.maximum:
            return None
        return 100 / (self.maximum * self.rated)

    def __add__(self, other: Score) -> Score:
        return Score(
            self.total + other.total,
            max(self.maximum, other.maximum),
            self.rated + other.rated,
            self.not_assessed + other.not_assessed,
        )


def score(values: list[float | None], maximum: float) -> Score:
    """The score of rated indicators' level ``values`` (None: not assessed)."""
    rated = [v for v in values if v is not None]
    return Score(
        total=float(sum(rated)),
        maximum=float(maximum),
        rated=len(rated),
        not_assessed=len(values) - len(rated),
    )


@dataclass(frozen=True)
class Reported:
    """A score the source document states, and how it compares with the computed one."""

    key: str  # as the document labels it: "2022"
    value: float
    computed: Score | None  # set when the key is the round's own year
    explanation: str = ""

    @property
    def value_text(self) -> str:
        return f"{self.value:g}"

    @property
    def differs(self) -> bool:
        return self.computed is not None and self.computed.whole != whole_number(self.value)


def compare_reported(reported: dict[str, float], *, year: int, computed: Score) -> list[Reported]:
    """Each reported score as stated; the one for the round's year compared with ``computed``,
    with the difference explained when there is one."""
    rows = []
    for key, value in sorted(reported.items(), key=lambda kv: str(kv[0]), reverse=True):
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        own = str(key).strip() in (str(year), "overall", "score")
        rows.append(
            Reported(
                key=str(key),
                value=number,
                computed=computed if own else None,
                explanation=explain(number, computed) if own else "",
            )
        )
    return rows


def explain(reported: float, computed: Score) -> str:
    """Why a reported score and the computed one differ, in numbers."""
    if computed.exact is None:
        return _("No indicator is rated here, so there is no computed score to compare.")
    if computed.whole == whole_number(reported):
        return _("The reported score matches the score computed from the ratings.")
    assert computed.step is not None
    difference = reported - computed.exact
    parts = [
        _(
            "The document states %(reported)s; the ratings here give %(whole)s (exact "
            "%(exact)s), a difference of %(difference)s points. With %(rated)d rated "
            "indicators on a scale up to %(maximum)s, one level on one indicator moves the score "
            "by %(step)s points, so the difference is about %(steps)s level(s)."
        )
        % {
            "reported": f"{reported:g}",
            "whole": computed.whole,
            "exact": computed.exact_text,
            "difference": f"{difference:+.2f}",
            "rated": computed.rated,
            "maximum": f"{computed.maximum:g}",
            "step": f"{computed.step:.2f}",
            "steps": f"{abs(difference) / computed.step:.1f}",
        }
    ]
    if computed.not_assessed:
        parts.append(
            _(
                "%(count)d indicator(s) not assessed are left out here; the document may have "
                "counted them."
            )
            % {"count": computed.not_assessed}
        )
    parts.append(
        _(
            "A rating changed in a correction, rounding in the document, or a different method "
            "can each explain a difference."
        )
    )
    return " ".join(parts)
