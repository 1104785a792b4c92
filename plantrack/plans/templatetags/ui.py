"""Small template helpers for the shared layout and the progress display."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.forms import BoundField
from django.template.context import Context
from django.urls import translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from plantrack.lib.bilingual import picked_language
from plantrack.plans.models import Item, Plan, Status
from plantrack.plans.render import Renderer, progress_html
from plantrack.plans.selectors import PlanTree

register = template.Library()

# Each language is named in itself, so a reader finds their own language whatever the UI shows.
_NATIVE_NAMES = {"mn": "Монгол", "en": "English"}


@register.simple_tag
def language_name(code: str) -> str:
    return _NATIVE_NAMES.get(code, code)


@register.simple_tag(takes_context=True)
def language_url(context: Context, code: str) -> str:
    request = context["request"]
    url = translate_url(request.path, code)
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


@register.filter
def lang_of(obj: object, name: str) -> str:
    """The language of the text ``pick`` shows for ``<name>_mn``/``<name>_en``, for ``lang``."""
    return picked_language(obj, name)


@register.filter
def status_label(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


@register.simple_tag
def status_summary(counts: dict[str, int] | None) -> list[tuple[str, str, int]]:
    """(status, label, count) for the statuses present, in the workflow's order."""
    counts = counts or {}
    return [(s.value, str(s.label), counts[s.value]) for s in Status if counts.get(s.value)]


@register.filter
def completed_count(counts: dict[str, int] | None) -> int:
    return (counts or {}).get(Status.COMPLETED, 0)


@register.simple_tag
def progress_text(value: float | None) -> str:
    if value is None:
        return _("no progress reported")
    return f"{round(value)} %"


@register.simple_tag
def progress_bar(value: float | None, status: str | None = None) -> str:
    """The progress bar of includes/progress.html: the same markup as the plan tree's."""
    label = status_label(status) if status else None
    return mark_safe(progress_html(value, status or None, label, _("no progress reported")))


@register.simple_tag
def widget(field: BoundField) -> str:
    """Render a form widget tied to its help text and errors for screen readers."""
    described = []
    attrs: dict[str, str | bool] = {}
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def plan_tree(tree: PlanTree, labelled_by: str, expand: bool = False) -> str:
    return Renderer(tree.plan, expand=expand).tree(tree, labelled_by)


@register.simple_tag
def activity_list(plan: Plan, items: Iterable[Item], overdue: dict[int, str] | None = None) -> str:
    return Renderer(plan, overdue=overdue).activities(list(items))
