"""Issue 10 item 2, acceptance 3: a second language imported by code.

A plan imported in English gets its Mongolian version (a small Mongolian outline written
for the test, with one code missing and one extra): items matched by code, the Mongolian
texts filled in, the unmatched codes listed, and nothing else changed.
"""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import translation

from plantrack.history.models import Event
from plantrack.plans.importers.base import ImportRefused, ParsedItem, ParsedPlan
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Item, Plan, Responsibility
from plantrack.plans.services import plan_import, plan_import_language

from .hostile import CASES
from .test_hostile_files import TEST_LIMITS, _row_counts

ENGLISH_CSV = """# title: District safety plan
# short_name: district-safety
# description: Streets and air in the district.
code,parent_code,kind,title,body,organisations,status,progress
1,,goal,Safe streets for children,,,,
1.1,1,activity,Light the crossings near schools,Lamps.,Roads (DRO) [lead],in_progress,40
1.2,1,activity,Renew road signs,,,delayed,10
2,,goal,Clean air,,,,
2.1,2,activity,Install air sensors,,,completed,100
2.2,2,activity,Plant trees,,,,
"""

# The Mongolian version: 2.2 is missing, 2.3 is extra.
MONGOLIAN_MD = """# Дүүргийн аюулгүй байдлын төлөвлөгөө

1. Хүүхдэд аюулгүй гудамж

1.1. Сургуулийн ойролцоох гарцуудыг гэрэлтүүлэх

Гарц бүрт гэрэл суурилуулна.

1.2. Замын тэмдгийг шинэчлэх

2. Цэвэр агаар

2.1. Агаарын чанарын мэдрэгч суурилуулах

2.3. Мод тарих ажлыг өргөжүүлэх
"""

# The other direction: a plan imported in Mongolian, then its English version.
MONGOLIAN_CSV = """# title: Дүүргийн аюулгүй байдлын төлөвлөгөө
# short_name: district-safety-mn
# languages: mn
code,parent_code,kind,title,status,progress
1,,goal,Хүүхдэд аюулгүй гудамж,,
1.1,1,activity,Сургуулийн ойролцоох гарцуудыг гэрэлтүүлэх,in_progress,40
1.2,1,activity,Замын тэмдгийг шинэчлэх,,
"""

ENGLISH_MD = """# District safety plan

1. Safe streets for children

1.1. Light the crossings near schools

1.3. A new activity
"""

# Columns that a language version must leave as they were.
KEPT = (
    "id",
    "plan_id",
    "parent_id",
    "path",
    "depth",
    "position",
    "kind",
    "code",
    "label_en",
    "title_en",
    "body_en",
    "start_year",
    "end_year",
    "status",
    "progress",
    "weight",
    "tracked_count",
    "status_counts",
    "retired_at",
    "retired_reason",
)


def _rows(plan: Plan, columns=KEPT) -> list[tuple]:  # type: ignore[no-untyped-def]
    return list(Item.objects.filter(plan=plan).order_by("pk").values_list(*columns))


def _links(plan: Plan) -> list[tuple]:
    return list(
        Responsibility.objects.filter(item__plan=plan)
        .order_by("pk")
        .values_list("item_id", "organisation_id", "role")
    )


@pytest.fixture
def plan(db) -> Plan:  # type: ignore[no-untyped-def]
    result = plan_import(
        parsed=parse_bytes(ENGLISH_CSV.encode()),
        source_name="district-safety.csv",
        source_bytes=ENGLISH_CSV.encode(),
        system=True,
    )
    return result.plan


@pytest.fixture
def manager(db, plan, bob):  # type: ignore[no-untyped-def]
    plan.managers.add(bob)
    return bob


def _mongolian():  # type: ignore[no-untyped-def]
    return parse_bytes(MONGOLIAN_MD.encode())


