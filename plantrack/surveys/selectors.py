"""Reads for the survey pages, each in a fixed number of queries whatever the number of
responses: counts come from one ``GROUP BY`` over the answers, free text is paginated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from plantrack.lib import charts

from .models import Answer, Option, Question, Survey, Tally

TEXTS_ON_RESULTS = 10  # shown free-text answers per question on the results page
TEXTS_PER_PAGE = 50


def questions_of(survey: Survey) -> list[Question]:
    """The survey's questions in order with their options: two queries."""
    return list(
        survey.questions.select_related("condition__question")
        .prefetch_related("options")
        .order_by("position", "pk")
    )


def surveys_listed(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    return surveys.select_related("plan").order_by("-created_at", "pk")


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "—"


@dataclass
class OptionResult:
    option: Option
    count: int
    share: str


@dataclass
class QuestionResult:
    question: Question
    answered: int  # responses that answered it
    options: list[OptionResult] = field(default_factory=list)
    other: int = 0  # "other, please say" answers
    scale: list[tuple[int, int, str]] = field(default_factory=list)  # value, count, share
    mean: str = ""
    matrix_columns: list[Option] = field(default_factory=list)
    matrix_rows: list[tuple[Option, list[tuple[int, str]]]] = field(default_factory=list)
    texts: list[Answer] = field(default_factory=list)
    texts_shown: int = 0
    texts_hidden: int = 0
    texts_pending: int = 0
    chart: charts.Chart | None = None


@dataclass
class Results:
    survey: Survey
    responses: int
    questions: list[QuestionResult]


def survey_results(survey: Survey) -> Results:
    """Counts and shares per option, the scale's distribution and mean, matrix tables and
    the first shown texts. The counts are the stored tallies (``tallies.py``); queries:
    questions, options, tallies, and one per question that takes free text."""
    questions = questions_of(survey)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for question_id, key, n in Tally.objects.filter(survey=survey).values_list(
        "question_id", "key", "count"
    ):
        counts[question_id][key] = n
    results = []
    for q in questions:
        texts: list[Answer] = []
        if q.is_text or q.other:
            texts = list(
                Answer.objects.filter(question=q, text_state=Answer.TextState.SHOWN)
                .order_by("pk")
                .only("pk", "question_id", "text")[:TEXTS_ON_RESULTS]
            )
        results.append(_question_result(q, counts[q.pk], texts))
    return Results(survey=survey, responses=survey.response_count, questions=results)


def _question_result(
    question: Question, counts: dict[str, int], texts: list[Answer]
) -> QuestionResult:
    answered = counts.get("answered", 0)
    result = QuestionResult(question=question, answered=answered, texts=texts)
    result.texts_shown = counts.get("tshown", 0)
    result.texts_hidden = counts.get("thidden", 0)
    result.texts_pending = counts.get("tpending", 0)
    options = list(question.options.all())
    if question.kind in Question.CHOICE_KINDS:
        result.options = [
            OptionResult(o, counts.get(f"o{o.pk}", 0), percent(counts.get(f"o{o.pk}", 0), answered))
            for o in options
        ]
        result.other = counts.get("other", 0) if question.other else 0
        bars = [
            charts.Bar(
                label=r.option.label,
                value=100 * r.count / answered if answered else 0,
                text=f"{r.count} ({r.share})",
            )
            for r in result.options
        ]
        if question.other:
            bars.append(
                charts.Bar(
                    label=_("Other"),
                    value=100 * result.other / answered if answered else 0,
                    text=f"{result.other} ({percent(result.other, answered)})",
                )
            )
        result.chart = _chart(question, bars)
    elif question.kind == Question.Kind.SCALE:
        per_value = {v: counts.get(f"n{v}", 0) for v in range(1, 6)}
        total = sum(per_value.values())
        result.scale = [(v, per_value[v], percent(per_value[v], total)) for v in range(1, 6)]
        if total:
            result.mean = f"{sum(v * n for v, n in per_value.items()) / total:.2f}"
        bars = [
            charts.Bar(label=str(v), value=100 * n / total if total else 0, text=f"{n} ({s})")
            for v, n, s in result.scale
        ]
        result.chart = _chart(question, bars)
    elif question.kind == Question.Kind.MATRIX:
        columns = [o for o in options if o.role == Option.Role.COLUMN]
        result.matrix_columns = columns
        for row in (o for o in options if o.role == Option.Role.ROW):
            cells = [counts.get(f"o{c.pk}r{row.pk}", 0) for c in columns]
            total = sum(cells)
            result.matrix_rows.append((row, [(n, percent(n, total)) for n in cells]))
    return result


def _chart(question: Question, bars: list[charts.Bar]) -> charts.Chart:
    return charts.bar_chart(
        chart_id=f"q{question.pk}",
        title=question.text,
        bars=bars,
        maximum=100.0,
        columns=[_("Answer"), _("Responses (share)")],
    )


def shown_texts(question: Question, page: int) -> Page:  # type: ignore[type-arg]
    """A question's shown free-text answers, page by page (two queries)."""
    answers = (
        Answer.objects.filter(question=question, text_state=Answer.TextState.SHOWN)
        .only("pk", "text")
        .order_by("pk")
    )
    return Paginator(answers, TEXTS_PER_PAGE).get_page(page)


def texts_to_moderate(survey: Survey, state: str, page: int) -> Page:  # type: ignore[type-arg]
    """Free-text answers of one state for the managers, oldest first (two queries)."""
    answers = (
        Answer.objects.filter(survey=survey, text_state=state)
        .select_related("question")
        .order_by("pk")
    )
    return Paginator(answers, TEXTS_PER_PAGE).get_page(page)


def text_counts(survey: Survey) -> dict[str, int]:
    rows = (
        Answer.objects.filter(survey=survey)
        .exclude(text_state="")
        .values("text_state")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = {row["text_state"]: row["n"] for row in rows}
    return {state: found.get(state, 0) for state in ("pending", "shown", "hidden")}
