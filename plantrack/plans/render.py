"""HTML for the plan tree and activity rows, written in Python for speed.

The plan page lists hundreds of rows. Through template includes each row cost
about a millisecond (context pushes, one URL reversal per link); built here
with escaped f-strings the whole tree renders in a few milliseconds, which is
what keeps the plan page inside its 50 ms budget. The markup is the same the
templates used: semantic lists, ``<details>`` for sections, text beside every bar.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plantrack.lib.bilingual import OFFICIAL, language_order, pick_in, translation_state

from .models import Item, Plan, Status
from .selectors import Node, PlanTree

_CODE = "__code__"
# Sections down to this depth (the goal and its objectives) open by default on the plan page.
OPEN_DEPTH = 2


def progress_html(
    value: float | None, status: str | None, status_label: str | None, no_progress: str
) -> str:
    """A progress bar with its figure in text; the one markup for templates and the tree.

    With a status (a tracked item's), the bar takes the status's colour (``progress-<status>``
    in site.css) and its text names the status too, so colour is never the only sign."""
    css = f"progress progress-{escape(status)}" if status else "progress"
    said = f'<span class="visually-hidden"> · {escape(status_label)}</span>' if status_label else ""
    if value is None:
        text = f'<span class="progress-text">{escape(no_progress)}{said}</span>'
        return f'<span class="{css}">{text}</span>'
    whole = round(value)
    return (
        f'<span class="{css}"><progress max="100" value="{whole}" aria-hidden="true">'
        f'</progress> <span class="progress-text">{whole} %{said}</span></span>'
    )


class Renderer:
    """Renders rows of one plan; URL patterns and labels are looked up once per page."""

    def __init__(
        self, plan: Plan, expand: bool = False, overdue: dict[int, str] | None = None
    ) -> None:
        self.plan = plan
        # {item id: period label}: rows whose report is late get "Overdue since <period>".
        self.overdue = overdue or {}
        self.overdue_text = _("Overdue since %(period)s")
        # Sections below the objective level, and the activity lists, start closed unless
        # the reader asked for everything (``?expand=all``, no JavaScript needed).
        self.expand = expand
        self.item_url = reverse("plans:item", args=[plan.slug, _CODE])
        self.org_url = reverse("organisations:detail", args=[_CODE])
        self.status_labels = {value: str(label) for value, label in Status.choices}
        self.kind_labels = {value: str(label) for value, label in Item.Kind.choices}
        self.activity_word = _("Activity")
        self.no_progress = _("no progress reported")
        self.order = language_order()
        self.unofficial = _("Unofficial translation")
        self.unofficial_seen = False

    def lang_attr(self, lang: str) -> str:
        """A ``lang`` attribute when the text is not in the page's language."""
        return f' lang="{lang}"' if lang and lang != self.order[0] else ""

    def title(self, item: Item) -> tuple[str, str]:
        """The title's text and language, and a mark when it is an unofficial translation
        (the plan page explains the mark once, above the tree)."""
        title, lang = pick_in(item, "title", self.order)
        if title and translation_state(item, "title", lang) != OFFICIAL:
            self.unofficial_seen = True
            mark = (
                f'<span class="unofficial-mark" aria-hidden="true">*</span>'
                f'<span class="visually-hidden"> ({escape(self.unofficial)})</span>'
            )
            return f"{escape(title)}{mark}", lang
        return escape(title), lang

    def url(self, item: Item) -> str:
        return self.item_url.replace(_CODE, quote(item.code, safe=""))

    def progress(self, value: float | None, status: str | None = None) -> str:
        label = self.status_labels.get(status, status) if status else None
        return progress_html(value, status, label, self.no_progress)

    def status(self, value: str) -> str:
        label = escape(self.status_labels.get(value, value))
        return f'<span class="status status-{escape(value)}">{label}</span>'

    def organisations(self, item: Item) -> str:
        links = [
            f'<a href="{self.org_url.replace(_CODE, quote(slug))}"{self.lang_attr(lang)}>'
            f"{escape(name)}</a>"
            for slug, name, lang in getattr(item, "org_links", ())
        ]
        return f'<span class="orgs">{", ".join(links)}</span>' if links else ""

    def activity(self, item: Item) -> str:
        title, lang = self.title(item)
        return (
            f'<li class="activity"><a class="code" href="{self.url(item)}">'
            f'<span class="visually-hidden">{self.activity_word} </span>{escape(item.code)}</a> '
            f'<span class="activity-title" lang="{lang}">{title}</span>'
            f'<span class="activity-meta">{self.status(item.status)} '
            f"{self.progress(item.progress, item.status)}{self.overdue_mark(item)} "
            f"{self.organisations(item)}</span></li>"
        )

    def overdue_mark(self, item: Item) -> str:
        period = self.overdue.get(item.pk)
        if not period:
            return ""
        return f' <span class="overdue">{escape(self.overdue_text % {"period": period})}</span>'

    def activity_list(self, items: list[Item]) -> str:
        rows = "".join(self.activity(item) for item in items)
        return f'<ul class="activities">{rows}</ul>' if rows else ""

    def activities(self, items: list[Item]) -> SafeString:
        """A list of activity rows on its own (not in the tree), with the note on marks."""
        rows = self.activity_list(items)
        return mark_safe(f"{self.unofficial_note()}{rows}" if rows else "")

    def _heading(self, item: Item, code: bool = False) -> str:
        label, label_lang = pick_in(item, "label", self.order)
        if not label:
            label, label_lang = self.kind_labels.get(item.kind, ""), self.order[0]
        title, lang = self.title(item)
        # A section's code is in its summary; a leaf (an expected result) shows it here.
        coded = f' <span class="code">{escape(item.code)}</span>' if code else ""
        return (
            f'<span class="kind"{self.lang_attr(label_lang)}>{escape(label)}{coded}</span> '
            f'<a href="{self.url(item)}" lang="{lang}">{title}</a>'
        )

    def _more_link(self, item: Item) -> str:
        text = ngettext(
            "See the %(count)s activity of %(code)s",
            "See the %(count)s activities of %(code)s",
            item.tracked_count,
        ) % {"count": item.tracked_count, "code": item.code}
        return f'<p class="more"><a href="{self.url(item)}#activities">{escape(text)}</a></p>'

    def _parts(self, node: Node, inline: bool) -> tuple[str, str]:
        """The markup before a node's children and the markup after them."""
        item = node.item
        if not (node.children or node.activities or item.tracked_count):
            if item.is_tracked:
                return self.activity(item), ""
            return f'<li class="node node-{item.kind}">{self._heading(item, code=True)}</li>', ""
        count = ""
        if item.tracked_count:
            count = ngettext("%(count)s activity", "%(count)s activities", item.tracked_count) % {
                "count": item.tracked_count
            }
            count += " · "
        # The link to the item stays outside <summary>: a link inside a disclosure control
        # cannot be reached or announced reliably (axe: nested-interactive).
        # An open section with subsections keeps its activities in a disclosure of their own,
        # so the subsections show without scrolling through every activity first; a section
        # with activities only is that disclosure itself, its statuses in its summary.
        grouped = bool(node.children) and item.depth <= OPEN_DEPTH
        is_open = self.expand or grouped
        statuses = ""
        if node.activities and not grouped:
            statuses = self.status_counts(node.activities)
            statuses = f" · {statuses}" if statuses else ""
        head = (
            f'<li class="node node-{item.kind}"><p class="node-heading">{self._heading(item)}</p>'
            f"<details{' open' if is_open else ''}><summary>"
            f'<span class="code">{escape(item.code)}</span> <span class="node-meta">· {count}'
            f"{self.progress(item.progress)}{statuses}</span></summary>"
        )
        tail = ""
        if node.activities:
            tail = (
                self.activity_group(node.activities)
                if grouped
                else self.activity_list(node.activities)
            )
        elif item.tracked_count and not inline:
            tail = self._more_link(item)
        return head, tail + "</details></li>"

    def status_counts(self, items: list[Item]) -> str:
        """Status badges with the number of ``items`` in each, in the workflow's order."""
        counts = Counter(item.status for item in items)
        return ", ".join(
            f'<span class="status status-{value}">{escape(label)}</span> {counts[value]}'
            for value, label in self.status_labels.items()
            if counts.get(value)
        )

    def activity_group(self, items: list[Item]) -> str:
        """Activities in a ``<details>`` whose summary gives their number and statuses."""
        by_status = self.status_counts(items)
        number = ngettext("%(count)s activity", "%(count)s activities", len(items)) % {
            "count": len(items)
        }
        return (
            f'<details class="activity-group"{" open" if self.expand else ""}><summary>'
            f'<span class="activity-count">{escape(number)}</span>'
            f"{f' · {by_status}' if by_status else ''}</summary>"
            f"{self.activity_list(items)}</details>"
        )

    def nodes(self, roots: list[Node], inline: bool) -> str:
        """Render subtrees in document order with an explicit stack, not one call per level,
        so that a tree of any stored depth renders (a recursive walk hit Python's recursion
        limit on a 1,500-level chain and the plan page answered 500)."""
        out: list[str] = []
        # Entries are nodes still to open, or markup that closes a node once its children
        # are written.
        stack: list[Node | str] = list(reversed(roots))
        while stack:
            entry = stack.pop()
            if isinstance(entry, str):
                out.append(entry)
                continue
            head, tail = self._parts(entry, inline)
            out.append(head)
            if entry.children:
                out.append('<ul class="tree">')
                stack.append("</ul>" + tail)
                stack.extend(reversed(entry.children))
            else:
                out.append(tail)
        return "".join(out)

    def node(self, node: Node, inline: bool) -> str:
        return self.nodes([node], inline)

    def unofficial_note(self) -> str:
        """Explains the mark once, when a rendered title was an unofficial translation."""
        if not self.unofficial_seen:
            return ""
        text = _("Titles marked * are unofficial translations.")
        return f'<p class="note unofficial-note">{escape(text)}</p>'

    def tree(self, tree: PlanTree, labelled_by: str) -> SafeString:
        self.overdue = tree.overdue
        inner = self.nodes(tree.roots, tree.inline)
        return mark_safe(
            f'{self.unofficial_note()}<ul class="tree" aria-labelledby="{labelled_by}">{inner}</ul>'
        )
