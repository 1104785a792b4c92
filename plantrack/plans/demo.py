"""Demo data: the bundled seed plans plus generated statuses, leads and users.

Generated values are deterministic (a fixed random seed) and only written to
items nobody has touched, so running the demo again changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from plantrack.accounts.models import User
from plantrack.accounts.permissions import ASSESSORS, MODERATORS, PLAN_MANAGERS
from plantrack.organisations.models import Membership, Organisation
from plantrack.organisations.services import organisation_get_or_create, public_bodies_apply
from plantrack.progress.demo import LIVING_PLANS, LivingPlanSummary, build_living_plan

from .models import Item, Plan, Responsibility, Status
from .rollup import plan_rollup
from .seed_translations import seed_translations_apply
from .seedfiles import SEED_DIR, read_seed, seed_mapping_data
from .services import ImportResult, plan_import

if TYPE_CHECKING:
    from plantrack.assessments.demo import DemoRounds

PLAN_SEEDS = ("000_9b10a168590abdd1.txt", "001_2125384cf4ad98ca.txt", "002_99bd07660585a0bf.txt")

# Plausible lead agencies per Vision 2050 objective; demo data, marked as such on the item.
VISION_LEADS = {
    "7.1": ("Ministry of Defence", "MOD", "government"),
    "7.2": ("General Authority for Border Protection", "GABP", "law_enforcement"),
    "7.3": ("National Police Agency", "NPA", "law_enforcement"),
    "7.4": ("Ministry of Justice and Home Affairs", "MoJHA", "government"),
    "7.5": (
        "Ministry of Digital Development, Innovation and Communications",
        "MDDIC",
        "government",
    ),
}
DEMO_PASSWORD = "plantrack-demo-2050"
MANAGED_PLANS = (
    "vision-2050-goal-7",
    "law-enforcement-cooperation-2015",
    "dice-inclusive-digitalization-roadmap",
)
DEMO_CSO = "disability-federation"


@dataclass
class DemoAccount:
    role: str
    email: str
    password: str


def import_seed_plans() -> list[ImportResult]:
    results = []
    for name in PLAN_SEEDS:
        data = (SEED_DIR / name).read_bytes()
        results.append(
            plan_import(
                parsed=read_seed(name),
                source_name=name,
                source_bytes=data,
                system=True,
                mapping=seed_mapping_data(name),
            )
        )
    return results


def _untouched(plan: Plan) -> bool:
    tracked = Item.objects.filter(plan=plan, kind__in=Item.TRACKED_KINDS)
    return not tracked.exclude(status=Status.NOT_STARTED, progress__isnull=True).exists()


def _generated_state(rng: random.Random) -> tuple[str, float | None]:
    roll = rng.random()
    if roll < 0.25:
        return Status.NOT_STARTED, 0.0
    if roll < 0.65:
        return Status.IN_PROGRESS, float(rng.randrange(10, 95, 5))
    if roll < 0.8:
        return Status.COMPLETED, 100.0
    if roll < 0.93:
        return Status.DELAYED, float(rng.randrange(5, 60, 5))
    return Status.UNKNOWN, None


@transaction.atomic
def generate_statuses(plan: Plan, *, seed: int) -> bool:
    if not _untouched(plan):
        return False
    rng = random.Random(seed)
    items = list(Item.objects.filter(plan=plan, kind__in=Item.TRACKED_KINDS).order_by("path"))
    for item in items:
        item.status, item.progress = _generated_state(rng)
    Item.objects.bulk_update(items, ["status", "progress"], batch_size=500)
    plan_rollup(plan=plan)
    return True


@transaction.atomic
def assign_vision_leads(plan: Plan) -> None:
    for code, (name, acronym, kind) in VISION_LEADS.items():
        organisation = organisation_get_or_create(name=name, acronym=acronym, kind=kind)
        activities = Item.objects.filter(
            plan=plan, kind=Item.Kind.ACTIVITY, parent__code=code
        ).exclude(responsibilities__role=Responsibility.Role.LEAD)
        Responsibility.objects.bulk_create(
            [Responsibility(item=a, organisation=organisation) for a in activities],
            ignore_conflicts=True,
        )


# Staff roles need a second factor; demo staff share this TOTP key so that people
# trying the demo can add it to an authenticator app (or run `plantrack democode`).
DEMO_TOTP_KEY = hashlib.sha1(b"plantrack-demo-totp").hexdigest()


def demo_totp_secret() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()


def _account(
    email: str, name: str, *, superuser: bool = False, groups: tuple[str, ...] = ()
) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, display_name=name)
    user.is_staff = user.is_superuser = superuser
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    user.email_verified_at = user.email_verified_at or timezone.now()
    user.save()
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    if superuser or groups:
        TOTPDevice.objects.update_or_create(
            user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
        )
    return user


def _member(user: User, organisation: Organisation, role: str) -> None:
    Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role, "state": "active"}
    )


@transaction.atomic
def demo_accounts() -> list[DemoAccount]:
    from plantrack.organisations.demo import demo_organisations

    organisations = demo_organisations()
    admin = _account("admin@plantrack.local", "Жишээ администратор", superuser=True)
    manager = _account(
        "manager@plantrack.local", "Жишээ төлөвлөгөөний менежер", groups=(PLAN_MANAGERS,)
    )
    for plan in Plan.objects.filter(slug__in=MANAGED_PLANS):
        plan.managers.add(manager)
    reporter = _account("reporter@plantrack.local", "Жишээ байгууллагын мэдээлэгч")
    police = organisation_get_or_create(name="National Police Agency", acronym="NPA")
    _member(reporter, police, Membership.Role.REPORTER)
    cso_member = _account("cso@plantrack.local", "Жишээ ТББ-ын гишүүн")
    _member(cso_member, organisations[DEMO_CSO], Membership.Role.ADMIN)
    assessor = _account("assessor@plantrack.local", "Жишээ үнэлгээчин", groups=(ASSESSORS,))
    moderator = _account("moderator@plantrack.local", "Жишээ зохицуулагч", groups=(MODERATORS,))
    citizen = _account("citizen@plantrack.local", "Жишээ иргэн")
    return [
        DemoAccount(_("site administrator"), admin.email, DEMO_PASSWORD),
        DemoAccount(
            _("plan manager (%(plans)s)")
            % {"plans": ", ".join(plan.short_title for plan in manager.managed_plans.all())},
            manager.email,
            DEMO_PASSWORD,
        ),
        DemoAccount(
            _("agency reporter (%(organisation)s)") % {"organisation": police.name},
            reporter.email,
            DEMO_PASSWORD,
        ),
        DemoAccount(
            _("CSO member (%(organisation)s)") % {"organisation": organisations[DEMO_CSO].name},
            cso_member.email,
            DEMO_PASSWORD,
        ),
        DemoAccount(_("assessor"), assessor.email, DEMO_PASSWORD),
        DemoAccount(_("moderator"), moderator.email, DEMO_PASSWORD),
        DemoAccount(_("citizen"), citizen.email, DEMO_PASSWORD),
    ]


def apply_mongolian(results: list[ImportResult]) -> None:
    """The seeds' Mongolian texts (``seeds/*.mn.json``: unofficial working translations of the
    item titles, the plans' Mongolian issuers and descriptions) and the public bodies' Mongolian
    names and acronyms (``organisations/data/public_bodies.json``)."""
    for name, result in zip(PLAN_SEEDS, results, strict=True):
        seed_translations_apply(plan=result.plan, seed=name)
    public_bodies_apply()


def build_demo() -> tuple[list[ImportResult], list[DemoAccount]]:
    results = import_seed_plans()
    for index, result in enumerate(results):
        if result.plan.slug == "vision-2050-goal-7":
            assign_vision_leads(result.plan)
        generate_statuses(result.plan, seed=2050 + index)
    accounts = demo_accounts()
    apply_mongolian(results)
    return results, accounts


def build_living_plans() -> list[LivingPlanSummary]:
    """Several quarters of reports on the plans that have reporting agencies (issue 11)."""
    from plantrack.notices.models import Notice

    manager = User.objects.get(email="manager@plantrack.local")
    built = [
        build_living_plan(plan, manager=manager, seed=2050 + index)
        for index, plan in enumerate(Plan.objects.filter(slug__in=LIVING_PLANS).order_by("pk"))
        if not plan.reporting_periods.exists()  # once: running the demo again adds nothing
    ]
    # The demo's history of reports makes hundreds of notices; they stay on the site, but
    # no email goes out for them (the worker finds them already sent and skips them).
    Notice.objects.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    return built


ASSESSMENT_SEEDS = ("003_8a0f78df4ed7b134.txt", "004_a753d303f7349415.txt")


def build_assessments() -> DemoRounds:
    """The Mongolia 2022 round (official), a civil-society shadow round on the same
    framework and the National Police Agency's self-assessment on the security-sector
    framework: the seed documents read through ``read_assessment`` like any upload."""
    from plantrack.assessments.demo import assessments_demo
    from plantrack.assessments.importers.reader import read_assessment

    scorecard, principles = ASSESSMENT_SEEDS
    official = read_assessment(SEED_DIR / scorecard, name=scorecard, hints={"official": True})
    framework = read_assessment(SEED_DIR / principles, name=principles)
    agency = organisation_get_or_create(name="National Police Agency", acronym="NPA")
    return assessments_demo(official=official, self_assessment=framework, agency=agency)


def build_survey() -> Any:
    """The citizens' digital needs survey on the DICE roadmap (issue 13)."""
    from plantrack.surveys.demo import survey_demo

    return survey_demo(by=User.objects.get(email="manager@plantrack.local"))
