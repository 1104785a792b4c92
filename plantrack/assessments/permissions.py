"""Who may do what with frameworks and rounds. Views and services ask these; none decides alone.

- visitors and citizens read frameworks and published rounds;
- assessors (the "Assessors" group) create and edit frameworks, import, draft rounds, rate,
  submit and correct;
- members of a verified civil-society organisation draft shadow rounds for it;
- a round's team is its creator, the active members of its assessing organisation who may
  draft for it, and every assessor when it names no organisation; a civil-society member
  who is not an assessor acts (rates, submits, publishes, corrects) on shadow rounds only;
- a round is published by a second person of its team (never the one who submitted it, nor
  one who rated it all alone) or a plan manager (the subject plan's managers when the
  subject is a plan);
- site administrators may do everything.

Drafts and submitted rounds are seen by assessors, plan managers, the round's team and site
administrators; a 404 for anyone else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from plantrack.accounts.permissions import ASSESSORS, PLAN_MANAGERS, in_group, is_site_admin
from plantrack.lib.rules import has, rule, signed_in
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.models import Item

from .models import Framework, Round


def is_assessor(user: Any) -> bool:
    return signed_in(user) and in_group(user, ASSESSORS)


def active_organisation_ids(user: Any) -> set[int]:
    """The organisations ``user`` is an active member of (read once per request)."""
    if not signed_in(user):
        return set()
    cached = getattr(user, "_plantrack_assessment_orgs", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(
                user=user, state=Membership.State.ACTIVE, organisation__retired_at__isnull=True
            ).values_list("organisation_id", flat=True)
        )
        user._plantrack_assessment_orgs = cached
    return cached


def may_assess_for(user: Any, organisation: Organisation | None) -> bool:
    """Whether ``user`` may draft rounds in the name of ``organisation`` (None: no
    organisation, only a body's name): assessors for none or for an organisation they
    belong to (site administrators for any); members of a verified civil-society
    organisation for it (shadow rounds only, checked by the service)."""
    if not signed_in(user):
        return False
    if is_site_admin(user):
        return True
    if organisation is None:
        return is_assessor(user)
    if organisation.pk not in active_organisation_ids(user) or organisation.retired_at is not None:
        return False
    return is_assessor(user) or (
        organisation.kind == Organisation.Kind.CSO and not organisation.needs_verification
    )


def shadow_only(user: Any, organisation: Organisation | None) -> bool:
    """A civil-society member who is not an assessor drafts shadow rounds only."""
    return not is_assessor(user) and organisation is not None


def on_team(user: Any, round: Round) -> bool:
    if not signed_in(user):
        return False
    if is_site_admin(user) or (round.created_by_id is not None and round.created_by_id == user.pk):
        return True
    if round.assessing_organisation_id is None:
        return is_assessor(user)
    return may_assess_for(user, round.assessing_organisation)


def acts_for(user: Any, round: Round) -> bool:
    """On the round's team and allowed its kind: a civil-society member who is not an
    assessor acts on shadow rounds only (as they draft shadow rounds only), though they
    may see their organisation's official drafts."""
    if not on_team(user, round):
        return False
    return not (round.official and shadow_only(user, round.assessing_organisation)) or (
        is_site_admin(user)
    )


def is_plan_manager_for(user: Any, round: Round) -> bool:
    """A plan manager may publish: the subject plan's managers when the subject is a plan,
    any plan manager otherwise."""
    if not signed_in(user):
        return False
    if round.subject_plan_id is not None:
        return has(user, "plans.change_plan", round.subject_plan)
    return in_group(user, PLAN_MANAGERS)


@rule("assessments.assess")
def can_assess(user: Any, obj: Any = None) -> bool:
    """Create and edit frameworks, import assessments."""
    return is_assessor(user)


@rule("assessments.draft_round")
def can_draft_round(user: Any, obj: Any = None) -> bool:
    """Open the form for a new round: assessors, and members of organisations they may
    assess for (the service checks the organisation chosen)."""
    if is_assessor(user):
        return True
    return bool(draftable_organisations(user))


@rule("assessments.change_framework")
def can_change_framework(user: Any, framework: Framework | None = None) -> bool:
    return is_assessor(user)


@rule("assessments.edit_round")
def can_edit_round(user: Any, round: Round | None = None) -> bool:
    """Rate and submit: a draft, by its team."""
    return round is not None and round.state == Round.State.DRAFT and acts_for(user, round)


@rule("assessments.publish_round")
def can_publish_round(user: Any, round: Round | None = None) -> bool:
    """A submitted round, by its team or a plan manager; the service adds the four-eyes rule."""
    if round is None or round.state != Round.State.SUBMITTED:
        return False
    return acts_for(user, round) or is_plan_manager_for(user, round)


@rule("assessments.return_round")
def can_return_round(user: Any, round: Round | None = None) -> bool:
    return can_publish_round(user, round)


@rule("assessments.correct_round")
def can_correct_round(user: Any, round: Round | None = None) -> bool:
    return round is not None and round.state == Round.State.PUBLISHED and acts_for(user, round)


@rule("assessments.view_round")
def can_view_round(user: Any, round: Round | None = None) -> bool:
    if round is None:
        return False
    if round.state == Round.State.PUBLISHED:
        return True
    if not signed_in(user):
        return False
    return (
        is_assessor(user)
        or in_group(user, PLAN_MANAGERS)
        or on_team(user, round)
        or is_plan_manager_for(user, round)
    )


@rule("assessments.link")
def can_link(user: Any, item: Item | None = None) -> bool:
    """Link an assessment indicator to a plan item: the plan's managers, or assessors for a
    published plan."""
    if item is None or not signed_in(user):
        return False
    if has(user, "plans.change_plan", item.plan):
        return True
    return is_assessor(user) and item.plan.published_at is not None


def draftable_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations ``user`` may draft rounds for."""
    if is_site_admin(user):
        return Organisation.objects.filter(retired_at__isnull=True)
    ids = active_organisation_ids(user)
    if not ids:
        return Organisation.objects.none()
    mine = Organisation.objects.filter(pk__in=ids, retired_at__isnull=True)
    if is_assessor(user):
        return mine
    trusted = Q(self_registered=False, created_by_import=False) | Q(verified_at__isnull=False)
    return mine.filter(trusted, kind=Organisation.Kind.CSO)


def visible_rounds(user: Any = None) -> QuerySet[Round]:
    """The rounds ``user`` may see: every published round, and the drafts their role shows."""
    rounds = Round.objects.all()
    if signed_in(user) and (
        is_site_admin(user) or is_assessor(user) or in_group(user, PLAN_MANAGERS)
    ):
        return rounds
    published = Q(state=Round.State.PUBLISHED)
    if not signed_in(user):
        return rounds.filter(published)
    mine = Q(created_by=user)
    orgs = active_organisation_ids(user)
    if orgs:
        # The organisations they may draft for (``may_assess_for``): verified civil-society
        # ones, as the round's page shows its drafts to those only (``can_view_round``).
        trusted = Q(
            assessing_organisation__self_registered=False,
            assessing_organisation__created_by_import=False,
        ) | Q(assessing_organisation__verified_at__isnull=False)
        mine |= (
            Q(
                assessing_organisation_id__in=orgs,
                assessing_organisation__kind=Organisation.Kind.CSO,
                assessing_organisation__retired_at__isnull=True,
            )
            & trusted
        )
    return rounds.filter(published | mine)


def get_round_for_user(user: Any, pk: int, *, rule_name: str = "") -> Round:
    """A round ``user`` may see (a 404 otherwise, as for one that does not exist); with
    ``rule_name`` also one they may act on (a 404 too: the action's page is not there)."""
    round = (
        Round.objects.select_related(
            "version__framework",
            "assessing_organisation",
            "subject_organisation",
            "subject_plan",
            "supersedes",
        )
        .filter(pk=pk)
        .first()
    )
    if round is None or not has(user, "assessments.view_round", round):
        raise Http404("No such assessment round.")
    if rule_name and not has(user, rule_name, round):
        raise Http404("No such assessment round to change.")
    return round


def get_framework(slug: str) -> Framework:
    framework = Framework.objects.filter(slug=slug).first()
    if framework is None:
        raise Http404("No such framework.")
    return framework
