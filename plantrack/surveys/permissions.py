"""Who may do what with surveys.

- anyone reads open and closed surveys and their results (free text only once shown);
- anyone with an account answers an open survey, once; visitors too when the survey
  allows anonymous answers (once per browser, a rate limit per address);
- a survey about a plan is managed by that plan's managers; one about no plan by site
  administrators; managers create, edit, open and close it, moderate its free text and
  export its responses. Plan managers (the role) may create surveys for plans they manage.

A draft survey is a 404 for anyone but its managers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from plantrack.accounts.permissions import PLAN_MANAGERS, in_group, is_site_admin
from plantrack.lib.rules import has, rule, signed_in
from plantrack.plans.permissions import managed_plans

from .models import Survey


@rule("surveys.create")
def can_create(user: Any, obj: Any = None) -> bool:
    """Open the new-survey form: plan managers and site administrators (the service checks
    the plan chosen)."""
    return signed_in(user) and in_group(user, PLAN_MANAGERS)


@rule("surveys.manage")
def can_manage(user: Any, survey: Survey | None = None) -> bool:
    if survey is None or not signed_in(user):
        return False
    if is_site_admin(user):
        return True
    if survey.plan_id is None:
        return False
    return has(user, "plans.change_plan", survey.plan)


@rule("surveys.view")
def can_view(user: Any, survey: Survey | None = None) -> bool:
    if survey is None:
        return False
    return survey.state != Survey.State.DRAFT or can_manage(user, survey)


def visible_surveys(user: Any = None) -> QuerySet[Survey]:
    surveys = Survey.objects.all()
    if is_site_admin(user):
        return surveys
    shown = ~Q(state=Survey.State.DRAFT)
    if signed_in(user) and in_group(user, PLAN_MANAGERS):
        shown |= Q(plan__in=managed_plans(user))
    return surveys.filter(shown)


def get_survey_for_user(user: Any, slug: str, *, manage: bool = False) -> Survey:
    """A survey ``user`` may see (a 404 otherwise); with ``manage`` one they manage."""
    survey = Survey.objects.select_related("plan").filter(slug=slug).first()
    if survey is None or not can_view(user, survey):
        raise Http404("No such survey.")
    if manage and not can_manage(user, survey):
        raise Http404("No such survey.")
    return survey
