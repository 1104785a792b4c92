"""Files for translators: XLIFF 2.0 and XLSX exports round-trip through the import, a
changed source marks its translation for review, and hostile files are refused whole."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plantrack.history.models import Event
from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.models import Item, Plan
from plantrack.plans.services import item_update
from plantrack.plans.translation_files import XLIFF_NS
from plantrack.plans.translations import (
    TranslationRow,
    translation_counts,
    translations_import,
    translations_save,
    untranslated_count,
)

from . import hostile

BASE = "/en/plans/vision-2050-goal-7/translate/"


def _snapshot(plan: Plan) -> list[tuple]:
    return list(
        Item.objects.filter(plan=plan)
        .order_by("path")
        .values_list("code", "title_mn", "body_mn", "label_mn", "translations", "version")
    )


def _export(client, fmt: str, direction: str = "en-mn") -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(f"{BASE}export.{fmt}?direction={direction}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content


def _import(client, data: bytes, name: str):  # type: ignore[no-untyped-def]
    return client.post(f"{BASE}import/", {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def manager(sign_in, client, alice, vision):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    # Two translations already on the site: one unofficial, one official.
    translations_save(
        plan=vision,
        target="mn",
        rows=[
            TranslationRow(code="7.1", version=1, texts={"title": "Батлан хамгаалах"}),
            TranslationRow(code="7.2", version=1, texts={"title": "Хил"}, official=True),
        ],
        by=alice,
    )
    return client


# -- XLIFF ----------------------------------------------------------------------------------


def _xliff_fill(data: bytes, targets: dict[str, tuple[str, str]]) -> bytes:
    """Fill the targets of the units named (id -> (text, state)) as a CAT tool would."""
    import xml.etree.ElementTree as ET

    ET.register_namespace("", XLIFF_NS)
    root = ET.fromstring(data)
    q = f"{{{XLIFF_NS}}}"
    for unit in root.iter(f"{q}unit"):
        if unit.get("id") not in targets:
            continue
        text, state = targets[unit.get("id")]
        segment = unit.find(f"{q}segment")
        assert segment is not None
        target = segment.find(f"{q}target")
        if target is None:
            target = ET.SubElement(segment, f"{q}target")
        target.text = text
        segment.set("state", state)
        segment.attrib.pop("subState", None)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def test_the_xliff_export_is_xliff_2_with_states_and_source_hashes(manager):  # type: ignore[no-untyped-def]
    data = _export(manager, "xlf").decode()
    assert f'<xliff xmlns="{XLIFF_NS}" version="2.0" srcLang="en" trgLang="mn">' in data
    assert '<file id="vision-2050-goal-7"' in data
    assert '<unit id="7.1:title"' in data
    assert 'state="translated"' in data and 'state="final"' in data and 'state="initial"' in data
    assert '<note category="plantrack-source-sha256">' in data
    assert '<target xml:lang="mn" xml:space="preserve">Батлан хамгаалах</target>' in data


def test_importing_an_unchanged_xliff_export_changes_nothing(manager, vision):  # type: ignore[no-untyped-def]
    data = _export(manager, "xlf")
    before, events = _snapshot(vision), Event.objects.count()
    response = _import(manager, data, "plan.xlf")
    assert response.status_code == 302
    assert _snapshot(vision) == before
    assert Event.objects.count() == events


def test_a_translated_xliff_imports_targets_and_states(manager, vision):  # type: ignore[no-untyped-def]
    data = _xliff_fill(
        _export(manager, "xlf"),
        {
            "7.1.1:title": ("Нэг", "translated"),
            "7.1.2:title": ("Хоёр", "final"),
            "7.1:title": ("Батлан хамгаалах", "final"),  # made official, text unchanged
        },
    )
    count = untranslated_count(vision)
    response = _import(manager, data, "plan.xlf")
    assert response.status_code == 302
    one, two, seven = (Item.objects.get(plan=vision, code=c) for c in ("7.1.1", "7.1.2", "7.1"))
    assert (one.title_mn, one.translations) == ("Нэг", {"title_mn": "unofficial"})
    assert (two.title_mn, two.translations) == ("Хоёр", {})
    assert seven.translations == {}
    assert untranslated_count(vision) == count - 2
    assert Event.objects.filter(item_id__in=[one.pk, two.pk, seven.pk]).count() >= 3


def test_a_changed_source_marks_an_imported_translation_for_review(manager, vision, alice):  # type: ignore[no-untyped-def]
    data = _export(manager, "xlf")
    item = Item.objects.get(plan=vision, code="7.1.1")
    item_update(item=item, version=item.version, values={"title_en": "Changed since"}, by=alice)
    filled = _xliff_fill(data, {"7.1.1:title": ("Нэг", "final")})
    response = _import(manager, filled, "plan.xlf")
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title_mn, item.translations) == ("Нэг", {"title_mn": "needs_review"})
    assert translation_counts(vision)["mn"]["needs_review"] == 1


def test_the_xliff_id_may_use_a_slash(manager, vision):  # type: ignore[no-untyped-def]
    data = _export(manager, "xlf").replace(b'id="7.1.1:title"', b'id="7.1.1/title"')
    filled = _xliff_fill(data, {"7.1.1/title": ("Нэг", "translated")})
    assert _import(manager, filled, "plan.xlf").status_code == 302
    assert Item.objects.get(plan=vision, code="7.1.1").title_mn == "Нэг"


# -- XLSX -----------------------------------------------------------------------------------


def _xlsx_fill(data: bytes, targets: dict[tuple[str, str], tuple[str, str]]) -> bytes:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["translations"]
    for row in sheet.iter_rows(min_row=2):
        key = (row[0].value, row[1].value)
        if key in targets:
            row[3].value, row[4].value = targets[key]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_xlsx_export_has_a_header_one_row_per_text_and_the_plan(manager, vision):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(_export(manager, "xlsx")))
    rows = list(workbook["translations"].iter_rows(values_only=True))
    assert rows[0][:5] == ("code", "field", "source", "target", "state")
    assert ("7.1", "title") in {(r[0], r[1]) for r in rows[1:]}
    assert workbook["translations"].column_dimensions["F"].hidden
    about = {r[0]: r[1] for r in workbook["README"].iter_rows(values_only=True) if r and r[0]}
    assert (about["plan"], about["source_language"], about["target_language"]) == (
        vision.slug,
        "en",
        "mn",
    )


def test_importing_an_unchanged_xlsx_export_changes_nothing(manager, vision):  # type: ignore[no-untyped-def]
    data = _export(manager, "xlsx")
    before, events = _snapshot(vision), Event.objects.count()
    assert _import(manager, data, "plan.xlsx").status_code == 302
    assert _snapshot(vision) == before
    assert Event.objects.count() == events


def test_a_translated_xlsx_imports_targets_and_states(manager, vision):  # type: ignore[no-untyped-def]
    data = _xlsx_fill(
        _export(manager, "xlsx"),
        {("7.1.1", "title"): ("Нэг", "untranslated"), ("7.1.2", "title"): ("Хоёр", "official")},
    )
    count = untranslated_count(vision)
    assert _import(manager, data, "plan.xlsx").status_code == 302
    one, two = (Item.objects.get(plan=vision, code=c) for c in ("7.1.1", "7.1.2"))
    assert (one.title_mn, one.translations) == ("Нэг", {"title_mn": "unofficial"})
    assert (two.title_mn, two.translations) == ("Хоёр", {})
    assert untranslated_count(vision) == count - 2


def test_a_changed_source_marks_an_xlsx_translation_for_review(manager, vision, alice):  # type: ignore[no-untyped-def]
    data = _export(manager, "xlsx")
    item = Item.objects.get(plan=vision, code="7.1.1")
    item_update(item=item, version=item.version, values={"title_en": "Changed since"}, by=alice)
    filled = _xlsx_fill(data, {("7.1.1", "title"): ("Нэг", "official")})
    assert _import(manager, filled, "plan.xlsx").status_code == 302
    item.refresh_from_db()
    assert item.translations == {"title_mn": "needs_review"}


def test_a_formula_like_title_is_exported_as_text(manager, vision):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    Item.objects.filter(plan=vision, code="7.1.1").update(title_en="=HYPERLINK(1)")
    workbook = load_workbook(io.BytesIO(_export(manager, "xlsx")))
    cells = [r for r in workbook["translations"].iter_rows() if r[0].value == "7.1.1"]
    assert cells[0][2].data_type == "s"


# -- Refusals: nothing written, a message naming the problem --------------------------------


def _refused(client, vision, data: bytes, name: str, *needles: str) -> None:  # type: ignore[no-untyped-def]
    before, events = _snapshot(vision), Event.objects.count()
    response = _import(client, data, name)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="error-summary"' in content
    for needle in needles:
        assert needle in content, needle
    assert _snapshot(vision) == before
    assert Event.objects.count() == events


def test_a_file_for_another_plan_is_refused(manager, vision):  # type: ignore[no-untyped-def]
    data = _export(manager, "xlf").replace(b'id="vision-2050-goal-7"', b'id="other-plan"')
    _refused(manager, vision, data, "x.xlf", "other-plan")


def test_an_xlsx_for_another_plan_is_refused(manager, vision):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(_export(manager, "xlsx")))
    for row in workbook["README"].iter_rows():
        if row[0].value == "plan":
            row[1].value = "dice-inclusive-digitalization-roadmap"
    out = io.BytesIO()
    workbook.save(out)
    _refused(manager, vision, out.getvalue(), "x.xlsx", "dice-inclusive-digitalization-roadmap")


def test_wrong_languages_are_refused(manager, vision):  # type: ignore[no-untyped-def]
    data = _export(manager, "xlf").replace(b'trgLang="mn"', b'trgLang="fr"')
    _refused(manager, vision, data, "x.xlf", "fr")
    data = _export(manager, "xlf").replace(b'xml:lang="mn"', b'xml:lang="ru"')
    _refused(manager, vision, data, "x.xlf", "unit 7.1:title", "ru")


def test_an_unknown_code_names_its_unit_and_nothing_is_written(manager, vision):  # type: ignore[no-untyped-def]
    data = _xliff_fill(_export(manager, "xlf"), {"7.1.1:title": ("Нэг", "translated")})
    data = data.replace(b'id="7.1.2:title"', b'id="99.9:title"')
    _refused(manager, vision, data, "x.xlf", "unit 99.9:title", "99.9")


def test_a_bad_state_in_a_row_is_named(manager, vision):  # type: ignore[no-untyped-def]
    data = _xlsx_fill(_export(manager, "xlsx"), {("7.1.1", "title"): ("Нэг", "approved-ish")})
    _refused(manager, vision, data, "x.xlsx", "approved-ish")


@pytest.mark.parametrize(
    ("name", "make", "needle"),
    [
        ("not-xml.xlf", lambda: b"hello, this is no translation file", "neither XLIFF"),
        ("broken.xlf", lambda: b"<xliff><file></xliff>", "not well-formed"),
        ("other.xml", lambda: b"<html><body/></html>", "not XLIFF 2.0"),
        (
            "xxe.xlf",
            lambda: (
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" '
                b'srcLang="en" trgLang="mn"><file id="vision-2050-goal-7"><unit id="7.1:title">'
                b"<segment><source>&e;</source><target>&e;</target></segment></unit></file></xliff>"
            ),
            "DTD",
        ),
        (
            "laughs.xlf",
            lambda: hostile._LAUGHS + b"<xliff>&lol9;</xliff>",
            "DTD",
        ),
        ("bomb.xlsx", hostile.xlsx_bomb, "the limit is 50 MB"),
        ("ratio.xlsx", hostile.high_ratio, "ZIP bomb"),
        ("laughs.xlsx", hostile.billion_laughs_xlsx, "DTD"),
        ("damaged.xlsx", hostile.damaged_zip, "damaged"),
        ("template.xlsx", lambda: hostile._xlsx(hostile._template_rows()), "translations"),
    ],
)
def test_hostile_and_wrong_files_are_refused_with_a_message(manager, vision, name, make, needle):  # type: ignore[no-untyped-def]
    _refused(manager, vision, make(), name, needle)


def test_a_huge_file_is_refused(manager, vision, settings):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_MAX_IMPORT_BYTES = 1000
    _refused(manager, vision, b"<" + b"x" * 5000, "big.xlf", "limit")


def test_too_many_elements_are_refused_by_the_service(alice, vision, english):  # type: ignore[no-untyped-def]
    from plantrack.plans.importers.limits import current

    data = b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0">' + b"<x/>" * 200 + b"</xliff>"
    with pytest.raises(ImportRefused, match="XML elements"):
        translations_import(
            plan=vision,
            data=data,
            file_name="x.xlf",
            by=alice,
            limits=current().but(max_xml_elements=100),
        )


def test_only_the_plans_managers_may_import(vision, bob, charlie):  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    for user in (bob, charlie, None):
        with pytest.raises(PermissionDenied):
            translations_import(plan=vision, data=b"<x/>", file_name="x.xlf", by=user)
