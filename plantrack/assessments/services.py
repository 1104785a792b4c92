"""Every write of the assessments app: frameworks, rounds, ratings, links.

Each service is keyword-only and atomic, checks its permission itself, and writes one
history event. Drafts and submitted rounds are not public: their events are recorded with
``public=False``; publishing is public. A published round never changes: ``round_correct``
starts a new revision that supersedes it once it is published in its turn.

Imports are in ``importing.py`` (``assessment_import``); ``storage.py`` holds the bulk
writes both use, which record nothing themselves."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.models import User
from plantrack.history.services import diff, record
from plantrack.lib.rules import require
from plantrack.organisations.models import Organisation
from plantrack.plans.models import Item, Plan
from plantrack.plans.permissions import can_view_plan

from . import limits
from .checks import named_codes, raise_if, structure_errors, subject_key
from .content import stored_content
from .models import (
    AssessmentIndicator,
    Change,
    Framework,
    FrameworkVersion,
    IndicatorLink,
    Rating,
    Round,
    ScaleLevel,
    Source,
)
from .parsed import ParsedArea, ParsedLevel, ParsedSource
from .permissions import may_assess_for, shadow_only
from .selectors import compute_stats, computed_changes, latest_version, missing_ratings, round_score
from .storage import clean_sources, copy_round, framework_slug, replace_content, store_version

FRAMEWORK_TEXTS = (
    "title_en",
    "title_mn",
    "description_en",
    "description_mn",
    "guidance_en",
    "guidance_mn",
)


# -- Refusals --------------------------------------------------------------------------------


class RoundPublished(ValidationError):
    """A published round is never changed in place."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This round is published and cannot be changed. Start a correction: it makes a "
                "new revision, and this one stays readable."
            ),
            code="published",
        )


class WrongState(ValidationError):
    def __init__(self, round: Round, wanted: str) -> None:
        super().__init__(
            _("This round is %(state)s; only a %(wanted)s round can do that. Reload the page.")
            % {"state": round.get_state_display().lower(), "wanted": wanted},
            code="wrong_state",
        )


class OwnSubmission(PermissionDenied):
    """Four eyes: whoever submitted a round does not publish it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "You submitted this round, so you cannot publish it yourself; a second "
                "assessor or a plan manager must publish it."
            )
        )


class SoleRater(PermissionDenied):
    """Four eyes: whoever rated every indicator alone does not publish it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "You rated every indicator of this round yourself, so you cannot publish it; "
                "a second assessor or a plan manager must publish it."
            )
        )


# -- Frameworks ------------------------------------------------------------------------------


def _texts(values: dict[str, Any]) -> dict[str, str]:
    texts = {k: str(values.get(k) or "").strip() for k in FRAMEWORK_TEXTS if k in values}
    errors = []
    for name, text in texts.items():
        limit = limits.MAX_TITLE_CHARS if name.startswith("title") else limits.MAX_TEXT_CHARS
        if len(text) > limit:
            errors.append(
                _("A text is %(length)d characters long; the limit is %(limit)d. Shorten it.")
                % {"length": len(text), "limit": limit}
            )
    raise_if(errors)
    return texts


@transaction.atomic
def framework_create(
    *,
    by: User | None,
    scale: list[ParsedLevel],
    areas: list[ParsedArea],
    system: bool = False,
    **values: str,
) -> Framework:
    """A new framework with its first version; ``values`` are its texts (``FRAMEWORK_TEXTS``)."""
    if not system:
        require(by, "assessments.assess")
    texts = _texts(values)
    if not (texts.get("title_en") or texts.get("title_mn")):
        raise ValidationError({"title_en": _("Give the framework a title in either language.")})
    raise_if(structure_errors(scale=scale, areas=areas))
    framework = Framework.objects.create(
        slug=framework_slug(texts.get("title_en") or texts.get("title_mn", "")),
        created_by=by,
        **texts,
    )
    version = store_version(framework=framework, scale=scale, areas=areas, number=1)
    record(
        framework,
        "created",
        by=by,
        kind="import" if system else None,
        changes={**{k: [None, v] for k, v in texts.items() if v}, "version": [None, 1]},
        reason=_("%(count)d indicators") % {"count": version.indicators.count()},
    )
    return framework


