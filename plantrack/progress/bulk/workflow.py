"""A bulk report as the workflow's services take it (``progress_update_validate`` and
``progress_update_save``), and who may change an open report."""

from __future__ import annotations

from typing import Any

from plantrack.lib.rules import has

from ..checks import MeasurementInput
from ..models import ProgressUpdate
from .results import BulkReport


def arguments(report: BulkReport, by: Any) -> dict[str, Any]:
    """What ``progress_update_validate`` takes; saving adds the version and ``submit``."""
    return {
        "item": report.item,
        "by": by,
        "period": report.period,
        "status": report.status,
        "progress": report.progress,
        "note": report.note,
        "measurements": [
            MeasurementInput(
                indicator_id=v.indicator.pk,
                dimension_value_id=v.dimension_value_id,
                value=v.value,
                numerator=v.numerator,
                denominator=v.denominator,
                note=v.note,
            )
            for v in report.values
        ],
        "update": report.update,
    }


def may_change(by: Any, update: ProgressUpdate) -> bool:
    """Whether ``by`` may change this draft or returned report (``progress.edit_update``)."""
    return has(by, "progress.edit_update", update)