def test_the_preview_lists_codes_on_one_side_only_and_writes_nothing(plan, manager):  # type: ignore[no-untyped-def]
    before, events = _rows(plan, ("id", "title_mn", "version", "updated_at")), Event.objects.count()
    result = plan_import_language(plan=plan, parsed=_mongolian(), by=manager, dry_run=True)
    assert result.language == "mn"
    assert result.only_in_file == ["2.3"]
    assert result.only_in_plan == ["2.2"]
    assert (result.matched, result.changed) == (5, 5)
    assert {change.code for change in result.items} == {"1", "1.1", "1.2", "2", "2.1"}
    assert result.items[1].changes["title_mn"] == ["", "Сургуулийн ойролцоох гарцуудыг гэрэлтүүлэх"]
    assert _rows(plan, ("id", "title_mn", "version", "updated_at")) == before
    assert Event.objects.count() == events


def test_a_mongolian_version_fills_the_mongolian_texts_and_nothing_else(plan, manager):  # type: ignore[no-untyped-def]
    kept, links = _rows(plan), _links(plan)
    versions = dict(Item.objects.filter(plan=plan).values_list("code", "version"))
    count, last = Item.objects.count(), Event.objects.order_by("-pk").first()
    result = plan_import_language(plan=plan, parsed=_mongolian(), by=manager, source_name="mn.md")
    assert result.changed == 5
    assert _rows(plan) == kept  # English texts, tree, statuses, progress, weights
    assert _links(plan) == links
    assert Item.objects.count() == count  # 2.3 is not created
    titles = dict(Item.objects.filter(plan=plan).values_list("code", "title_mn"))
    assert titles == {
        "1": "Хүүхдэд аюулгүй гудамж",
        "1.1": "Сургуулийн ойролцоох гарцуудыг гэрэлтүүлэх",
        "1.2": "Замын тэмдгийг шинэчлэх",
        "2": "Цэвэр агаар",
        "2.1": "Агаарын чанарын мэдрэгч суурилуулах",
        "2.2": "",
    }
    after = dict(Item.objects.filter(plan=plan).values_list("code", "version"))
    assert after == {code: v + (code != "2.2") for code, v in versions.items()}
    plan.refresh_from_db()
    assert plan.title_mn == "Дүүргийн аюулгүй байдлын төлөвлөгөө"
    assert plan.title_en == "District safety plan"
    assert plan.description_en == "Streets and air in the district."
    assert set(plan.languages.split(",")) == {"en", "mn"}
    # History: one event per changed item, and one for the plan.
    new = list(Event.objects.filter(pk__gt=last.pk).order_by("pk"))
    assert len(new) == 6
    items = [event for event in new if event.object_type == "plans.item"]
    codes = dict(Item.objects.filter(plan=plan).values_list("pk", "code"))
    assert sorted(codes[int(event.object_id)] for event in items) == ["1", "1.1", "1.2", "2", "2.1"]
    changed = {codes[int(event.object_id)]: set(event.changes) for event in items}
    assert changed.pop("1.1") == {"title_mn", "body_mn"}
    assert all(names == {"title_mn"} for names in changed.values())
    body = Item.objects.get(plan=plan, code="1.1").body_mn
    assert body == "Гарц бүрт гэрэл суурилуулна."
    assert all(event.actor_id == manager.pk for event in new)
    summary = new[-1]
    assert (summary.object_type, summary.object_id) == ("plans.plan", str(plan.pk))
    assert summary.changes["title_mn"] == ["", "Дүүргийн аюулгүй байдлын төлөвлөгөө"]
    assert "mn.md" in summary.reason


def test_labels_bodies_and_a_bilingual_template(plan, manager):  # type: ignore[no-untyped-def]
    parsed = ParsedPlan(
        title="District safety plan",
        short_name="district-safety",
        items=[
            ParsedItem(
                code="1",
                kind="goal",
                title="Safe streets",
                title_mn="Аюулгүй гудамж",
                label_mn="Нэгдүгээр зорилт",
                body_mn="Тайлбар.",
            ),
            ParsedItem(code="1.1", kind="activity", title="Light", parent_code="1"),
        ],
        languages=("mn", "en"),
    )
    # The main texts are English; the Mongolian columns are the Mongolian version.
    result = plan_import_language(plan=plan, parsed=parsed, language="mn", by=manager)
    assert (result.matched, result.changed) == (2, 1)
    goal = Item.objects.get(plan=plan, code="1")
    assert (goal.title_mn, goal.label_mn, goal.body_mn) == (
        "Аюулгүй гудамж",
        "Нэгдүгээр зорилт",
        "Тайлбар.",
    )
    assert goal.title_en == "Safe streets for children"


