"""How a bulk file writes periods, statuses, scale levels, yes/no and numbers; read in
either language of the site."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext_lazy, override

from plantrack.lib.bilingual import language_order
from plantrack.plans.models import Status

from ..models import Indicator, ReportingPeriod


def period_key(period: ReportingPeriod) -> str:
    """How a file names a period: its dates, the same in every language."""
    return f"{period.starts_on.isoformat()}/{period.ends_on.isoformat()}"


def period_names(period: ReportingPeriod) -> set[str]:
    names = {period_key(period), period.starts_on.isoformat()}
    for language in ("en", "mn"):
        with override(language):
            names.add(period.label)
    return {squash(name) for name in names}


def squash(text: str) -> str:
    return "".join(text.replace("–", "/").replace("—", "/").split()).casefold()


def _both(label: Any) -> set[str]:
    names = set()
    for language in ("en", "mn"):
        with override(language):
            names.add(str(label).casefold().strip())
    return names


def statuses() -> dict[str, str]:
    words: dict[str, str] = {}
    for value, label in Status.choices:
        words[value] = value
        words[value.replace("_", " ")] = value
        for name in _both(label):
            words[name] = value
    return words


def yes_no_words() -> dict[str, float]:
    words: dict[str, float] = {"1": 1.0, "0": 0.0, "true": 1.0, "false": 0.0}
    for name in _both(gettext_lazy("Yes")) | {"yes", "тийм"}:
        words[name] = 1.0
    for name in _both(gettext_lazy("No")) | {"no", "үгүй"}:
        words[name] = 0.0
    return words


def level_name(level: Any) -> str:
    """A scale level's name in the reader's language (levels are {"en": …, "mn": …})."""
    if isinstance(level, dict):
        for language in language_order():
            if level.get(language):
                return str(level[language])
        return ""
    return str(level)


def levels(indicator: Indicator) -> dict[str, int]:
    words: dict[str, int] = {}
    for index, level in enumerate(indicator.scale or []):
        names = level.values() if isinstance(level, dict) else [level]
        for name in names:
            words[str(name).casefold().strip()] = index
    return words


def number(text: str) -> float | None:
    """A number as people write it ("12.5", "12,5", "1 200", "40 %"), or None."""
    cleaned = "".join(text.replace("\u00a0", " ").split()).rstrip("%")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
