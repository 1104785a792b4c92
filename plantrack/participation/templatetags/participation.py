"""The item page's include: the inputs whose official response changed this item."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import inputs_that_changed

register = template.Library()


@register.inclusion_tag("participation/_item_inputs.html")
def item_inputs(item: Any) -> dict[str, Any]:
    """One query, whatever the number of inputs (at most ``ITEM_INPUTS_LIMIT`` shown)."""
    return {"inputs": inputs_that_changed(item), "item": item}