def test_importing_it_again_changes_nothing(plan, manager):  # type: ignore[no-untyped-def]
    plan_import_language(plan=plan, parsed=_mongolian(), by=manager)
    rows = _rows(plan, ("id", "title_mn", "version"))
    again = plan_import_language(plan=plan, parsed=_mongolian(), by=manager)
    assert (again.matched, again.changed) == (5, 0)
    assert _rows(plan, ("id", "title_mn", "version")) == rows


def test_an_official_version_replaces_an_unofficial_translation(plan, manager):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=plan, code="1.2")
    item.title_mn, item.translations = "Тэмдэг (орчуулга)", {"title_mn": "unofficial"}
    item.save()
    other = Item.objects.get(plan=plan, code="2.2")
    other.title_mn, other.translations = "Мод", {"title_mn": "unofficial"}
    other.save()
    plan_import_language(plan=plan, parsed=_mongolian(), by=manager)
    item.refresh_from_db()
    other.refresh_from_db()
    assert (item.title_mn, item.translations) == ("Замын тэмдгийг шинэчлэх", {})
    assert (other.title_mn, other.translations) == ("Мод", {"title_mn": "unofficial"})


def test_the_english_version_of_a_plan_imported_in_mongolian(db, bob):  # type: ignore[no-untyped-def]
    plan = plan_import(parsed=parse_bytes(MONGOLIAN_CSV.encode()), system=True).plan
    plan.managers.add(bob)
    assert Item.objects.get(plan=plan, code="1.1").title_mn
    kept = _rows(plan, ("id", "title_mn", "status", "progress", "path", "retired_at"))
    result = plan_import_language(plan=plan, parsed=parse_bytes(ENGLISH_MD.encode()), by=bob)
    assert result.language == "en"
    assert (result.only_in_file, result.only_in_plan) == (["1.3"], ["1.2"])
    assert _rows(plan, ("id", "title_mn", "status", "progress", "path", "retired_at")) == kept
    titles = dict(Item.objects.filter(plan=plan).values_list("code", "title_en"))
    assert titles == {
        "1": "Safe streets for children",
        "1.1": "Light the crossings near schools",
        "1.2": "",
    }
    plan.refresh_from_db()
    assert plan.title_en == "District safety plan"
    assert set(plan.languages.split(",")) == {"en", "mn"}


def test_a_file_in_the_plans_own_language_is_refused(plan, manager, english):  # type: ignore[no-untyped-def]
    rows = _rows(plan, ("id", "title_en", "title_mn", "version"))
    with pytest.raises(ImportRefused) as refused:
        plan_import_language(plan=plan, parsed=parse_bytes(ENGLISH_CSV.encode()), by=manager)
    assert "new version" in str(refused.value)
    assert _rows(plan, ("id", "title_en", "title_mn", "version")) == rows


def test_a_language_the_text_is_not_in_is_refused(plan, manager):  # type: ignore[no-untyped-def]
    with translation.override("en"), pytest.raises(ImportRefused, match="English"):
        plan_import_language(plan=plan, parsed=_mongolian(), language="en", by=manager)
    with pytest.raises(ImportRefused):
        plan_import_language(plan=plan, parsed=_mongolian(), language="fr", by=manager)
    assert not Item.objects.filter(plan=plan).exclude(title_mn="").exists()


@pytest.mark.parametrize("who", ["anonymous", "nobody", "citizen", "reporter", "other_manager"])
def test_only_the_plans_managers_may(plan, who, request, charlie, erin, alice):  # type: ignore[no-untyped-def]
    by = {
        "anonymous": AnonymousUser(),
        "nobody": None,
        "citizen": charlie,
        "reporter": erin,
        "other_manager": alice,  # manages Vision 2050, not this plan
    }[who]
    rows, events = _rows(plan, ("id", "title_mn", "version")), Event.objects.count()
    with pytest.raises(PermissionDenied):
        plan_import_language(plan=plan, parsed=_mongolian(), by=by)
    with pytest.raises(PermissionDenied):
        plan_import_language(plan=plan, parsed=_mongolian(), by=by, dry_run=True)
    assert _rows(plan, ("id", "title_mn", "version")) == rows
    assert Event.objects.count() == events


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_the_plans_manager_and_an_administrator_may(plan, who, manager, site_admin):  # type: ignore[no-untyped-def]
    by = manager if who == "manager" else site_admin
    result = plan_import_language(plan=plan, parsed=_mongolian(), by=by)
    assert result.changed == 5
    assert Item.objects.filter(plan=plan).exclude(title_mn="").count() == 5


