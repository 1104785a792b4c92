"""Test data for the work queues and notices, written with the ORM (not the progress
services), so that these tests hold whatever the workflow's own code does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from plantrack.accounts.models import User
from plantrack.accounts.permissions import PLAN_MANAGERS
from plantrack.notices.tasks import send_notice_email
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.models import Item, Plan, Responsibility
from plantrack.progress.models import ProgressUpdate, ReportingPeriod


def days(n: int) -> dt.date:
    """``n`` days from today (negative: ago), in the site's time zone."""
    return timezone.localdate() + dt.timedelta(days=n)


def period(
    plan: Plan, starts: dt.date, ends: dt.date, due: dt.date, *, locked: bool = False
) -> ReportingPeriod:
    return ReportingPeriod.objects.create(
        plan=plan,
        starts_on=starts,
        ends_on=ends,
        due_on=due,
        locked_at=timezone.now() if locked else None,
    )


def person(email: str, name: str, **extra: Any) -> User:
    user = User.objects.create_user(email, "pw-queues-1", display_name=name, **extra)
    User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())
    user.refresh_from_db()
    return user


def reporter(email: str, name: str, organisation: Organisation, **extra: Any) -> User:
    user = person(email, name, **extra)
    Membership.objects.create(user=user, organisation=organisation, role="reporter", state="active")
    return user


def manager(email: str, name: str, *plans: Plan, **extra: Any) -> User:
    user = person(email, name, **extra)
    user.groups.add(Group.objects.get_or_create(name=PLAN_MANAGERS)[0])
    for plan in plans:
        plan.managers.add(user)
    return user


def agency(slug: str, name: str) -> Organisation:
    return Organisation.objects.create(slug=slug, name_en=name, name_mn=name, kind="government")


def activities(plan: Plan, organisation: Organisation, count: int, *, skip: int = 0) -> list[Item]:
    """``count`` live activities of ``plan`` (in plan order, after ``skip``), in progress,
    with ``organisation`` responsible for them."""
    items = list(
        Item.objects.filter(plan=plan, kind="activity", retired_at__isnull=True).order_by("path")[
            skip : skip + count
        ]
    )
    assert len(items) == count
    Item.objects.filter(pk__in=[i.pk for i in items]).update(status="in_progress", progress=10)
    for item in items:
        Responsibility.objects.get_or_create(item=item, organisation=organisation, role="lead")
        item.refresh_from_db()
    return items


def update(
    item: Item,
    *,
    by: User | None,
    organisation: Organisation | None,
    state: str,
    period: ReportingPeriod | None = None,
    note: str = "Done what we could.",
    review_note: str = "",
    reviewer: User | None = None,
    sent: dt.datetime | None = None,
) -> ProgressUpdate:
    now = timezone.now()
    sent = sent or now
    reviewed = state in ("approved", "returned")
    return ProgressUpdate.objects.create(
        item=item,
        period=period,
        organisation=organisation,
        author=by,
        status="in_progress",
        progress=40,
        note=note,
        state=state,
        submitted_at=sent if state != "draft" else None,
        reviewed_at=now if reviewed else None,
        reviewed_by=reviewer if reviewed else None,
        review_note=review_note,
    )


def notice_task_rows() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=send_notice_email.module_path).order_by("pk"))


def run_ready_tasks() -> list[DBTaskResult]:
    """Run every waiting task the way ``plantrack db_worker`` does; the rows after."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    rows = list(DBTaskResult.objects.ready().order_by("pk"))
    for row in rows:
        row.claim("test-worker")
        worker.run_task(row)
        row.refresh_from_db()
        assert row.status == TaskResultStatus.SUCCESSFUL, row.traceback
    return rows