@transaction.atomic
def framework_edit(
    *,
    framework: Framework,
    by: User,
    values: dict[str, Any] | None = None,
    scale: list[ParsedLevel] | None = None,
    areas: list[ParsedArea] | None = None,
    seen_version: int | None = None,
) -> Framework:
    """Change a framework's texts, and its content when ``scale``/``areas`` are given: a
    framework some round uses gets a new version, and old rounds keep theirs."""
    require(by, "assessments.change_framework", framework)
    locked = Framework.objects.select_for_update().get(pk=framework.pk)
    if seen_version is not None and locked.version != seen_version:
        raise ValidationError(
            _("Someone changed this framework while you were editing it. Reload the page."),
            code="stale",
        )
    texts = _texts(values or {})
    before = {k: getattr(locked, k) for k in texts}
    changes = diff(before, texts)
    if not ((texts.get("title_en", locked.title_en)) or texts.get("title_mn", locked.title_mn)):
        raise ValidationError({"title_en": _("Give the framework a title in either language.")})
    if scale is not None or areas is not None:
        current = latest_version(locked)
        stored = stored_content(current)
        if scale is None:
            scale = [ParsedLevel(*level) for level in stored["scale"]]
        if areas is None:
            raise ValidationError(_("Give the framework's areas with its scale."))
        raise_if(structure_errors(scale=scale, areas=areas))
        version, replaced = replace_content(framework=locked, scale=scale, areas=areas)
        if replaced is not None:
            changes["version"] = [replaced.number, version.number]
        elif version.content_hash != current.content_hash:
            changes["content"] = [current.content_hash[:12], version.content_hash[:12]]
    if not changes:
        return locked
    for name, value in texts.items():
        setattr(locked, name, value)
    locked.version = F("version") + 1  # type: ignore[assignment]
    locked.save()
    locked.refresh_from_db()
    record(locked, "changed", by=by, changes=changes)
    return locked


# -- Rounds ----------------------------------------------------------------------------------


def _year(year: int | None, assessed_on: Any) -> int:
    if year is None and assessed_on is not None:
        year = assessed_on.year
    if year is None or not 1900 <= int(year) <= 2200:
        raise ValidationError({"year": _("Give the year of the assessment (1900 to 2200).")})
    return int(year)


@transaction.atomic
def round_create(
    *,
    by: User | None,
    version: FrameworkVersion | None = None,
    framework: Framework | None = None,
    subject: str,
    year: int | None = None,
    assessed_on: Any = None,
    title: str = "",
    assessing_organisation: Organisation | None = None,
    assessing_body: str = "",
    official: bool = True,
    subject_organisation: Organisation | None = None,
    subject_plan: Plan | None = None,
    summary: str = "",
    reported_scores: dict[str, float] | None = None,
    source_name: str = "",
    system: bool = False,
) -> Round:
    """A draft round on ``version`` (or the framework's latest version), which it freezes."""
    if not system and not may_assess_for(by, assessing_organisation):
        raise PermissionDenied("assessments.draft_round")
    if not system and official and shadow_only(by, assessing_organisation):
        raise ValidationError(
            {
                "official": _(
                    "A round by a civil-society organisation is a shadow assessment; "
                    "it cannot be marked official."
                )
            }
        )
    if version is None:
        if framework is None:
            raise ValidationError(_("Choose the framework to assess against."))
        version = latest_version(framework)
    subject = " ".join(str(subject).split())
    if not subject:
        raise ValidationError(
            {"subject": _("Say what is assessed: a country, an agency or a plan.")}
        )
    if len(subject) > limits.MAX_SUBJECT_CHARS:
        raise ValidationError(
            {
                "subject": _("The subject is longer than %(limit)d characters.")
                % {"limit": limits.MAX_SUBJECT_CHARS}
            }
        )
    if subject_plan is not None and not system and not can_view_plan(by, subject_plan):
        raise PermissionDenied("plans.view")
    if not assessing_organisation and not assessing_body.strip():
        raise ValidationError(
            {"assessing_body": _("Name the assessing body, or choose its organisation.")}
        )
    round = Round(
        version=version,
        title=title.strip()[:300],
        subject=subject,
        subject_key=subject_key(subject),
        subject_organisation=subject_organisation,
        subject_plan=subject_plan,
        assessed_on=assessed_on,
        year=_year(year, assessed_on),
        assessing_organisation=assessing_organisation,
        assessing_body=assessing_body.strip()[:300],
        official=official,
        summary=summary.strip(),
        reported_scores=reported_scores or {},
        source_name=source_name[:255],
        created_by=by,
    )
    round.full_clean()
    round.save()
    if version.frozen_at is None:
        FrameworkVersion.objects.filter(pk=version.pk, frozen_at__isnull=True).update(
            frozen_at=timezone.now()
        )
    record(
        round,
        "created",
        by=by,
        kind="import" if system else None,
        organisation=assessing_organisation,
        changes={
            "framework": [None, str(version.framework)],
            "version": [None, version.number],
            "subject": [None, subject],
            "year": [None, round.year],
            "official": [None, official],
        },
        public=False,
    )
    return round


