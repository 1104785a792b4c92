"""Which stored organisation an imported name means.

Only organisations the site trusts take part: those an administrator or an import
created, and self-registered ones a site administrator has verified. An unverified
self-registered organisation that carries the same name or acronym is a *conflict*:
the import does not link to it, and says so in its preview and summary.

Names are compared with ``str.casefold()`` in Python, not with SQL ``iexact``,
because SQLite folds ASCII letters only and Mongolian names are Cyrillic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from .models import Organisation


def fold(text: str) -> str:
    """The comparison key of a name or acronym: case and runs of spaces ignored."""
    return " ".join(text.split()).casefold()


def trusted() -> Q:
    """Organisations an import may link items to."""
    return Q(self_registered=False) | Q(verified_at__isnull=False)


@dataclass
class OrganisationIndex:
    """Every organisation's names and acronym, folded, read in one query."""

    by_acronym: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)
    untrusted: dict[str, str] = field(default_factory=dict)  # folded spelling -> display name

    @classmethod
    def load(cls) -> OrganisationIndex:
        index = cls()
        rows = Organisation.objects.order_by("pk").values_list(
            "pk", "name_en", "name_mn", "acronym", "self_registered", "verified_at"
        )
        for pk, name_en, name_mn, acronym, self_registered, verified_at in rows:
            if self_registered and verified_at is None:
                for spelling in (name_en, name_mn, acronym):
                    if spelling:
                        index.untrusted.setdefault(fold(spelling), name_en or name_mn)
            else:
                index.add(pk, name_en=name_en, name_mn=name_mn, acronym=acronym)
        return index

    def add(self, pk: int, *, name_en: str = "", name_mn: str = "", acronym: str = "") -> None:
        """Record a trusted organisation; the first one stored keeps a spelling."""
        if acronym:
            self.by_acronym.setdefault(fold(acronym), pk)
        for name in (name_en, name_mn):
            if name:
                self.by_name.setdefault(fold(name), pk)

    def match(self, *, name: str, acronym: str = "") -> int | None:
        """The trusted organisation meant: by its exact (folded) name first, then by acronym;
        a bare acronym written as the name ("NPA") matches that acronym."""
        found = self.by_name.get(fold(name))
        if found is None and acronym:
            found = self.by_acronym.get(fold(acronym))
        if found is None and not acronym:
            found = self.by_acronym.get(fold(name))
        return found

    def conflict(self, *, name: str, acronym: str = "") -> str | None:
        """The display name of an unverified organisation that an import must not link to."""
        for spelling in (acronym, name):
            if spelling and fold(spelling) in self.untrusted:
                return self.untrusted[fold(spelling)]
        return None
