"""The neutral shape every plan parser produces.

A parser reads one kind of source document and returns a ``ParsedPlan``; the
import service (``plans.services.plan_import``) turns that into database rows.
Parsers never touch the database, so they are fast to test against the seeds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class ImportRefused(ValueError):
    """The file cannot be imported; ``str(exc)`` tells the user why and what to do.

    ``line`` is the 1-based line number the problem was found on, when it applies.
    ``kind`` says what the file is instead, when the reader knows: ``ASSESSMENT`` for an
    assessment (a scorecard, a self-assessment framework, the assessment template), which
    the command line hands to the assessments' reader.
    """

    ASSESSMENT = "assessment"

    def __init__(self, message: str, *, line: int | None = None, kind: str = "") -> None:
        self.message = message
        self.line = line
        self.kind = kind
        where = _("line %(line)s: %(message)s") % {"line": line, "message": message}
        super().__init__(where if line else message)


@dataclass
class ParsedResponsibility:
    # canonical display name, e.g. "Ministry of Digital Development, Innovation and Communications"
    organisation: str
    role: str = "stakeholder"  # "lead" | "partner" | "stakeholder"
    acronym: str = ""  # e.g. "MoE"; "" when the body has none
    # one of: government, law_enforcement, cso, international, private, academia, parliament, other
    kind: str = "other"


@dataclass
class ParsedItem:
    code: str  # unique within the plan, e.g. "7.3.13", "7.1.I", "7.1.I.2", "3", "3.4"
    kind: str  # goal, objective, stage, expected_result, area, section, activity, recommendation
    title: str  # plain text (no HTML, no Markdown); an activity's full sentence
    label: str = ""  # short heading shown before the title, e.g. "Stage I", "Armed forces", "First"
    parent_code: str | None = None  # None for a top-level item
    body: str = ""  # longer plain text; paragraphs separated by "\n\n"
    start_year: int | None = None
    end_year: int | None = None
    responsibilities: list[ParsedResponsibility] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)  # plain text, one entry each
    # Categories of actors named with the bodies ("Private sector"): labels, not organisations.
    stakeholder_groups: list[str] = field(default_factory=list)
    source_line: int | None = None  # 1-based line in the source where the item starts
    # Mongolian text, when the source carries it (the CSV/XLSX template does; the seeds do not).
    title_mn: str = ""
    label_mn: str = ""
    body_mn: str = ""
    status: str = ""  # a plans.Status value, "" to leave the stored status alone
    progress: float | None = None
    weight: float | None = None


@dataclass
class ParsedPlan:
    title: str
    short_name: str  # used for the slug, e.g. "vision-2050-goal-7"
    items: list[ParsedItem]  # in document order; a parent always before its children
    issuer: str = ""
    adopted_on: datetime.date | None = None
    start_year: int | None = None
    end_year: int | None = None
    description: str = ""  # plain text, paragraphs separated by "\n\n"
    languages: tuple[str, ...] = ("en",)
    title_mn: str = ""
    description_mn: str = ""
    format_name: str = ""  # which parser read it, for messages
    # What the outline reader could not place: (source line, text), never glued into an item.
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. "7.3.12 is missing"
    # The levels read, in order: {"key", "kind", "count", "example"}; the user may remap them.
    levels: list[dict[str, object]] = field(default_factory=list)
    # What the outline reader read from: "text" or "table"; for a table, the column of each
    # role (code, title, …) and the header cells, so the preview can offer other choices.
    source: str = ""
    columns: dict[str, int] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    # The mapping the file was read with (``Mapping.to_dict()``), {} when none was given;
    # ``services.plan_import`` stores it with the plan for the next version of the document.
    mapping: dict[str, object] = field(default_factory=dict)

    def count(self, kind: str) -> int:
        return sum(1 for item in self.items if item.kind == kind)
