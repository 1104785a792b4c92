"""Reads for the assessment pages, each in a fixed number of queries however many
indicators a framework has: the indicators are paginated, scores and the distribution of
ratings are aggregated in the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from plantrack.lib.rules import has
from plantrack.plans.permissions import hidden_plans

from .models import (
    Area,
    AssessmentIndicator,
    Change,
    Framework,
    FrameworkVersion,
    IndicatorKind,
    IndicatorLink,
    Rating,
    Round,
    ScaleLevel,
    Source,
)
from .permissions import visible_rounds
from .scores import Reported, Score, compare_reported

PER_PAGE = 50  # indicators on a round, framework or comparison page
FORM_PER_PAGE = 20  # indicators on one page of the rating form


def latest_version(framework: Framework) -> FrameworkVersion:
    return framework.versions.order_by("-number").first()  # type: ignore[return-value]


def rated_levels(version_id: int) -> list[ScaleLevel]:
    """The version's rating scale, highest value first."""
    return list(
        ScaleLevel.objects.filter(version_id=version_id, kind=IndicatorKind.RATED).order_by(
            "-value"
        )
    )


# -- Previous rounds and changes ---------------------------------------------------------------


def current_rounds(rounds: QuerySet[Round]) -> QuerySet[Round]:
    """Leave out published rounds that a published correction replaces."""
    return rounds.exclude(correction__state=Round.State.PUBLISHED)


def previous_round(round: Round) -> Round | None:
    """The subject's latest published round of the same framework before this one."""
    earlier = Q(year__lt=round.year)
    if round.assessed_on is not None:
        earlier |= Q(year=round.year, assessed_on__lt=round.assessed_on)
    candidates = Round.objects.filter(
        earlier,
        version__framework_id=round.version.framework_id,
        subject_key=round.subject_key,
        state=Round.State.PUBLISHED,
    ).exclude(pk__in=[round.pk, round.supersedes_id or 0])
    return current_rounds(candidates).order_by("-year", "-assessed_on", "-pk").first()


