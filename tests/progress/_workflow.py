"""Fixtures shared by the workflow, evidence and period tests: a started reporting period of
Vision 2050, the people around activity 7.3.8, measured indicators of each kind, and
recorders for the notification and actuals hooks (filled in by other parts of issue 11)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.models import Item, Plan, Responsibility
from plantrack.plans.permissions import MANAGER_GROUP
from plantrack.progress import actuals, notify
from plantrack.progress.models import (
    Dimension,
    Indicator,
    ProgressUpdate,
    ReportingPeriod,
)
from plantrack.progress.services import progress_update_save

PLAN = "vision-2050-goal-7"


def last_year() -> int:
    return timezone.localdate().year - 1


def make_period(plan: Plan, quarter: int, year: int | None = None) -> ReportingPeriod:
    year = year or last_year()
    start = dt.date(year, 3 * quarter - 2, 1)
    end = (dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - dt.timedelta(days=1)
    return ReportingPeriod.objects.create(
        plan=plan, starts_on=start, ends_on=end, due_on=end + dt.timedelta(days=30)
    )


@pytest.fixture
def period(vision) -> ReportingPeriod:  # type: ignore[no-untyped-def]
    """Last year's first quarter: started, ended, open."""
    return make_period(vision, 1)


@pytest.fixture
def rex(db, vision) -> User:  # type: ignore[no-untyped-def]
    """Rex reports for the customs agency, responsible for another item of the plan."""
    customs = Organisation.objects.create(
        slug="customs", name_en="Customs Agency", kind="law_enforcement"
    )
    Responsibility.objects.create(
        item=Item.objects.get(plan=vision, code="7.1.1"), organisation=customs, role="lead"
    )
    user = User.objects.create_user("rex@example.org", "pw-rex-12345", display_name="Rex")
    Membership.objects.create(user=user, organisation=customs, role="reporter", state="active")
    return user


@pytest.fixture
def bob_of_dice(bob, dice) -> User:  # type: ignore[no-untyped-def]
    """Bob manages another plan (DICE)."""
    dice.managers.add(bob)
    return bob


@pytest.fixture
def dora(db, vision) -> User:  # type: ignore[no-untyped-def]
    """Dora is a second manager of Vision 2050."""
    user = User.objects.create_user("dora@example.org", "correct-horse-4", display_name="Dora")
    user.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
    vision.managers.add(user)
    return user


@dataclass
class Indicators:
    count: Indicator  # quantitative, by sex
    share: Indicator  # percentage, by sex
    level: Indicator  # qualitative, three levels
    done: Indicator  # yes / no
    female: int = 0
    male: int = 0
    all: list[Indicator] = field(default_factory=list)


@pytest.fixture
def indicators(activity) -> Indicators:  # type: ignore[no-untyped-def]
    sex = Dimension.objects.get(slug="sex")

    def make(position: int, kind: str, title: str, **extra: Any) -> Indicator:
        return Indicator.objects.create(
            item=activity, position=position, measured=True, kind=kind, title_en=title, **extra
        )

    count = make(1, "quantitative", "Officers trained", unit="people", cumulative=True)
    share = make(2, "percentage", "Share of posts with cameras")
    level = make(
        3,
        "qualitative",
        "Readiness",
        scale=[{"en": "Low", "mn": "Бага"}, {"en": "Medium", "mn": "Дунд"}, {"en": "High"}],
    )
    done = make(4, "yes_no", "Law adopted")
    count.dimensions.add(sex)
    share.dimensions.add(sex)
    values = {v.slug: v.pk for v in sex.values.all()}
    return Indicators(
        count, share, level, done, values["female"], values["male"], [count, share, level, done]
    )


@dataclass
class Calls:
    calls: list[dict[str, Any]] = field(default_factory=list)

    @property
    def actions(self) -> list[str]:
        return [c.get("action", "") for c in self.calls]


@pytest.fixture
def notices(monkeypatch) -> Calls:  # type: ignore[no-untyped-def]
    """What ``notify.progress_notify`` was told, and whether inside the transaction."""
    found = Calls()

    def record(*, update: ProgressUpdate, action: str, by: Any) -> None:
        found.calls.append(
            {
                "update": update.pk,
                "action": action,
                "by": by.pk,
                "atomic": transaction.get_connection().in_atomic_block,
            }
        )

    monkeypatch.setattr(notify, "progress_notify", record)
    return found


@pytest.fixture
def recomputed(monkeypatch) -> Calls:  # type: ignore[no-untyped-def]
    """The actuals hook, recorded (the actuals work fills it in)."""
    found = Calls()

    def record(*, indicator_ids: Any) -> None:
        from plantrack.progress.models import Measurement

        found.calls.append(
            {
                "indicator_ids": sorted(indicator_ids),
                "atomic": transaction.get_connection().in_atomic_block,
                # what the hook can read: the approved measurements, already marked
                "approved": Measurement.objects.filter(
                    indicator_id__in=list(indicator_ids), approved=True
                ).count(),
            }
        )

    monkeypatch.setattr(actuals, "indicator_actuals_recompute", record)
    return found


def draft(item: Item, by: User, period: ReportingPeriod | None, **values: Any) -> ProgressUpdate:
    defaults: dict[str, Any] = {"status": "in_progress", "progress": 20, "note": "Started."}
    defaults.update(values)
    return progress_update_save(item=item, by=by, period=period, submit=False, **defaults)


def submitted(
    item: Item, by: User, period: ReportingPeriod | None, **values: Any
) -> ProgressUpdate:
    defaults: dict[str, Any] = {"status": "in_progress", "progress": 20, "note": "Started."}
    defaults.update(values)
    return progress_update_save(item=item, by=by, period=period, submit=True, **defaults)
