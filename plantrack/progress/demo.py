"""A living plan for the demo (issue 11): reporting periods, measured indicators and several
quarters of reports on the Vision 2050 and DICE items — most approved, some waiting for
review, some returned, some missing (overdue) — all written through the services, so the
history, roll-ups, actuals and dashboards are what real use would give."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.organisations.models import Membership, Organisation
from plantrack.organisations.services import organisation_verify
from plantrack.plans.models import Item, Plan, Responsibility, Status

from . import indicators as indicator_services
from . import periods as period_services
from . import services
from .models import Dimension, Indicator, ProgressUpdate, ReportingPeriod

LIVING_PLANS = ("vision-2050-goal-7", "dice-inclusive-digitalization-roadmap")
DEMO_REPORTER_DOMAIN = "reporters.plantrack.local"
# Items of a plan that report (the rest are quiet), and how the last due period ends up.
REPORTING_SHARE = 0.6
LAST_PERIOD = (("approved", 0.55), ("submitted", 0.15), ("returned", 0.1), ("missing", 0.2))

NOTES = (
    "Work continued as planned; the working group met and reviewed the draft.",
    "Training sessions were held in the aimag centres; attendance lists are attached.",
    "The procurement was completed and the equipment delivered.",
    "Consultations with civil society organisations were held on the draft.",
    "Implementation was slowed by budget delays; the plan for next quarter is revised.",
)
RETURN_NOTES = (
    "Please attach the attendance lists and give the number of women trained.",
    "The progress figure does not match the narrative; please check it.",
)


@dataclass
class LivingPlanSummary:
    plan: Plan
    periods: int
    approved: int
    waiting: int
    returned: int
    overdue: int


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _reporter(organisation: Organisation) -> User:
    """A reporter of the agency (no password: these accounts only author the demo reports)."""
    email = f"{organisation.slug[:40]}@{DEMO_REPORTER_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, display_name=f"{organisation.name} — reporter")
        user.set_unusable_password()
        user.is_active = True
        user.email_verified_at = timezone.now()
        user.save()
    Membership.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={"role": Membership.Role.REPORTER, "state": "active"},
    )
    return user


def _set_up_indicators(plan: Plan, manager: User, rng: random.Random) -> list[Indicator]:
    """Turn some of the plan's text indicators into measured ones, and give a few items that
    have none a measured indicator of their own, with targets per period."""
    sex = Dimension.objects.filter(slug="sex").first()
    text_only = list(
        Indicator.objects.filter(item__plan=plan, measured=False, retired_at__isnull=True)
        .select_related("item")
        .order_by("item__path", "position")
    )
    chosen: list[Indicator] = []
    seen_items: set[int] = set()
    for indicator in text_only:
        if indicator.item_id in seen_items or len(chosen) >= 16:
            continue
        seen_items.add(indicator.item_id)
        chosen.append(indicator)
    measured = []
    for number, indicator in enumerate(chosen):
        text = (indicator.title_en or indicator.title_mn).lower()
        values: dict[str, object]
        if "%" in text or "percent" in text or "share" in text:
            values = {"kind": Indicator.Kind.PERCENTAGE, "unit": "%", "cumulative": False}
            end_target: float = 80
        elif number % 4 == 3:
            values = {"kind": Indicator.Kind.YES_NO, "unit": "", "cumulative": False}
            end_target = 1
        else:
            values = {"kind": Indicator.Kind.QUANTITATIVE, "unit": "", "cumulative": True}
            end_target = 40 + 20 * rng.randint(1, 8)
        values.update(
            {
                "measured": True,
                "direction": Indicator.Direction.INCREASE,
                "baseline_value": 0 if values["kind"] != Indicator.Kind.YES_NO else None,
                "baseline_year": plan.start_year or 2024,
                "end_target": end_target,
            }
        )
        measured.append(
            indicator_services.indicator_update(
                indicator=indicator,
                by=manager,
                version=indicator.version,
                values=values,
                dimensions=[sex] if sex and values["kind"] == Indicator.Kind.QUANTITATIVE else [],
            )
        )
    if not text_only:
        # A plan whose document gave no indicators: a few activities get one each.
        for item in (
            Item.objects.filter(plan=plan, kind__in=Item.TRACKED_KINDS, retired_at__isnull=True)
            .filter(responsibilities__isnull=False)
            .distinct()
            .order_by("path")[:10]
        ):
            measured.append(
                indicator_services.indicator_create(
                    item=item,
                    by=manager,
                    values={
                        "title_en": "Officers and staff trained",
                        "title_mn": "Сургалтад хамрагдсан алба хаагч, ажилтан",
                        "kind": Indicator.Kind.QUANTITATIVE,
                        "unit": "people",
                        "cumulative": True,
                        "direction": Indicator.Direction.INCREASE,
                        "baseline_value": 0,
                        "baseline_year": plan.start_year or 2021,
                        "end_target": 100 * rng.randint(2, 6),
                    },
                    dimensions=[sex] if sex else [],
                )
            )
    return measured


def _measurements(
    indicators: list[Indicator], rng: random.Random, step: int
) -> list[services.MeasurementInput]:
    result = []
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.PERCENTAGE:
            denominator = rng.randint(20, 60)
            numerator = min(denominator, int(denominator * (0.3 + 0.1 * step)))
            result.append(
                services.MeasurementInput(
                    indicator_id=indicator.pk, numerator=numerator, denominator=denominator
                )
            )
        elif indicator.kind == Indicator.Kind.YES_NO:
            result.append(
                services.MeasurementInput(indicator_id=indicator.pk, value=1 if step >= 3 else 0)
            )
        else:
            women, men = rng.randint(2, 15), rng.randint(2, 15)
            result.append(services.MeasurementInput(indicator_id=indicator.pk, value=women + men))
            for value in indicator.dimensions_values:  # type: ignore[attr-defined]
                result.append(
                    services.MeasurementInput(
                        indicator_id=indicator.pk,
                        dimension_value_id=value.pk,
                        value=women if value.slug == "female" else men,
                    )
                )
    return result


def _state_for_last(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for state, share in LAST_PERIOD:
        total += share
        if roll < total:
            return state
    return "approved"


def build_living_plan(plan: Plan, *, manager: User, seed: int) -> LivingPlanSummary:
    rng = random.Random(seed)
    today = timezone.localdate()
    first = _quarter_start(today.replace(year=today.year - 1))
    with transaction.atomic():
        period_services.periods_generate(
            plan=plan, by=manager, first=first, last=today, due_days=30
        )
        indicators = _set_up_indicators(plan, manager, rng)
    by_item: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(pk__in=[i.pk for i in indicators]).prefetch_related(
        "dimensions__values"
    ):
        indicator.dimensions_values = [  # type: ignore[attr-defined]
            value for dimension in indicator.dimensions.all() for value in dimension.values.all()
        ]
        by_item.setdefault(indicator.item_id, []).append(indicator)
    periods = list(
        ReportingPeriod.objects.filter(plan=plan, starts_on__lte=today).order_by("starts_on")
    )
    due = [period for period in periods if period.due_on < today]
    administrator = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    reporters = {}
    for organisation in Organisation.objects.filter(
        responsibilities__item__plan=plan, kind__in=("government", "law_enforcement")
    ).distinct():
        if organisation.verified_at is None and administrator is not None:
            # Agencies a plan import added report once a site administrator verifies them.
            organisation_verify(organisation=organisation, by=administrator)
        reporters[organisation.pk] = _reporter(organisation)
    summary = LivingPlanSummary(plan, len(periods), 0, 0, 0, 0)
    items = list(
        Item.objects.filter(plan=plan, kind__in=Item.TRACKED_KINDS, retired_at__isnull=True)
        .select_related("plan")
        .order_by("path")
    )
    first_responsible = dict(
        Responsibility.objects.filter(item__plan=plan, organisation_id__in=list(reporters))
        .order_by("item_id", "pk")
        .values_list("item_id", "organisation_id")
    )
    for item in items:
        organisation_id = first_responsible.get(item.pk)
        if organisation_id is None or rng.random() > REPORTING_SHARE:
            continue
        reporter = reporters[organisation_id]
        progress = 0.0
        for step, period in enumerate(due):
            last = step == len(due) - 1
            outcome = _state_for_last(rng) if last else "approved"
            if outcome == "missing":
                summary.overdue += 1
                continue
            progress = min(100.0, progress + rng.choice((5, 10, 10, 15, 20)))
            status = Status.COMPLETED if progress >= 100 else Status.IN_PROGRESS
            if not last and rng.random() < 0.1:
                status = Status.DELAYED
            update = services.progress_update_save(
                item=item,
                by=reporter,
                period=period,
                status=status,
                progress=progress,
                note=rng.choice(NOTES),
                measurements=_measurements(by_item.get(item.pk, []), rng, step),
                submit=True,
            )
            if outcome == "submitted":
                summary.waiting += 1
                continue
            services.progress_update_review(
                update=update,
                by=manager,
                approve=outcome == "approved",
                note="" if outcome == "approved" else rng.choice(RETURN_NOTES),
            )
            if outcome == "approved":
                summary.approved += 1
            else:
                summary.returned += 1
            if status == Status.COMPLETED:
                break
    # The first year is closed: its periods are locked.
    for period in due:
        if (
            period.ends_on.year < today.year
            and not ProgressUpdate.objects.filter(
                period=period, state=ProgressUpdate.State.SUBMITTED
            ).exists()
        ):
            period_services.period_lock(period=period, by=manager)
    return summary
