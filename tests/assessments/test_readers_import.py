"""What the readers return, stored by the assessments app's import service.

Skipped until the service (``plantrack.assessments.importing``) is on the branch: the
readers and the service are built side by side and meet in ``ParsedAssessment``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plantrack.assessments.importers import template_writer
from plantrack.assessments.importers.reader import read_assessment

importing = pytest.importorskip("plantrack.assessments.importing")

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    ROOT / "plantrack" / "plans" / "seeds" / "003_8a0f78df4ed7b134.txt",
    ROOT / "plantrack" / "plans" / "seeds" / "004_a753d303f7349415.txt",
    ROOT / "tests" / "data" / "seeds-converted" / "003_8a0f78df4ed7b134.docx",
    ROOT / "tests" / "data" / "assessments" / "pipe-table-review.md",
    ROOT / "tests" / "data" / "assessments" / "blocks-with-values.txt",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_a_reading_is_stored_and_a_second_import_changes_nothing(path):  # type: ignore[no-untyped-def]
    first = importing.assessment_import(parsed=read_assessment(path, name=path.name), system=True)
    assert first.framework_created
    again = importing.assessment_import(parsed=read_assessment(path, name=path.name), system=True)
    assert not (again.version_created or again.round_changed or again.framework_changed)
    written = template_writer.template_csv(read_assessment(path, name=path.name))
    third = importing.assessment_import(parsed=read_assessment(written, name="x.csv"), system=True)
    assert not (third.version_created or third.round_changed or third.framework_changed)
