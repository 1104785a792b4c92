"""The bulk writes behind the assessment services and the import: a version's content, a
round's copy for a correction, sources checked. They run inside a service's transaction,
which checks the permission and records the history event; they record nothing themselves."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plantrack.accounts.models import User
from plantrack.organisations.services import latin

from . import limits
from .content import CHECKLIST, content_hash, parsed_content
from .models import (
    Area,
    AssessmentIndicator,
    Framework,
    FrameworkVersion,
    IndicatorKind,
    IndicatorLink,
    Rating,
    Round,
    ScaleLevel,
    Source,
)
from .parsed import ParsedArea, ParsedLevel, ParsedSource
from .selectors import latest_version


def framework_slug(title: str) -> str:
    base = (slugify(latin(title)) or "framework")[:100].strip("-") or "framework"
    slug, n = base, 1
    while Framework.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def store_version(
    *, framework: Framework, scale: list[ParsedLevel], areas: list[ParsedArea], number: int
) -> FrameworkVersion:
    """Write a version's content (already checked) in a few bulk inserts."""
    content = parsed_content(scale=scale, areas=areas)
    version = FrameworkVersion.objects.create(
        framework=framework, number=number, content_hash=content_hash(content)
    )
    levels = [
        ScaleLevel(
            version=version,
            kind=IndicatorKind.RATED,
            label_en=lv.label_en.strip(),
            label_mn=lv.label_mn.strip(),
            value=float(lv.value),
            description_en=lv.description_en.strip(),
            description_mn=lv.description_mn.strip(),
            position=n,
        )
        for n, lv in enumerate(scale)
    ]
    if any(ind.kind == IndicatorKind.CHECKLIST for area in areas for ind in area.indicators):
        levels += [
            ScaleLevel(
                version=version,
                kind=IndicatorKind.CHECKLIST,
                label_en=en,
                label_mn=mn,
                value=value,
                position=n,
            )
            for n, (_key, en, mn, value) in enumerate(CHECKLIST)
        ]
    ScaleLevel.objects.bulk_create(levels)
    stored = Area.objects.bulk_create(
        [
            Area(
                version=version,
                code=area.code.strip(),
                title_en=area.title_en.strip(),
                title_mn=area.title_mn.strip(),
                description_en=area.description_en.strip(),
                description_mn=area.description_mn.strip(),
                position=n,
            )
            for n, area in enumerate(areas)
        ]
    )
    indicators, position = [], 0
    for area, row in zip(areas, stored, strict=True):
        for ind in area.indicators:
            indicators.append(
                AssessmentIndicator(
                    version=version,
                    area=row,
                    code=ind.code.strip(),
                    title_en=ind.title_en.strip(),
                    title_mn=ind.title_mn.strip(),
                    guidance_en=ind.guidance_en.strip(),
                    guidance_mn=ind.guidance_mn.strip(),
                    kind=ind.kind or IndicatorKind.RATED,
                    position=position,
                )
            )
            position += 1
    AssessmentIndicator.objects.bulk_create(indicators, batch_size=1000)
    return version


def _carry_links(old: FrameworkVersion, new: FrameworkVersion) -> None:
    """Links to plan items follow their indicator (by code) into the new version."""
    codes = dict(new.indicators.values_list("code", "pk"))
    IndicatorLink.objects.bulk_create(
        [
            IndicatorLink(
                indicator_id=codes[link.indicator.code],
                item_id=link.item_id,
                note=link.note,
                created_by_id=link.created_by_id,
            )
            for link in IndicatorLink.objects.filter(indicator__version=old).select_related(
                "indicator"
            )
            if link.indicator.code in codes
        ],
        ignore_conflicts=True,
    )


