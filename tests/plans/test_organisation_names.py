"""Stakeholder cells become organisations and stakeholder groups by general rules only.

No list of bodies lives in code: a document's own abbreviations table expands acronyms,
its mapping's ``organisations`` entries fix spellings people chose, and a category of
actors ("Private sector", "Иргэний нийгмийн байгууллагууд") becomes a group label.
"""

from __future__ import annotations

import inspect

import pytest

from plantrack.plans.importers import organisation_names, stakeholders
from plantrack.plans.importers.organisation_names import (
    aliases_from_mapping,
    normalise_organisation,
    read_stakeholders,
    split_mentions,
)

# What a document's ABBREVIATIONS table might give.
DOCUMENT_ABBREVIATIONS = {
    "CSOs": "Civil Society Organizations",
    "MDDIC": "Ministry of Digital Development, Innovation, and Communications",
    "UNDESA": "United Nations Department of Economic and Social Affairs",
}
MDDIC = "Ministry of Digital Development, Innovation and Communications"


def _names(raw: str, abbreviations: dict[str, str] | None = None) -> list[str]:
    return [r.organisation for r in normalise_organisation(raw, abbreviations)]


@pytest.mark.parametrize(
    "name",
    [
        "Private sector",
        "Civil society organizations",
        "Civil society organisations (CSOs)",
        "CSOs",
        "NGOs",
        "sectoral ministries",
        "Line ministries",
        "International organizations",
        "Local governments",
        "Development partners",
        "Citizens",
        "Relevant government agencies",
        "Other stakeholders",
        "Хувийн хэвшил",
        "Иргэний нийгмийн байгууллагууд",
        "Төрийн бус байгууллагууд",
        "Салбарын яамд",
        "Олон улсын байгууллагууд",
        "Иргэд",
    ],
)
def test_a_category_of_actors_is_a_group(name: str) -> None:
    assert stakeholders.is_group(name)
    responsibilities, groups = read_stakeholders(name)
    assert responsibilities == []
    assert len(groups) == 1


@pytest.mark.parametrize(
    "name",
    [
        "Ministry of Education",
        "Government of Mongolia",
        "People in Need",
        "National Police Agency",
        "International Organization for Migration",
        "United Nations",
        "Local government",  # a body in the singular
        "Contracted organization",
        "Боловсролын яам",
        "Working groups established by the decree of the Speaker",
    ],
)
def test_a_named_body_is_not_a_group(name: str) -> None:
    assert not stakeholders.is_group(name)


def test_the_vocabulary_is_data_with_its_source_and_names_no_body() -> None:
    source = inspect.getsource(stakeholders) + inspect.getsource(organisation_names)
    assert "KNOWN_ORGANISATIONS" not in source
    for body in ("MDDIC", "Mongolian Software", "European Union", "USAID"):
        assert body not in source
    heads, words = stakeholders.vocabulary()
    assert ("sector",) in heads and "хувийн" in words


def test_a_full_name_with_commas_is_not_split_at_its_commas() -> None:
    raw = "CSOs, Ministry of Digital Development, Innovation, and Communications, MoE"
    responsibilities, groups = read_stakeholders(raw)
    assert [r.organisation for r in responsibilities] == [MDDIC, "MoE"]
    assert groups == ["CSOs"]
    assert split_mentions("Ministry of Family, Labour and Social Protection, Red Cross") == [
        "Ministry of Family, Labour and Social Protection",
        "Red Cross",
    ]
    assert split_mentions("Ministry of Health, Red Cross") == ["Ministry of Health", "Red Cross"]


def test_a_full_name_from_the_document_abbreviations_is_not_split_either() -> None:
    raw = "UNDESA, United Nations Department of Economic and Social Affairs, EU"
    assert split_mentions(raw, DOCUMENT_ABBREVIATIONS) == [
        "UNDESA",
        "United Nations Department of Economic and Social Affairs",
        "EU",
    ]


def test_commas_inside_parentheses_do_not_split_a_mention() -> None:
    assert split_mentions("Donors (EU, UN), CSOs") == ["Donors (EU, UN)", "CSOs"]


def test_trailing_dots_whitespace_and_etc_are_removed() -> None:
    assert _names("  Parliament of Mongolia,  MDDIC.  , MoE etc. ", DOCUMENT_ABBREVIATIONS) == [
        "Parliament of Mongolia",
        MDDIC,
        "MoE",
    ]
    assert read_stakeholders("CSOs, etc.", DOCUMENT_ABBREVIATIONS) == (
        [],
        ["Civil Society Organizations"],
    )


def test_a_body_named_twice_in_one_cell_is_listed_once() -> None:
    raw = "MDDIC, Ministry of Digital Development, Innovation, and Communications"
    assert _names(raw, DOCUMENT_ABBREVIATIONS) == [MDDIC]


def test_an_acronym_is_expanded_from_the_document() -> None:
    [responsibility] = normalise_organisation("UNDESA", DOCUMENT_ABBREVIATIONS)
    assert responsibility.organisation == "United Nations Department of Economic and Social Affairs"
    assert responsibility.acronym == "UNDESA"
    assert responsibility.kind == "international"


def test_the_mapping_fixes_spellings_and_groups_for_one_document() -> None:
    aliases = aliases_from_mapping(
        {
            "MoE": {"name": "Ministry of Education", "acronym": "MoE", "kind": "government"},
            "IO": {"group": "International organizations"},
        }
    )
    responsibilities, groups = read_stakeholders("MoE, IO.", aliases=aliases)
    assert [(r.organisation, r.acronym, r.kind) for r in responsibilities] == [
        ("Ministry of Education", "MoE", "government")
    ]
    assert groups == ["International organizations"]


def test_an_unknown_body_is_kept_cleaned_with_a_guessed_kind() -> None:
    [ministry] = normalise_organisation("ministry of health.")
    assert (ministry.organisation, ministry.acronym, ministry.kind) == (
        "Ministry of health",
        "",
        "government",
    )
    [unknown] = normalise_organisation("Khan Bank LLC")
    assert unknown.kind == "private"
    [other] = normalise_organisation("Some body (SB)")
    assert (other.organisation, other.acronym, other.kind) == ("Some body", "SB", "other")


def test_an_empty_cell_gives_no_organisations() -> None:
    assert normalise_organisation("") == []
    assert normalise_organisation(" , etc. ") == []
