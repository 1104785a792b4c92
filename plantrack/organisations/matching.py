"""Which stored organisation an imported name means.

Only organisations the site trusts take part: those an administrator or an import
created, and self-registered ones a site administrator has verified. An unverified
self-registered organisation that carries the same name or acronym is a *conflict*:
the import does not link to it, and says so in its preview and summary.

Names are compared with ``str.casefold()`` in Python, not with SQL ``iexact``,
because SQLite folds ASCII letters only and Mongolian names are Cyrillic.

Matching is exact: the folded name, then the acronym. A trusted organisation is also found
by every other spelling the public bodies fixture (``public_bodies.py``) gives its body: its
name in the other language, spelling variants (Defence/Defense), former names, and its
acronym in Latin or Cyrillic letters. A name that matches neither may
be *close* to a stored one ("Ministry of Justice and Home Affair"): ``suggest`` finds it
by normalised words (punctuation, "the", "&" and plural endings ignored) and then by
``difflib`` similarity. A suggestion is only ever shown; the caller never applies it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q

from .models import Organisation
from .public_bodies import fold, public_bodies

__all__ = ["OrganisationIndex", "fold", "loose", "trusted"]


_WORDS = re.compile(r"\w+")
_STOP = frozenset({"the", "of", "and", "for", "a", "an", "ба", "болон"})
SUGGEST_CUTOFF = 0.88  # difflib ratio; below it two names are different bodies


def loose(text: str) -> str:
    """A forgiving key for suggestions: words only, case and plural "s" ignored."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    words = [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in _WORDS.findall(text)]
    return " ".join(w for w in words if w not in _STOP)


def trusted() -> Q:
    """Organisations an import may link items to."""
    return Q(self_registered=False) | Q(verified_at__isnull=False)


@dataclass
class OrganisationIndex:
    """Every organisation's names and acronym, folded, read in one query."""

    by_acronym: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)
    untrusted: dict[str, str] = field(default_factory=dict)  # folded spelling -> display name
    by_loose: dict[str, int] = field(default_factory=dict)  # ``loose`` name -> pk
    labels: dict[int, str] = field(default_factory=dict)  # pk -> "Name (ACR)", for messages

    @classmethod
    def load(cls) -> OrganisationIndex:
        index = cls()
        rows = Organisation.objects.order_by("pk").values_list(
            "pk", "name_en", "name_mn", "acronym", "acronym_mn", "self_registered", "verified_at"
        )
        for pk, name_en, name_mn, acronym, acronym_mn, self_registered, verified_at in rows:
            if self_registered and verified_at is None:
                for spelling in (name_en, name_mn, acronym, acronym_mn):
                    if spelling:
                        index.untrusted.setdefault(fold(spelling), name_en or name_mn)
            else:
                index.add(
                    pk, name_en=name_en, name_mn=name_mn, acronym=acronym, acronym_mn=acronym_mn
                )
        return index

    def add(
        self,
        pk: int,
        *,
        name_en: str = "",
        name_mn: str = "",
        acronym: str = "",
        acronym_mn: str = "",
    ) -> None:
        """Record a trusted organisation; the first one stored keeps a spelling. The other
        spellings of its body in the public bodies fixture (found by a name or the Cyrillic
        acronym, not by a Latin acronym alone, which bodies share too often) find it too."""
        for short in (acronym, acronym_mn):
            if short:
                self.by_acronym.setdefault(fold(short), pk)
        for name in (name_en, name_mn):
            if name:
                self.by_name.setdefault(fold(name), pk)
                if len(name) >= 6:
                    self.by_loose.setdefault(loose(name), pk)
        body = public_bodies().find((name_en, name_mn, acronym_mn))
        if body is not None:
            for spelling in body.spellings:
                self.by_name.setdefault(fold(spelling), pk)
            for short in body.acronyms:
                self.by_acronym.setdefault(fold(short), pk)
        shown = name_en or name_mn
        self.labels.setdefault(pk, f"{shown} ({acronym})" if acronym else shown)

    def suggest(self, name: str) -> int | None:
        """A trusted organisation whose name is close to ``name``, to show, never to apply."""
        if len(name) < 6 or self.match(name=name) is not None:
            return None
        key = loose(name)
        if not key:
            return None
        found = self.by_loose.get(key)
        if found is not None:
            return found
        close = difflib.get_close_matches(key, self.by_loose, n=1, cutoff=SUGGEST_CUTOFF)
        return self.by_loose[close[0]] if close else None

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
