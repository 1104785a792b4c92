"""Background work on the history, run by django-tasks' database worker (``plantrack db_worker``).

django-tasks has no periodic scheduler, so the nightly run schedules itself: ``plantrack
history schedule`` enqueues ``nightly_history`` for the next night (``run_after``); each run
signs a checkpoint, verifies the whole chain, and enqueues the run of the night after. A
pending run is never enqueued twice, so ``schedule`` may be run at every deploy. If the
worker is down for a night, the run waits and happens when it is back.

``verify_history`` recomputes the chain and the checkpoints (``verify.verify_all``); when
the chain is broken it emails the site administrators (``settings.ADMINS`` and active
superusers) naming the first bad event; otherwise it only logs.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import TaskContext, task
from django_tasks.base import TaskResultStatus

from . import keys
from .checkpoints import NothingToSign, checkpoint_create
from .verify import Problem, verify_all

logger = logging.getLogger("plantrack.history")

NIGHTLY_HOUR = 3  # local time (settings.TIME_ZONE), when the site is quietest


def administrators() -> list[str]:
    """Who is told when the history does not verify: ADMINS, then active superusers."""
    emails = [email for _name, email in getattr(settings, "ADMINS", [])]
    emails += list(
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(email for email in emails if email))


def notify_broken(problem: Problem, *, events: int) -> int:
    """Email the administrators about the first bad event; the number of addresses told."""
    recipients = administrators()
    if not recipients:
        logger.error("History broken at %s, and no administrator has an email address", problem)
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Plantrack: the public history does not verify (event %(seq)s)") % {
            "seq": problem.seq
        }
        body = _(
            "The nightly check of Plantrack's public history found a problem.\n\n"
            "First bad event: %(seq)s\n"
            "What is wrong: %(problem)s\n"
            "Events checked before it: %(events)s\n\n"
            "Someone may have changed the database directly. Run “plantrack history verify” "
            "on the server to see the problem, compare with a saved head.json "
            "(“plantrack history verify --against head.json”), and restore the database "
            "from a backup if it was changed."
        ) % {"seq": problem.seq, "problem": problem.message, "events": events}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    return len(recipients)


def run_verification() -> dict[str, Any]:
    report = verify_all()
    if report.problem is None:
        logger.info(
            "History verified: %s events, %s checkpoints", report.events, report.checkpoints
        )
        return {"verified": True, "events": report.events, "checkpoints": report.checkpoints}
    logger.error("History broken at %s", report.problem)
    told = notify_broken(report.problem, events=report.events)
    return {
        "verified": False,
        "first_bad_event": report.problem.seq,
        "problem": report.problem.message,
        "administrators_told": told,
    }


@task()
def verify_history() -> dict[str, Any]:
    """Verify the whole history; email the administrators if it is broken."""
    return run_verification()


@task(takes_context=True)
def nightly_history(context: TaskContext) -> dict[str, Any]:
    """Sign a checkpoint, verify the history, and schedule the next night's run (after this
    run's own time, even if a worker picks it up early or late)."""
    try:
        signed: int | None = None
        try:
            signed = checkpoint_create().seq
        except NothingToSign:
            pass
        except keys.KeyMissing as exc:
            logger.error("No checkpoint signed: %s", exc)
        result = run_verification()
        result["checkpoint"] = signed
        return result
    finally:
        schedule_nightly(after=context.task_result.task.run_after)


def next_night(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next NIGHTLY_HOUR o'clock in the site's time zone, strictly after ``now``."""
    local = timezone.localtime(now or timezone.now())
    hour = int(getattr(settings, "PLANTRACK_NIGHTLY_HOUR", NIGHTLY_HOUR))
    candidate = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if candidate <= local:
        candidate = (candidate + datetime.timedelta(days=1)).replace(hour=hour)
    return candidate


def pending_nightly() -> Any:
    """The nightly run waiting in the queue, if any (a database-backend result row)."""
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(
            task_path=nightly_history.module_path, status=TaskResultStatus.READY
        )
        .order_by("run_after")
        .first()
    )


def schedule_nightly(
    now: datetime.datetime | None = None, *, after: datetime.datetime | None = None
) -> tuple[Any, bool]:
    """Enqueue the next nightly run unless one is pending: (its result row, created). The
    run is the next night after ``now`` (and after ``after``, the run that schedules it)."""
    waiting = pending_nightly()
    if waiting is not None:
        return waiting, False
    moment = now or timezone.now()
    if after is not None:
        moment = max(moment, after)
    result = nightly_history.using(run_after=next_night(moment)).enqueue()
    return getattr(result, "db_result", result), True
