"""What an import does with the organisations and stakeholder groups it read.

``plans.services`` fills an ``OrganisationReport`` while it compares a file with the
registry; the preview (``plans/_import_organisations.html``), the command line and the
tests read it. Every name read ends in exactly one of: matched to a trusted organisation
(exact name or acronym), a new organisation that the import will add *unverified*
(with a close registry name suggested when there is one — never applied), or a
stakeholder group label.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Suggestion:
    read: str  # the name as the file has it
    suggested: str  # "Name (ACR)" of the registry organisation it may mean


@dataclass
class NewOrganisation:
    name: str
    acronym: str = ""
    kind: str = "other"


@dataclass
class OrganisationReport:
    matched: dict[str, str] = field(default_factory=dict)  # name read -> registry "Name (ACR)"
    suggestions: list[Suggestion] = field(default_factory=list)
    new: list[NewOrganisation] = field(default_factory=list)  # to be added, unverified
    groups: list[str] = field(default_factory=list)  # stakeholder group labels read

    @property
    def matched_count(self) -> int:
        return len(set(self.matched.values()))

    def __bool__(self) -> bool:
        return bool(self.matched or self.suggestions or self.new or self.groups)
