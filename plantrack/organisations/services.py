"""Writes to the organisation registry."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from .models import Organisation


def _unique_slug(base: str) -> str:
    base = (slugify(base) or "organisation")[:100]
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organisation_get_or_create(*, name: str, acronym: str = "", kind: str = "") -> Organisation:
    """One body is one organisation: match by acronym, then by English or Mongolian name."""
    name = " ".join(name.split())
    match = Q(name_en__iexact=name) | Q(name_mn__iexact=name)
    if acronym:
        match |= Q(acronym__iexact=acronym)
    found = Organisation.objects.filter(match).order_by("pk").first()
    if found is not None:
        return found
    if kind not in Organisation.Kind.values:
        kind = Organisation.Kind.OTHER
    is_cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in name)
    organisation = Organisation(
        slug=_unique_slug(acronym or name),
        acronym=acronym,
        kind=kind,
        **({"name_mn": name} if is_cyrillic else {"name_en": name}),
    )
    organisation.full_clean()
    organisation.save()
    return organisation
