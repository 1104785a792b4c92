"""Who is told about a progress update's transitions, and what they are told (issue 11,
work queues and notices).

- submitted → the plan's managers, except the author (a plan without managers: the site
  administrators, so that no report waits unseen);
- approved / returned → the author; when the author's account is gone, the reporters of
  the organisation the update was sent for.

Nobody is told about their own action. Each person gets one in-site notice per transition
(the key names the update, the action and its time) and one email in their own language,
sent by the tasks worker after the transaction commits (``plantrack.notices``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from plantrack.accounts.models import User
from plantrack.accounts.permissions import PLAN_MANAGERS
from plantrack.notices.kinds import Text, bilingual, notice_kind
from plantrack.notices.services import notices_send
from plantrack.organisations.models import Membership

from .models import ProgressUpdate, ReportingPeriod
from .periods import period_label

ACTIONS = ("submitted", "approved", "returned")


def progress_notify(*, update: ProgressUpdate, action: str, by: Any) -> None:
    """``action``: "submitted", "approved" or "returned". Called by the progress services
    inside their transaction, after the transition is saved."""
    if action not in ACTIONS:
        raise ValueError(f"unknown progress action {action!r}")
    exclude = {getattr(by, "pk", None)}
    if action == "submitted":
        exclude.add(update.author_id)
        recipients = [u for u in _managers(update) if u.pk not in exclude]
    else:
        recipients = [u for u in _reporters(update) if u.pk not in exclude]
    notices_send(
        recipients=recipients,
        kind=f"progress.{action}",
        subject=update,
        params=_params(update, action, by),
        url=_url(update, action),
        key=f"progress.update:{update.pk}:{action}:{_moment(update, action)}",
    )


def _managers(update: ProgressUpdate) -> list[User]:
    plan = update.item.plan
    people = User.objects.filter(is_active=True, deleted_at__isnull=True)
    managers = list(people.filter(managed_plans=plan, groups__name=PLAN_MANAGERS).distinct())
    return managers or list(people.filter(is_superuser=True))


def _reporters(update: ProgressUpdate) -> list[User]:
    author = update.author
    if author is not None and author.is_active and author.deleted_at is None:
        return [author]
    if update.organisation_id is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            deleted_at__isnull=True,
            memberships__organisation_id=update.organisation_id,
            memberships__state=Membership.State.ACTIVE,
            memberships__role__in=[Membership.Role.REPORTER, Membership.Role.ADMIN],
        ).distinct()
    )


def _moment(update: ProgressUpdate, action: str) -> str:
    """When this transition happened, which tells one submission (or review) of an update
    from the next; a repeated call for the same transition gives the same key."""
    moment = (
        (update.submitted_at or update.created_at)
        if action == "submitted"
        else (update.reviewed_at or update.submitted_at or update.created_at)
    )
    if moment is None:
        return f"v{update.version}"
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%f")


def _params(update: ProgressUpdate, action: str, by: Any) -> dict[str, Any]:
    item, period, organisation = update.item, update.period, update.organisation
    plan = item.plan
    params: dict[str, Any] = {
        "code": item.code,
        "item_en": item.title_en,
        "item_mn": item.title_mn,
        "plan_en": plan.short_title_en or plan.title_en or plan.short_name,
        "plan_mn": plan.short_title_mn or plan.title_mn,
        "by": by.public_name if by is not None else "",
        "organisation_en": organisation.name_en if organisation else "",
        "organisation_mn": organisation.name_mn if organisation else "",
    }
    if period is not None:
        params["period_starts_on"] = period.starts_on.isoformat()
        params["period_ends_on"] = period.ends_on.isoformat()
    if action == "returned":
        params["note"] = update.review_note
    return params


def _url(update: ProgressUpdate, action: str) -> str:
    item = update.item
    if action == "returned":
        # Straight to the form that corrects it, on the update's period.
        url = reverse("progress:report", args=[item.plan.slug, item.code])
        return f"{url}?period={update.period_id}" if update.period_id else url
    if action == "submitted":
        # The item page carries the review form of each waiting update.
        return reverse("plans:item", args=[item.plan.slug, item.code]) + f"#pending-{update.pk}"
    return reverse("progress:update", args=[item.plan.slug, update.pk])


# The texts, written in the reader's language when shown ---------------------------------


def _words(params: dict[str, Any]) -> dict[str, str]:
    period = ""
    if params.get("period_starts_on") and params.get("period_ends_on"):
        period = period_label(
            ReportingPeriod(
                starts_on=dt.date.fromisoformat(params["period_starts_on"]),
                ends_on=dt.date.fromisoformat(params["period_ends_on"]),
            )
        )
    organisation = bilingual(params, "organisation")
    by = params.get("by") or _("someone")
    return {
        "code": params.get("code", ""),
        "item": bilingual(params, "item"),
        "plan": bilingual(params, "plan"),
        "period": period,
        "who": f"{by} ({organisation})" if organisation else by,
        "by": by,
        "note": params.get("note", ""),
    }


@notice_kind("progress.submitted")
def _submitted(params: dict[str, Any]) -> Text:
    words = _words(params)
    title = _("Report to review: %(code)s") % words
    if words["period"]:
        body = _(
            "%(who)s sent a progress report on %(code)s “%(item)s” (%(plan)s) for %(period)s. "
            "It waits for a plan manager to approve or return it."
        )
    else:
        body = _(
            "%(who)s sent a progress report on %(code)s “%(item)s” (%(plan)s). "
            "It waits for a plan manager to approve or return it."
        )
    return Text(title=title, body=body % words)


@notice_kind("progress.approved")
def _approved(params: dict[str, Any]) -> Text:
    words = _words(params)
    title = _("Report approved: %(code)s") % words
    if words["period"]:
        body = _(
            "%(by)s approved the progress report on %(code)s “%(item)s” (%(plan)s) for "
            "%(period)s. It is public now, and its figures count in the plan's progress."
        )
    else:
        body = _(
            "%(by)s approved the progress report on %(code)s “%(item)s” (%(plan)s). "
            "It is public now, and its figures count in the plan's progress."
        )
    return Text(title=title, body=body % words)


@notice_kind("progress.returned")
def _returned(params: dict[str, Any]) -> Text:
    words = _words(params)
    title = _("Report returned: %(code)s") % words
    if words["period"]:
        body = _(
            "%(by)s returned the progress report on %(code)s “%(item)s” (%(plan)s) for "
            "%(period)s with this note:\n\n%(note)s\n\nCorrect the report and send it again."
        )
    else:
        body = _(
            "%(by)s returned the progress report on %(code)s “%(item)s” (%(plan)s) with this "
            "note:\n\n%(note)s\n\nCorrect the report and send it again."
        )
    return Text(title=title, body=body % words)
