"""``assessment_import``: store what a reader returned (a ``ParsedAssessment``).

The framework is found by its title (either language, compared case-folded): the same
framework. Its content (scale, areas, indicators) identical to the latest version's: that
version. Otherwise a new version when a round uses the latest one, else the latest is
rewritten. The round is found by framework, subject, year, official or not and assessing
body: identical → nothing changes; a draft → its ratings replaced; published → a correction
(a new revision) holding the new ratings. Everything happens in one transaction: a refused
or failed import leaves nothing behind. One history event, none when nothing changed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.models import User
from plantrack.history.services import record
from plantrack.lib.rules import require
from plantrack.organisations.models import Organisation
from plantrack.plans.models import Plan
from plantrack.plans.permissions import can_view_plan

from . import limits
from .checks import named_codes, raise_if, structure_errors, subject_key
from .content import CHECKLIST, fold
from .models import (
    AssessmentIndicator,
    Change,
    Framework,
    FrameworkVersion,
    IndicatorKind,
    Rating,
    Round,
    ScaleLevel,
    Source,
)
from .parsed import ParsedAssessment, ParsedRound
from .permissions import may_assess_for, on_team
from .selectors import compute_stats, computed_changes, latest_version
from .storage import clean_sources, copy_round, framework_slug, replace_content, store_version


@dataclass
class ImportResult:
    framework: Framework
    version: FrameworkVersion
    round: Round | None = None
    framework_created: bool = False
    framework_changed: bool = False
    version_created: bool = False
    round_created: bool = False
    round_changed: bool = False
    correction: bool = False  # the round was published: the import made a correction of it
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.framework_created,
                self.framework_changed,
                self.version_created,
                self.round_created,
                self.round_changed,
            )
        )

    def summary(self) -> str:
        parts = []
        if self.framework_created:
            parts.append(_("framework created"))
        elif self.version_created:
            parts.append(_("framework version %(number)d added") % {"number": self.version.number})
        elif self.framework_changed:
            parts.append(_("framework updated"))
        if self.round_created:
            parts.append(_("round created"))
        elif self.correction:
            parts.append(_("a correction of the published round started"))
        elif self.round_changed:
            parts.append(_("round updated"))
        return "; ".join(parts) or _("nothing changed")


def find_framework(title_en: str, title_mn: str) -> Framework | None:
    """The framework with this title in either language (case-folded), or None."""
    wanted = {fold(t) for t in (title_en, title_mn) if t.strip()}
    for pk, en, mn in Framework.objects.values_list("pk", "title_en", "title_mn"):
        if wanted & {fold(en), fold(mn)} - {""}:
            return Framework.objects.select_for_update().get(pk=pk)
    return None


def _framework_texts(parsed: ParsedAssessment) -> dict[str, str]:
    texts = {
        "title_en": parsed.framework_title_en,
        "title_mn": parsed.framework_title_mn,
        "description_en": parsed.framework_description_en,
        "guidance_en": parsed.guidance_en,
        "guidance_mn": parsed.guidance_mn,
    }
    return {k: v.strip() for k, v in texts.items() if v and v.strip()}


def _check(parsed: ParsedAssessment) -> None:
    errors = []
    if not (parsed.framework_title_en.strip() or parsed.framework_title_mn.strip()):
        errors.append(_("The assessment has no framework title. Give the framework a title."))
    for name in ("framework_title_en", "framework_title_mn"):
        if len(getattr(parsed, name)) > limits.MAX_TITLE_CHARS:
            errors.append(
                _("The framework title is longer than %(limit)d characters.")
                % {"limit": limits.MAX_TITLE_CHARS}
            )
    for name in ("framework_description_en", "guidance_en", "guidance_mn"):
        if len(getattr(parsed, name)) > limits.MAX_TEXT_CHARS * 5:
            errors.append(
                _("The framework's description or guidance is longer than %(limit)d characters.")
                % {"limit": limits.MAX_TEXT_CHARS * 5}
            )
    errors += structure_errors(scale=parsed.scale, areas=parsed.areas)
    pr = parsed.round
    if pr is not None:
        if not pr.subject.strip():
            errors.append(_("The round does not say what is assessed. Give its subject."))
        elif len(pr.subject) > limits.MAX_SUBJECT_CHARS:
            errors.append(
                _("The subject is longer than %(limit)d characters.")
                % {"limit": limits.MAX_SUBJECT_CHARS}
            )
        if pr.year is None and not pr.assessed_on:
            errors.append(_("The round has no year or date. Give the year of the assessment."))
        elif pr.year is not None and not (
            isinstance(pr.year, int) and 1900 <= pr.year <= 2200  # as ``services.round_create``
        ):
            errors.append(
                _("The round's year is %(year)s. Give the year of the assessment (1900 to 2200).")
                % {"year": str(pr.year)[:20]}
            )
        if pr.assessed_on:
            try:
                if not 1900 <= datetime.date.fromisoformat(pr.assessed_on).year <= 2200:
                    raise ValueError(pr.assessed_on)
            except ValueError:
                errors.append(
                    _("“%(date)s” is not a date; write it as YYYY-MM-DD.")
                    % {"date": pr.assessed_on[:40]}
                )
        for key, value in pr.reported_scores.items():
            if not isinstance(value, int | float) or not 0 <= value <= limits.MAX_LEVEL_VALUE:
                errors.append(
                    _("The reported score “%(key)s” is %(value)s, which is not a score.")
                    % {"key": str(key)[:40], "value": str(value)[:40]}
                )
        if len(pr.reported_scores) > limits.MAX_REPORTED_SCORES:
            errors.append(
                _("The round reports more than %(limit)d scores.")
                % {"limit": limits.MAX_REPORTED_SCORES}
            )
        if len(pr.ratings) > limits.MAX_INDICATORS:
            errors.append(
                _("The round has %(count)d ratings; the limit is %(limit)d.")
                % {"count": len(pr.ratings), "limit": limits.MAX_INDICATORS}
            )
    raise_if(errors)


def _level_maps(version: FrameworkVersion) -> dict[str, dict[str, ScaleLevel]]:
    maps: dict[str, dict[str, ScaleLevel]] = {IndicatorKind.RATED: {}, IndicatorKind.CHECKLIST: {}}
    keys = {en: key for key, en, _mn, _v in CHECKLIST}
    for level in version.levels.all():
        names = maps[level.kind]
        for name in (
            level.label_en,
            level.label_mn,
            f"{level.value:g}",
            keys.get(level.label_en, ""),
        ):
            if name:
                names.setdefault(fold(name), level)
    return maps


@dataclass
class _Rating:
    indicator: AssessmentIndicator
    level: ScaleLevel | None
    not_assessed: bool
    justification: str
    change: str
    sources: list[Any]

    def key(self) -> list[Any]:
        level = [self.level.kind, self.level.value] if self.level else None
        return [
            self.indicator.code,
            level,
            self.not_assessed,
            self.justification,
            self.change,
            [[s.text, s.url, s.marker] for s in self.sources],
        ]


def _resolve(pr: ParsedRound, version: FrameworkVersion, warnings: list[str]) -> list[_Rating]:
    """The parsed ratings matched to the version's indicators and levels, or a refusal
    naming every indicator whose rating cannot be stored."""
    indicators = {ind.code: ind for ind in version.indicators.all()}
    maps = _level_maps(version)
    unknown, labels, unjustified, repeated, bad_change = [], [], [], [], []
    seen: set[str] = set()
    resolved = []
    for parsed in pr.ratings:
        code = parsed.indicator_code.strip()
        indicator = indicators.get(code)
        if indicator is None:
            unknown.append(code or "?")
            continue
        if code in seen:
            repeated.append(code)
            continue
        seen.add(code)
        level = None
        if not parsed.not_assessed:
            level = maps[indicator.kind].get(fold(parsed.level_label))
            if level is None:
                labels.append(f"{code} “{parsed.level_label[:40]}”")
                continue
        justification = parsed.justification.strip()
        if level is not None and not justification:
            unjustified.append(code)
        if len(justification) > limits.MAX_TEXT_CHARS:
            unjustified.append(code)
        change = parsed.change.strip().lower()
        if change and change not in Change.values:
            bad_change.append(code)
        try:
            sources = clean_sources(parsed.sources)
        except ValidationError:
            # A malformed link in a footnote: the citation is kept as text, and said so.
            sources = clean_sources(
                [
                    type(s)(text=" ".join(filter(None, (s.text, s.url))), marker=s.marker)
                    for s in parsed.sources
                ]
            )
            warnings.append(
                _("A link in the sources of %(code)s is not a web address; it is kept as text.")
                % {"code": code}
            )
        resolved.append(_Rating(indicator, level, level is None, justification, change, sources))
    errors = []
    if unknown:
        errors.append(
            _("These ratings name indicators the framework does not have: %(codes)s.")
            % {"codes": named_codes(unknown)}
        )
    if repeated:
        errors.append(
            _("These indicators are rated more than once: %(codes)s. Keep one rating each.")
            % {"codes": named_codes(repeated)}
        )
    if labels:
        names = ", ".join(
            sorted(
                {
                    lv.label_en or lv.label_mn
                    for lv in version.levels.filter(kind=IndicatorKind.RATED)
                }
            )
        )
        errors.append(
            _(
                "These ratings use a level the scale does not have: %(codes)s. "
                "The levels are: %(levels)s."
            )
            % {"codes": named_codes(labels), "levels": names}
        )
    if unjustified:
        errors.append(
            _(
                "These ratings have no justification (or one longer than %(limit)d characters): "
                "%(codes)s. Every rating needs one."
            )
            % {"codes": named_codes(unjustified), "limit": limits.MAX_TEXT_CHARS}
        )
    if bad_change:
        errors.append(
            _(
                "These ratings state a change that is not increase, unchanged or decrease: "
                "%(codes)s."
            )
            % {"codes": named_codes(bad_change)}
        )
    raise_if(errors)
    return resolved


def _stored(round: Round) -> list[list[Any]]:
    ratings = round.ratings.select_related("indicator", "level").prefetch_related("sources")
    rows = [
        _Rating(
            r.indicator,
            r.level,
            r.not_assessed,
            r.justification,
            r.change_stated,
            list(r.sources.all()),
        ).key()
        for r in ratings
    ]
    return sorted(rows, key=lambda row: row[0])


def _meta(pr: ParsedRound) -> dict[str, Any]:
    return {
        "title": pr.title.strip()[:300],
        "summary": pr.summary.strip(),
        "assessed_on": datetime.date.fromisoformat(pr.assessed_on) if pr.assessed_on else None,
        "reported_scores": {str(k): v for k, v in pr.reported_scores.items()},
    }


def _same(
    round: Round, version: FrameworkVersion, meta: dict[str, Any], ratings: list[_Rating]
) -> bool:
    if round.version_id != version.pk:
        return False
    if any(getattr(round, name) != value for name, value in meta.items()):
        return False
    return _stored(round) == sorted((r.key() for r in ratings), key=lambda row: row[0])


def _write_ratings(round: Round, ratings: list[_Rating], by: User | None) -> None:
    round.ratings.all().delete()
    computed = computed_changes(
        round,
        {
            r.indicator.code: r.level.value if r.level else None
            for r in ratings
            if r.indicator.is_rated
        },
    )
    rows = Rating.objects.bulk_create(
        [
            Rating(
                round=round,
                indicator=r.indicator,
                level=r.level,
                not_assessed=r.not_assessed,
                justification=r.justification,
                change_stated=r.change,
                change_computed=computed.get(r.indicator.code, ""),
                rated_by=by,
            )
            for r in ratings
        ],
        batch_size=1000,
    )
    Source.objects.bulk_create(
        [
            Source(rating=row, text=s.text, url=s.url, marker=s.marker, position=n)
            for row, r in zip(rows, ratings, strict=True)
            for n, s in enumerate(r.sources)
        ],
        batch_size=1000,
    )


def _find_round(framework: Framework, pr: ParsedRound, key: str, year: int) -> Round | None:
    """The latest revision of the round this one re-imports, if there is one."""
    body = fold(pr.assessing_body)
    for candidate in Round.objects.filter(
        version__framework=framework,
        subject_key=key,
        year=year,
        official=pr.official,
        correction__isnull=True,
    ).select_related("assessing_organisation"):
        if fold(candidate.assessing_body) == body:
            return Round.objects.select_for_update(of=("self",)).get(pk=candidate.pk)
    return None


@transaction.atomic
def assessment_import(
    *,
    parsed: ParsedAssessment,
    by: User | None = None,
    system: bool = False,
    publish: bool = False,
    subject_organisation: Organisation | None = None,
    subject_plan: Plan | None = None,
    assessing_organisation: Organisation | None = None,
) -> ImportResult:
    """Store a framework and its round (see the module's text). ``by=None`` is the command
    line and must say so with ``system=True``; only it may ``publish`` at once (a page's
    import is a draft that a second person publishes)."""
    if not system:
        require(by, "assessments.assess")
        if publish:
            raise PermissionDenied(_("An import from a page is published by a second person."))
        # The same rules as a round started on the page (``services.round_create``).
        if not may_assess_for(by, assessing_organisation):
            raise PermissionDenied(_("You may not assess in the name of this organisation."))
        if subject_plan is not None and not can_view_plan(by, subject_plan):
            raise PermissionDenied("plans.view")
    _check(parsed)
    warnings = list(parsed.warnings)
    texts = _framework_texts(parsed)
    framework = find_framework(parsed.framework_title_en, parsed.framework_title_mn)
    if framework is None:
        framework = Framework.objects.create(
            slug=framework_slug(texts.get("title_en") or texts.get("title_mn", "")),
            created_by=by,
            **texts,
        )
        version = store_version(
            framework=framework, scale=parsed.scale, areas=parsed.areas, number=1
        )
        result = ImportResult(framework, version, framework_created=True, warnings=warnings)
        before_version = None
    else:
        before_version = latest_version(framework)
        changed_texts = {k: v for k, v in texts.items() if getattr(framework, k) != v}
        if changed_texts:
            Framework.objects.filter(pk=framework.pk).update(
                version=F("version") + 1, **changed_texts
            )
            framework.refresh_from_db()
        version, replaced = replace_content(
            framework=framework, scale=parsed.scale, areas=parsed.areas
        )
        result = ImportResult(
            framework,
            version,
            framework_changed=bool(changed_texts)
            or version.content_hash != before_version.content_hash,
            version_created=replaced is not None,
            warnings=warnings,
        )
    if parsed.round is not None:
        _import_round(
            result,
            parsed,
            by=by,
            publish=publish,
            links=(subject_organisation, subject_plan, assessing_organisation),
        )
    if result.changed:
        _record(result, parsed, by=by, system=system, before_version=before_version)
    return result


def _import_round(
    result: ImportResult,
    parsed: ParsedAssessment,
    *,
    by: User | None,
    publish: bool,
    links: tuple[Organisation | None, Plan | None, Organisation | None],
) -> None:
    pr = parsed.round
    assert pr is not None
    version = result.version
    ratings = _resolve(pr, version, result.warnings)
    meta = _meta(pr)
    year = pr.year or meta["assessed_on"].year
    subject = " ".join(pr.subject.split())
    key = subject_key(subject)
    subject_organisation, subject_plan, assessing_organisation = links
    existing = _find_round(result.framework, pr, key, year)
    if existing is not None and _same(existing, version, meta, ratings):
        result.round = existing
        return
    if existing is not None and by is not None and not on_team(by, existing):
        # Someone else's round: a page's import does not rewrite or correct it.
        raise PermissionDenied(_("This round belongs to another team; it cannot be imported over."))
    if existing is None:
        round = Round.objects.create(
            version=version,
            subject=subject,
            subject_key=key,
            subject_organisation=subject_organisation,
            subject_plan=subject_plan,
            year=year,
            assessing_organisation=assessing_organisation,
            assessing_body=pr.assessing_body.strip()[:300],
            official=pr.official,
            source_name=parsed.source_name[:255],
            created_by=by,
            **meta,
        )
        result.round_created = True
    elif existing.state == Round.State.PUBLISHED:
        round = copy_round(
            source=existing,
            by=by,
            reason=_("Imported again from %(source)s with different ratings.")
            % {"source": parsed.source_name or _("a file")},
            version=version,
        )
        Round.objects.filter(pk=round.pk).update(**meta)
        round.refresh_from_db()
        result.correction = result.round_changed = True
    else:
        Round.objects.filter(pk=existing.pk).update(
            version=version, state=Round.State.DRAFT, **meta
        )
        existing.refresh_from_db()
        round = existing
        result.round_changed = True
    if version.frozen_at is None:
        FrameworkVersion.objects.filter(pk=version.pk).update(frozen_at=timezone.now())
        version.refresh_from_db()
    _write_ratings(round, ratings, by)
    if publish:
        now = timezone.now()
        Round.objects.filter(pk=round.pk).update(
            state=Round.State.PUBLISHED,
            published_by=by,
            published_at=now,
            stats=compute_stats(round),
        )
        round.refresh_from_db()
    result.round = round


def _record(
    result: ImportResult,
    parsed: ParsedAssessment,
    *,
    by: User | None,
    system: bool,
    before_version: FrameworkVersion | None,
) -> None:
    changes: dict[str, Any] = {}
    if result.framework_created:
        changes["framework"] = [None, str(result.framework)]
    if before_version is None or before_version.number != result.version.number:
        changes["version"] = [
            before_version.number if before_version else None,
            result.version.number,
        ]
    round = result.round
    if round is not None and (result.round_created or result.round_changed):
        changes["ratings"] = [None, round.ratings.count()]
        changes["state"] = [None, round.state]
        if round.supersedes_id:
            changes["supersedes"] = [None, round.supersedes_id]
    subject: Any = (
        round
        if round is not None and (result.round_created or result.round_changed)
        else result.framework
    )
    record(
        subject,
        "imported" if result.framework_created or result.round_created else "reimported",
        by=by,
        kind="import" if system else None,
        changes=changes or {"framework": [None, str(result.framework)]},
        reason=f"{parsed.source_name}: {result.summary()}"
        if parsed.source_name
        else result.summary(),
        public=not isinstance(subject, Round) or subject.state == Round.State.PUBLISHED,
    )