def test_a_retired_plan_is_refused(plan, manager, english):  # type: ignore[no-untyped-def]
    Plan.objects.filter(pk=plan.pk).update(retired_at="2026-01-01T00:00:00Z")
    with pytest.raises(ImportRefused, match="retired"):
        plan_import_language(plan=plan, parsed=_mongolian(), by=manager)
    assert not Item.objects.filter(plan=plan).exclude(title_mn="").exists()


# -- The page ---------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "import-staging"


def _upload(client, slug: str, data: bytes, language: str = ""):  # type: ignore[no-untyped-def]
    handle = io.BytesIO(data)
    handle.name = "mn.md"
    return client.post(f"/en/plans/{slug}/import-language/", {"file": handle, "language": language})


def test_the_page_previews_then_saves(client, sign_in, plan, manager, media):  # type: ignore[no-untyped-def]
    sign_in(client, manager)
    assert "Import a language version" in client.get("/en/plans/import/").content.decode()
    page = client.get(f"/en/plans/{plan.slug}/")
    assert f"/en/plans/{plan.slug}/import-language/" in page.content.decode()
    assert client.get(f"/en/plans/{plan.slug}/import-language/").status_code == 200
    preview = _upload(client, plan.slug, MONGOLIAN_MD.encode())
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Codes only in the file" in html and "<li>2.3</li>" in html
    assert "Codes only in the plan" in html and "<li>2.2</li>" in html
    assert "Сургуулийн ойролцоох гарцуудыг гэрэлтүүлэх" in html
    assert not Item.objects.filter(plan=plan).exclude(title_mn="").exists()
    token = preview.context["form"].initial["token"]
    saved = client.post(f"/en/plans/{plan.slug}/import-language/confirm/", {"token": token})
    assert saved.status_code == 302
    assert Item.objects.filter(plan=plan).exclude(title_mn="").count() == 5
    assert not any(media.iterdir())  # the staged file is gone


def test_a_token_for_another_plan_is_refused(client, sign_in, plan, manager, vision, media):  # type: ignore[no-untyped-def]
    vision.managers.add(manager)
    sign_in(client, manager)
    token = _upload(client, plan.slug, MONGOLIAN_MD.encode()).context["form"].initial["token"]
    vision_rows = _rows(vision, ("id", "title_mn", "version"))
    response = client.post(f"/en/plans/{vision.slug}/import-language/confirm/", {"token": token})
    assert response.status_code == 302
    assert _rows(vision, ("id", "title_mn", "version")) == vision_rows
    assert not Item.objects.filter(plan=plan).exclude(title_mn="").exists()


def test_another_users_token_is_refused(client, sign_in, plan, manager, alice, media):  # type: ignore[no-untyped-def]
    sign_in(client, manager)
    token = _upload(client, plan.slug, MONGOLIAN_MD.encode()).context["form"].initial["token"]
    client.logout()
    plan.managers.add(alice)  # a manager of this plan too, but not the one who previewed
    sign_in(client, alice)
    response = client.post(f"/en/plans/{plan.slug}/import-language/confirm/", {"token": token})
    assert response.status_code == 302
    assert not Item.objects.filter(plan=plan).exclude(title_mn="").exists()
    plan.managers.remove(alice)
    sign_in(client, alice)
    response = client.post(f"/en/plans/{plan.slug}/import-language/confirm/", {"token": token})
    assert response.status_code in (403, 404)
    assert not Item.objects.filter(plan=plan).exclude(title_mn="").exists()


