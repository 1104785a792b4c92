"""Reporting periods: a plan's calendar of periods with due dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import ReportingPeriod


def period_label(period: ReportingPeriod) -> str:
    """ "2026 Q3", "2026 H1", "2026"; the dates for a period that is none of these."""
    start, end = period.starts_on, period.ends_on
    same_year = start.year == end.year
    if same_year and start.day == 1 and start.month == 1 and end.month == 12 and end.day == 31:
        return str(start.year)
    if same_year and start.day == 1 and (start.month - 1) % 3 == 0:
        quarter = (start.month - 1) // 3 + 1
        months = end.month - start.month + 1
        if months == 3:
            return _("%(year)s Q%(quarter)s") % {"year": start.year, "quarter": quarter}
        if months == 6 and start.month in (1, 7):
            return _("%(year)s H%(half)s") % {
                "year": start.year,
                "half": 1 if start.month == 1 else 2,
            }
    return f"{start.isoformat()} – {end.isoformat()}"
