"""Reads for the survey pages, each in a fixed number of queries whatever the number of
responses: counts come from one ``GROUP BY`` over the answers, free text is paginated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from plantrack.lib import charts

from .models import Answer, Option, Question, Survey

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
    the first shown texts: five queries (questions, options, counts, respondents, texts)."""
    questions = questions_of(survey)
    counts: dict[int, dict[tuple[Any, ...], int]] = defaultdict(dict)
    for row in (
        Answer.objects.filter(survey=survey)
        .values("question_id", "option_id", "row_id", "number", "text_state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = (row["option_id"], row["row_id"], row["number"], row["text_state"])
        counts[row["question_id"]][key] = row["n"]
    answered = dict(
        Answer.objects.filter(survey=survey)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
        .values_list("question_id", "n")
    )
    texts: dict[int, list[Answer]] = defaultdict(list)
    for answer in (
        Answer.objects.filter(survey=survey, text_state=Answer.TextState.SHOWN)
        .annotate(n=Window(RowNumber(), partition_by=[F("question_id")], order_by=F("pk").asc()))
        .filter(n__lte=TEXTS_ON_RESULTS)
        .only("pk", "question_id", "text")
    ):
        texts[answer.question_id].append(answer)
    results = [
        _question_result(q, counts[q.pk], answered.get(q.pk, 0), texts[q.pk]) for q in questions
    ]
    return Results(survey=survey, responses=survey.response_count, questions=results)


def _question_result(
    question: Question, counts: dict[tuple[Any, ...], int], answered: int, texts: list[Answer]
) -> QuestionResult:
    result = QuestionResult(question=question, answered=answered, texts=texts)
    by_state: dict[str, int] = defaultdict(int)
    for (_option, _row, _number, state), n in counts.items():
        if state:
            by_state[state] += n
    result.texts_shown = by_state[Answer.TextState.SHOWN]
    result.texts_hidden = by_state[Answer.TextState.HIDDEN]
    result.texts_pending = by_state[Answer.TextState.PENDING]
    options = list(question.options.all())
    if question.kind in Question.CHOICE_KINDS:
        per_option: dict[int | None, int] = defaultdict(int)
        for (option_id, _row, _number, _state), n in counts.items():
            per_option[option_id] += n
        result.options = [
            OptionResult(o, per_option[o.pk], percent(per_option[o.pk], answered)) for o in options
        ]
        result.other = per_option[None] if question.other else 0
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
        per_value: dict[int, int] = defaultdict(int)
        for (_option, _row, number, _state), n in counts.items():
            if number:
                per_value[number] += n
        total = sum(per_value.values())
        result.scale = [(v, per_value[v], percent(per_value[v], total)) for v in range(1, 6)]
        if total:
            mean = sum(v * n for v, n in per_value.items()) / total
            result.mean = f"{mean:.2f}"
        bars = [
            charts.Bar(label=str(v), value=100 * n / total if total else 0, text=f"{n} ({s})")
            for v, n, s in result.scale
        ]
        result.chart = _chart(question, bars)
    elif question.kind == Question.Kind.MATRIX:
        columns = [o for o in options if o.role == Option.Role.COLUMN]
        result.matrix_columns = columns
        for row in (o for o in options if o.role == Option.Role.ROW):
            cells = {
                option_id: n
                for (option_id, row_id, _n, _s), n in counts.items()
                if row_id == row.pk
            }
            total = sum(cells.values())
            result.matrix_rows.append(
                (row, [(cells.get(c.pk, 0), percent(cells.get(c.pk, 0), total)) for c in columns])
            )
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
