"""Adding, moving, retiring and restoring single items (plans/tree.py): the rules and the
tree they leave behind."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from plantrack.accounts.models import User
from plantrack.accounts.permissions import PLAN_MANAGERS
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Item, Plan, path_segment
from plantrack.plans.rollup import plan_rollup
from plantrack.plans.services import plan_import
from plantrack.plans.tree import item_add, item_move, item_restore, item_retire
from plantrack.plans.validation import MAX_DEPTH
from plantrack.progress.permissions import can_report

HEAD = "# title: Garden plan\n# short_name: garden\ncode,parent_code,kind,title,status,progress\n"
ROWS = [
    "1,,objective,Beds,,",
    "1.1,1,activity,Dig beds,completed,100",
    "1.2,1,activity,Plant beans,in_progress,50",
    "1.3,1,activity,Water,delayed,0",
    "2,,objective,Paths,,",
    "2.1,2,activity,Gravel,not_started,",
    "2.2,2,area,Edges,,",
    "2.2.1,2.2,activity,Bricks,in_progress,20",
]


def tree_snapshot(plan: Plan) -> list[tuple]:
    return list(
        Item.objects.filter(plan=plan)
        .order_by("pk")
        .values_list("code", "parent__code", "path", "depth", "position", "retired_at")
    )


def assert_tree_consistent(plan: Plan) -> None:
    """Every path is its parent's path plus its position; siblings are numbered 1..n;
    depth is within the limit; stored roll-ups equal a recomputation from scratch."""
    items = list(Item.objects.filter(plan=plan))
    by_id = {item.pk: item for item in items}
    siblings: dict[int | None, list[int]] = {}
    for item in items:
        parent = by_id.get(item.parent_id) if item.parent_id else None
        assert item.parent_id is None or parent is not None, item.code
        expected = (
            f"{parent.path}.{path_segment(item.position)}"
            if parent
            else path_segment(item.position)
        )
        assert item.path == expected, (item.code, item.path, expected)
        assert item.depth == (parent.depth + 1 if parent else 1) <= MAX_DEPTH
        if parent is not None and parent.retired_at is not None:
            assert item.retired_at is not None, f"{item.code} is live under a retired parent"
        siblings.setdefault(item.parent_id, []).append(item.position)
    for positions in siblings.values():
        assert sorted(positions) == list(range(1, len(positions) + 1))
    stored = _rollups(plan)
    plan_rollup(plan=Plan.objects.get(pk=plan.pk))
    assert _rollups(plan) == stored, "stored roll-ups differ from a recomputation"


def _rollups(plan: Plan) -> tuple:
    plan = Plan.objects.get(pk=plan.pk)
    items = Item.objects.filter(plan=plan, retired_at__isnull=True).order_by("pk")
    return (
        (plan.progress, plan.tracked_count, plan.status_counts),
        list(items.values_list("code", "progress", "tracked_count", "status_counts")),
    )


@pytest.fixture
def garden(db) -> Plan:  # type: ignore[no-untyped-def]
    plan_import(parsed=parse_bytes((HEAD + "\n".join(ROWS) + "\n").encode()), system=True)
    return Plan.objects.get(slug="garden")


@pytest.fixture
def gina(garden) -> User:  # type: ignore[no-untyped-def]
    """Gina manages the garden plan."""
    user = User.objects.create_user("gina@example.org", "pw-gina-12345", display_name="Gina")
    user.groups.add(Group.objects.get_or_create(name=PLAN_MANAGERS)[0])
    garden.managers.add(user)
    return user


def item(plan: Plan, code: str) -> Item:
    return Item.objects.get(plan=plan, code=code)


def codes_in_order(plan: Plan, parent: str | None) -> list[str]:
    items = Item.objects.filter(plan=plan, parent__code=parent) if parent else None
    if items is None:
        items = Item.objects.filter(plan=plan, parent__isnull=True)
    return list(items.order_by("path").values_list("code", flat=True))


# -- Add -----------------------------------------------------------------------------------


def test_a_manager_adds_a_child_last_and_the_parent_counts_it(garden, gina):  # type: ignore[no-untyped-def]
    new = item_add(
        plan=garden,
        parent=item(garden, "1"),
        values={"code": "1.4", "kind": "activity", "title_en": "Mulch"},
        by=gina,
    )
    assert (new.path, new.depth, new.position) == ("00001.00004", 2, 4)
    parent = item(garden, "1")
    assert parent.tracked_count == 4
    assert parent.status_counts["not_started"] == 1
    garden.refresh_from_db()
    assert garden.tracked_count == 6
    assert_tree_consistent(garden)


def test_an_item_added_first_pushes_its_siblings_and_their_parts_down(garden, gina):  # type: ignore[no-untyped-def]
    item_add(
        plan=garden,
        values={"code": "0", "kind": "objective", "title_mn": "Эхлэл"},
        position="first",
        by=gina,
    )
    assert codes_in_order(garden, None) == ["0", "1", "2"]
    assert item(garden, "2.2.1").path == "00003.00002.00001"
    assert_tree_consistent(garden)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"code": "1.1", "kind": "activity", "title_en": "Again"}, "code"),
        ({"code": "has space", "kind": "activity", "title_en": "x"}, "code"),
        ({"code": "a/b", "kind": "activity", "title_en": "x"}, "code"),
        ({"code": "", "kind": "activity", "title_en": "x"}, "code"),
        ({"code": "9", "kind": "planet", "title_en": "x"}, "kind"),
        ({"code": "9", "kind": "activity"}, "title_mn"),
        ({"code": "9", "kind": "activity", "title_en": "x", "weight": float("nan")}, "weight"),
        ({"code": "9", "kind": "activity", "title_en": "x", "start_year": 70000}, "start_year"),
        ({"code": "9", "kind": "activity", "title_en": "bad\x00"}, "title_en"),
    ],
)
def test_an_add_with_a_bad_value_is_refused_on_its_field_and_writes_nothing(
    garden, gina, values, field
):  # type: ignore[no-untyped-def]
    before = tree_snapshot(garden)
    with pytest.raises(ValidationError) as refused:
        item_add(plan=garden, parent=item(garden, "1"), values=values, by=gina)
    assert field in refused.value.message_dict
    assert tree_snapshot(garden) == before


def test_a_code_used_by_a_retired_item_says_so(garden, gina):  # type: ignore[no-untyped-def]
    target = item(garden, "1.3")
    item_retire(item=target, reason="Rain does it", version=target.version, by=gina)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        item_add(plan=garden, values={"code": "1.3", "kind": "goal", "title_en": "x"}, by=gina)
    assert "retired" in refused.value.message_dict["code"][0]


def test_an_item_cannot_be_added_under_a_retired_item_or_another_plans_item(garden, gina, vision):  # type: ignore[no-untyped-def]
    area = item(garden, "2.2")
    item_retire(item=area, reason="Not needed", version=area.version, by=gina)
    values = {"code": "2.2.9", "kind": "activity", "title_en": "x"}
    for parent in (item(garden, "2.2"), Item.objects.get(plan=vision, code="7.1")):
        with pytest.raises(ValidationError) as refused:
            item_add(plan=garden, parent=parent, values=values, by=gina)
        assert "parent" in refused.value.message_dict
    assert not Item.objects.filter(code="2.2.9").exists()


def test_adding_below_the_depth_limit_is_refused(garden, gina):  # type: ignore[no-untyped-def]
    parent = item(garden, "2.2.1")
    for level in range(4, MAX_DEPTH + 1):
        parent = item_add(
            plan=garden,
            parent=parent,
            values={"code": f"deep{level}", "kind": "section", "title_en": "x"},
            by=gina,
        )
    assert parent.depth == MAX_DEPTH
    with pytest.raises(ValidationError) as refused:
        item_add(
            plan=garden,
            parent=parent,
            values={"code": "x", "kind": "goal", "title_en": "x"},
            by=gina,
        )
    assert "parent" in refused.value.message_dict
    assert_tree_consistent(garden)


def test_an_unknown_value_is_refused(garden, gina):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        item_add(
            plan=garden,
            values={"code": "9", "kind": "goal", "title_en": "x", "path": "00001"},
            by=gina,
        )


# -- Move ----------------------------------------------------------------------------------


def test_a_move_takes_the_subtree_renumbers_both_families_and_rolls_up(garden, gina):  # type: ignore[no-untyped-def]
    area = item(garden, "2.2")
    moved = item_move(
        item=area, new_parent=item(garden, "1"), position="first", version=area.version, by=gina
    )
    assert moved.version == area.version + 1
    assert codes_in_order(garden, "1") == ["2.2", "1.1", "1.2", "1.3"]
    assert codes_in_order(garden, "2") == ["2.1"]
    assert item(garden, "2.2.1").path == "00001.00001.00001"
    assert item(garden, "2.2.1").depth == 3
    assert item(garden, "1").tracked_count == 4
    assert item(garden, "2").tracked_count == 1
    assert_tree_consistent(garden)


def test_a_move_after_a_sibling_and_to_the_top_level(garden, gina):  # type: ignore[no-untyped-def]
    beans = item(garden, "1.2")
    item_move(
        item=beans,
        new_parent=item(garden, "1"),
        position=item(garden, "1.3"),
        version=beans.version,
        by=gina,
    )
    assert codes_in_order(garden, "1") == ["1.1", "1.3", "1.2"]
    beans = item(garden, "1.2")
    item_move(
        item=beans, new_parent=None, position=item(garden, "1"), version=beans.version, by=gina
    )
    assert codes_in_order(garden, None) == ["1", "1.2", "2"]
    assert item(garden, "2.2.1").path == "00003.00002.00001"
    assert_tree_consistent(garden)


def test_the_public_address_stays_after_a_move(client, garden, gina):  # type: ignore[no-untyped-def]
    area = item(garden, "2.2")
    item_move(item=area, new_parent=None, position="first", version=area.version, by=gina)
    assert client.get("/en/plans/garden/items/2.2/").status_code == 200
    assert client.get("/en/plans/garden/items/2.2.1/").status_code == 200


@pytest.mark.parametrize("target", ["itself", "its part"])
def test_an_item_cannot_move_under_itself_or_its_parts(garden, gina, target):  # type: ignore[no-untyped-def]
    area = item(garden, "2")
    parent = area if target == "itself" else item(garden, "2.2.1")
    before = tree_snapshot(garden)
    with pytest.raises(ValidationError) as refused:
        item_move(item=area, new_parent=parent, version=area.version, by=gina)
    assert "parent" in refused.value.message_dict
    assert tree_snapshot(garden) == before


def test_a_move_that_would_nest_the_subtree_too_deep_is_refused(garden, gina):  # type: ignore[no-untyped-def]
    parent = item(garden, "1.1")
    for level in range(3, MAX_DEPTH + 1):
        parent = item_add(
            plan=garden,
            parent=parent,
            values={"code": f"d{level}", "kind": "section", "title_en": "x"},
            by=gina,
        )
    area = item(garden, "2.2")  # has one level of parts: 2 levels in all
    before = tree_snapshot(garden)
    with pytest.raises(ValidationError) as refused:
        item_move(item=area, new_parent=item(garden, f"d{MAX_DEPTH - 1}"), version=1, by=gina)
    assert "parent" in refused.value.message_dict
    assert tree_snapshot(garden) == before
    item_move(item=area, new_parent=item(garden, f"d{MAX_DEPTH - 2}"), version=1, by=gina)
    assert item(garden, "2.2.1").depth == MAX_DEPTH
    assert_tree_consistent(garden)


def test_a_stale_move_is_refused(garden, gina):  # type: ignore[no-untyped-def]
    beans = item(garden, "1.2")
    seen = beans.version
    item_move(item=beans, new_parent=item(garden, "2"), version=seen, by=gina)
    before = tree_snapshot(garden)
    with pytest.raises(ValidationError) as refused:
        item_move(item=beans, new_parent=item(garden, "1"), version=seen, by=gina)
    assert refused.value.code == "stale"
    assert tree_snapshot(garden) == before


def test_a_retired_item_cannot_move_nor_take_items(garden, gina):  # type: ignore[no-untyped-def]
    water = item(garden, "1.3")
    item_retire(item=water, reason="x", version=water.version, by=gina)
    water = item(garden, "1.3")
    with pytest.raises(ValidationError):
        item_move(item=water, new_parent=None, version=water.version, by=gina)
    beans = item(garden, "1.2")
    with pytest.raises(ValidationError):
        item_move(item=beans, new_parent=water, version=beans.version, by=gina)


def test_a_sibling_from_elsewhere_is_refused_as_a_position(garden, gina, vision):  # type: ignore[no-untyped-def]
    beans = item(garden, "1.2")
    for sibling in (item(garden, "2.1"), Item.objects.get(plan=vision, code="7.1")):
        with pytest.raises(ValidationError) as refused:
            item_move(
                item=beans,
                new_parent=item(garden, "1"),
                position=sibling,
                version=beans.version,
                by=gina,
            )
        assert "position" in refused.value.message_dict


def test_a_move_queries_do_not_grow_with_the_number_of_siblings(garden, gina):  # type: ignore[no-untyped-def]
    def queries_to_move_first(count: int) -> int:
        parent = item_add(
            plan=garden,
            values={"code": f"p{count}", "kind": "objective", "title_en": "x"},
            by=gina,
        )
        for n in range(count):
            item_add(
                plan=garden,
                parent=parent,
                values={"code": f"p{count}.{n}", "kind": "activity", "title_en": "x"},
                by=gina,
            )
        last = item(garden, f"p{count}.{count - 1}")
        with CaptureQueriesContext(connection) as ctx:
            item_move(item=last, new_parent=parent, position="first", version=1, by=gina)
        return len(ctx.captured_queries)

    few, many = queries_to_move_first(3), queries_to_move_first(40)
    assert few == many
    assert_tree_consistent(garden)


# -- Retire and restore --------------------------------------------------------------------


def test_retiring_takes_the_subtree_out_of_the_tree_counts_and_reports(garden, gina):  # type: ignore[no-untyped-def]
    area = item(garden, "2.2")
    assert item_retire(item=area, reason="Edges dropped", version=area.version, by=gina) == 2
    bricks = item(garden, "2.2.1")
    assert bricks.retired_reason == "Edges dropped"
    assert item(garden, "2").tracked_count == 1
    garden.refresh_from_db()
    assert garden.tracked_count == 4
    assert not can_report(gina, bricks)
    assert_tree_consistent(garden)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_a_retirement_needs_a_reason_that_fits(garden, gina, reason):  # type: ignore[no-untyped-def]
    area = item(garden, "2.2")
    with pytest.raises(ValidationError) as refused:
        item_retire(item=area, reason=reason, version=area.version, by=gina)
    assert "reason" in refused.value.message_dict
    assert item(garden, "2.2").retired_at is None


def test_restoring_brings_back_what_was_retired_with_it_only(garden, gina):  # type: ignore[no-untyped-def]
    bricks = item(garden, "2.2.1")
    item_retire(item=bricks, reason="Too dear", version=bricks.version, by=gina)
    path = item(garden, "2")
    item_retire(item=path, reason="No paths", version=path.version, by=gina)
    area = item(garden, "2.2")
    with pytest.raises(ValidationError):  # its parent is retired
        item_restore(item=area, version=area.version, by=gina)
    path = item(garden, "2")
    assert item_restore(item=path, version=path.version, by=gina) == 3
    assert item(garden, "2.2.1").retired_at is not None
    garden.refresh_from_db()
    assert garden.tracked_count == 4
    assert_tree_consistent(garden)


def test_a_stale_retire_or_restore_is_refused(garden, gina):  # type: ignore[no-untyped-def]
    area = item(garden, "2.2")
    seen = area.version
    item_retire(item=area, reason="x", version=seen, by=gina)
    with pytest.raises(ValidationError):
        item_restore(item=area, version=seen, by=gina)
    assert item(garden, "2.2").retired_at is not None


# -- Who may ------------------------------------------------------------------------------


def _people(garden: Plan) -> dict[str, User | None]:
    from plantrack.organisations.models import Membership, Organisation

    def user(name: str, **extra: object) -> User:
        return User.objects.create_user(
            f"{name}@example.org", "pw-tree-12345", display_name=name, **extra
        )

    reporter = user("rita")
    agency = Organisation.objects.create(slug="garden-agency", name_en="Agency", kind="government")
    Membership.objects.create(user=reporter, organisation=agency, role="reporter", state="active")
    other_manager = user("otis")
    other_manager.groups.add(Group.objects.get_or_create(name=PLAN_MANAGERS)[0])
    Plan.objects.get(slug="vision-2050-goal-7").managers.add(other_manager)
    return {
        "anonymous": None,
        "citizen": user("cid"),
        "reporter": reporter,
        "another plan's manager": other_manager,
        "site admin": user("ada", is_superuser=True),
    }


def test_only_the_plans_managers_and_site_admins_change_its_tree(garden, gina):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    people = _people(garden)
    for role, person in people.items():
        by = person if person is not None else AnonymousUser()
        before = tree_snapshot(garden)
        calls = [
            lambda by=by: item_add(
                plan=garden, values={"code": "9", "kind": "goal", "title_en": "x"}, by=by
            ),
            lambda by=by: item_move(
                item=item(garden, "2.2"),
                new_parent=None,
                version=item(garden, "2.2").version,
                by=by,
            ),
            lambda by=by: item_retire(
                item=item(garden, "2.2"), reason="x", version=item(garden, "2.2").version, by=by
            ),
        ]
        for call in calls:
            if role == "site admin":
                call()
            else:
                with pytest.raises(PermissionDenied):
                    call()
        if role != "site admin":
            assert tree_snapshot(garden) == before, role
    assert_tree_consistent(garden)


def test_a_manager_of_another_plan_cannot_restore(garden, gina):  # type: ignore[no-untyped-def]
    area = item(garden, "2.2")
    item_retire(item=area, reason="x", version=area.version, by=gina)
    other = _people(garden)["another plan's manager"]
    area = item(garden, "2.2")
    with pytest.raises(PermissionDenied):
        item_restore(item=area, version=area.version, by=other)
    assert item(garden, "2.2").retired_at is not None
