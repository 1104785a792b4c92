"""What an assessment reader returns: a framework and, optionally, a round of ratings.

The contract between the readers (``importers/``: the documented CSV/XLSX template and the
general outline/table reader) and the services that store them. Every reader returns a
``ParsedAssessment``; nothing here knows any one document."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ParsedLevel:
    """One level of a rating scale, e.g. ("Very Strong", 4)."""

    label_en: str = ""
    label_mn: str = ""
    value: float = 0
    description_en: str = ""
    description_mn: str = ""


@dataclass
class ParsedIndicator:
    code: str  # stable within the framework: "1.3", or a number the reader assigns
    title_en: str = ""
    title_mn: str = ""
    guidance_en: str = ""
    guidance_mn: str = ""
    # "rated" (on the framework's scale) or "checklist" (present / partly / absent)
    kind: str = "rated"


@dataclass
class ParsedArea:
    code: str
    title_en: str = ""
    title_mn: str = ""
    description_en: str = ""
    description_mn: str = ""
    indicators: list[ParsedIndicator] = field(default_factory=list)


@dataclass
class ParsedSource:
    """A citation attached to a rating: a footnote's text, and its link when it has one."""

    text: str
    url: str = ""
    marker: str = ""  # the footnote mark in the document, e.g. "12"


@dataclass
class ParsedRating:
    indicator_code: str
    level_label: str = ""  # as written; "" with not_assessed=True
    not_assessed: bool = False
    justification: str = ""
    change: str = ""  # "increase" | "unchanged" | "decrease" | "" as stated in the document
    sources: list[ParsedSource] = field(default_factory=list)


@dataclass
class ParsedRound:
    title: str = ""
    subject: str = ""  # country, agency or plan, as the document names it
    year: int | None = None
    assessed_on: str = ""  # ISO date when the document gives one
    assessing_body: str = ""
    official: bool = True
    summary: str = ""
    ratings: list[ParsedRating] = field(default_factory=list)
    # Scores the document states, e.g. {"2022": 54, "2019": 58}: kept as stated.
    reported_scores: dict[str, float] = field(default_factory=dict)


@dataclass
class ParsedAssessment:
    framework_title_en: str = ""
    framework_title_mn: str = ""
    framework_description_en: str = ""
    guidance_en: str = ""  # the framework's guidance text (e.g. focus areas, challenges)
    guidance_mn: str = ""
    scale: list[ParsedLevel] = field(default_factory=list)
    areas: list[ParsedArea] = field(default_factory=list)
    round: ParsedRound | None = None
    source_name: str = ""
    warnings: list[str] = field(default_factory=list)