def replace_content(
    *, framework: Framework, scale: list[ParsedLevel], areas: list[ParsedArea]
) -> tuple[FrameworkVersion, FrameworkVersion | None]:
    """(the version holding ``scale``/``areas``, the version it replaced or None).

    The same content: the latest version. A frozen latest version (a round uses it): a new
    version, links carried over. Otherwise the latest version is rewritten in place."""
    current = latest_version(framework)
    new_hash = content_hash(parsed_content(scale=scale, areas=areas))
    if current.content_hash == new_hash:
        return current, None
    if current.is_frozen:
        version = store_version(
            framework=framework, scale=scale, areas=areas, number=current.number + 1
        )
        _carry_links(current, version)
        return version, current
    # Not used by any round yet: rewrite it, keeping links by code.
    links = list(
        IndicatorLink.objects.filter(indicator__version=current).values_list(
            "indicator__code", "item_id", "note", "created_by_id"
        )
    )
    number = current.number
    current.delete()
    version = store_version(framework=framework, scale=scale, areas=areas, number=number)
    codes = dict(version.indicators.values_list("code", "pk"))
    IndicatorLink.objects.bulk_create(
        [
            IndicatorLink(indicator_id=codes[code], item_id=item, note=note, created_by_id=by)
            for code, item, note, by in links
            if code in codes
        ]
    )
    return version, None


def clean_sources(sources: list[ParsedSource]) -> list[ParsedSource]:
    """Sources as stored: stripped, empty ones dropped, links checked."""
    if len(sources) > limits.MAX_SOURCES_PER_RATING:
        raise ValidationError(
            {
                "sources": _("A rating can cite at most %(limit)d sources.")
                % {"limit": limits.MAX_SOURCES_PER_RATING}
            }
        )
    check = URLValidator(schemes=["http", "https"])
    kept = []
    for source in sources:
        text, url = source.text.strip()[: limits.MAX_TEXT_CHARS], source.url.strip()
        if url:
            try:
                check(url)
            except ValidationError:
                raise ValidationError(
                    {
                        "sources": _("“%(url)s” is not a web address (http:// or https://).")
                        % {"url": url[:80]}
                    }
                ) from None
            if len(url) > limits.MAX_URL_CHARS:
                raise ValidationError(
                    {
                        "sources": _("A link is longer than %(limit)d characters.")
                        % {"limit": limits.MAX_URL_CHARS}
                    }
                )
        if text or url:
            kept.append(ParsedSource(text=text, url=url, marker=source.marker.strip()[:20]))
    return kept


def copy_round(
    *, source: Round, by: User | None, reason: str, version: FrameworkVersion | None = None
) -> Round:
    """A draft revision of ``source`` (ratings and sources copied, matched by code onto
    ``version`` when it is another one). No permission check, no event: for the services."""
    version = version or source.version
    new = Round.objects.create(
        version=version,
        title=source.title,
        subject=source.subject,
        subject_key=source.subject_key,
        subject_organisation_id=source.subject_organisation_id,
        subject_plan_id=source.subject_plan_id,
        assessed_on=source.assessed_on,
        year=source.year,
        assessing_organisation_id=source.assessing_organisation_id,
        assessing_body=source.assessing_body,
        official=source.official,
        summary=source.summary,
        reported_scores=source.reported_scores,
        source_name=source.source_name,
        supersedes=source,
        revision=source.revision + 1,
        correction_reason=reason,
        created_by=by,
    )
    indicators = dict(version.indicators.values_list("code", "pk"))
    levels = {(lv.kind, lv.value): lv.pk for lv in version.levels.all()}
    old = list(source.ratings.select_related("indicator", "level").prefetch_related("sources"))
    copies = []
    for rating in old:
        code = rating.indicator.code
        if code not in indicators:
            continue
        level_id = levels.get((rating.level.kind, rating.level.value)) if rating.level else None
        copies.append(
            (
                rating,
                Rating(
                    round=new,
                    indicator_id=indicators[code],
                    level_id=level_id,
                    not_assessed=rating.not_assessed
                    or (rating.level is not None and level_id is None),
                    justification=rating.justification,
                    change_stated=rating.change_stated,
                    change_computed=rating.change_computed,
                    rated_by_id=rating.rated_by_id,
                ),
            )
        )
    Rating.objects.bulk_create([c for _, c in copies], batch_size=1000)
    Source.objects.bulk_create(
        [
            Source(rating=copy, text=s.text, url=s.url, marker=s.marker, position=s.position)
            for rating, copy in copies
            for s in rating.sources.all()
        ],
        batch_size=1000,
    )
    if version.frozen_at is None:
        FrameworkVersion.objects.filter(pk=version.pk).update(frozen_at=timezone.now())
    return new
