"""Send every report of a bulk file in one transaction, or none."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from plantrack.plans.models import Plan

from ..models import ProgressUpdate
from ..services import progress_update_save
from .check import bulk_check
from .reading import Sheet
from .results import BulkRefused
from .workflow import arguments


def progress_bulk_apply(*, plan: Plan, by: Any, sheet: Sheet) -> list[ProgressUpdate]:
    """Check the file, then send every report it makes in one transaction; ``BulkRefused``
    (with the check) when any row has a problem or nothing would be sent. Each report is a
    ``progress_update_save(submit=True)``: its own permission check, history event and
    notifications; a refusal of any rolls back all."""
    check = bulk_check(plan=plan, by=by, sheet=sheet)
    if not check.can_confirm:
        raise BulkRefused(check)
    with transaction.atomic():
        return [
            progress_update_save(
                **arguments(report, by),
                version=report.update.version if report.update else None,
                submit=True,
            )
            for report in check.reports
        ]
