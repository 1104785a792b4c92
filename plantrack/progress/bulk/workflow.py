"""The bridge to the workflow's services (part B of issue 11): the arguments a bulk report
passes to ``progress_update_validate`` and ``progress_update_save``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from plantrack.lib.rules import has, rules
from plantrack.organisations.permissions import reporting_organisation_ids
from plantrack.plans.models import Status

from .. import services
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
            measurement_input(
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


# Until progress_update_validate / progress_update_save / MeasurementInput land on main,
# stand-ins with their signatures keep bulk reporting working; the merge removes them.


@dataclass
class _MeasurementInput:
    indicator_id: int
    dimension_value_id: int | None = None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""


def measurement_input(**values: Any) -> Any:
    return getattr(services, "MeasurementInput", _MeasurementInput)(**values)


def may_change(by: Any, update: ProgressUpdate) -> bool:
    """Whether ``by`` may change this draft or returned report."""
    if "progress.edit_update" in rules():
        return has(by, "progress.edit_update", update)
    return update.organisation_id in reporting_organisation_ids(by)


def validate(**arguments: Any) -> None:
    service = getattr(services, "progress_update_validate", None)
    if service is not None:
        service(**arguments)
        return
    if arguments["status"] == Status.COMPLETED and arguments["progress"] != 100:
        raise ValidationError(_("A completed item is at 100 %. Change one of the two."))
    if arguments["update"] is not None and arguments["update"].state == "submitted":
        raise ValidationError(
            _("This item already has a report for this period waiting for review.")
        )


def save(**arguments: Any) -> ProgressUpdate:
    service = getattr(services, "progress_update_save", None)
    if service is not None:
        return service(**arguments)  # type: ignore[no-any-return]
    from ..models import Measurement

    validate(**arguments)
    update = services.progress_update_submit(
        item=arguments["item"],
        by=arguments["by"],
        status=arguments["status"],
        progress=arguments["progress"],
        note=arguments["note"],
    )
    ProgressUpdate.objects.filter(pk=update.pk).update(period=arguments["period"])
    Measurement.objects.bulk_create(
        Measurement(
            update=update,
            period=arguments["period"],
            indicator_id=m.indicator_id,
            dimension_value_id=m.dimension_value_id,
            value=m.value if m.numerator is None else 100 * m.numerator / m.denominator,
            numerator=m.numerator,
            denominator=m.denominator,
            note=m.note,
        )
        for m in arguments["measurements"]
    )
    update.refresh_from_db()
    return update
