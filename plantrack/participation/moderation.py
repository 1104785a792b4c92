"""Transparent moderation: anyone signed in flags an input with a reason; a moderator hides
it with a published reason (it stays on the page as a placeholder that says why, never
deleted) or restores it; moderators block an account from taking part and lift the block.

Who moderates: the "Moderators" group and site administrators everywhere, and a plan's
managers on the consultations of their plan. Blocking is site-wide, so it is for the
moderators and site administrators only. Every write is one transaction with one history
event; hides and restores are public (the consultation's moderation log), flags and blocks
are not (they name the person who flagged or was blocked)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts import work
from plantrack.accounts.models import User
from plantrack.accounts.permissions import (
    MODERATORS,
    PLAN_MANAGERS,
    group_names,
    in_group,
    is_site_admin,
)
from plantrack.history.models import Action
from plantrack.history.services import record
from plantrack.lib.rules import has, rule, signed_in

from .models import Block, Consultation, Flag, Input, ModerationAction
from .permissions import can_view_consultation
from .services import rate_take

REASON_LENGTH = 300


# -- Who --------------------------------------------------------------------------------


def is_moderator(user: Any) -> bool:
    """The "Moderators" group or a site administrator: moderates every consultation."""
    return signed_in(user) and in_group(user, MODERATORS)


def _manages(user: Any, consultation: Consultation) -> bool:
    if consultation.plan_id is None or not in_group(user, PLAN_MANAGERS):
        return False
    return consultation.plan.managers.filter(pk=user.pk).exists()  # type: ignore[union-attr]


@rule("participation.moderate")
def can_moderate(user: Any, consultation: Consultation | None = None) -> bool:
    """Hide and restore inputs of ``consultation``; without one: open the moderation queue
    (moderators, site administrators, plan managers — who see their plans' flags only)."""
    if not signed_in(user):
        return False
    if is_moderator(user):
        return True
    if consultation is None:
        return in_group(user, PLAN_MANAGERS)
    return _manages(user, consultation)


@rule("participation.block")
def can_block(user: Any, obj: Any = None) -> bool:
    return is_moderator(user)


@rule("participation.flag")
def can_flag(user: Any, obj: Any = None) -> bool:
    return signed_in(user)


def participation_blocked(user: Any) -> bool:
    """True while ``user`` has a block not lifted: they may not post inputs, supports or
    flags. The participation services call this before every such write."""
    if not signed_in(user):
        return False
    return Block.objects.filter(user_id=user.pk, lifted_at__isnull=True).exists()


def _refuse_blocked(user: Any) -> None:
    if participation_blocked(user):
        raise PermissionDenied(_("Your account is blocked from taking part in consultations."))


# -- Flags ------------------------------------------------------------------------------


@transaction.atomic
def flag_create(*, input: Input, reason: str, text: str = "", by: User, address: str = "") -> Flag:
    """``by`` flags ``input`` for a moderator to look at. One open flag per person and input
    (a second one is refused with a message); rate-limited per account and address."""
    if not has(by, "participation.flag"):
        raise PermissionDenied("participation.flag")
    if not can_view_consultation(by, input.consultation):
        raise PermissionDenied("participation.flag")  # a draft plan's, not shown to them
    _refuse_blocked(by)
    text = text.strip()
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    if reason == Flag.Reason.OTHER and not text:
        raise ValidationError({"text": _("Say what is wrong with this input.")})
    if input.is_hidden:
        raise ValidationError(_("A moderator has already removed this input."))
    if Flag.objects.filter(input=input, user=by, resolved_at__isnull=True).exists():
        raise ValidationError(
            _("You have already flagged this input; a moderator will look at it.")
        )
    # The caps are settings.PLANTRACK_RATE_LIMITS["participation.flag"].
    rate_take("flag", user=by, ip=address)
    flag = Flag(input=input, user=by, reason=reason, text=text)
    flag.full_clean()
    flag.save()
    consultation = input.consultation
    record(
        flag,
        Action.ADDED,
        by=by,
        label=_input_label(input),
        plan_id=consultation.plan_id,
        changes={"input": input.pk, "reason": reason},
        public=False,
    )
    return flag


def _input_label(input: Input) -> str:
    return f"{input.consultation.slug} #{input.pk}"


# -- Hide and restore -------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason; it is published with the input.")})
    if len(reason) > REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)s characters.") % {"n": REASON_LENGTH}}
        )
    return reason


