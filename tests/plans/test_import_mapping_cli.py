"""``plantrack import`` with --dry-run --json, --levels, --mapping and --plan; mappings stored.

A mapping (what each level is, which column holds what, the plan's metadata) is data
the user gives; it is stored with the plan and reused for the next version of the
document, at the command line with --plan and on the upload form.
"""

from __future__ import annotations

import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plantrack.plans.models import Item, Plan
from plantrack.plans.seedfiles import SEED_DIR, mapping_path, seed_mapping_data
from plantrack.plans.services import import_slug

DOCUMENT = """# Open Data Action Plan 2023–2025

1. Open data

1.1 Publish budgets

1.2 Publish contracts

2. Participation

2.1 Hold hearings

2.3 Train officials
"""
# No heading: nothing in the document gives the plan a name.
UNTITLED = "1. Open data\n\n1.1 Publish budgets\n\n2. Participation\n\n2.1 Hold hearings\n"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages and warnings are checked in English (the Mongolian ones are in the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _file(tmp_path: Path, text: str, name: str = "plan.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("importplan", *args, stdout=out, stderr=err)
    return out.getvalue()


def _refused(*args: str) -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("importplan", *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def _kinds(slug: str) -> dict[str, str]:
    return dict(Item.objects.filter(plan__slug=slug).values_list("code", "kind"))


def test_dry_run_json_prints_one_object_with_the_plan_levels_items_and_warnings(db, tmp_path):  # type: ignore[no-untyped-def]
    plans = Plan.objects.count()
    data = json.loads(_run(str(_file(tmp_path, DOCUMENT)), "--dry-run", "--json"))
    assert set(data) == {"plan", "levels", "items", "unplaced", "warnings"}
    plan = data["plan"]
    assert plan["title"] == "Open Data Action Plan 2023–2025"
    assert plan["short_name"] == "open-data-action-plan-2023-2025"
    assert (plan["issuer"], plan["adopted"], plan["period"]) == ("", None, [2023, 2025])
    assert [(lv["kind"], lv["count"]) for lv in data["levels"]] == [
        ("section", 2),
        ("activity", 4),
    ]
    assert data["items"][:2] == [
        {"code": "1", "kind": "section", "title": "Open data", "parent": None, "organisations": []},
        {
            "code": "1.1",
            "kind": "activity",
            "title": "Publish budgets",
            "parent": "1",
            "organisations": [],
        },
    ]
    assert [item["code"] for item in data["items"]] == ["1", "1.1", "1.2", "2", "2.1", "2.3"]
    assert data["unplaced"] == []
    assert data["warnings"] == ["2.2 is missing"]
    assert Plan.objects.count() == plans  # a dry run writes nothing


def test_dry_run_json_lists_the_organisations_of_a_seed_table_read_with_its_mapping(db, tmp_path):  # type: ignore[no-untyped-def]
    seed = SEED_DIR / "002_99bd07660585a0bf.txt"
    out = _run(str(seed), "--mapping", str(mapping_path(seed)), "--dry-run", "--json")
    data = json.loads(out)
    assert data["plan"]["short_name"] == "dice-inclusive-digitalization-roadmap"
    assert [(lv["kind"], lv["count"]) for lv in data["levels"]] == [("area", 5), ("activity", 55)]
    first = next(item for item in data["items"] if item["code"] == "1.1")
    assert first["parent"] == "1" and first["organisations"]


def test_json_without_dry_run_is_refused_and_writes_nothing(db, tmp_path):  # type: ignore[no-untyped-def]
    plans = Plan.objects.count()
    message = _refused(str(_file(tmp_path, DOCUMENT)), "--json")
    assert Plan.objects.count() == plans
    assert message == ""  # the refusal is the CommandError itself, before any file is read


def test_levels_choose_the_kinds_from_the_top_and_are_stored_with_the_plan(db, tmp_path):  # type: ignore[no-untyped-def]
    path = _file(tmp_path, DOCUMENT)
    preview = json.loads(_run(str(path), "--levels", "goal,objective", "--dry-run", "--json"))
    assert [lv["kind"] for lv in preview["levels"]] == ["goal", "objective"]
    assert not Plan.objects.filter(slug="open-data-action-plan-2023-2025").exists()
    _run(str(path), "--levels", "goal,objective")
    plan = Plan.objects.get(slug="open-data-action-plan-2023-2025")
    assert _kinds(plan.slug) == {
        "1": "goal",
        "1.1": "objective",
        "1.2": "objective",
        "2": "goal",
        "2.1": "objective",
        "2.3": "objective",
    }
    assert plan.import_mapping == {"levels": ["goal", "objective"]}


def test_an_unknown_kind_in_levels_is_refused_naming_the_kinds_and_writes_nothing(db, tmp_path):  # type: ignore[no-untyped-def]
    plans, items = Plan.objects.count(), Item.objects.count()
    with pytest.raises(CommandError, match=r"unknown kind 'chapter'.*goal, objective"):
        call_command("importplan", str(_file(tmp_path, DOCUMENT)), "--levels", "goal,chapter")
    assert (Plan.objects.count(), Item.objects.count()) == (plans, items)


def test_a_mapping_file_gives_the_kinds_and_the_plan_metadata(db, tmp_path):  # type: ignore[no-untyped-def]
    path = _file(tmp_path, UNTITLED)
    # Without a mapping the document names no plan: it is named after its file, as office
    # programs name an untitled document.
    preview = json.loads(_run(str(path), "--dry-run", "--json"))
    assert preview["plan"]["slug"] == import_slug(path.stem)
    mapping = {
        "levels": ["area", "activity"],
        "plan": {
            "title": "Open government plan",
            "short_name": "ogp-2024",
            "issuer": "Cabinet Secretariat",
            "adopted": "2024-03-01",
            "period": [2024, 2026],
        },
    }
    mapping_file = tmp_path / "ogp.json"
    mapping_file.write_text(json.dumps(mapping), encoding="utf-8")
    _run(str(path), "--mapping", str(mapping_file))
    plan = Plan.objects.get(slug="ogp-2024")
    assert (plan.title_en, plan.issuer, str(plan.adopted_on)) == (
        "Open government plan",
        "Cabinet Secretariat",
        "2024-03-01",
    )
    assert (plan.start_year, plan.end_year) == (2024, 2026)
    assert _kinds("ogp-2024") == {"1": "area", "1.1": "activity", "2": "area", "2.1": "activity"}
    assert plan.import_mapping == mapping


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"levels": ["goal", "paragraph"]}', "unknown kind 'paragraph'"),
        ('{"plan": {"adopted": "yesterday"}}', "must be a date like 2020-05-13"),
    ],
    ids=["bad-json", "not-object", "bad-kind", "bad-date"],
)
def test_a_bad_mapping_file_is_refused_with_the_reason_and_writes_nothing(  # type: ignore[no-untyped-def]
    db, tmp_path, content, reason
):
    mapping_file = tmp_path / "bad.json"
    mapping_file.write_text(content, encoding="utf-8")
    plans = Plan.objects.count()
    with pytest.raises(CommandError, match=reason):
        call_command("importplan", str(_file(tmp_path, DOCUMENT)), "--mapping", str(mapping_file))
    assert Plan.objects.count() == plans


