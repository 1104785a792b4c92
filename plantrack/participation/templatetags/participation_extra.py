"""The includes other pages pull in with one line: a consultation's statistics and report
links, a follow button (consultation, plan, item) and an input's moderation links."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.context import Context

from plantrack.lib.rules import has, signed_in

from ..follows import is_following
from ..models import Consultation
from ..statistics import consultation_stats

register = template.Library()


@register.inclusion_tag("participation/report/_stats.html", takes_context=True)
def consultation_statistics(context: Context, consultation: Consultation) -> dict[str, Any]:
    """The consultation's response statistics (two queries) with links to its report and
    moderation log."""
    return {"consultation": consultation, "stats": consultation_stats(consultation=consultation)}


@register.inclusion_tag("participation/report/_follow.html", takes_context=True)
def follow_button(context: Context, target: Any) -> dict[str, Any]:
    """Follow or unfollow ``target`` (a consultation, plan or item; one query signed in)."""
    user = context.get("user")
    request = context.get("request")
    kind = target._meta.model_name
    return {
        "target": target,
        "kind": kind,
        "signed_in": signed_in(user),
        "following": is_following(user=user, target=target) if signed_in(user) else False,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("participation/moderation/_input_links.html", takes_context=True)
def input_moderation(context: Context, input: Any) -> dict[str, Any]:
    """Flag (signed in), hide or restore (the consultation's moderators) one input."""
    user = context.get("user")
    consultation = input.consultation
    return {
        "input": input,
        "consultation": consultation,
        "signed_in": signed_in(user),
        "may_moderate": signed_in(user) and has(user, "participation.moderate", consultation),
    }
