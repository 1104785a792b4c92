"""Reads for the dashboards, the item's timeline and the overdue marks.

Every figure comes from what approval stored: the items' roll-up (``progress``,
``tracked_count``, ``status_counts``, ``plans/rollup.py``), ``IndicatorActual`` and approved
updates; nothing here aggregates measurements while a page waits, so a page costs the
same few queries with a thousand measurements or a million. Overdue is
``overdue.overdue_items``, the one rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from django.db.models import Avg, Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from plantrack.lib.bilingual import pick
from plantrack.lib.charts import Bar, Chart, Series, bar_chart, line_chart
from plantrack.organisations.models import Organisation
from plantrack.plans.models import Item, Plan, Responsibility, Status
from plantrack.plans.permissions import hidden_plans
from plantrack.plans.selectors import ROW_FIELDS, attach_organisations

from .display import measurement_text, number_text
from .models import (
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Measurement,
    ProgressUpdate,
    ReportingPeriod,
)
from .overdue import overdue_items, today

OBJECTIVE_LIMIT = 60  # bars in "progress per objective"; the biggest seed plan has 7
OVERDUE_LIMIT = 25  # overdue items listed (longest overdue first); the count says the rest
INDICATORS_PER_PAGE = 6  # indicators charted on one page of the dashboard
PERIODS_SHOWN = 12  # the latest started periods on an indicator's chart
LATEST_LIMIT = 10  # latest approved updates on the organisation dashboard
TIMELINE_LIMIT = 20  # approved updates on an item's timeline
EXCERPT_CHARS = 300
APPROVED = ProgressUpdate.State.APPROVED


def totals(rows: QuerySet[Any]) -> QuerySet[Any]:
    """Only the total rows (no dimension value) of measurements or actuals.

    Written as ``COALESCE(dimension_value_id, 0) = 0`` rather than ``IS NULL``: SQLite,
    without statistics, answers ``IS NULL`` from the dimension value's index, that is by
    reading every total row in the table (a million measurements: 0.4 s); this way it
    stays on the indicator's or the update's index."""
    return rows.alias(total_key=Coalesce("dimension_value_id", Value(0))).filter(total_key=0)


# -- overdue ------------------------------------------------------------------------------


@dataclass
class OverdueRow:
    item: Item
    since: ReportingPeriod  # the oldest period whose report is missing
    missing: int  # how many periods' reports are missing
    # Written once here rather than per row in the template (25 rows cost 10 ms there).
    url: str = ""
    title: str = ""
    due: str = ""
    organisations: str = ""  # escaped links, or "—"


def overdue_since(item_ids: Iterable[int], on: dt.date | None = None) -> dict[int, str]:
    """{item id: the label of the oldest period its report is late for ("2026 Q2")}, for
    the marks on rows a page already shows. No query for no rows; at most three otherwise."""
    ids = list(item_ids)
    if not ids:
        return {}
    late = overdue_items(Item.objects.filter(pk__in=ids), on)
    return {pk: periods[0].label for pk, periods in late.items()}


def _overdue_rows(items: QuerySet[Item], plan: Plan | None = None) -> tuple[list[OverdueRow], int]:
    """The longest overdue items of ``items`` (up to OVERDUE_LIMIT) and how many there are;
    without ``plan`` the items may be of several plans (each row then knows its plan)."""
    late = overdue_items(items)
    first = sorted(late, key=lambda pk: (late[pk][0].due_on, pk))[:OVERDUE_LIMIT]
    rows = Item.objects.filter(pk__in=first).only(*ROW_FIELDS)
    if plan is None:
        rows = rows.select_related("plan")
    by_id = {item.pk: item for item in attach_organisations(list(rows))} if first else {}
    org_url = reverse("organisations:detail", args=["__slug__"])
    item_urls: dict[str, str] = {}
    due: dict[int, str] = {}
    result = []
    for pk in first:
        if pk not in by_id:
            continue
        item, since = by_id[pk], late[pk][0]
        slug = plan.slug if plan is not None else item.plan.slug
        if slug not in item_urls:
            item_urls[slug] = reverse("plans:item", args=[slug, "__code__"])
        if since.pk not in due:
            due[since.pk] = formats.date_format(since.due_on, "DATE_FORMAT")
        links = [
            format_html(
                '<a href="{}" lang="{}">{}</a>', org_url.replace("__slug__", quote(s)), lang, name
            )
            for s, name, lang in getattr(item, "org_links", ())
        ]
        result.append(
            OverdueRow(
                item,
                since,
                len(late[pk]),
                url=item_urls[slug].replace("__code__", quote(item.code, safe="")),
                title=Truncator(item.title).words(14),
                due=due[since.pk],
                organisations=mark_safe(", ".join(links)) if links else "—",
            )
        )
    return result, len(late)


# -- charts from stored figures -----------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "0 %"


def status_chart(*, chart_id: str, title: str, counts: dict[str, int]) -> Chart:
    """How many tracked items are in each status: one labelled bar per status."""
    total = sum(counts.get(s.value, 0) for s in Status)
    bars = [
        Bar(
            label=str(s.label),
            value=counts.get(s.value, 0),
            text=f"{counts.get(s.value, 0)} ({_percent(counts.get(s.value, 0), total)})",
            style=s.value,
        )
        for s in Status
    ]
    return bar_chart(
        chart_id=chart_id,
        title=title,
        bars=bars if total else [],
        maximum=float(total),
        columns=[_("Status"), _("Items (share)")],
        empty=_("No tracked items yet."),
    )


def progress_text(value: float | None) -> str:
    return _("no progress reported") if value is None else f"{round(value)} %"


# -- plan dashboard -----------------------------------------------------------------------


@dataclass
class IndicatorFigures:
    indicator: Indicator
    chart: Chart
    overall: str  # the overall actual, as shown
    end_target: str
    baseline: str


@dataclass
class IndicatorPage:
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


@dataclass
class PlanDashboard:
    plan: Plan
    level: str  # the kind of item "per objective" means in this plan ("Objective", "Area" …)
    objectives: list[Item]
    objective_chart: Chart
    status_chart: Chart
    overdue: list[OverdueRow]
    overdue_count: int
    indicators: IndicatorPage
    figures: list[IndicatorFigures] = field(default_factory=list)


def _objectives(plan: Plan) -> list[Item]:
    """The plan's objectives (in the first two levels); in a plan without them, its first
    level with more than one item (DICE's areas, a report's sections). One query, on the
    (plan, depth, path) index."""
    rows = list(
        Item.objects.filter(plan=plan, retired_at__isnull=True, depth__lte=2)
        .exclude(kind__in=Item.TRACKED_KINDS)
        .only(*ROW_FIELDS)
        .order_by("path")[: OBJECTIVE_LIMIT * 4]
    )
    objectives = [item for item in rows if item.kind == Item.Kind.OBJECTIVE]
    if objectives:
        return objectives[:OBJECTIVE_LIMIT]
    top = [item for item in rows if item.depth == 1]
    if len(top) > 1:
        return top[:OBJECTIVE_LIMIT]
    return [item for item in rows if item.depth == 2][:OBJECTIVE_LIMIT]


def _objective_chart(plan: Plan, objectives: list[Item], level: str, url: str) -> Chart:
    bars = [
        Bar(
            label=f"{item.code} {pick(item, 'title') or pick(item, 'label')}",
            value=item.progress,
            text=progress_text(item.progress),
            extra=(
                str(item.tracked_count),
                str((item.status_counts or {}).get(Status.COMPLETED, 0)),
                str((item.status_counts or {}).get(Status.DELAYED, 0)),
            ),
            href=url.replace("__code__", quote(item.code, safe="")),
        )
        for item in objectives
    ]
    return bar_chart(
        chart_id=f"objectives-{plan.pk}",
        # "Progress per objective"; a language that puts the level first still starts with
        # a capital ("Зорилт тус бүрийн явц").
        title=capfirst(_("Progress per %(level)s") % {"level": level.lower()}),
        bars=bars,
        columns=[level, _("Progress"), _("Activities"), _("Completed"), _("Delayed")],
        empty=_("This plan has no objectives to show."),
    )


def value_text(indicator: Indicator, value: float | None, num: Any = None, den: Any = None) -> str:
    """A measured, stored or target value as the report pages write it, by the indicator's
    kind ("1,200 people", "45 % (9 / 20)", a scale level's name, "Yes")."""
    if value is None:
        return "—"
    figure = SimpleNamespace(indicator=indicator, value=value, numerator=num, denominator=den)
    if indicator.kind == Indicator.Kind.PERCENTAGE and (num is None or not den):
        return f"{number_text(value)} %"
    return measurement_text(figure)  # type: ignore[arg-type]


def _indicator_figures(
    indicators: Sequence[Indicator], periods: list[ReportingPeriod]
) -> list[IndicatorFigures]:
    """Period actuals against period targets, from ``IndicatorActual`` and
    ``IndicatorTarget``: two queries for the page's indicators."""
    ids = [indicator.pk for indicator in indicators]
    actuals: dict[tuple[int, int | None], IndicatorActual] = {
        (a.indicator_id, a.period_id): a
        for a in totals(IndicatorActual.objects.filter(indicator_id__in=ids)).only(
            "indicator_id", "period_id", "value", "numerator", "denominator"
        )
    }
    targets = {
        (t.indicator_id, t.period_id): t.value
        for t in IndicatorTarget.objects.filter(indicator_id__in=ids).only(
            "indicator_id", "period_id", "value"
        )
    }
    result = []
    for indicator in indicators:
        pk = indicator.pk
        shown = periods[-PERIODS_SHOWN:]
        values = [getattr(actuals.get((pk, p.pk)), "value", None) for p in shown]
        texts = []
        for p, value in zip(shown, values, strict=True):
            actual = actuals.get((pk, p.pk))
            texts.append(
                value_text(indicator, value, actual.numerator, actual.denominator)
                if actual
                else "—"
            )
        goal = [targets.get((pk, p.pk)) for p in shown]
        # Numbers at the points (the unit is on the axis); a scale's levels by name.
        named = indicator.kind in (Indicator.Kind.QUALITATIVE, Indicator.Kind.YES_NO)
        series = [Series(_("Actual"), values, "actual", texts, texts if named else ())]
        if any(v is not None for v in goal):
            series.append(
                Series(_("Target"), goal, "target", [value_text(indicator, v) for v in goal])
            )
        unit = "%" if indicator.kind == Indicator.Kind.PERCENTAGE else indicator.unit
        chart = line_chart(
            chart_id=f"indicator-{pk}",
            title=f"{indicator.item.code}: {indicator.title}",
            labels=[p.label for p in shown],
            series=series,
            columns=[_("Period"), *(s.name for s in series)],
            unit=unit,
            empty=_("No approved figures for this indicator yet."),
        )
        overall = actuals.get((pk, None))
        result.append(
            IndicatorFigures(
                indicator=indicator,
                chart=chart,
                overall=value_text(
                    indicator,
                    overall.value if overall else None,
                    overall.numerator if overall else None,
                    overall.denominator if overall else None,
                ),
                end_target=value_text(indicator, indicator.end_target),
                baseline=value_text(indicator, indicator.baseline_value),
            )
        )
    return result


def plan_dashboard(*, plan: Plan, page_number: int = 1, on: dt.date | None = None) -> PlanDashboard:
    """The plan dashboard in a fixed number of queries, whatever the plan's size."""
    objectives = _objectives(plan)
    kind = objectives[0].kind if objectives else Item.Kind.OBJECTIVE
    level = str(Item.Kind(kind).label)
    url = reverse("plans:item", args=[plan.slug, "__code__"])
    overdue, overdue_count = _overdue_rows(Item.objects.filter(plan=plan), plan)
    measured = (
        Indicator.objects.filter(
            item__plan=plan, item__retired_at__isnull=True, measured=True, retired_at__isnull=True
        )
        .select_related("item")
        .order_by("item__path", "position", "pk")
    )
    # Pages without a count: counting a big plan's indicators costs more than the rest of
    # the page; one row more than a page says whether there is a next one.
    first = (page_number - 1) * INDICATORS_PER_PAGE
    indicators = list(measured[first : first + INDICATORS_PER_PAGE + 1])
    page = IndicatorPage(page_number, len(indicators) > INDICATORS_PER_PAGE)
    indicators = indicators[:INDICATORS_PER_PAGE]
    periods = (
        list(
            ReportingPeriod.objects.filter(plan=plan, starts_on__lte=on or today()).order_by(
                "starts_on"
            )
        )
        if indicators
        else []
    )
    return PlanDashboard(
        plan=plan,
        level=level,
        objectives=objectives,
        objective_chart=_objective_chart(plan, objectives, level, url),
        status_chart=status_chart(
            chart_id=f"statuses-{plan.pk}",
            title=_("Tracked items by status"),
            counts=plan.status_counts or {},
        ),
        overdue=overdue,
        overdue_count=overdue_count,
        indicators=page,
        figures=_indicator_figures(indicators, periods),
    )


# -- organisation dashboard ----------------------------------------------------------------


@dataclass
class PlanShare:
    plan: Plan
    items: int
    completed: int
    progress: float | None


@dataclass
class OrganisationDashboard:
    organisation: Organisation
    item_count: int
    status_chart: Chart
    plan_chart: Chart
    plans: list[PlanShare]
    overdue: list[OverdueRow]
    overdue_count: int
    latest: list[ProgressUpdate]


def organisation_items(organisation: Organisation, user: Any) -> QuerySet[Item]:
    """The live tracked items ``organisation`` is responsible for, in the plans ``user`` may
    see (each item once, whatever its roles)."""
    items = Item.objects.filter(
        pk__in=Responsibility.objects.filter(organisation=organisation).values("item_id"),
        kind__in=Item.TRACKED_KINDS,
        retired_at__isnull=True,
    )
    hidden = hidden_plans(user)
    return items.exclude(plan__in=hidden) if hidden is not None else items


def organisation_dashboard(*, organisation: Organisation, user: Any) -> OrganisationDashboard:
    """An organisation's items and their state, in a fixed number of queries."""
    items = organisation_items(organisation, user)
    counts = {
        row["status"]: row["n"] for row in items.order_by().values("status").annotate(n=Count("pk"))
    }
    per_plan = list(
        items.order_by()
        .values("plan_id")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status=Status.COMPLETED)),
            avg=Avg("progress"),
        )
    )
    plans = Plan.objects.in_bulk([row["plan_id"] for row in per_plan]) if per_plan else {}
    shares = sorted(
        (
            PlanShare(plans[row["plan_id"]], row["n"], row["done"], row["avg"])
            for row in per_plan
            if row["plan_id"] in plans
        ),
        key=lambda share: (-share.items, share.plan.slug),
    )
    url = reverse("progress:plan_dashboard", args=["__slug__"])
    plan_chart = bar_chart(
        chart_id=f"org-plans-{organisation.pk}",
        title=_("Average progress of its activities, per plan"),
        bars=[
            Bar(
                label=share.plan.short_title,
                value=share.progress,
                text=progress_text(share.progress),
                extra=(str(share.items), str(share.completed)),
                href=url.replace("__slug__", share.plan.slug),
            )
            for share in shares
        ],
        columns=[_("Plan"), _("Average progress"), _("Activities"), _("Completed")],
        empty=_("This organisation is responsible for no activity yet."),
    )
    overdue, overdue_count = _overdue_rows(items)
    latest = list(
        ProgressUpdate.objects.filter(state=APPROVED, item__in=items)
        .select_related("item", "item__plan", "period")
        .order_by("-reviewed_at", "-pk")[:LATEST_LIMIT]
    )
    return OrganisationDashboard(
        organisation=organisation,
        item_count=sum(counts.values()),
        status_chart=status_chart(
            chart_id=f"org-statuses-{organisation.pk}",
            title=_("Its activities by status"),
            counts=counts,
        ),
        plan_chart=plan_chart,
        plans=shares,
        overdue=overdue,
        overdue_count=overdue_count,
        latest=latest,
    )


