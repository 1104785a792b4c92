"""Tables as review bodies and ministries publish them, read through the real DOCX reader.

A thematic list of recommendations: one table, a header row, "Theme: …" rows merged
across the table, and rows whose first cell holds the recommendation's own number, its
text and a note ("121.1 Ratify …" / "Source of position: …"), listed by theme, so the
numbers jump about. The rows here are this project's own words in that shape.
"""

from __future__ import annotations

import pytest

from plantrack.plans.importers.detect import parse_bytes

from .word import WordDocument

THEMES = {
    "Theme: Ratification of treaties": [
        ("12.3", "Ratify the convention on enforced disappearance (Aland);"),
        ("12.1", "Ratify the optional protocol on complaints (Borduria);"),
    ],
    "Theme: Fair trials": [
        ("13.2", "Shorten pre-trial detention (Carpathia);"),
        ("12.2", "Publish court decisions online (Darkovia) (Elbonia);"),
        ("13.1", "Train judges on fair trial rights (Freedonia);"),
    ],
}


def _thematic_list(note: bool = True) -> bytes:
    word = WordDocument()
    rows: list[list[list[tuple[str, bool]]]] = []
    for theme, recommendations in THEMES.items():
        rows.append([[(theme, False)]])
        for code, text in recommendations:
            first = [(f"{code} {text}", False)]
            if note:
                first.append((f"Source of position: report, para. {code.split('.')[0]}", False))
            rows.append([first, [("Supported", False)], [("- Justice", False)], []])
    word.table(["Recommendation", "Position", "Themes", "Comments"], rows)
    return word.bytes()


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    from django.utils import translation

    with translation.override("en"):
        yield


def test_a_one_table_document_with_codes_in_the_title_column_is_read() -> None:
    plan = parse_bytes(_thematic_list())
    recommendations = [item for item in plan.items if item.kind == "recommendation"]
    assert sorted(item.code for item in recommendations) == ["12.1", "12.2", "12.3", "13.1", "13.2"]
    first = next(item for item in recommendations if item.code == "12.3")
    assert first.title == "Ratify the convention on enforced disappearance (Aland);"
    assert first.body == "Source of position: report, para. 12\n\nSupported"
    assert plan.unplaced == []


def test_theme_rows_become_a_level_over_the_recommendations() -> None:
    plan = parse_bytes(_thematic_list())
    themes = [item for item in plan.items if item.parent_code is None]
    assert [(t.title, t.label, t.kind) for t in themes] == [
        ("Ratification of treaties", "Theme", "area"),
        ("Fair trials", "Theme", "area"),
    ]
    fair = themes[1]
    assert [i.code for i in plan.items if i.parent_code == fair.code] == ["13.2", "12.2", "13.1"]
    assert [(level["kind"], level["count"]) for level in plan.levels] == [
        ("area", 2),
        ("recommendation", 5),
    ]


def test_numbers_listed_out_of_order_are_not_reported_missing() -> None:
    plan = parse_bytes(_thematic_list(note=False))
    assert plan.warnings == []


def test_a_number_missing_from_the_whole_list_is_still_reported() -> None:
    del THEMES["Theme: Fair trials"][0]  # 13.2 goes; 13.1 stays
    try:
        plan = parse_bytes(_thematic_list())
    finally:
        THEMES["Theme: Fair trials"].insert(0, ("13.2", "Shorten pre-trial detention (Carpathia);"))
    assert "13.2 is missing" not in plan.warnings  # the last number of a run is never known
    del THEMES["Theme: Ratification of treaties"][1]  # 12.1 goes, 12.2 and 12.3 stay
    try:
        plan = parse_bytes(_thematic_list())
    finally:
        THEMES["Theme: Ratification of treaties"].insert(
            1, ("12.1", "Ratify the optional protocol on complaints (Borduria);")
        )
    assert plan.warnings == [] or all("12.1" not in w for w in plan.warnings)


def test_an_untitled_document_is_named_after_its_file(db) -> None:  # type: ignore[no-untyped-def]
    from plantrack.plans.services import plan_import

    plan = parse_bytes(_thematic_list())
    assert plan.short_name == ""
    result = plan_import(
        parsed=plan, source_name="UPR34_Thematic list.docx", system=True, dry_run=True
    )
    assert result.plan.slug == "upr34-thematic-list"
