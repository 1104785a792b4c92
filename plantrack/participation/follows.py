"""Following a consultation, a plan or an item, and the notices followers get when a
consultation opens and when it closes.

A follow is a person's own setting, like a notice: it writes no history event. The
notices are sent by ``consultations_notify_phases`` (the ``consultations_notify`` command,
run every few minutes by cron or a systemd timer, like ``history schedule``'s night run): it
looks at the consultations that opened or closed in the last ``LOOKBACK`` and sends each
follower one notice per transition. The notice key names the consultation, the transition
and its time, so running it again (or twice at once) sends nothing new; a consultation
whose dates are moved notifies again at its new time.

Who follows a consultation: those following it, its plan, or an item its draft was taken
from (the items of its paragraphs and chapters, and its source item)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plantrack.accounts.models import User
from plantrack.lib.rules import has, rule, signed_in
from plantrack.notices.kinds import Text, bilingual, notice_kind
from plantrack.notices.services import notices_send
from plantrack.plans.models import Item, Plan
from plantrack.plans.permissions import can_view_plan

from .models import Consultation, Follow, Paragraph, Section

LOOKBACK = dt.timedelta(days=7)
Target = Consultation | Plan | Item


@rule("participation.follow")
def can_follow(user: Any, obj: Any = None) -> bool:
    return signed_in(user)


def _plan_of(target: Target) -> Plan | None:
    if isinstance(target, Plan):
        return target
    return target.plan


def _field(target: Target) -> str:
    if isinstance(target, Consultation):
        return "consultation"
    if isinstance(target, Plan):
        return "plan"
    if isinstance(target, Item):
        return "item"
    raise ValidationError(_("Only a consultation, a plan or an item can be followed."))


def is_following(*, user: Any, target: Target) -> bool:
    if not signed_in(user):
        return False
    return Follow.objects.filter(user_id=user.pk, **{_field(target): target}).exists()


def follow_set(*, user: User, target: Target, following: bool) -> bool:
    """Start or stop following ``target``; the state afterwards. Following something one
    may not see (a draft plan's) is refused as if it did not exist."""
    field = _field(target)
    if not has(user, "participation.follow"):
        raise PermissionDenied("participation.follow")
    plan = _plan_of(target)
    if plan is not None and not can_view_plan(user, plan):
        raise PermissionDenied("participation.follow")
    mine = Follow.objects.filter(user=user, **{field: target})
    if not following:
        mine.delete()
        return False
    if not mine.exists():
        try:
            with transaction.atomic():
                Follow.objects.create(user=user, **{field: target})
        except IntegrityError:
            pass  # a second click at the same moment followed it already
    return True


def followers(consultation: Consultation) -> list[User]:
    """Everyone following ``consultation``, its plan or an item of its draft (two queries)."""
    items = set(
        Paragraph.objects.filter(consultation=consultation, item__isnull=False).values_list(
            "item_id", flat=True
        )
    ) | set(
        Section.objects.filter(consultation=consultation, item__isnull=False).values_list(
            "item_id", flat=True
        )
    )
    if consultation.source_item_id:
        items.add(consultation.source_item_id)
    who = Q(participation_follows__consultation=consultation)
    if consultation.plan_id:
        who |= Q(participation_follows__plan_id=consultation.plan_id)
    if items:
        who |= Q(participation_follows__item_id__in=items)
    return list(User.objects.filter(who, is_active=True, deleted_at__isnull=True).distinct())


@dataclass
class Sent:
    opened: int = 0
    closed: int = 0


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")


def _params(consultation: Consultation) -> dict[str, Any]:
    return {
        "title_en": consultation.title_en,
        "title_mn": consultation.title_mn,
        "closes_at": consultation.closes_at.isoformat(),
        "answers_due": consultation.answers_due.isoformat(),
    }


def _send(consultation: Consultation, transition: str, moment: dt.datetime) -> int:
    url = reverse("participation:consultation", args=[consultation.slug])
    return len(
        notices_send(
            recipients=followers(consultation),
            kind=f"participation.{transition}",
            subject=consultation,
            params=_params(consultation),
            url=url,
            key=f"participation.consultation:{consultation.pk}:{transition}:{_moment(moment)}",
        )
    )


@transaction.atomic
def consultations_notify_phases(*, now: dt.datetime | None = None) -> Sent:
    """Tell followers about the consultations that opened or closed since ``LOOKBACK``
    ago (and not later than ``now``). Idempotent: a second run sends nothing."""
    now = now or timezone.now()
    since = now - LOOKBACK
    sent = Sent()
    consultations = Consultation.objects.select_related("plan")
    for consultation in consultations.filter(opens_at__gt=since, opens_at__lte=now):
        if consultation.plan is not None and consultation.plan.published_at is None:
            continue  # a draft plan's consultation is not public
        if consultation.closes_at > now:
            sent.opened += _send(consultation, "opened", consultation.opens_at)
    for consultation in consultations.filter(closes_at__gt=since, closes_at__lte=now):
        if consultation.plan is not None and consultation.plan.published_at is None:
            continue
        sent.closed += _send(consultation, "closed", consultation.closes_at)
    return sent


def _words(params: dict[str, Any]) -> dict[str, str]:
    words = {"title": bilingual(params, "title"), "closes": "", "due": ""}
    if params.get("closes_at"):
        words["closes"] = date_format(
            timezone.localtime(dt.datetime.fromisoformat(params["closes_at"]))
        )
    if params.get("answers_due"):
        words["due"] = date_format(dt.date.fromisoformat(params["answers_due"]))
    return words


@notice_kind("participation.opened")
def _opened(params: dict[str, Any]) -> Text:
    words = _words(params)
    return Text(
        title=_("Consultation open: %(title)s") % words,
        body=_(
            "The consultation “%(title)s”, which you follow, is open for comments and "
            "proposals until %(closes)s."
        )
        % words,
    )


@notice_kind("participation.closed")
def _closed(params: dict[str, Any]) -> Text:
    words = _words(params)
    return Text(
        title=_("Consultation closed: %(title)s") % words,
        body=_(
            "The consultation “%(title)s”, which you follow, has closed. Official answers to "
            "every input are promised by %(due)s."
        )
        % words,
    )