def _locked(round: Round) -> Round:
    return (
        Round.objects.select_for_update(of=("self",))
        .select_related("version__framework", "assessing_organisation", "subject_plan")
        .get(pk=round.pk)
    )


def _must_be_draft(round: Round) -> None:
    if round.state == Round.State.PUBLISHED:
        raise RoundPublished()
    if round.state != Round.State.DRAFT:
        raise WrongState(round, _("draft"))


def _check_rating(
    indicator: AssessmentIndicator,
    level: ScaleLevel | None,
    not_assessed: bool,
    justification: str,
    change: str,
) -> None:
    if level is None and not not_assessed:
        raise ValidationError(
            {
                "level": _("Choose a level for %(code)s, or mark it not assessed.")
                % {"code": indicator.code}
            }
        )
    if level is not None and not_assessed:
        raise ValidationError({"level": _("Choose a level or “not assessed”, not both.")})
    if level is not None and (
        level.version_id != indicator.version_id or level.kind != indicator.kind
    ):
        raise ValidationError({"level": _("That level is not on this indicator's scale.")})
    if level is not None and not justification:
        raise ValidationError(
            {
                "justification": _(
                    "Say why %(code)s earns this level: a justification is required for "
                    "every rating."
                )
                % {"code": indicator.code}
            }
        )
    if len(justification) > limits.MAX_TEXT_CHARS:
        raise ValidationError(
            {
                "justification": _(
                    "The justification is %(length)d characters long; the limit is %(limit)d."
                )
                % {"length": len(justification), "limit": limits.MAX_TEXT_CHARS}
            }
        )
    if change and change not in Change.values:
        raise ValidationError({"change": _("Choose increase, unchanged or decrease.")})