def test_refusals_are_shown_at_the_file_field(client, sign_in, plan, manager, media):  # type: ignore[no-untyped-def]
    sign_in(client, manager)
    same = _upload(client, plan.slug, ENGLISH_CSV.encode())
    assert same.status_code == 200
    assert "new version" in " ".join(same.context["form"].errors["file"])
    for bad in (b"\x00\x01\x02garbage", b"PK\x03\x04broken zip", b"", b"%PDF-1.4 nonsense"):
        response = _upload(client, plan.slug, bad)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Item.objects.filter(plan=plan).exclude(title_mn="").exists()


@pytest.mark.parametrize("who", ["citizen", "reporter", "other_manager"])
def test_the_page_refuses_others(client, sign_in, plan, who, charlie, erin, alice, media):  # type: ignore[no-untyped-def]
    user = {"citizen": charlie, "reporter": erin, "other_manager": alice}[who]
    sign_in(client, user)
    assert client.get(f"/en/plans/{plan.slug}/import-language/").status_code in (403, 404)
    assert _upload(client, plan.slug, MONGOLIAN_MD.encode()).status_code in (403, 404)
    assert not Item.objects.filter(plan=plan).exclude(title_mn="").exists()


def test_the_page_sends_visitors_to_sign_in(client, plan, media):  # type: ignore[no-untyped-def]
    response = _upload(client, plan.slug, MONGOLIAN_MD.encode())
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert not Item.objects.filter(plan=plan).exclude(title_mn="").exists()


# -- The command ------------------------------------------------------------------------


