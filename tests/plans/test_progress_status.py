"""Progress bars say an item's status in colour and in text (issue 10).

The plan tree (``render.py``) and the templates (``includes/progress.html``) share one
function for the bar, so both give the same markup; the colours meet WCAG 2.1 AA.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

import plantrack
from plantrack.plans.models import Item, Status
from plantrack.plans.render import Renderer

CSS = Path(plantrack.__file__).resolve().parent / "static" / "plantrack" / "site.css"


def _template_bar(value: float | None, status: str | None) -> str:
    return Template('{% include "includes/progress.html" %}').render(
        Context({"value": value, "status": status})
    )


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_a_tracked_items_bar_carries_its_status_in_class_and_text(vision, status):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        label = str(Status(status).label)
        renderer = Renderer(vision)
        tree_bar = renderer.progress(45.4, status)
        template_bar = _template_bar(45.4, status)
        # The activity row of the plan tree passes the item's status to its bar
        item = Item.objects.filter(plan=vision, kind="activity").first()
        assert item is not None
        item.status = status
        item.progress = 45.4
        row = renderer.activity(item)
    # The tree and the template give the same markup
    assert tree_bar == template_bar
    assert tree_bar.startswith(f'<span class="progress progress-{status}">')
    assert '<progress max="100" value="45" aria-hidden="true">' in tree_bar
    # The figure and the status word are text (the word for screen readers; the badge beside
    # the bar shows it on screen), so colour is never the only sign
    assert f'45 %<span class="visually-hidden"> · {label}</span>' in tree_bar
    assert tree_bar in row
    assert f'<span class="status status-{status}">{label}</span>' in row


def test_a_bar_without_a_status_and_without_progress(vision):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        assert _template_bar(None, None) == (
            '<span class="progress"><span class="progress-text">no progress reported</span></span>'
        )
        assert _template_bar(12, "") == Renderer(vision).progress(12)
        delayed = _template_bar(None, Status.DELAYED)
    assert 'class="progress progress-delayed"' in delayed
    assert 'no progress reported<span class="visually-hidden"> · Delayed</span>' in delayed


def test_the_item_page_bar_of_a_delayed_activity_says_delayed(client, vision):  # type: ignore[no-untyped-def]
    Item.objects.filter(plan=vision, code="7.1.2").update(status=Status.DELAYED, progress=30)
    html = client.get(f"/en/plans/{vision.slug}/items/7.1.2/").content.decode()
    assert '<span class="progress progress-delayed"><progress max="100" value="30"' in html
    assert '30 %<span class="visually-hidden"> · Delayed</span>' in html
    plan_html = client.get(f"/en/plans/{vision.slug}/").content.decode()
    row = plan_html[plan_html.index(">7.1.2</a>") :]
    assert row.index('class="progress progress-delayed"') < row.index("</li>")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_every_status_colour_contrasts_with_the_bars_track(status):  # type: ignore[no-untyped-def]
    css = CSS.read_text()
    rule = re.search(rf"\.progress-{status} \{{([^}}]*)\}}", css)
    assert rule, f"no bar colour for {status}"
    colours = re.findall(r"#[0-9a-fA-F]{6}", rule.group(1))
    assert colours
    for colour in colours:
        # Against the white track: 3:1 is enough for a graphic; these reach text's 4.5:1
        assert _contrast(colour, "#ffffff") >= 4.5, (status, colour)
    # The track's border against the page, and each status's badge text on its background
    assert _contrast("#6b7686", "#ffffff") >= 3
    badge = re.search(rf"\.status-{status} \{{ color: (#\w{{6}}); background: (#\w{{6}})", css)
    assert badge and _contrast(badge.group(1), badge.group(2)) >= 4.5