def _lock(input: Input) -> Input:
    return (
        Input.objects.select_for_update(of=("self",))
        .select_related("consultation__plan")
        .get(pk=input.pk)
    )


@transaction.atomic
def input_hide(*, input: Input, reason: str, by: User) -> ModerationAction:
    """Hide ``input`` from the public with a published ``reason``; its place on the page
    keeps a placeholder with that reason. The open flags on it are resolved."""
    reason = _clean_reason(reason)
    current = _lock(input)
    if not has(by, "participation.moderate", current.consultation):
        raise PermissionDenied("participation.moderate")
    if current.is_hidden:
        raise ValidationError(_("This input is already hidden."))
    now = timezone.now()
    Input.objects.filter(pk=current.pk).update(hidden_at=now, hidden_reason=reason, hidden_by=by)
    Flag.objects.filter(input=current, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=by
    )
    action = ModerationAction.objects.create(
        input=current, action=ModerationAction.Action.HIDE, reason=reason, moderator=by
    )
    record(
        current,
        Action.RETIRED,
        by=by,
        label=_input_label(current),
        plan_id=current.consultation.plan_id,
        changes={"hidden": [False, True]},
        reason=reason,
    )
    input.hidden_at, input.hidden_reason, input.hidden_by = now, reason, by
    return action


@transaction.atomic
def input_restore(*, input: Input, reason: str, by: User) -> ModerationAction:
    """Show a hidden ``input`` again, with a published ``reason``."""
    reason = _clean_reason(reason)
    current = _lock(input)
    if not has(by, "participation.moderate", current.consultation):
        raise PermissionDenied("participation.moderate")
    if not current.is_hidden:
        raise ValidationError(_("This input is not hidden."))
    Input.objects.filter(pk=current.pk).update(hidden_at=None, hidden_reason="", hidden_by=None)
    action = ModerationAction.objects.create(
        input=current, action=ModerationAction.Action.RESTORE, reason=reason, moderator=by
    )
    record(
        current,
        Action.RESTORED,
        by=by,
        label=_input_label(current),
        plan_id=current.consultation.plan_id,
        changes={"hidden": [True, False]},
        reason=reason,
    )
    input.hidden_at, input.hidden_reason, input.hidden_by = None, "", None
    return action


@transaction.atomic
def flags_dismiss(*, input: Input, by: User) -> int:
    """Close the open flags on ``input`` without hiding it (nothing wrong found)."""
    if not has(by, "participation.moderate", input.consultation):
        raise PermissionDenied("participation.moderate")
    open_flags = Flag.objects.select_for_update().filter(input=input, resolved_at__isnull=True)
    count = open_flags.update(resolved_at=timezone.now(), resolved_by=by)
    if count:
        record(
            input,
            Action.CHANGED,
            by=by,
            label=_input_label(input),
            plan_id=input.consultation.plan_id,
            changes={"open_flags": [count, 0]},
            public=False,
        )
    return count


# -- Blocks -----------------------------------------------------------------------------