def test_the_command_dry_run_json_and_import(plan, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "mn.md"
    path.write_text(MONGOLIAN_MD, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "importplan",
        str(path),
        "--plan",
        plan.slug,
        "--language-version",
        "mn",
        "--dry-run",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["only_in_file"] == ["2.3"] and data["only_in_plan"] == ["2.2"]
    assert (data["matched"], data["changed"]) == (5, 5)
    assert not Item.objects.filter(plan=plan).exclude(title_mn="").exists()
    out = io.StringIO()
    call_command(
        "importplan", str(path), "--plan", plan.slug, "--language-version", "mn", stdout=out
    )
    assert "2.3" in out.getvalue()
    assert Item.objects.filter(plan=plan).exclude(title_mn="").count() == 5


def test_the_command_refuses_clearly(plan, tmp_path, english):  # type: ignore[no-untyped-def]
    path = tmp_path / "en.csv"
    path.write_text(ENGLISH_CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="new version"):
        call_command("importplan", str(path), "--plan", plan.slug, "--language-version", "en")
    with pytest.raises(CommandError, match="--plan"):
        call_command("importplan", str(path), "--language-version", "mn")
    with pytest.raises(CommandError):
        call_command("importplan", str(path), "--plan", "no-such-plan", "--language-version", "mn")
    with pytest.raises(CommandError, match="--draft"):
        call_command(
            "importplan", str(path), "--plan", plan.slug, "--language-version", "mn", "--draft"
        )


# -- Hostile and bad files go through the same readers and budgets ----------------------


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_file_is_refused_clearly_or_previewed(
    case, client, sign_in, plan, manager, settings, tmp_path
):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_IMPORT_LIMITS = TEST_LIMITS
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, manager)
    before = _row_counts()
    upload = SimpleUploadedFile(case.name, case.data, content_type="application/octet-stream")
    response = client.post(f"/en/plans/{plan.slug}/import-language/", {"file": upload})
    assert response.status_code == 200
    body = response.content.decode(errors="replace")
    assert "Traceback" not in body
    if case.secret:
        assert case.secret not in response.content
    form = response.context.get("form")
    if form is not None and form.errors:
        assert " ".join(form.errors.get("file", [])).strip()
    assert _row_counts() == before  # the upload only previews


def test_an_item_saved_meanwhile_is_read_again_not_overwritten(plan, manager, monkeypatch):  # type: ignore[no-untyped-def]
    from plantrack.plans import language_import

    real, calls = language_import._prepare, []

    def edited_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        prepared = real(*args, **kwargs)
        if not calls:  # someone saves item 1.2's English title between reading and writing
            Item.objects.filter(plan=plan, code="1.2").update(
                title_en="Renew every road sign", version=F("version") + 1
            )
        calls.append(1)
        return prepared

    monkeypatch.setattr(language_import, "_prepare", edited_meanwhile)
    result = plan_import_language(plan=plan, parsed=_mongolian(), by=manager)
    assert len(calls) == 2 and result.changed == 5
    item = Item.objects.get(plan=plan, code="1.2")
    assert (item.title_en, item.title_mn) == ("Renew every road sign", "Замын тэмдгийг шинэчлэх")


def test_the_plans_texts_become_official_and_only_managers_see_the_link(client, plan, manager):  # type: ignore[no-untyped-def]
    Plan.objects.filter(pk=plan.pk).update(
        title_mn="Орчуулга", translations={"title_mn": "unofficial", "description_mn": "unofficial"}
    )
    plan_import_language(plan=plan, parsed=_mongolian(), by=manager)
    plan.refresh_from_db()
    assert plan.title_mn == "Дүүргийн аюулгүй байдлын төлөвлөгөө"
    # The file gives no Mongolian description: its state stays as it was.
    assert plan.translations == {"description_mn": "unofficial"}
    page = client.get(f"/en/plans/{plan.slug}/")
    assert page.status_code == 200
    assert "import-language" not in page.content.decode()


def test_a_mongolian_outline_stored_in_english_columns_gets_its_english_version(db, bob):  # type: ignore[no-untyped-def]
    """A Mongolian outline imported as a plan is stored in the Mongolian columns now; plans
    imported before the readers told a document's language hold it in the English columns.
    For those, the English version moves that text to the Mongolian columns rather than
    losing it, and a second Mongolian file is refused as the same document."""
    data = MONGOLIAN_MD.encode()
    plan = plan_import(parsed=parse_bytes(data), slug="mn-outline", system=True).plan
    plan.managers.add(bob)
    stored = Item.objects.get(plan=plan, code="1.1")
    assert stored.title_mn.startswith("Сургуулийн") and stored.title_en == ""
    # As an older import left it: the Mongolian text in the English columns.
    for item in Item.objects.filter(plan=plan):
        Item.objects.filter(pk=item.pk).update(
            title_en=item.title_mn, title_mn="", label_en=item.label_mn, label_mn=""
        )
    assert Item.objects.get(plan=plan, code="1.1").title_en.startswith("Сургуулийн")
    with pytest.raises(ImportRefused):
        plan_import_language(plan=plan, parsed=parse_bytes(data), by=bob)
    result = plan_import_language(plan=plan, parsed=parse_bytes(ENGLISH_MD.encode()), by=bob)
    assert result.language == "en"
    item = Item.objects.get(plan=plan, code="1.1")
    assert item.title_en == "Light the crossings near schools"
    assert item.title_mn == "Сургуулийн ойролцоох гарцуудыг гэрэлтүүлэх"
    # Moved too, though the English file has no body: the English column holds no Mongolian.
    assert (item.body_en, item.body_mn) == ("", "Гарц бүрт гэрэл суурилуулна.")
    # 1.2 is not in the English file: it keeps its texts where they are.
    unmatched = Item.objects.get(plan=plan, code="1.2")
    assert (unmatched.title_en, unmatched.title_mn) == ("Замын тэмдгийг шинэчлэх", "")
    plan.refresh_from_db()
    assert (plan.title_en, plan.title_mn) == (
        "District safety plan",
        "Дүүргийн аюулгүй байдлын төлөвлөгөө",
    )


def test_a_mongolian_document_is_stored_in_the_mongolian_columns(db):  # type: ignore[no-untyped-def]
    """Mongolian first: a plan published in Mongolian is imported as Mongolian text, so its
    Mongolian pages show it as their own language and its English pages mark it."""
    plan = plan_import(parsed=parse_bytes(MONGOLIAN_MD.encode()), slug="mn-doc", system=True).plan
    assert plan.languages == "mn"
    item = Item.objects.get(plan=plan, code="1.1")
    assert item.title_mn.startswith("Сургуулийн") and item.title_en == ""
    english = plan_import(parsed=parse_bytes(ENGLISH_MD.encode()), slug="en-doc", system=True)
    assert Item.objects.get(plan=english.plan, code="1.1").title_en.startswith("Light")