def test_a_missing_mapping_file_is_refused_naming_it(db, tmp_path):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match=r"missing\.json: cannot read the mapping"):
        call_command(
            "importplan",
            str(_file(tmp_path, DOCUMENT)),
            "--mapping",
            str(tmp_path / "missing.json"),
        )


def test_plan_reuses_the_stored_mapping_for_a_new_version_of_the_document(db, tmp_path):  # type: ignore[no-untyped-def]
    _run(str(_file(tmp_path, DOCUMENT)), "--levels", "goal,objective")
    slug = "open-data-action-plan-2023-2025"
    plans = Plan.objects.count()
    second = DOCUMENT.replace("2.3 Train officials", "2.2 Train officials\n\n2.3 Audit them")
    out = _run(str(_file(tmp_path, second, "v2.md")), "--plan", slug)
    assert f"plan '{slug}' updated" in out
    assert Plan.objects.count() == plans
    # Read with the stored mapping, not with the inferred one (section/activity).
    assert _kinds(slug)["2.2"] == "objective"
    assert set(_kinds(slug).values()) == {"goal", "objective"}
    # A mapping given with --plan replaces the stored one.
    _run(str(_file(tmp_path, second, "v3.md")), "--plan", slug, "--levels", "area,activity")
    assert Plan.objects.get(slug=slug).import_mapping == {"levels": ["area", "activity"]}
    assert _kinds(slug)["2.2"] == "activity"