def change_between(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return ""
    if after > before:
        return Change.INCREASE
    if after < before:
        return Change.DECREASE
    return Change.UNCHANGED


def computed_changes(round: Round, values: dict[str, float | None]) -> dict[str, str]:
    """For each indicator code → its level value here, the change since the subject's
    previous round ("" where either is not rated); empty without a previous round."""
    previous = previous_round(round)
    if previous is None:
        return {}
    ratings = Rating.objects.filter(
        round=previous, level__isnull=False, indicator__kind=IndicatorKind.RATED
    )
    if len(values) < 50:
        ratings = ratings.filter(indicator__code__in=list(values))
    before = dict(ratings.values_list("indicator__code", "level__value"))
    return {
        code: change_between(before.get(code), value)
        for code, value in values.items()
        if change_between(before.get(code), value)
    }


# -- Scores ------------------------------------------------------------------------------------


def _maxima(version_ids: Iterable[int]) -> dict[int, float]:
    return dict(
        ScaleLevel.objects.filter(version_id__in=set(version_ids), kind=IndicatorKind.RATED)
        .values("version_id")
        .annotate(top=Max("value"))
        .values_list("version_id", "top")
    )


def _sums(ratings: QuerySet[Rating], *keys: str) -> QuerySet[Any]:
    return (
        ratings.filter(indicator__kind=IndicatorKind.RATED)
        .values(*keys)
        .annotate(
            total=Sum("level__value"),
            rated=Count("level_id"),
            not_assessed=Count("pk", filter=Q(not_assessed=True)),
        )
        .order_by()
    )


def compute_stats(round: Round) -> dict[str, Any]:
    """What a round's scores and distribution are made of, in three queries: the scale's
    highest value, each area's [Σ values, rated, not assessed] and each level's number of
    ratings (``"na"``: not assessed). Stored on a round when it is published."""
    ratings = Rating.objects.filter(round=round)
    levels = (
        ratings.filter(indicator__kind=IndicatorKind.RATED)
        .values("level_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("level_id", "n")
    )
    return {
        "maximum": _maxima([round.version_id]).get(round.version_id, 0.0),
        "areas": {
            str(row["indicator__area_id"]): [
                float(row["total"] or 0),
                row["rated"],
                row["not_assessed"],
            ]
            for row in _sums(ratings, "indicator__area_id")
        },
        "levels": {str(level or "na"): n for level, n in levels},
    }


def round_stats(round: Round) -> dict[str, Any]:
    """Stored for a published round (it never changes after), computed for the others."""
    if round.state == Round.State.PUBLISHED and round.stats:
        return round.stats
    return compute_stats(round)


def area_scores(round: Round, stats: dict[str, Any] | None = None) -> dict[int, Score]:
    """Each area's score, by area id."""
    stats = stats or round_stats(round)
    top = float(stats["maximum"] or 0)
    return {
        int(pk): Score(float(t), top, int(r), int(n)) for pk, (t, r, n) in stats["areas"].items()
    }


def round_score(round: Round, stats: dict[str, Any] | None = None) -> Score:
    stats = stats or round_stats(round)
    total = Score(maximum=float(stats["maximum"] or 0))
    for part in area_scores(round, stats).values():
        total = total + part
    return total


def rounds_scores(rounds: list[Round]) -> dict[int, Score]:
    """The overall score of each round: stored for published rounds, two queries for the
    others, however many."""
    scores = {r.pk: round_score(r) for r in rounds if r.is_published and r.stats}
    rest = [r for r in rounds if r.pk not in scores]
    if not rest:
        return scores
    maxima = _maxima(r.version_id for r in rest)
    version_of = {r.pk: r.version_id for r in rest}
    scores |= {r.pk: Score(maximum=maxima.get(r.version_id, 0.0)) for r in rest}
    for row in _sums(Rating.objects.filter(round_id__in=list(version_of)), "round_id"):
        pk = row["round_id"]
        scores[pk] = Score(
            float(row["total"] or 0),
            maxima.get(version_of[pk], 0.0),
            row["rated"],
            row["not_assessed"],
        )
    return scores


# -- The round page ----------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    lang: str
    value: str  # the level's value, "" for "not assessed" / "not rated yet"
    count: int
    length: int = 0  # in the chart's units (BAR_FULL for the longest bar)
    y: int = 0  # the bar's top in the chart's units


BAR_FULL = 240  # the longest bar, in the chart's units (labels take 130 before it)
BAR_ROW = 24  # each bar's row height


@dataclass
class AreaRow:
    area: Area
    score: Score


@dataclass
class IndicatorRow:
    indicator: AssessmentIndicator
    rating: Rating | None
    sources: list[Source] = field(default_factory=list)
    links: list[IndicatorLink] = field(default_factory=list)
    area: Area | None = None


@dataclass
class RoundPage:
    round: Round
    levels: list[ScaleLevel]
    areas: list[AreaRow]
    overall: Score
    bars: list[Bar]
    reported: list[Reported]
    page: Page[Any]
    rows: list[IndicatorRow]
    previous: Round | None
    correction: Round | None  # a correction of this round (published, or a draft its team sees)
    unrated: int = 0
    flags: dict[str, bool] = field(default_factory=dict)

    @property
    def chart_height(self) -> int:
        return len(self.bars) * BAR_ROW

    @property
    def superseded(self) -> bool:
        return self.correction is not None and self.correction.state == Round.State.PUBLISHED


def _distribution(
    levels: list[ScaleLevel], stats: dict[str, Any], expected: int | None
) -> tuple[list[Bar], int]:
    """A bar per level and one for "not assessed"; and, with ``expected`` (the number of
    rated indicators), how many have no rating yet."""
    counts: dict[str, int] = stats["levels"]
    bars = [
        Bar(lv.label, lv.label_lang, f"{lv.value:g}", counts.get(str(lv.pk), 0)) for lv in levels
    ]
    bars.append(Bar(_("Not assessed"), "", "", counts.get("na", 0)))
    unrated = max(0, expected - sum(counts.values())) if expected is not None else 0
    top = max((b.count for b in bars), default=0) or 1
    for n, bar in enumerate(bars):
        bar.length = int(BAR_FULL * bar.count / top + 0.5)
        bar.y = n * BAR_ROW
    return bars, unrated


def distribution_bars(round: Round, stats: dict[str, Any]) -> list[Bar]:
    """The round's ratings per level of its scale (and "not assessed"), from its stats."""
    return _distribution(rated_levels(round.version_id), stats, None)[0]


def indicator_rows(
    round: Round, indicators: list[AssessmentIndicator], user: Any, *, with_links: bool = True
) -> list[IndicatorRow]:
    """The rows of one page of indicators: ratings, sources and links in three queries."""
    ratings = {
        r.indicator_id: r
        for r in Rating.objects.filter(round=round, indicator__in=indicators).select_related(
            "level"
        )
    }
    sources: dict[int, list[Source]] = defaultdict(list)
    for source in Source.objects.filter(rating__in=[r.pk for r in ratings.values()]).order_by(
        "rating_id", "position"
    ):
        sources[source.rating_id].append(source)
    links = links_by_indicator(indicators, user) if with_links else {}
    return [
        IndicatorRow(
            indicator=ind,
            rating=ratings.get(ind.pk),
            sources=sources.get(ratings[ind.pk].pk, []) if ind.pk in ratings else [],
            links=links.get(ind.pk, []),
            area=ind.area,
        )
        for ind in indicators
    ]


def links_by_indicator(
    indicators: list[AssessmentIndicator], user: Any
) -> dict[int, list[IndicatorLink]]:
    links = IndicatorLink.objects.filter(indicator__in=indicators).select_related("item__plan")
    hidden = hidden_plans(user)
    if hidden is not None:
        links = links.exclude(item__plan__in=hidden)
    found: dict[int, list[IndicatorLink]] = defaultdict(list)
    for link in links.order_by("item__plan__slug", "item__path"):
        found[link.indicator_id].append(link)
    return found


def _correction(round: Round, user: Any) -> Round | None:
    correction = Round.objects.filter(supersedes=round).first()
    if correction is None:
        return None
    if correction.state == Round.State.PUBLISHED or has(user, "assessments.view_round", correction):
        return correction
    return None


def round_page(*, round: Round, user: Any, page_number: int = 1) -> RoundPage:
    levels = rated_levels(round.version_id)
    stats = round_stats(round)
    maximum = float(stats["maximum"] or 0)
    areas = list(Area.objects.filter(version_id=round.version_id).order_by("position"))
    by_area = area_scores(round, stats)
    area_rows = [AreaRow(area, by_area.get(area.pk, Score(maximum=maximum))) for area in areas]
    overall = round_score(round, stats)
    indicators = (
        AssessmentIndicator.objects.filter(version_id=round.version_id)
        .select_related("area")
        .order_by("position")
    )
    paginator = Paginator(indicators, PER_PAGE)
    page = paginator.get_page(page_number)
    # A draft says how many indicators are not rated yet; a published round has none.
    expected = None if round.is_published else _rated_count(round.version_id)
    bars, unrated = _distribution(levels, stats, expected)
    return RoundPage(
        round=round,
        levels=levels,
        areas=area_rows,
        overall=overall,
        bars=bars,
        reported=compare_reported(round.reported_scores or {}, year=round.year, computed=overall),
        page=page,
        rows=indicator_rows(round, list(page.object_list), user),
        previous=previous_round(round),
        correction=_correction(round, user),
        unrated=unrated,
        flags={
            name: has(user, f"assessments.{name}", round)
            for name in ("edit_round", "publish_round", "return_round", "correct_round")
        },
    )


def missing_ratings(round: Round) -> list[str]:
    """The codes of the round's indicators that have no rating yet (one query)."""
    return list(
        AssessmentIndicator.objects.filter(version_id=round.version_id)
        .exclude(ratings__round=round)
        .order_by("position")
        .values_list("code", flat=True)
    )


def _rated_count(version_id: int) -> int:
    return AssessmentIndicator.objects.filter(
        version_id=version_id, kind=IndicatorKind.RATED
    ).count()


# -- Comparison --------------------------------------------------------------------------------


@dataclass
class Side:
    """One round's rating of an indicator, as compared."""

    present: bool = False  # the round's version has the indicator and it is rated
    level: ScaleLevel | None = None
    not_assessed: bool = False

    @property
    def key(self) -> tuple[Any, ...]:
        if not self.present:
            return ("missing",)
        if self.level is None:
            return ("not_assessed",)
        return (self.level.kind, self.level.value)


@dataclass
class ComparisonRow:
    code: str
    indicator_id: int
    left: Side
    right: Side
    indicator: AssessmentIndicator | None = None  # loaded for the rows shown

    @property
    def differs(self) -> bool:
        return self.left.key != self.right.key

    @property
    def sides(self) -> tuple[Side, Side]:
        return (self.left, self.right)

    @property
    def difference(self) -> float | None:
        """Right minus left in level values, when both are rated."""
        a, b = self.left.key, self.right.key
        if len(a) == 2 and len(b) == 2:
            return float(b[1]) - float(a[1])
        return None


@dataclass
class Comparison:
    left: Round
    right: Round
    left_score: Score
    right_score: Score
    areas: list[tuple[str, str, str, Score | None, Score | None]]  # code, title, lang, left, right
    rows: LazyRows
    different: LazyRows
    page: Page[Any]
    only_different: bool = False

    @property
    def query(self) -> str:
        """The page's address parameters, for its pagination links."""
        query = f"a={self.left.pk}&b={self.right.pk}"
        return query + "&show=different" if self.only_different else query


def side_of(level_id: Any, levels: dict[int, ScaleLevel], missing: object) -> Side:
    if level_id is missing:
        return Side()
    return Side(True, levels.get(level_id) if level_id else None, level_id is None)


class LazyRows:
    """A comparison's rows, counted without being built; built when iterated."""

    def __init__(self, plain: list[tuple[Any, ...]], build: Any) -> None:
        self.plain, self.build = plain, build

    def __len__(self) -> int:
        return len(self.plain)

    def __iter__(self) -> Any:
        return (self.build(entry) for entry in self.plain)

    def __getitem__(self, index: int) -> ComparisonRow:
        return self.build(self.plain[index])  # type: ignore[no-any-return]


def comparable(left: Round, right: Round) -> bool:
    return left.version.framework_id == right.version.framework_id and left.pk != right.pk


def compare(
    *, left: Round, right: Round, only_different: bool = False, page_number: int = 1
) -> Comparison:
    """Two rounds of one framework side by side, indicators matched by code (their versions
    may differ). Six queries whatever the number of indicators: the indicators and ratings
    are read as plain rows, and only the page's indicators as objects."""
    versions = {left.version_id, right.version_id}
    levels = {lv.pk: lv for lv in ScaleLevel.objects.filter(version_id__in=versions)}
    # What is compared: (kind, value) of a level; "na" for not assessed (a rating without a
    # level, by the model's constraint); None for no rating.
    keys: dict[int | None, Any] = {pk: (lv.kind, lv.value) for pk, lv in levels.items()}
    keys[None] = "na"
    rated: dict[tuple[int, int], int | None] = {
        (round_id, indicator_id): level_id
        for round_id, indicator_id, level_id in Rating.objects.filter(
            round_id__in=[left.pk, right.pk]
        ).values_list("round_id", "indicator_id", "level_id")
    }
    missing = object()
    by_code: dict[str, dict[int, int]] = defaultdict(dict)
    for pk, version_id, code in (
        AssessmentIndicator.objects.filter(version_id__in=versions)
        .order_by("position")
        .values_list("pk", "version_id", "code")
    ):
        by_code[code][version_id] = pk
    # (code, indicator shown, left level id, right level id, differs): plain tuples, so
    # 3,600 indicators cost little; ComparisonRow objects only for the page shown.
    plain = []
    for code, found in by_code.items():
        a, b = found.get(left.version_id), found.get(right.version_id)
        la = rated.get((left.pk, a), missing) if a else missing
        rb = rated.get((right.pk, b), missing) if b else missing
        ka = None if la is missing else keys.get(la)  # type: ignore[call-overload]
        kb = None if rb is missing else keys.get(rb)  # type: ignore[call-overload]
        plain.append((code, a or b or 0, la, rb, ka != kb))

    def row(entry: tuple[Any, ...]) -> ComparisonRow:
        code, pk, la, rb, _differs = entry
        return ComparisonRow(code, pk, side_of(la, levels, missing), side_of(rb, levels, missing))

    different_plain = [entry for entry in plain if entry[4]]
    page = Paginator(different_plain if only_different else plain, PER_PAGE).get_page(page_number)
    built = [row(entry) for entry in page.object_list]
    shown = AssessmentIndicator.objects.in_bulk([r.indicator_id for r in built])
    for shown_row in built:
        shown_row.indicator = shown.get(shown_row.indicator_id)
    page.object_list = built  # type: ignore[assignment]
    rows = LazyRows(plain, row)
    different = LazyRows(different_plain, row)
    left_areas, right_areas = area_scores(left), area_scores(right)
    areas: dict[str, list[Any]] = {}
    for area in Area.objects.filter(version_id__in=versions).order_by("position"):
        entry = areas.setdefault(area.code, [area.code, area.title, area.title_lang, None, None])
        if area.version_id == left.version_id:
            entry[3] = left_areas.get(area.pk)
        if area.version_id == right.version_id:
            entry[4] = right_areas.get(area.pk)
    return Comparison(
        left=left,
        right=right,
        left_score=round_score(left),
        right_score=round_score(right),
        areas=[tuple(entry) for entry in areas.values()],  # type: ignore[misc]
        rows=rows,
        different=different,
        page=page,
        only_different=only_different,
    )


def comparison_choices(round: Round, user: Any) -> list[Round]:
    """Other visible rounds of the same framework, to compare this one with."""
    return list(
        current_rounds(visible_rounds(user))
        .filter(version__framework_id=round.version.framework_id)
        .exclude(pk=round.pk)
        .select_related("assessing_organisation")
        .order_by("-year", "-pk")[:50]
    )


# -- Framework and subject pages ---------------------------------------------------------------


@dataclass
class FrameworkPage:
    framework: Framework
    version: FrameworkVersion
    versions: list[FrameworkVersion]
    levels: list[ScaleLevel]
    checklist: list[ScaleLevel]
    areas: list[Area]
    page: Page[Any]
    links: dict[int, list[IndicatorLink]]
    rounds: list[tuple[Round, Score]]


def framework_page(
    *, framework: Framework, user: Any, number: int | None = None, page_number: int = 1
) -> FrameworkPage:
    versions = list(framework.versions.order_by("-number"))
    version = next((v for v in versions if v.number == number), versions[0] if versions else None)
    assert version is not None, "a framework always has a version"
    levels = list(ScaleLevel.objects.filter(version=version).order_by("kind", "-value"))
    indicators = (
        AssessmentIndicator.objects.filter(version=version)
        .select_related("area")
        .order_by("position")
    )
    page = Paginator(indicators, PER_PAGE).get_page(page_number)
    rounds = list(
        current_rounds(visible_rounds(user))
        .filter(version__framework=framework)
        .select_related("version", "assessing_organisation")
        .order_by("-year", "-assessed_on", "-pk")[:100]
    )
    scores = rounds_scores(rounds)
    return FrameworkPage(
        framework=framework,
        version=version,
        versions=versions,
        levels=[lv for lv in levels if lv.kind == IndicatorKind.RATED],
        checklist=[lv for lv in levels if lv.kind == IndicatorKind.CHECKLIST],
        areas=list(Area.objects.filter(version=version).order_by("position")),
        page=page,
        links=links_by_indicator(list(page.object_list), user),
        rounds=[(r, scores[r.pk]) for r in rounds],
    )


@dataclass
class TrendBar:
    label: str
    value: str  # the whole score, "" when there is none
    length: int
    y: int
    official: bool


@dataclass
class Trend:
    framework: Framework
    points: list[tuple[Round, Score]]

    @property
    def bars(self) -> list[TrendBar]:
        """A bar per round, its length the score (out of 100)."""
        bars = []
        for n, (round, score) in enumerate(self.points):
            kind = _("Official") if round.official else _("Shadow")
            whole = score.whole
            bars.append(
                TrendBar(
                    label=f"{round.year} · {kind}",
                    value="" if whole is None else str(whole),
                    length=round_length(whole),
                    y=n * BAR_ROW,
                    official=round.official,
                )
            )
        return bars

    @property
    def height(self) -> int:
        return len(self.points) * BAR_ROW


def round_length(whole: int | None) -> int:
    return 0 if whole is None else int(BAR_FULL * max(0, min(100, whole)) / 100)


def subject_rounds(*, key: str, user: Any) -> list[Trend]:
    """The subject's current rounds, grouped by framework, oldest first: three queries."""
    rounds = list(
        current_rounds(visible_rounds(user))
        .filter(subject_key=key)
        .select_related("version__framework", "assessing_organisation")
        .order_by("version__framework__slug", "year", "assessed_on", "pk")[:500]
    )
    scores = rounds_scores(rounds)
    trends: dict[int, Trend] = {}
    for r in rounds:
        framework = r.version.framework
        trends.setdefault(framework.pk, Trend(framework, [])).points.append((r, scores[r.pk]))
    return list(trends.values())


def frameworks_list() -> list[Framework]:
    return list(Framework.objects.order_by("title_en", "title_mn"))


def recent_rounds(user: Any, limit: int = 50) -> list[tuple[Round, Score]]:
    rounds = list(
        current_rounds(visible_rounds(user))
        .select_related("version__framework", "assessing_organisation")
        .order_by("-year", "-pk")[:limit]
    )
    scores = rounds_scores(rounds)
    return [(r, scores[r.pk]) for r in rounds]


# -- The item page -----------------------------------------------------------------------------


def item_links(item: Any) -> list[IndicatorLink]:
    """The assessment indicators linked to a plan item, one per framework and code (the
    latest version's): one query."""
    links = (
        IndicatorLink.objects.filter(item=item)
        .select_related("indicator__version__framework")
        .order_by(
            "indicator__version__framework__slug", "indicator__code", "-indicator__version__number"
        )
    )
    seen: set[tuple[int, str]] = set()
    shown = []
    for link in links:
        key = (link.indicator.version.framework_id, link.indicator.code)
        if key not in seen:
            seen.add(key)
            shown.append(link)
    return shown
