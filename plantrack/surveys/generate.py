"""Generated responses for the benchmark and query-count tests: written in bulk, straight
into the tables (no history events, no checks), so 10,000 take seconds. Pages and the demo
go through ``services.response_submit``; this is measuring equipment only."""

from __future__ import annotations

import random

from django.db import transaction
from django.db.models import F

from . import tallies
from .models import Answer, Option, Question, Survey, SurveyResponse

TEXTS = ("Faster pages", "Хурдан үйлчилгээ", "More services online", "Better mobile access")


@transaction.atomic
def generate_responses(survey: Survey, count: int, *, seed: int = 7, shown: bool = True) -> int:
    """Add ``count`` anonymous responses answering every question; texts are marked shown
    (or left pending with ``shown=False``)."""
    rng = random.Random(seed)
    questions = list(survey.questions.prefetch_related("options").order_by("position"))
    start = SurveyResponse.objects.filter(survey=survey).count()
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, guard=f"gen-{survey.pk}-{start + n}") for n in range(count)
    )
    if responses and responses[0].pk is None:  # a backend that returns no ids
        responses = list(SurveyResponse.objects.filter(survey=survey).order_by("pk")[start:])
    state = Answer.TextState.SHOWN if shown else Answer.TextState.PENDING
    batch: list[Answer] = []
    for response in responses:
        for q in questions:
            batch.extend(_answers(rng, survey, response, q, state))
        if len(batch) > 5000:
            Answer.objects.bulk_create(batch)
            batch = []
    Answer.objects.bulk_create(batch)
    tallies.rebuild(survey)
    Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + count)
    return count


def _answers(
    rng: random.Random, survey: Survey, response: SurveyResponse, q: Question, state: str
) -> list[Answer]:
    options = list(q.options.all())
    base = {"survey": survey, "response": response, "question": q}
    if q.is_text:
        return [Answer(**base, text=rng.choice(TEXTS), text_state=state)]
    if q.kind == Question.Kind.SCALE:
        return [Answer(**base, number=rng.randint(1, 5))]
    if q.kind == Question.Kind.MATRIX:
        rows = [o for o in options if o.role == Option.Role.ROW]
        columns = [o for o in options if o.role == Option.Role.COLUMN]
        return [Answer(**base, row=r, option=rng.choice(columns)) for r in rows]
    picks = (
        rng.sample(options, rng.randint(1, 2)) if q.kind == "multiple" else [rng.choice(options)]
    )
    found = [Answer(**base, option=o) for o in picks]
    if q.other and rng.random() < 0.1:
        found.append(Answer(**base, text=rng.choice(TEXTS), text_state=state))
    return found


@transaction.atomic
def sample_survey(slug: str) -> Survey:
    """An open, anonymous survey with the demo's questions (every kind), written straight
    into the tables: benchmark and test equipment, like ``generate_responses``."""
    from .demo import QUESTIONS

    survey = Survey.objects.create(
        slug=slug, title_en=f"Bench survey {slug}", state=Survey.State.OPEN, anonymous=True
    )
    made: list[Question] = []
    for position, (kind, text_mn, text_en, required, other, options, condition) in enumerate(
        QUESTIONS, start=1
    ):
        when = None
        if condition is not None:
            when = made[condition[0]].options.order_by("position")[condition[1]]
        question = Question.objects.create(
            survey=survey,
            position=position,
            kind=kind,
            text_mn=text_mn,
            text_en=text_en,
            required=required,
            other=other,
            condition=when,
        )
        if kind == Question.Kind.YES_NO:
            Option.objects.bulk_create(
                [
                    Option(question=question, position=1, label_mn="Тийм", label_en="Yes"),
                    Option(question=question, position=2, label_mn="Үгүй", label_en="No"),
                ]
            )
        Option.objects.bulk_create(
            Option(
                question=question, role=o.role, position=n, label_mn=o.label_mn, label_en=o.label_en
            )
            for n, o in enumerate(options, start=1)
        )
        made.append(question)
    return survey