@transaction.atomic
def rating_set(
    *,
    round: Round,
    indicator: AssessmentIndicator,
    by: User,
    level: ScaleLevel | None = None,
    not_assessed: bool = False,
    justification: str = "",
    change: str = "",
    sources: list[ParsedSource] | None = None,
    seen: str | None = None,
) -> Rating:
    """Rate one indicator of a draft round (or mark it not assessed). ``sources`` replace the
    rating's sources when given. The change since the previous round is computed when the
    subject has a previous published round, and kept as stated (``change``) as well.
    ``seen``: when the rating was last saved as the form showed it (``updated_at`` in ISO
    form, "" for none); a rating saved since (another tab, a colleague) is not overwritten."""
    locked = _locked(round)
    _must_be_draft(locked)
    require(by, "assessments.edit_round", locked)
    if indicator.version_id != locked.version_id:
        raise ValidationError(_("That indicator is not in this round's framework version."))
    justification = justification.strip()
    _check_rating(indicator, level, not_assessed, justification, change)
    kept = clean_sources(sources) if sources is not None else None
    computed = computed_changes(locked, {indicator.code: level.value if level else None})
    rating = (
        Rating.objects.filter(round=locked, indicator=indicator).select_related("level").first()
    )
    if seen is not None and (rating.updated_at.isoformat() if rating else "") != seen:
        raise ValidationError(
            _(
                "The rating of %(code)s was changed since you opened this page (in another "
                "tab, or by a colleague). Nothing on this page was saved: reload it and rate again."
            )
            % {"code": indicator.code},
            code="stale",
        )
    before = _rating_values(rating)
    created = rating is None
    if rating is None:
        rating = Rating(round=locked, indicator=indicator)
    rating.level = level
    rating.not_assessed = not_assessed
    rating.justification = justification
    rating.change_stated = change
    rating.change_computed = computed.get(indicator.code, "")
    rating.rated_by = by
    rating.save()
    if kept is not None:
        before["sources"] = list(rating.sources.values_list("text", flat=True)) if before else []
        rating.sources.all().delete()
        Source.objects.bulk_create(
            [
                Source(rating=rating, text=s.text, url=s.url, marker=s.marker, position=n)
                for n, s in enumerate(kept)
            ]
        )
    after = _rating_values(rating)
    if kept is not None:
        after["sources"] = [s.text or s.url for s in kept]
    changes = diff(before, after)
    if changes:
        record(
            rating,
            "added" if created else "changed",
            by=by,
            label=f"{locked} · {indicator.code}",
            changes=changes,
            public=False,
        )
    return rating


def _rating_values(rating: Rating | None) -> dict[str, Any]:
    if rating is None or rating.pk is None:
        return {}
    return {
        "level": rating.level.label_en or rating.level.label_mn if rating.level else None,
        "not_assessed": rating.not_assessed,
        "justification": rating.justification,
        "change_stated": rating.change_stated,
    }


@transaction.atomic
def round_submit(*, round: Round, by: User) -> Round:
    """A draft whose every indicator is rated or marked not assessed goes to review."""
    locked = _locked(round)
    _must_be_draft(locked)
    require(by, "assessments.edit_round", locked)
    missing = missing_ratings(locked)
    if missing:
        raise ValidationError(
            _("Rate these indicators, or mark them not assessed, before you submit: %(codes)s.")
            % {"codes": named_codes(missing)},
            code="incomplete",
        )
    if not locked.ratings.filter(level__isnull=False).exists():
        raise ValidationError(
            _("Every indicator is marked not assessed. Rate at least one before you submit."),
            code="empty",
        )
    now = timezone.now()
    Round.objects.filter(pk=locked.pk).update(
        state=Round.State.SUBMITTED, submitted_by=by, submitted_at=now, updated_at=now
    )
    locked.refresh_from_db()
    record(
        locked,
        "submitted",
        by=by,
        organisation=locked.assessing_organisation_id,
        changes={"state": ["draft", "submitted"]},
        public=False,
    )
    return locked


@transaction.atomic
def round_return(*, round: Round, by: User, note: str) -> Round:
    """A submitted round goes back to its team as a draft, with a note saying what to change."""
    locked = _locked(round)
    if locked.state == Round.State.PUBLISHED:
        raise RoundPublished()
    if locked.state != Round.State.SUBMITTED:
        raise WrongState(locked, _("submitted"))
    require(by, "assessments.return_round", locked)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what the team should change.")})
    Round.objects.filter(pk=locked.pk).update(state=Round.State.DRAFT, updated_at=timezone.now())
    locked.refresh_from_db()
    record(
        locked,
        "returned",
        by=by,
        changes={"state": ["submitted", "draft"]},
        reason=note[:2000],
        public=False,
    )
    return locked


