"""Documents nobody on this project wrote: any numbering style, any ordinal, any depth."""

from __future__ import annotations

import pytest

from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.mapping import Mapping
from plantrack.plans.importers.outline import ordinal_value, parse_code

from .helpers import counts, read

_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
ORDINALS_53 = [
    *(u.capitalize() for u in _UNITS),
    *["Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth"],
    *["Seventeenth", "Eighteenth", "Nineteenth", "Twentieth"],
    *(f"Twenty-{u}" for u in _UNITS),
    "Thirtieth",
    *(f"Thirty-{u}" for u in _UNITS),
    "Fortieth",
    *(f"Forty-{u}" for u in _UNITS),
    "Fiftieth",
    *(f"Fifty-{u}" for u in _UNITS[:3]),
]


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages and warnings are checked in English (the Mongolian ones are in the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_a_recommendation_list_with_53_sections_reads_53_sections() -> None:
    assert len(ORDINALS_53) == 53
    text = "RECOMMENDATIONS OF THE REVIEW\n\n" + "\n".join(
        f"{word}. Theme number {n}:\n- Do the first thing for theme {n};\n- Do the second thing."
        for n, word in enumerate(ORDINALS_53, 1)
    )
    plan = read(text)
    assert counts(plan) == {"section": 53, "recommendation": 106}
    sections = [i for i in plan.items if i.kind == "section"]
    assert sections[12].code == "13" and sections[12].title == "Theme number 13"
    assert sections[52].label == "Fifty-third"
    assert plan.items[-1].code == "53.2" and plan.items[-1].parent_code == "53"
    assert plan.unplaced == [] and plan.warnings == []


@pytest.mark.parametrize(
    ("text", "raw", "style", "title"),
    [
        ("1. Adopt", "1", "decimal.", "Adopt"),
        ("1) Adopt", "1", "decimal)", "Adopt"),
        ("7.3.13. Equip", "7.3.13", "dotted3", "Equip"),
        ("140.12 Ratify the convention", "140.12", "dotted2", "Ratify the convention"),
        ("16.a Strengthen", "16.a", "dotted2", "Strengthen"),
        ("(a) Train", "a", "(alpha)", "Train"),
        ("a. Train", "a", "alpha.", "Train"),
        ("ii. Fund", "ii", "roman.", "Fund"),
        ("II. Fund", "II", "ROMAN.", "Fund"),
        ("Action 01: Publish", "1", "kw:action", "Publish"),
        ("Commitment 3 Open data", "3", "kw:commitment", "Open data"),
        ("OBJECTIVE 2. Reduce", "2", "kw:objective", "Reduce"),
        ("Goal\u00a07 End hunger", "7", "kw:goal", "End hunger"),
        ("goal 7. end hunger", "7", "kw:goal", "end hunger"),
        ("Priority Areas 5: Reporting", "5", "kw:priority area", "Reporting"),
        ("First. Cooperation", "1", "ordinal", "Cooperation"),
        ("TWENTY-THIRD. Cooperation", "23", "ordinal", "Cooperation"),
        ("Second.Cooperation", "2", "ordinal", "Cooperation"),
    ],
)
def test_codes_of_any_style_are_recognised(text: str, raw: str, style: str, title: str) -> None:
    from plantrack.plans.importers.document import normalise_characters

    code = parse_code(normalise_characters(text))
    assert code is not None
    assert (code.raw, code.style, code.title) == (raw, style, title)


@pytest.mark.parametrize(
    "text",
    ["Article 22.9 of the law", "In 2024. the plan", "Figure 7.1 Development", "Under mandate of"],
)
def test_ordinary_sentences_are_not_codes(text: str) -> None:
    assert parse_code(text) is None


def test_ordinals_in_words() -> None:
    assert [ordinal_value(w) for w in ("first", "Twelfth", "fifty third", "NINETIETH")] == [
        1,
        12,
        53,
        90,
    ]
    assert ordinal_value("firstly") is None


def test_a_numbering_gap_and_a_repeat_become_warnings_not_refusals() -> None:
    text = "\n".join(
        [
            "7.3 Safety",
            *(f"7.3.{n} Activity {n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 13)),
        ]
    )
    plan = read(text)
    assert "7.3.12 is missing" in plan.warnings
    assert "7.3.13 appears twice" in plan.warnings
    assert len([i for i in plan.items if i.parent_code == "7.3"]) == 13


@pytest.mark.parametrize(
    "text",
    [
        "**Health**\n\n1. Build clinics.\n2. Train nurses.\n\n"
        "**Education**\n\n1. Build schools.\n2. Train teachers.\n",
        "# National plan\n\n## Health\n\n1. Build clinics.\n2. Train nurses.\n\n"
        "## Education\n\n1. Build schools.\n2. Train teachers.\n",
        "NATIONAL PLAN\n\nHEALTH\n1) Build clinics.\n2) Train nurses.\n"
        "EDUCATION\n1) Build schools.\n2) Train teachers.\n",
        "## Health\n\n- Build clinics.\n- Train nurses.\n\n"
        "## Education\n\n- Build schools.\n- Train teachers.\n",
    ],
    ids=["bold", "markdown", "capitals", "bullets"],
)
def test_uncoded_headings_over_lists_numbered_again_from_1_become_a_level(text: str) -> None:
    plan = read(text)
    assert [(i.code, i.parent_code, i.title) for i in plan.items] == [
        ("1", None, "Health" if "Health" in text else "HEALTH"),
        ("1.1", "1", "Build clinics."),
        ("1.2", "1", "Train nurses."),
        ("2", None, "Education" if "Education" in text else "EDUCATION"),
        ("2.1", "2", "Build schools."),
        ("2.2", "2", "Train teachers."),
    ]
    assert plan.warnings == [] and plan.unplaced == []
    assert [i.kind for i in plan.items][:2] == ["section", "activity"]


def test_deep_letter_and_roman_sublists_nest_by_style() -> None:
    text = (
        "1. Governance\n(a) Adopt a law\n(i) Draft it\n(ii) Pass it\n(b) Fund it\n"
        "2. Services\n(a) Open offices\n"
    )
    plan = read(text)
    assert [(i.code, i.parent_code) for i in plan.items] == [
        ("1", None),
        ("1.a", "1"),
        ("1.a.i", "1.a"),
        ("1.a.ii", "1.a"),
        ("1.b", "1"),
        ("2", None),
        ("2.a", "2"),
    ]


def test_a_line_that_fits_nowhere_is_unplaced_not_glued_into_an_item() -> None:
    text = (
        "# Plan\n\n## Area one\n\n1. Do this.\n\n## Notes\n\nThis paragraph belongs to no item.\n"
    )
    plan = read(text)
    assert [i.title for i in plan.items] == ["Do this."]
    assert (9, "This paragraph belongs to no item.") in plan.unplaced


def test_plan_metadata_is_read_from_the_document_or_left_empty() -> None:
    plan = read("# NATIONAL ACTION PLAN (NAP)\n\nAdopted on 13 May 2020.\n\n1. Act (2021-2025)\n")
    assert (plan.title, plan.short_name, plan.issuer) == ("National action plan (NAP)", "nap", "")
    assert str(plan.adopted_on) == "2020-05-13"
    assert (plan.start_year, plan.end_year) == (2021, 2025)


def test_the_mapping_can_skip_a_level_or_fold_it_into_indicators() -> None:
    text = "Goal 1. End poverty\nTarget 1.1 Halve poverty\nIndicator 1.1.1 Share of poor people\n"
    plan = read(text, Mapping(kinds={"2:kw:indicator": "indicator"}))
    assert [(i.code, i.kind, i.indicators) for i in plan.items] == [
        ("1", "goal", []),
        ("1.1", "objective", ["Share of poor people"]),
    ]
    skipped = read(text, Mapping(kinds={"1:kw:target": "skip"}))
    assert [i.code for i in skipped.items] == ["1"]


def test_a_document_without_numbered_items_is_refused_saying_what_was_found() -> None:
    with pytest.raises(ImportRefused, match="no numbered items were found"):
        read("Just some prose.\n\nAnd more prose.\n")


def test_an_unknown_kind_in_a_mapping_is_refused() -> None:
    with pytest.raises(ImportRefused, match="unknown kind 'theme'"):
        Mapping.from_dict({"levels": "theme,recommendation"})


def test_every_number_of_a_longer_gap_is_named() -> None:
    plan = read("1. One\n4. Four\n5. Five\n")
    assert plan.warnings == ["2 is missing", "3 is missing"]


def test_open_government_commitments_and_actions_with_a_period_in_the_title() -> None:
    plan = read(
        "# National Action Plan on Open Government 2023–2025\n\n"
        "## Commitment 1: Open contracting\n\nLead agency: Ministry of Finance\n\n"
        "Action 01: Publish all contracts\nAction 02: Train procurement officers\n\n"
        "## Commitment 2: Beneficial ownership\n\nAction 01: Create a register\n"
    )
    assert [(i.code, i.kind, i.label, i.title) for i in plan.items] == [
        ("1", "section", "Commitment 1", "Open contracting"),
        ("1.1", "activity", "Action 1", "Publish all contracts"),
        ("1.2", "activity", "Action 2", "Train procurement officers"),
        ("2", "section", "Commitment 2", "Beneficial ownership"),
        ("2.1", "activity", "Action 1", "Create a register"),
    ]
    assert plan.items[0].body == "Lead agency: Ministry of Finance"
    assert (plan.start_year, plan.end_year) == (2023, 2025)


def test_review_recommendations_numbered_like_140_1_sit_under_their_paragraph() -> None:
    plan = read(
        "140. The following recommendations will be examined by the State:\n\n"
        "140.1 Ratify the Optional Protocol to the Convention against Torture\n(Denmark);\n"
        "140.2 Establish a national preventive mechanism (France);\n"
    )
    assert [(i.code, i.parent_code) for i in plan.items] == [
        ("140", None),
        ("140.1", "140"),
        ("140.2", "140"),
    ]
    assert plan.items[1].title.endswith("against Torture (Denmark);")


def test_global_goals_with_lettered_targets() -> None:
    plan = read(
        "Goal 1. End poverty in all its forms everywhere\n"
        "1.1 By 2030, eradicate extreme poverty for all people everywhere\n"
        "1.a Ensure significant mobilization of resources\n"
        "Goal 2. End hunger\n2.1 By 2030, end hunger\n"
    )
    assert [(i.code, i.kind, i.parent_code) for i in plan.items] == [
        ("1", "goal", None),
        ("1.1", "activity", "1"),
        ("1.a", "activity", "1"),
        ("2", "goal", None),
        ("2.1", "activity", "2"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"levels": 7},
        {"columns": {"code": "first"}},
        {"plan": {"adopted": "13 May"}},
        {"plan": {"period": ["soon", 2030]}},
        {"plan": {"period": 2030}},
        {"plan": "Vision"},
        {"labels": ["x"]},
    ],
)
def test_a_malformed_mapping_is_refused_with_a_reason(data: object) -> None:
    with pytest.raises(ImportRefused):
        Mapping.from_dict(data)  # type: ignore[arg-type]


def test_a_top_level_read_as_indicators_is_said_not_dropped_silently() -> None:
    plan = read(
        "1. Adopt the law\n1.1. Draft it\n2. Train staff\n", Mapping(by_depth=["indicator"])
    )
    assert plan.warnings[:2] == [
        "1 is an indicator with no item above it; it is left out",
        "2 is an indicator with no item above it; it is left out",
    ]
