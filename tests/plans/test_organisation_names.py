"""Stakeholder cells map every spelling of a body to one canonical organisation."""

from __future__ import annotations

import pytest

from plantrack.plans.importers.organisation_names import (
    KINDS,
    KNOWN_ORGANISATIONS,
    normalise_organisation,
    split_mentions,
)

# What the DICE roadmap's ABBREVIATIONS section provides (a subset).
DOCUMENT_ABBREVIATIONS = {
    "CSOs": "Civil Society Organizations",
    "EU": "European Union",
    "ITT LLDC": "The International Think Tank for Landlocked Developing Countries",
    "MDDIC": "Ministry of Digital Development, Innovation, and Communications",
    "MFLSP": "Ministry of Family, Labour and Social Protection",
    "UNDESA": "United Nations Department of Economic and Social Affairs",
}

MDDIC = "Ministry of Digital Development, Innovation and Communications"


def _names(raw: str, abbreviations: dict[str, str] | None = None) -> list[str]:
    return [r.organisation for r in normalise_organisation(raw, abbreviations)]


# Canonical (name, acronym, kind) by a short handle, so the spellings below stay readable.
CANONICAL = {
    "mddic": (MDDIC, "MDDIC", "government"),
    "mflsp": ("Ministry of Family, Labour and Social Protection", "MFLSP", "government"),
    "moe": ("Ministry of Education", "MoE", "government"),
    "mojha": ("Ministry of Justice and Home Affairs", "MoJHA", "government"),
    "parliament": ("Parliament of Mongolia", "", "parliament"),
    "d-parliament": ("D-Parliament (e-participation platform of the Parliament)", "", "parliament"),
    "un": ("United Nations", "UN", "international"),
    "io": ("International organizations", "", "international"),
    "eu": ("European Union", "EU", "international"),
    "sdc": ("Swiss Agency for Development and Cooperation", "SDC", "international"),
    "crc": ("Communications Regulatory Commission", "CRC", "government"),
    "itt": (
        "International Think Tank for Landlocked Developing Countries",
        "ITT LLDC",
        "international",
    ),
    "mosa": ("Mongolian Software Industry Association", "MOSA", "private"),
    "csos": ("Civil society organizations", "CSOs", "cso"),
    "government": ("Government of Mongolia", "", "government"),
    "sectoral": ("Sectoral ministries", "", "government"),
    "11-11": (
        "11–11 Center of the Cabinet Secretariat of the Government of Mongolia",
        "",
        "government",
    ),
    "working-groups": (
        "Working groups established by the decree of the Speaker of the Parliament of Mongolia",
        "",
        "parliament",
    ),
    "usaid": ("United States Agency for International Development", "USAID", "international"),
}


@pytest.mark.parametrize(
    ("raw", "handle"),
    [
        ("MDDIC", "mddic"),
        ("MDDIC.", "mddic"),
        ("Ministry of Digital Development, Innovation, and Communications", "mddic"),
        ("MFLSP", "mflsp"),
        ("MFLSS", "mflsp"),
        ("Ministry of Family, Labour and Social Protection", "mflsp"),
        ("Ministry of Family, Labor, and Social Protection", "mflsp"),
        ("MoE", "moe"),
        ("MoJHA", "mojha"),
        ("Parliament of Mongolia", "parliament"),
        ("d-parliament", "d-parliament"),
        ("D-Parliament", "d-parliament"),
        ("UN", "un"),
        ("United Nations", "un"),
        ("IO", "io"),
        ("IO.", "io"),
        ("International organizations", "io"),
        ("EU", "eu"),
        ("European Union (EU)", "eu"),
        ("SD", "sdc"),
        ("SDC", "sdc"),
        ("Swiss Agency for development and cooperation (SDC)", "sdc"),
        ("Communications regulatory commission (CRC)", "crc"),
        ("CRC", "crc"),
        ("ITT LLDC", "itt"),
        ("Mongolian Software Industry Association (MOSA)", "mosa"),
        ("CSOs", "csos"),
        ("Government of Mongolia", "government"),
        ("sectoral ministries", "sectoral"),
        ("11–11 Center of the Cabinet Secretariat of the Government of Mongolia", "11-11"),
        ("11-11 Center of the Cabinet Secretariat of the Government of Mongolia", "11-11"),
        (CANONICAL["working-groups"][0], "working-groups"),
        ("USAID", "usaid"),
    ],
)
def test_every_spelling_maps_to_one_canonical_organisation(raw: str, handle: str) -> None:
    [responsibility] = normalise_organisation(raw, DOCUMENT_ABBREVIATIONS)
    found = (responsibility.organisation, responsibility.acronym, responsibility.kind)
    assert found == CANONICAL[handle]
    assert responsibility.role == "stakeholder"


def test_a_full_name_with_commas_is_not_split_at_its_commas() -> None:
    raw = "CSOs, Ministry of Digital Development, Innovation, and Communications, MoE"
    assert _names(raw) == ["Civil society organizations", MDDIC, "Ministry of Education"]


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
    assert _names("  Parliament of Mongolia,  MDDIC.  , MoE etc. ") == [
        "Parliament of Mongolia",
        MDDIC,
        "Ministry of Education",
    ]
    assert _names("CSOs, etc.") == ["Civil society organizations"]


def test_a_body_named_twice_in_one_cell_is_listed_once() -> None:
    assert _names("MDDIC, Ministry of Digital Development, Innovation, and Communications") == [
        MDDIC
    ]


def test_programmes_named_as_stakeholders_are_attributed_to_their_owner() -> None:
    # Cell 2.15, unbalanced quotes included.
    raw = (
        "International organizations, USAID, UN “Digital accelerator program, "
        "“Switch Asia program” of EU"
    )
    assert _names(raw) == [
        "International organizations",
        "United States Agency for International Development",
        "United Nations",
        "European Union",
    ]
    assert _names("e-calls PADOR of EU") == ["European Union"]


def test_an_acronym_missing_from_the_table_is_expanded_from_the_document() -> None:
    [responsibility] = normalise_organisation("UNDESA", DOCUMENT_ABBREVIATIONS)
    assert responsibility.organisation == "United Nations Department of Economic and Social Affairs"
    assert responsibility.acronym == "UNDESA"
    assert responsibility.kind == "international"


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


def test_the_explicit_table_uses_only_allowed_kinds_and_unique_names() -> None:
    names = [organisation.name for organisation in KNOWN_ORGANISATIONS]
    assert len(names) == len(set(names))
    assert {organisation.kind for organisation in KNOWN_ORGANISATIONS} <= KINDS
