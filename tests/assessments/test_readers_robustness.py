"""Bad files: every one refused with a clear message, within the budgets, never a crash.

The ZIP, XML and PDF bombs are the plan importers' hostile files (tests/plans/hostile.py):
the assessment readers go through the same layers and must give the same refusals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from plantrack.assessments.importers.reader import read_assessment
from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.limits import DEFAULT_LIMITS, Limits
from tests.plans import hostile

SEED = Path(__file__).resolve().parents[2] / "plantrack" / "plans" / "seeds"
SCORECARD = SEED / "003_8a0f78df4ed7b134.txt"


def _refusal(data: bytes, name: str, limits: Limits | None = None) -> str:
    with pytest.raises(ImportRefused) as refused:
        read_assessment(data, name=name, limits=limits)
    return str(refused.value)


@pytest.mark.parametrize(
    ("name", "build", "expected"),
    [
        ("empty.txt", lambda: b"", r"the file is empty"),
        ("blank.csv", lambda: b" \n\t\n", r"the file is empty"),
        ("garbage.docx", hostile.garbage, r"binary file.*save the assessment"),
        ("nul.txt", lambda: b"Indicator\tStrong\n\x00\x01\x02" * 10, r"binary file"),
        ("bomb.docx", hostile.docx_bomb, r"expands to 64 MB; the limit is 50 MB"),
        ("nested.docx", hostile.deep_nesting(300), r"more than 128 levels deep"),
        ("laughs.docx", hostile.billion_laughs_docx, r"declares a DTD or XML entities"),
        ("members.docx", hostile.many_members, r"holds 5,003 parts; the limit is 2,000"),
        ("damaged.docx", hostile.damaged_zip, r"damaged|not well-formed"),
        ("bomb.pdf", hostile.pdf_bomb, r"expands to more than 50 MB"),
        ("pages.pdf", hostile.pdf_many_pages, r"10,000 pages; the limit is 2,000"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(name, build, expected, english):  # type: ignore[no-untyped-def]
    assert re.search(expected, _refusal(build(), name))


def test_an_xml_entity_cannot_read_a_file_of_the_server(english):  # type: ignore[no-untyped-def]
    message = _refusal(hostile.xxe_docx(), "xxe.docx")
    assert "declares a DTD" in message
    assert "root:x:0:0" not in message


def test_a_file_over_the_size_cap_is_refused_naming_the_cap(english, tmp_path):  # type: ignore[no-untyped-def]
    limits = DEFAULT_LIMITS.but(max_upload_bytes=20_000)
    assert "the limit is 0.019 MB" in _refusal(SCORECARD.read_bytes(), "003.txt", limits)
    big = tmp_path / "big.txt"
    big.write_bytes(SCORECARD.read_bytes() * 3)
    with pytest.raises(ImportRefused, match=r"larger than 0\.019 MB"):
        read_assessment(big, name=big.name, limits=limits)  # read no further than the cap


def test_the_text_the_items_and_the_time_are_capped(english):  # type: ignore[no-untyped-def]
    data = SCORECARD.read_bytes()
    chars = DEFAULT_LIMITS.but(max_text_chars=1_000)
    assert "more than 1,000 characters of text" in _refusal(data, "003.txt", chars)
    items = DEFAULT_LIMITS.but(max_items=40)
    assert "the limit is 40 items" in _refusal(data, "003.txt", items)
    slow = DEFAULT_LIMITS.but(max_seconds=0.001)
    assert "takes more than 1 seconds" in _refusal(data, "003.txt", slow)


def test_a_path_that_is_not_there_is_refused(english, tmp_path):  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused, match="could not be opened"):
        read_assessment(tmp_path / "missing.txt", name="missing.txt")


def _line(unit: str, size: int = 1_000_000) -> Callable[[], bytes]:
    return lambda: (unit * (size // len(unit))).encode()


@pytest.mark.parametrize(
    "build",
    [
        _line("*"),
        _line("<p>"),
        _line("[x]("),
        _line("¹"),
        _line("\t"),
        _line("Strong Unchanged "),
        _line("- Strong\n"),
        _line("a: b\n"),
        _line("3 = Good\n"),
        _line("\t<p>Weak</p>\t" * 3 + "\n"),
        lambda: ("Indicator\tAssessment\tNotes\n" + "x\tStrong\t" + "<p>" * 300_000).encode(),
    ],
    ids=["stars", "tags", "links", "superscripts", "tabs", "ratings", "bullets", "fields",
         "scale", "rows", "deep-html"],
)  # fmt: skip
def test_pathological_text_is_read_or_refused_quickly_never_crashed(build, english):  # type: ignore[no-untyped-def]
    try:
        read_assessment(build(), name="odd.txt")
    except ImportRefused as refused:
        message = str(refused)
        assert "takes more than" not in message
        assert "could not be read (" not in message  # an unexpected exception in a reader


def test_every_refusal_of_the_readers_is_translatable():  # type: ignore[no-untyped-def]
    from tests.plans.test_import_help import untranslatable_refusals

    folder = Path(__file__).resolve().parents[2] / "plantrack" / "assessments" / "importers"
    for path in sorted(folder.glob("*.py")):
        assert untranslatable_refusals(path.read_text(encoding="utf-8")) == [], path.name
