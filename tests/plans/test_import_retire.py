"""Items missing from a new version of a plan are retired, never a crash."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Item, Plan
from plantrack.plans.services import plan_import

HEAD = """# title: District safety plan
# short_name: district-safety
code,parent_code,kind,title,status
"""
ROWS = {
    "1": "1,,objective,Safer streets,",
    "1.1": "1.1,1,activity,Install street lights,completed",
    "1.2": "1.2,1,activity,Train wardens,in_progress",
    "1.3": "1.3,1,activity,Open a hotline,delayed",
    "2": "2,,objective,Safer schools,",
}


def _csv(*codes: str, moved: dict[str, str] | None = None) -> bytes:
    lines = [ROWS[code] for code in codes]
    lines += list((moved or {}).values())
    return (HEAD + "\n".join(lines) + "\n").encode()


def _import(data: bytes, **kwargs):  # type: ignore[no-untyped-def]
    return plan_import(parsed=parse_bytes(data), system=True, source_name="v.csv", **kwargs)


def _plan() -> Plan:
    return Plan.objects.get(slug="district-safety")


def test_reimporting_without_an_item_retires_it_instead_of_crashing(db):  # type: ignore[no-untyped-def]
    _import(_csv("1", "1.1", "1.2", "1.3"))
    result = _import(_csv("1", "1.2", "1.3"))
    assert result.retired == ["1.1"]
    gone = Item.objects.get(plan=_plan(), code="1.1")
    assert gone.retired_at is not None
    assert "v.csv" in gone.retired_reason
    kept = Item.objects.filter(plan=_plan(), retired_at__isnull=True).order_by("path")
    assert [item.code for item in kept] == ["1", "1.2", "1.3"]
    assert Item.objects.get(plan=_plan(), code="1.2").position == 1
    plan = _plan()
    assert plan.tracked_count == 2
    assert plan.status_counts == {"delayed": 1, "in_progress": 1}
    assert Item.objects.get(plan=plan, code="1").tracked_count == 2


def test_a_dry_run_without_an_item_lists_it_as_retired_and_saves_nothing(db):  # type: ignore[no-untyped-def]
    _import(_csv("1", "1.1", "1.2", "1.3"))
    before = list(Item.objects.filter(plan=_plan()).order_by("pk").values_list())
    result = _import(_csv("1", "1.2", "1.3"), dry_run=True)
    assert result.retired == ["1.1"]
    assert list(Item.objects.filter(plan=_plan()).order_by("pk").values_list()) == before


def test_the_cli_summary_lists_what_is_retired(db, tmp_path):  # type: ignore[no-untyped-def]
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(_csv("1", "1.1", "1.2", "1.3"))
    second.write_bytes(_csv("1", "1.2", "1.3"))
    call_command("importplan", str(first), stdout=StringIO())
    out = StringIO()
    call_command("importplan", str(second), "--dry-run", "--language", "en", stdout=out)
    assert "1 retired" in out.getvalue()
    assert "1.1: retired" in out.getvalue()
    out = StringIO()
    call_command("importplan", str(second), "--language", "en", stdout=out)
    assert "1.1: retired" in out.getvalue()
    assert Item.objects.get(plan=_plan(), code="1.1").retired_at is not None


def test_an_item_that_comes_back_is_unretired(db):  # type: ignore[no-untyped-def]
    _import(_csv("1", "1.1", "1.2", "1.3"))
    _import(_csv("1", "1.2", "1.3"))
    result = _import(_csv("1", "1.1", "1.2", "1.3"))
    item = Item.objects.get(plan=_plan(), code="1.1")
    assert (item.retired_at, item.retired_reason) == (None, "")
    assert "1.1" in result.restored
    assert _plan().tracked_count == 3


def test_a_reshaped_tree_gets_fresh_paths_without_collisions(db):  # type: ignore[no-untyped-def]
    _import(_csv("1", "1.1", "1.2", "1.3", "2"))
    # 1.3 moves under objective 2, 1.1 is dropped, objective 2 comes first.
    data = _csv("2", moved={"1.3": "1.3,2,activity,Open a hotline,delayed"})
    data += (ROWS["1"] + "\n" + ROWS["1.2"] + "\n").encode()
    _import(data)
    live = Item.objects.filter(plan=_plan(), retired_at__isnull=True).order_by("path")
    assert [(i.code, i.path) for i in live] == [
        ("2", "00001"),
        ("1.3", "00001.00001"),
        ("1", "00002"),
        ("1.2", "00002.00001"),
    ]
    paths = list(Item.objects.filter(plan=_plan()).values_list("path", flat=True))
    assert len(paths) == len(set(paths)) == 5


def test_a_retired_item_is_hidden_from_the_plan_page_and_marked_on_its_own(db, client):  # type: ignore[no-untyped-def]
    _import(_csv("1", "1.1", "1.2", "1.3"))
    _import(_csv("1", "1.2", "1.3"))
    page = client.get("/en/plans/district-safety/").content.decode()
    # The tree leaves it out; the page's History section may name it (it was retired).
    tree = page.split('id="tree-heading"')[1].split('id="history-heading"')[0]
    assert "Install street lights" not in tree
    assert "Train wardens" in tree
    page = client.get("/en/plans/district-safety/items/1.1/").content.decode()
    assert "Install street lights" in page
    assert "retired" in page.lower()
    page = client.get("/en/plans/district-safety/items/1/").content.decode()
    assert "Install street lights" not in page


@pytest.mark.parametrize("dry_run", [False, True])
def test_dropping_a_whole_branch_retires_it_with_its_children(db, dry_run):  # type: ignore[no-untyped-def]
    _import(_csv("1", "1.1", "1.2", "2"))
    result = _import(_csv("2"), dry_run=dry_run)
    assert result.retired == ["1", "1.1", "1.2"]
