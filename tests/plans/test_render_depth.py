"""A plan tree of any stored depth renders; no recursion per level.

The import refuses trees deeper than validation.MAX_DEPTH, but rows written
before that limit (a 1,500-level chain imported on SQLite) must not make the
plan page answer 500 to every visitor.
"""

from __future__ import annotations

import itertools
import re

from plantrack.plans.models import Item, Plan
from plantrack.plans.render import Renderer
from plantrack.plans.selectors import Node, PlanTree

LEVELS = 1500


def _chain_nodes(plan: Plan, levels: int) -> list[Node]:
    nodes = [
        Node(Item(pk=n, plan=plan, code=f"c{n}", kind="section", title_en=f"Level {n}", depth=n))
        for n in range(1, levels + 1)
    ]
    for parent, child in itertools.pairwise(nodes):
        parent.children.append(child)
    return nodes


def test_a_tree_thousands_of_levels_deep_renders_every_level(vision):  # type: ignore[no-untyped-def]
    nodes = _chain_nodes(vision, 5000)
    html = Renderer(vision).tree(PlanTree(vision, [nodes[0]], True, [], False), "heading")
    assert html.count('<li class="node') == 5000
    assert html.count("<li") == html.count("</li>")
    # The deepest level sits inside every other one.
    assert html.index("Level 4999") < html.index("Level 5000") < html.rindex("</details>")


def test_the_rendered_markup_nests_children_inside_their_parents(vision):  # type: ignore[no-untyped-def]
    root, child = _chain_nodes(vision, 2)
    activity = Item(pk=99, plan=vision, code="c2.1", kind="activity", title_en="Do it", depth=3)
    child.activities.append(activity)
    html = str(Renderer(vision).tree(PlanTree(vision, [root], True, [], False), "h"))
    assert re.search(r"Level 1.*<ul class=\"tree\">.*Level 2.*Do it.*</details></li></ul>", html)
    assert html.endswith("</details></li></ul></details></li></ul>")


def test_the_plan_page_of_a_1500_level_chain_answers_200(db, client):  # type: ignore[no-untyped-def]
    plan = Plan.objects.create(slug="deep", short_name="deep", title_en="Deep")
    parent = None
    for n in range(1, LEVELS + 1):
        # Short unique paths in document order; the page builds the tree from parent links.
        parent = Item.objects.create(
            plan=plan,
            parent=parent,
            path=f"{n:05d}",
            depth=n,
            kind="section",
            code=f"c{n}",
            title_en=f"Level {n}",
        )
    response = client.get("/en/plans/deep/")
    assert response.status_code == 200
    assert b"Level 500<" in response.content
