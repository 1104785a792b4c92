"""Bad files get a clear reason, never a traceback."""

from __future__ import annotations

import io
import zipfile

import pytest

from plantrack.plans.demo import SEED_DIR
from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.detect import parse_bytes


def _refusal(data: bytes) -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        parse_bytes(data)
    return info.value


def test_an_empty_file_is_refused_as_empty():
    assert "empty" in str(_refusal(b""))
    assert "empty" in str(_refusal(b"  \n\n \t"))


def test_a_binary_file_is_refused_as_binary():
    assert "binary" in str(_refusal(bytes(range(256)) * 4))


def test_a_file_in_a_legacy_encoding_is_refused_naming_the_line():
    text = "Plan\nsecond line\nАлсын хараа 2050\n".encode("cp1251")
    refusal = _refusal(text)
    assert "not UTF-8" in str(refusal)
    assert refusal.line == 3


def test_a_text_of_unknown_structure_is_refused_with_what_is_supported():
    refusal = _refusal(b"Dear colleagues,\n\nplease find the minutes attached.\n")
    assert "not recognised" in str(refusal)
    assert "CSV/XLSX template" in str(refusal)


@pytest.mark.parametrize(
    ("name", "word"),
    [("003_8a0f78df4ed7b134.txt", "assessment"), ("004_a753d303f7349415.txt", "self-assessment")],
)
def test_the_assessment_seeds_are_refused_as_belonging_to_assessments(name, word):
    message = str(_refusal((SEED_DIR / name).read_bytes()))
    assert word in message
    assert "assessments module" in message


def test_a_disguised_file_is_judged_by_content_not_name():
    # A ZIP that is neither a workbook nor a document
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    assert "neither an XLSX" in str(_refusal(buffer.getvalue()))


def test_a_damaged_pdf_is_refused_with_a_reason():
    assert "PDF" in str(_refusal(b"%PDF-1.7\n garbage"))


def test_an_oversized_file_is_refused_with_the_limit():
    with pytest.raises(ImportRefused, match="the limit is"):
        parse_bytes(b"x" * 2048, max_bytes=1024)
