"""Public response statistics: per consultation, per plan and per responding body.

What counts (the same rule as ``consultation_mark_answered``'s): an input that waits for an
official answer is a comment or a proposal (replies are conversation, not submissions); a
hidden one too, as it is answered like any other.

- received: those inputs;
- answered: with a *published* response;
- overdue: not answered and the consultation's promised date (``answers_due``) has passed
  (today is later than it, in the site's time zone);
- accepted / partly accepted / not accepted: shares of the answered ones, in per cent;
- median days to answer: whole days (24 hours) from the input's creation to its response's
  publication, the median over the answered ones (the mean of the middle two when even);
  a total over several groups has no median.

Each selector reads in two queries, whatever the number of inputs: one grouped count, and
one that reads back only each group's middle answer (window functions)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from plantrack.organisations.models import Organisation
from plantrack.plans.models import Plan

from .models import Consultation, Input, Response

PUBLISHED = Q(response__published_at__isnull=False)
STATUS = Response.Status


def answerable_inputs() -> QuerySet[Input]:
    """The inputs that wait for an official answer (see the module's docstring)."""
    return Input.objects.exclude(kind=Input.Kind.REPLY)


@dataclass
class Stats:
    received: int = 0
    answered: int = 0
    overdue: int = 0
    accepted: int = 0
    partly_accepted: int = 0
    not_accepted: int = 0
    median: float | None = None  # whole days from an input to its published answer
    label: str = ""
    key: Any = None
    target: Any = field(default=None, repr=False)  # the consultation, plan or body

    @property
    def url(self) -> str:
        return self.target.get_absolute_url() if self.target is not None else ""

    def _share(self, count: int) -> int | None:
        return round(100 * count / self.answered) if self.answered else None

    @property
    def share_accepted(self) -> int | None:
        return self._share(self.accepted)

    @property
    def share_partly(self) -> int | None:
        return self._share(self.partly_accepted)

    @property
    def share_not_accepted(self) -> int | None:
        return self._share(self.not_accepted)

    @property
    def waiting(self) -> int:
        return self.received - self.answered

    @property
    def median_days(self) -> float | None:
        return self.median


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def _grouped(inputs: QuerySet[Input], by: str, today: dt.date) -> dict[Any, Stats]:
    waiting = ~PUBLISHED
    rows = (
        inputs.order_by()
        .values(by)
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=PUBLISHED),
            overdue=Count("pk", filter=waiting & Q(consultation__answers_due__lt=today)),
            accepted=Count("pk", filter=PUBLISHED & Q(response__status=STATUS.ACCEPTED)),
            partly=Count("pk", filter=PUBLISHED & Q(response__status=STATUS.PARTLY_ACCEPTED)),
            refused=Count("pk", filter=PUBLISHED & Q(response__status=STATUS.NOT_ACCEPTED)),
        )
    )
    found = {
        row[by]: Stats(
            received=row["received"],
            answered=row["answered"],
            overdue=row["overdue"],
            accepted=row["accepted"],
            partly_accepted=row["partly"],
            not_accepted=row["refused"],
            key=row[by],
        )
        for row in rows
    }
    for key, days in _medians(inputs, by).items():
        found[key].median = days
    return found


def _medians(inputs: QuerySet[Input], by: str) -> dict[Any, float]:
    """The median wait (whole days from input to published answer) per group, in one query:
    each group's answered inputs numbered by their wait, and only the middle one or two
    read back (window functions, in SQLite and PostgreSQL alike)."""
    group = [F(by)]
    middle = (
        inputs.filter(PUBLISHED)
        .order_by()
        .annotate(
            wait=ExpressionWrapper(
                F("response__published_at") - F("created_at"), output_field=DurationField()
            ),
        )
        .annotate(
            position=Window(
                RowNumber(), partition_by=group, order_by=[F("wait").asc(), F("pk").asc()]
            ),
            answered=Window(Count("pk"), partition_by=group),
        )
        .filter(Q(position=(F("answered") + 1) / 2) | Q(position=F("answered") / 2 + 1))
        .values_list(by, "wait")
    )
    waits: dict[Any, list[int]] = defaultdict(list)
    for key, wait in middle:
        waits[key].append(wait.days)
    return {key: sum(days) / len(days) for key, days in waits.items()}


def consultation_stats(*, consultation: Consultation, now: dt.datetime | None = None) -> Stats:
    """One consultation's figures (two queries)."""
    inputs = answerable_inputs().filter(consultation=consultation)
    found = _grouped(inputs, "consultation_id", _today(now))
    stats = found.get(consultation.pk, Stats(key=consultation.pk))
    stats.label, stats.target = consultation.title, consultation
    return stats


def total(rows: Iterable[Stats]) -> Stats:
    whole = Stats()
    for row in rows:
        whole.received += row.received
        whole.answered += row.answered
        whole.overdue += row.overdue
        whole.accepted += row.accepted
        whole.partly_accepted += row.partly_accepted
        whole.not_accepted += row.not_accepted
    return whole


def per_consultation(
    *, consultations: QuerySet[Consultation], now: dt.datetime | None = None
) -> list[Stats]:
    """A row per consultation in ``consultations`` (three queries), in their order."""
    listed = list(consultations)
    found = _grouped(
        answerable_inputs().filter(consultation__in=[c.pk for c in listed]),
        "consultation_id",
        _today(now),
    )
    rows = []
    for consultation in listed:
        row = found.get(consultation.pk, Stats(key=consultation.pk))
        row.label, row.target = consultation.title, consultation
        rows.append(row)
    return rows


def per_plan(*, plans: QuerySet[Plan], now: dt.datetime | None = None) -> list[Stats]:
    """A row per plan with consultations among ``plans`` (three queries)."""
    found = _grouped(
        answerable_inputs().filter(consultation__plan__in=plans),
        "consultation__plan_id",
        _today(now),
    )
    rows = []
    for plan in Plan.objects.filter(pk__in=list(found)).order_by("position", "pk"):
        row = found[plan.pk]
        row.label, row.target = str(plan.short_title or plan.title), plan
        rows.append(row)
    return rows


def plan_stats(*, plan: Plan, now: dt.datetime | None = None) -> Stats:
    inputs = answerable_inputs().filter(consultation__plan=plan)
    return _grouped(inputs, "consultation__plan_id", _today(now)).get(plan.pk, Stats(key=plan.pk))


def per_responding_body(
    *, consultations: QuerySet[Consultation], now: dt.datetime | None = None
) -> list[Stats]:
    """A row per responding body over the published responses (five queries). A body
    named only by text (no organisation) is grouped by that text. "received" is what the
    body answered; nothing is overdue for a body, as an unanswered input has none yet."""
    inputs = answerable_inputs().filter(consultation__in=consultations).filter(PUBLISHED)
    today = _today(now)
    by_org = _grouped(
        inputs.filter(response__responding_body__isnull=False),
        "response__responding_body_id",
        today,
    )
    by_name = _grouped(
        inputs.filter(response__responding_body__isnull=True),
        "response__responding_body_name",
        today,
    )
    rows = []
    organisations = Organisation.objects.in_bulk(list(by_org))
    for pk, row in by_org.items():
        organisation = organisations[pk]
        row.label, row.target = organisation.name, organisation
        rows.append(row)
    for name, row in by_name.items():
        row.label = name or "—"
        rows.append(row)
    return sorted(rows, key=lambda row: (-row.answered, row.label))
