"""The import guide and the plan template served by the site; refusals that point to them,
on the upload form and at the command line, in the language asked for."""

from __future__ import annotations

import ast
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

import plantrack
from plantrack.cli import main
from plantrack.lib.language import environment_language
from plantrack.plans.importers import table
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.importers.limits import size_text
from plantrack.plans.models import Item, Plan
from plantrack.plans.services import plan_import

PLANS = Path(plantrack.__file__).resolve().parent / "plans"
GUIDE, CSV, XLSX = "help/import/", "help/import/template.csv", "help/import/template.xlsx"
# A refusal whose message the Mongolian catalogue already holds.
EMPTY_EN = "the file is empty; choose the file that holds the plan"


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# -- The template ---------------------------------------------------------------------------


def _example_items() -> list[tuple[str, str, str, str]]:
    return [(row["code"], row["kind"], row["title"], row["title_mn"]) for row in table.EXAMPLE_ROWS]


@pytest.mark.parametrize("lang", ["mn", "en"])
def test_the_csv_template_is_served_as_a_csv_download(client, lang):  # type: ignore[no-untyped-def]
    response = client.get(f"/{lang}/{CSV}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="plantrack-plan-template.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf# title: ")  # BOM: Excel shows Cyrillic


@pytest.mark.parametrize("lang", ["mn", "en"])
def test_the_xlsx_template_is_served_as_a_workbook_download(client, lang):  # type: ignore[no-untyped-def]
    response = client.get(f"/{lang}/{XLSX}")
    assert response.status_code == 200
    assert response["Content-Type"] == table.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="plantrack-plan-template.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[len(table.EXAMPLE_META) + 1]]
    assert header == list(table.TEMPLATE_COLUMNS)


@pytest.mark.parametrize("path", [CSV, XLSX])
def test_a_served_template_reads_back_as_the_example_plan(client, path):  # type: ignore[no-untyped-def]
    parsed = parse_bytes(client.get(f"/en/{path}").content)
    assert (parsed.short_name, parsed.title_mn) == (
        "example-district-safety",
        "Дүүргийн зам, агаарын аюулгүй байдлын төлөвлөгөө (жишээ)",
    )
    assert [(i.code, i.kind, i.title, i.title_mn) for i in parsed.items] == _example_items()
    crossing = parsed.items[2]
    assert [(r.organisation, r.acronym, r.role) for r in crossing.responsibilities] == [
        ("District Roads Department", "DRD", "lead"),
        ("Parents' Association", "", "partner"),
    ]
    assert (crossing.status, crossing.progress, crossing.start_year) == ("in_progress", 40, 2025)
    assert crossing.indicators == ["Crossings built", "Injuries near schools per year"]


@pytest.mark.parametrize("path", [CSV, XLSX])
def test_a_served_template_imports_cleanly(db, client, path):  # type: ignore[no-untyped-def]
    result = plan_import(parsed=parse_bytes(client.get(f"/mn/{path}").content), system=True)
    plan = Plan.objects.get(slug="example-district-safety")
    assert (result.created, result.plan_created) == (len(table.EXAMPLE_ROWS), True)
    codes = Item.objects.filter(plan=plan).values_list("code", flat=True)
    assert sorted(codes) == sorted(row["code"] for row in table.EXAMPLE_ROWS)
    assert (plan.start_year, plan.end_year, str(plan.adopted_on)) == (2025, 2028, "2025-03-01")


def test_the_template_downloads_answer_only_reads(db, client):  # type: ignore[no-untyped-def]
    assert client.post(f"/en/{CSV}").status_code == 405
    assert client.head(f"/en/{XLSX}").status_code == 200


# -- The guide --------------------------------------------------------------------------------


def test_the_guide_is_written_in_the_language_of_the_page(db, client):  # type: ignore[no-untyped-def]
    english = client.get(f"/en/{GUIDE}").content.decode()
    mongolian = client.get(f"/mn/{GUIDE}").content.decode()
    assert "<h1>Importing a plan</h1>" in english
    assert "<h1>Төлөвлөгөө импортлох</h1>" in mongolian
    for page, lang in ((english, "en"), (mongolian, "mn")):
        assert f'<html lang="{lang}">' in page
        for target in (f"/{lang}/{CSV}", f"/{lang}/{XLSX}", f"/{lang}/plans/import/"):
            assert f'href="{target}"' in page
        for section in ("formats", "template", "levels", "choose", "mapping", "cli", "limits"):
            assert f'id="{section}"' in page and f'href="#{section}"' in page
        assert 'id="refused"' in page and "--language" in page and "--dry-run --json" in page


def test_the_guide_states_the_limits_in_force(db, client, settings):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_MAX_IMPORT_BYTES = 3 * 1024 * 1024
    settings.PLANTRACK_IMPORT_LIMITS = {"max_pdf_pages": 321, "max_items": 4_500}
    for lang in ("en", "mn"):
        page = client.get(f"/{lang}/{GUIDE}").content.decode()
        with translation.override(lang):
            assert f"<td>{size_text(3 * 1024 * 1024)}</td>" in page
        assert "<td>321</td>" in page and "<td>4,500</td>" in page


def test_the_guide_names_every_template_column_and_plan_key(db, client):  # type: ignore[no-untyped-def]
    for lang in ("en", "mn"):
        page = client.get(f"/{lang}/{GUIDE}").content.decode()
        for name in (*table.REQUIRED_COLUMNS, *table.OPTIONAL_COLUMNS, *table.PLAN_KEYS):
            assert f"<code>{name}</code>" in page, (lang, name)


# -- Refusals on the web ------------------------------------------------------------------


def test_a_refused_upload_shows_the_guide_and_the_template_under_the_error(  # type: ignore[no-untyped-def]
    client, sign_in, alice, media
):
    sign_in(client, alice)
    upload = SimpleUploadedFile("plan.txt", b"\x00\x01binary")
    with translation.override("en"):
        response = client.post("/en/plans/import/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    errors_end = page.index('id="id_file_errors"')
    help_at = page.index('id="refusal-help"')
    assert errors_end < help_at < page.index('id="id_file"', errors_end)
    links = page[help_at : page.index("</p>", help_at)]
    assert 'href="/en/help/import/#refused"' in links
    assert 'href="/en/help/import/template.csv"' in links
    assert 'href="/en/help/import/template.xlsx"' in links
    assert "binary file" in page


def test_a_refusal_at_confirmation_is_shown_with_the_links_too(client, sign_in, alice, media):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    response = client.post("/en/plans/import/confirm/", {"token": "forged"}, follow=True)
    page = response.content.decode()
    assert "message-error" in page
    assert page.count('id="refusal-help"') == 1
    assert 'href="/en/help/import/#refused"' in page


def test_the_import_form_and_the_plans_list_link_the_guide_for_managers(  # type: ignore[no-untyped-def]
    client, sign_in, alice
):
    assert 'href="/mn/help/import/"' not in client.get("/mn/plans/").content.decode()
    sign_in(client, alice)
    assert 'href="/mn/help/import/"' in client.get("/mn/plans/").content.decode()
    form = client.get("/mn/plans/import/").content.decode()
    assert 'href="/mn/help/import/"' in form and 'href="/mn/help/import/template.xlsx"' in form
    assert 'id="refusal-help"' not in form  # no refusal yet


# -- Refusals at the command line, in the language asked for ----------------------------------


def _refusal(*args: str) -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("importplan", *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_the_same_refusal_is_english_or_mongolian_as_asked(db, tmp_path):  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    english = _refusal(str(empty), "--language", "en")
    mongolian = _refusal(str(empty), "--language", "mn")
    assert EMPTY_EN in english
    assert EMPTY_EN not in mongolian
    with translation.override("mn"):
        assert translation.gettext(EMPTY_EN) in mongolian


def test_a_refusal_at_the_command_line_points_to_the_guide_on_the_site(db, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "plan.csv"
    path.write_text("code,kind,title,colour\n1,goal,G,red\n")
    message = _refusal(str(path), "--language", "en")
    assert "unknown column(s) colour; the columns are code, kind, title" in message
    assert "see /en/help/import/#refused on your Plantrack site" in message
    assert "/en/help/import/template.csv" in message and "docs/" not in message
    assert "/mn/help/import/#refused" in _refusal(str(path), "--language", "mn")


def test_the_dry_run_json_keeps_english_keys_and_speaks_the_language(db, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "plan.md"
    path.write_text("# Open data plan\n\n1. Open data\n\n1.1 Budgets\n\n1.3 Hearings\n")
    out = StringIO()
    call_command("importplan", str(path), "--dry-run", "--json", "--language", "mn", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"plan", "levels", "items", "unplaced", "warnings"}
    assert data["warnings"] == ["1.2 дутуу байна"]
    with translation.override("en"):
        out = StringIO()
        call_command("importplan", str(path), "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue())["warnings"] == ["1.2 is missing"]


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "mn_MN.UTF-8"}, "mn"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, ""),
        ({}, ""),
        ({"LANGUAGE": "fr:en", "LANG": "mn_MN.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "en_GB.UTF-8"}, ""),
        ({"LC_MESSAGES": "mn_MN", "LANG": "en_US.UTF-8"}, "mn"),
    ],
)
def test_the_environment_chooses_the_language_as_gettext_does(environ, language):  # type: ignore[no-untyped-def]
    assert environment_language(environ) == language


@pytest.mark.django_db
@pytest.mark.parametrize(("lang_env", "english"), [("en_US.UTF-8", True), ("C.UTF-8", False)])
def test_the_plantrack_command_follows_lang_and_else_speaks_mongolian(  # type: ignore[no-untyped-def]
    tmp_path, monkeypatch, capsys, lang_env, english
):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang_env)
    with pytest.raises(SystemExit):
        main(["import", str(empty), "--dry-run"])
    err = capsys.readouterr().err
    assert (EMPTY_EN in err) is english
    assert ("/en/help/import/" in err) is english and ("/mn/help/import/" in err) is not english


# -- Every importer refusal is translatable ------------------------------------------------

REFUSING_MODULES = [
    *sorted((PLANS / "importers").glob("*.py")),
    PLANS / "services.py",
    PLANS / "validation.py",
]
GETTEXT_NAMES = {"_", "gettext", "ngettext", "gettext_lazy", "pgettext"}


def _is_gettext(node: ast.expr) -> bool:
    """``_("literal")``: a gettext call on a plain string (never an f-string)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in GETTEXT_NAMES
        and bool(node.args)
        and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:1])
    )


def untranslatable_refusals(source: str) -> list[int]:
    """Lines where ``ImportRefused(...)`` gets a message that is not a gettext string:
    a literal, an f-string, or a concatenation or %-format of anything but ``_(...)``.
    A name, attribute or call of a helper (``self.refusal``, ``_nothing_found(...)``) passes
    the message on; the helper's own ``ImportRefused`` or ``_()`` is checked where it is."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "ImportRefused"
        ):
            continue
        message = node.args[0] if node.args else None
        if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Mod):
            message = message.left
        ok = message is not None and (
            _is_gettext(message)
            or isinstance(message, ast.Name | ast.Attribute)
            or (
                isinstance(message, ast.Call)
                and isinstance(message.func, ast.Name)
                and message.func.id not in GETTEXT_NAMES
            )
        )
        if not ok:
            lines.append(node.lineno)
    return lines


def test_every_importer_refusal_is_a_translatable_string():
    found = {
        str(path.relative_to(PLANS)): lines
        for path in REFUSING_MODULES
        if (lines := untranslatable_refusals(path.read_text(encoding="utf-8")))
    }
    assert found == {}
    assert len(REFUSING_MODULES) > 10


def test_the_refusal_scan_catches_literals_f_strings_and_concatenations():
    source = (
        'ImportRefused("plain")\n'
        'ImportRefused(f"line {n}")\n'
        'ImportRefused("a" + _("b"))\n'
        'ImportRefused(_(f"x {y}"))\n'
        'ImportRefused("%s" % x)\n'
        'ImportRefused(_("ok %(n)s") % {"n": 1})\n'
        "ImportRefused(self.refusal)\n"
        "ImportRefused(_nothing_found(doc))\n"
    )
    assert untranslatable_refusals(source) == [1, 2, 3, 4, 5]