def test_the_seed_plans_are_stored_with_the_mappings_next_to_the_seeds(vision, dice):  # type: ignore[no-untyped-def]
    assert vision.import_mapping["plan"]["short_name"] == "vision-2050-goal-7"
    assert vision.import_mapping == seed_mapping_data("000_9b10a168590abdd1.txt")
    assert dice.import_mapping["levels"] == ["area", "activity"]
    law = Plan.objects.get(slug="law-enforcement-cooperation-2015")
    assert law.import_mapping == seed_mapping_data("001_2125384cf4ad98ca.txt")


def test_a_seed_imported_again_with_plan_keeps_its_identity_and_changes_nothing(vision, tmp_path):  # type: ignore[no-untyped-def]
    seed = SEED_DIR / "000_9b10a168590abdd1.txt"
    before = list(Item.objects.filter(plan=vision).order_by("pk").values_list("code", "kind"))
    out = _run(str(seed), "--plan", "vision-2050-goal-7")
    assert "0 created, 0 changed, 190 unchanged" in out
    vision.refresh_from_db()
    assert vision.issuer == "State Great Khural (Parliament) of Mongolia"
    assert list(Item.objects.filter(plan=vision).order_by("pk").values_list("code", "kind")) == (
        before
    )
    assert not Item.objects.filter(plan=vision, retired_at__isnull=False).exists()


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_upload_form_reads_a_new_version_with_the_target_plans_stored_mapping(  # type: ignore[no-untyped-def]
    sign_in, client, bob, media, tmp_path
):
    _run(str(_file(tmp_path, DOCUMENT)), "--levels", "goal,objective")
    slug = "open-data-action-plan-2023-2025"
    Plan.objects.get(slug=slug).managers.add(bob)
    sign_in(client, bob)
    second = DOCUMENT.replace("2.3 Train officials", "2.2 Train officials\n\n2.3 Audit them")
    handle = io.BytesIO(second.encode())
    handle.name = "v2.md"
    response = client.post("/en/plans/import/", {"file": handle, "slug": slug})
    assert response.status_code == 200
    assert [lv["kind"] for lv in response.context["parsed"].levels] == ["goal", "objective"]
    assert "2.2" not in _kinds(slug)  # the preview writes nothing
    client.post("/en/plans/import/confirm/", {"token": response.context["token"]})
    assert _kinds(slug)["2.2"] == "objective"
    assert set(_kinds(slug).values()) == {"goal", "objective"}


def test_the_upload_preview_shows_each_level_with_its_count_the_warnings_and_unplaced_lines(  # type: ignore[no-untyped-def]
    sign_in, client, bob, media
):
    sign_in(client, bob)
    lines = (SEED_DIR / "002_99bd07660585a0bf.txt").read_text(encoding="utf-8").splitlines()
    lines[363] = "one.one\tSomething\telse\t\t"  # line 364, where 1.1 was: not a code
    handle = io.BytesIO("\n".join(lines).encode())
    handle.name = "roadmap.txt"
    plans = Plan.objects.count()
    response = client.post("/en/plans/import/", {"file": handle, "slug": "roadmap-copy"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Levels read" in page
    for level in response.context["parsed"].levels:
        assert f"<td>{level['kind']}</td><td>{level['count']}</td>" in page
    assert "Lines not placed in the plan" in page
    assert "line 364: one.one | Something | else" in page
    assert Plan.objects.count() == plans


def test_the_upload_preview_lists_numbering_warnings(sign_in, client, bob, media):  # type: ignore[no-untyped-def]
    sign_in(client, bob)
    handle = io.BytesIO(DOCUMENT.encode())
    handle.name = "plan.md"
    response = client.post("/en/plans/import/", {"file": handle})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h2>Warnings</h2>" in page and "<li>2.2 is missing</li>" in page
    assert "<td>section</td><td>2</td>" in page and "<td>activity</td><td>4</td>" in page
    assert "Lines not placed" not in page