# -- the item's timeline -------------------------------------------------------------------


@dataclass
class TimelineEntry:
    update: ProgressUpdate
    excerpt: str
    figures: list[tuple[str, str]]  # (indicator title, value as shown)
    superseded: bool  # a later approved report for the same period counts instead


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + " …"


def _review_key(update: ProgressUpdate) -> tuple[float, int]:
    return (update.reviewed_at.timestamp() if update.reviewed_at else 0.0, update.pk)


@dataclass
class ItemTimeline:
    entries: list[TimelineEntry]
    overdue_since: str  # the oldest period whose report is late, "" if none
    more: bool = False  # older approved reports than these exist
    limit: int = TIMELINE_LIMIT


def item_timeline(*, item: Item) -> ItemTimeline:
    """The item's approved updates, the latest period first, with their approved
    measurements (totals), and whether its report is overdue: at most five queries.
    Nothing submitted, returned or drafted is read."""
    late = overdue_since([item.pk]) if item.is_tracked and not item.is_retired else {}
    updates = list(
        ProgressUpdate.objects.filter(item=item, state=APPROVED)
        .select_related("period", "organisation", "author")
        .order_by(F("period__starts_on").desc(nulls_last=True), "-reviewed_at", "-pk")[
            : TIMELINE_LIMIT + 1
        ]
    )
    more = len(updates) > TIMELINE_LIMIT
    return ItemTimeline(_entries(updates[:TIMELINE_LIMIT]), late.get(item.pk, ""), more)


def _entries(updates: list[ProgressUpdate]) -> list[TimelineEntry]:
    if not updates:
        return []
    figures: dict[int, list[tuple[str, str]]] = {}
    for m in (
        totals(Measurement.objects.filter(update_id__in=[u.pk for u in updates], approved=True))
        .select_related("indicator")
        .order_by("indicator__position", "indicator_id")
    ):
        figures.setdefault(m.update_id, []).append(
            (m.indicator.title, value_text(m.indicator, m.value, m.numerator, m.denominator))
        )
    # Per period the latest approved update counts (reviewed_at, then pk); older ones stay
    # on the timeline, marked as corrected.
    counted: dict[int, tuple[float, int]] = {}
    for u in updates:
        if u.period_id is not None:
            counted[u.period_id] = max(counted.get(u.period_id, (-1.0, 0)), _review_key(u))
    return [
        TimelineEntry(
            update=u,
            excerpt=excerpt(u.note),
            figures=figures.get(u.pk, []),
            superseded=u.period_id is not None and counted[u.period_id] != _review_key(u),
        )
        for u in updates
    ]
