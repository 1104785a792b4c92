"""The Mongolian catalogue is complete, keeps its placeholders, and is compiled.

Pure tests: they read the catalogues under plantrack/locale with polib and render a few
strings through Django's translation machinery, without a database.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.utils import translation

import plantrack
from plantrack.plans.models import Item, Status

LOCALE = Path(plantrack.__file__).resolve().parent / "locale"
MN_PO = LOCALE / "mn" / "LC_MESSAGES" / "django.po"
MN_MO = LOCALE / "mn" / "LC_MESSAGES" / "django.mo"
EN_MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"

# %(name)s and %s / %d / %i / %f style, and str.format's {name}; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


def _is_cyrillic(text: str) -> bool:
    """True when the text has letters and every letter in it is Cyrillic."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all("\u0400" <= ch <= "\u04ff" for ch in letters)


def _live_entries(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete]


@pytest.fixture(scope="module")
def mn_po() -> polib.POFile:
    return polib.pofile(str(MN_PO))


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or "")


def _strings(entry: polib.POEntry | polib.MOEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def test_the_mongolian_catalogue_has_entries_and_declares_two_plural_forms(mn_po):
    assert len(_live_entries(mn_po)) > 100
    assert mn_po.metadata["Language"] == "mn"
    assert mn_po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert not mn_po.metadata_is_fuzzy


def test_every_mongolian_entry_is_translated_and_not_fuzzy(mn_po):
    untranslated = [
        entry.msgid for entry in _live_entries(mn_po) if not all(s.strip() for s in _strings(entry))
    ]
    fuzzy = [entry.msgid for entry in _live_entries(mn_po) if "fuzzy" in entry.flags]
    plural_forms_missing = [
        entry.msgid
        for entry in _live_entries(mn_po)
        if entry.msgid_plural and sorted(entry.msgstr_plural) != [0, 1]
    ]
    assert untranslated == [], "run makemessages, then translate these entries"
    assert fuzzy == [], "check these translations, then remove their fuzzy flag"
    assert plural_forms_missing == [], "fill both msgstr[0] and msgstr[1]"


def test_every_mongolian_translation_keeps_the_placeholders_of_its_source(mn_po):
    wrong = []
    for entry in _live_entries(mn_po):
        if entry.msgid_plural:
            pairs = [
                (entry.msgid if index == 0 else entry.msgid_plural, text)
                for index, text in sorted(entry.msgstr_plural.items())
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            if _placeholders(source) != _placeholders(text):
                wrong.append((source, text))
    assert wrong == []


def test_the_committed_mongolian_mo_file_matches_the_po_file(mn_po):
    assert MN_MO.exists(), "run compilemessages and commit django.mo"
    compiled = polib.mofile(str(MN_MO))
    expected = {
        _key(entry): _strings(entry)
        for entry in _live_entries(mn_po)
        if entry.msgid and "fuzzy" not in entry.flags and all(_strings(entry))
    }
    found = {_key(entry): _strings(entry) for entry in compiled if entry.msgid}
    assert found == expected, "django.mo is stale: run compilemessages and commit it"
    assert compiled.metadata.get("Plural-Forms") == mn_po.metadata["Plural-Forms"]


def test_the_english_catalogue_is_compiled_too():
    assert EN_MO.exists()
    assert polib.mofile(str(EN_MO)).metadata.get("Language") == "en"


def test_navigation_strings_render_in_cyrillic_in_mongolian():
    with translation.override("mn"):
        for text in ("Plans", "Organisations", "Search", "Sign in", "Sign out"):
            rendered = translation.gettext(text)
            assert _is_cyrillic(rendered), (text, rendered)
        assert translation.gettext("Plans") == "Төлөвлөгөөнүүд"


def test_status_and_kind_labels_render_in_cyrillic_in_mongolian():
    with translation.override("mn"):
        assert str(Status.DELAYED.label) == "Хоцорсон"
        assert str(Status.COMPLETED.label) == "Хэрэгжсэн"
        assert str(Status.IN_PROGRESS.label) == "Хэрэгжиж буй"
        assert str(Item.Kind.ACTIVITY.label) == "Үйл ажиллагаа"
        for status in Status:
            assert _is_cyrillic(str(status.label)), status


def test_a_plural_template_string_renders_in_mongolian_with_its_count():
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} activity"
        "{% plural %}{{ counter }} activities{% endblocktranslate %}"
    )
    with translation.override("mn"):
        assert template.render(Context({"n": 1})) == "1 үйл ажиллагаа"
        assert template.render(Context({"n": 7})) == "7 үйл ажиллагаа"
    with translation.override("en"):
        assert template.render(Context({"n": 7})) == "7 activities"


def test_english_shows_the_source_strings_unchanged():
    with translation.override("en"):
        assert translation.gettext("Plans") == "Plans"
        assert str(Status.DELAYED.label) == "Delayed"