@transaction.atomic
def round_publish(*, round: Round, by: User | None = None, system: bool = False) -> Round:
    """Publish a submitted round: by a second person of its team or a plan manager, never
    by the one who submitted it nor by one who rated it all alone (``system``: an import
    run by the operator, which may publish a draft it made). The change since the previous
    round is computed for every rating as it is published; from now on nothing changes."""
    locked = _locked(round)
    if locked.state == Round.State.PUBLISHED:
        raise RoundPublished()
    if not system:
        if locked.state != Round.State.SUBMITTED:
            raise WrongState(locked, _("submitted"))
        require(by, "assessments.publish_round", locked)
        assert by is not None
        if locked.submitted_by_id == by.pk:
            raise OwnSubmission()
        raters = set(locked.ratings.values_list("rated_by_id", flat=True).distinct())
        if raters == {by.pk}:
            raise SoleRater()
    ratings = list(locked.ratings.select_related("indicator", "level"))
    computed = computed_changes(
        locked, {r.indicator.code: r.level.value if r.level else None for r in ratings}
    )
    changed = []
    for rating in ratings:
        value = computed.get(rating.indicator.code, "")
        if rating.change_computed != value:
            rating.change_computed = value
            changed.append(rating)
    Rating.objects.bulk_update(changed, ["change_computed"], batch_size=1000)
    now = timezone.now()
    stats = compute_stats(locked)
    Round.objects.filter(pk=locked.pk).update(
        state=Round.State.PUBLISHED, published_by=by, published_at=now, updated_at=now, stats=stats
    )
    locked.refresh_from_db()
    score = round_score(locked, stats)
    changes: dict[str, Any] = {
        "state": [("draft" if system else "submitted"), "published"],
        "score": [None, score.exact_text],
    }
    if locked.supersedes_id:
        changes["supersedes"] = [None, locked.supersedes_id]
    record(
        locked,
        "published",
        by=by,
        kind="import" if system and by is None else None,
        organisation=locked.assessing_organisation_id,
        changes=changes,
        reason=locked.correction_reason,
    )
    return locked


@transaction.atomic
def round_correct(*, round: Round, by: User, reason: str) -> Round:
    """Start a correction of a published round: a new draft revision with its ratings,
    which the team changes and which is submitted and published like any round. The
    published round stays as it is, readable, and is shown as superseded once the
    correction is published."""
    locked = _locked(round)
    if locked.state != Round.State.PUBLISHED:
        raise WrongState(locked, _("published"))
    require(by, "assessments.correct_round", locked)
    if Round.objects.filter(supersedes=locked).exists():
        raise ValidationError(
            _("A correction of this round already exists. Open it from the round's page."),
            code="corrected",
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what the correction changes, and why.")})
    new = copy_round(source=locked, by=by, reason=reason[:2000])
    record(
        new,
        "created",
        by=by,
        organisation=new.assessing_organisation_id,
        changes={"supersedes": [None, locked.pk], "revision": [None, new.revision]},
        reason=new.correction_reason,
        public=False,
    )
    return new


# -- Links -----------------------------------------------------------------------------------


@transaction.atomic
def indicator_link_add(
    *, indicator: AssessmentIndicator, item: Item, by: User, note: str = ""
) -> IndicatorLink:
    """Link an assessment indicator to a plan item that acts on it (once)."""
    require(by, "assessments.link", item)
    if not can_view_plan(by, item.plan):
        raise PermissionDenied("plans.view")
    link, created = IndicatorLink.objects.get_or_create(
        indicator=indicator, item=item, defaults={"note": note.strip()[:500], "created_by": by}
    )
    if created:
        framework = indicator.version.framework
        record(
            link,
            "added",
            by=by,
            label=f"{indicator.code} ↔ {item.code}",
            plan_id=item.plan_id,
            item_id=item.pk,
            changes={
                "indicator": [None, f"{framework} {indicator.code}"],
                "item": [None, item.code],
            },
            public=item.plan.published_at is not None,
        )
    return link


@transaction.atomic
def indicator_link_remove(*, link: IndicatorLink, by: User) -> None:
    item = Item.objects.select_related("plan").get(pk=link.item_id)
    require(by, "assessments.link", item)
    indicator = link.indicator
    # The link is removed from every version of the framework (they were copied forward).
    IndicatorLink.objects.filter(
        item=item,
        indicator__code=indicator.code,
        indicator__version__framework_id=indicator.version.framework_id,
    ).delete()
    record(
        link,
        "removed",
        by=by,
        label=f"{indicator.code} ↔ {item.code}",
        plan_id=item.plan_id,
        item_id=item.pk,
        changes={"indicator": [indicator.code, None], "item": [item.code, None]},
        public=item.plan.published_at is not None,
    )
