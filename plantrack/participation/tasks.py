"""Background work on consultations, run by django-tasks' database worker (``plantrack
db_worker``).

Followers are told when a consultation opens and when it closes
(``follows.consultations_notify_phases``, idempotent by the notices' keys). django-tasks
has no periodic scheduler, so ``phase_notices`` schedules itself: each run sends what is due
and enqueues the next run ``PLANTRACK_PHASE_NOTICE_MINUTES`` later. ``plantrack
consultations_notify --schedule`` starts the cycle (a pending run is never enqueued twice,
so it may be run at every deploy); ``plantrack consultations_notify`` alone sends now, for
cron instead of the worker.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks.base import TaskResultStatus

from .follows import consultations_notify_phases

DEFAULT_MINUTES = 10


def interval() -> datetime.timedelta:
    return datetime.timedelta(
        minutes=int(getattr(settings, "PLANTRACK_PHASE_NOTICE_MINUTES", DEFAULT_MINUTES))
    )


@task(takes_context=True)
def phase_notices(context: TaskContext) -> dict[str, Any]:
    """Tell followers about consultations that opened or closed; schedule the next run."""
    try:
        sent = consultations_notify_phases()
        return {"opened": sent.opened, "closed": sent.closed}
    finally:
        schedule_phase_notices(after=context.task_result.task.run_after)


def pending_phase_notices() -> Any:
    """The run waiting in the queue, if any (a database-backend result row)."""
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(
            task_path=phase_notices.module_path, status=TaskResultStatus.READY
        )
        .order_by("run_after")
        .first()
    )


def schedule_phase_notices(
    now: datetime.datetime | None = None, *, after: datetime.datetime | None = None
) -> tuple[Any, bool]:
    """Enqueue the next run unless one is pending: (its result row, created)."""
    waiting = pending_phase_notices()
    if waiting is not None:
        return waiting, False
    moment = now or timezone.now()
    if after is not None:
        moment = max(moment, after)
    result = phase_notices.using(run_after=moment + interval()).enqueue()
    return getattr(result, "db_result", result), True
