"""Template helpers of the assessment pages, and the include on a plan item's page."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.context import Context

from plantrack.lib.rules import signed_in

from ..models import Change
from ..permissions import is_assessor
from ..selectors import item_links

register = template.Library()


@register.filter
def change_label(value: str) -> str:
    try:
        return str(Change(value).label)
    except ValueError:
        return ""


@register.inclusion_tag("assessments/_item_links.html", takes_context=True)
def item_assessment_links(context: Context, item: Any) -> dict[str, Any]:
    """The assessment indicators linked to a plan item (one query), and whether the reader
    may link more (the plan's managers, known to the page; assessors for a published plan)."""
    user = context.get("user")
    plan = context.get("plan")
    can_link = bool(context.get("can_manage")) or (
        signed_in(user) and is_assessor(user) and plan is not None and plan.published_at is not None
    )
    return {"links": item_links(item), "item": item, "plan": plan, "can_link": can_link}


@register.filter
def get_links(links: dict[int, list[Any]], pk: int) -> list[Any]:
    return links.get(pk, [])


@register.filter
def page_of(position: int) -> int:
    """The page of a framework or round page that shows the indicator at ``position``."""
    from ..selectors import PER_PAGE

    return int(position) // PER_PAGE + 1