@transaction.atomic
def user_block(*, user: User, reason: str, by: User) -> Block:
    """Block ``user`` from posting inputs, supports and flags until lifted."""
    if not has(by, "participation.block"):
        raise PermissionDenied("participation.block")
    reason = _clean_reason(reason)
    if user.pk == by.pk:
        raise ValidationError(_("You cannot block yourself."))
    if is_moderator(user) or is_site_admin(user):
        raise ValidationError(_("A moderator or site administrator cannot be blocked here."))
    User.objects.select_for_update().filter(pk=user.pk).first()
    if Block.objects.filter(user=user, lifted_at__isnull=True).exists():
        raise ValidationError(_("This account is already blocked."))
    block = Block.objects.create(user=user, reason=reason, blocked_by=by)
    record(
        block,
        Action.ADDED,
        by=by,
        label=f"block #{block.pk}",
        subject_user_id=user.pk,
        reason=reason,
        public=False,
    )
    return block


@transaction.atomic
def user_unblock(*, user: User, by: User) -> Block:
    """Lift ``user``'s block."""
    if not has(by, "participation.block"):
        raise PermissionDenied("participation.block")
    block = Block.objects.select_for_update().filter(user=user, lifted_at__isnull=True).first()
    if block is None:
        raise ValidationError(_("This account is not blocked."))
    block.lifted_at = timezone.now()
    block.save(update_fields=["lifted_at"])
    record(
        block,
        Action.REMOVED,
        by=by,
        label=f"block #{block.pk}",
        subject_user_id=user.pk,
        public=False,
    )
    return block


# -- Reads ------------------------------------------------------------------------------


@dataclass
class QueueRow:
    consultation: Consultation
    open_flags: int
    oldest: Any


@dataclass
class Queue:
    rows: list[QueueRow]
    flags: list[Flag]  # the open flags, oldest first (at most ``FLAGS_SHOWN``)
    total: int
    blocks: list[Block]


FLAGS_SHOWN = 200


def _moderated(user: Any) -> QuerySet[Consultation]:
    consultations = Consultation.objects.all()
    if is_moderator(user):
        return consultations
    return consultations.filter(plan__managers=user)


def moderation_queue(*, user: Any) -> Queue:
    """Open flags by consultation (oldest first) and the open flags themselves, for the
    consultations ``user`` moderates: three queries, whatever the number of flags."""
    scope = _moderated(user).order_by().values("pk")
    open_flags = Flag.objects.filter(resolved_at__isnull=True, input__consultation__in=scope)
    counts = list(
        Consultation.objects.filter(pk__in=scope)
        .annotate(
            open_flags=Count("inputs__flags", filter=Q(inputs__flags__resolved_at__isnull=True)),
            oldest=Min(
                "inputs__flags__created_at", filter=Q(inputs__flags__resolved_at__isnull=True)
            ),
        )
        .filter(open_flags__gt=0)
        .order_by("oldest", "pk")
    )
    rows = [QueueRow(c, c.open_flags, c.oldest) for c in counts]  # type: ignore[attr-defined]
    flags = list(
        open_flags.select_related("input__consultation", "input__author", "user").order_by(
            "created_at", "pk"
        )[:FLAGS_SHOWN]
    )
    blocks: list[Block] = []
    if is_moderator(user):
        blocks = list(
            Block.objects.filter(lifted_at__isnull=True)
            .select_related("user")
            .order_by("-pk")[:100]
        )
    return Queue(rows=rows, flags=flags, total=sum(row.open_flags for row in rows), blocks=blocks)


def moderation_log(*, consultation: Consultation) -> list[ModerationAction]:
    """The consultation's public moderation log, newest first (one query)."""
    return list(
        ModerationAction.objects.filter(input__consultation=consultation)
        .select_related("input")
        .order_by("-created_at", "-pk")
    )


# The header's work queue and the sign-in landing, for the Moderators group ----------------


@work.register("participation.moderation")
def _moderation_work(user: Any) -> list[work.WorkQueue]:
    # The group only: site administrators and plan managers find the queue from the
    # consultation pages, without one more count on every page they open.
    if MODERATORS not in group_names(user):
        return []
    waiting = Flag.objects.filter(resolved_at__isnull=True).count()
    return [
        work.WorkQueue("moderation", _("Moderation"), reverse("participation:moderation"), waiting)
    ]
