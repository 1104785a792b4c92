"""The stored counts of a survey's answers (``Tally``): added to by every response,
moved by moderation, rebuilt from the answers when generated in bulk.

Callers hold the survey's row lock (``select_for_update``), so a missing tally row is
created by one transaction at a time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, F

from .models import Answer, Question, Survey, Tally


def answer_keys(answer: Answer) -> list[str]:
    keys = []
    if answer.option_id is not None and answer.row_id is not None:
        keys.append(f"o{answer.option_id}r{answer.row_id}")
    elif answer.option_id is not None:
        keys.append(f"o{answer.option_id}")
    elif answer.number is not None:
        keys.append(f"n{answer.number}")
    elif answer.question.kind in Question.CHOICE_KINDS:
        keys.append("other")
    if answer.text_state:
        keys.append(f"t{answer.text_state}")
    return keys


def add(survey: Survey, counts: Counter[tuple[int, str]]) -> None:
    """Add ``counts`` ((question id, key) → n) to the stored tallies."""
    for (question_id, key), n in counts.items():
        if not n:
            continue
        updated = Tally.objects.filter(question_id=question_id, key=key).update(
            count=F("count") + n
        )
        if not updated:
            Tally.objects.create(survey=survey, question_id=question_id, key=key, count=n)


def count_response(survey: Survey, answers: Iterable[Answer]) -> None:
    counts: Counter[tuple[int, str]] = Counter()
    answered = set()
    for answer in answers:
        answered.add(answer.question_id)
        for key in answer_keys(answer):
            counts[answer.question_id, key] += 1
    for question_id in answered:
        counts[question_id, "answered"] += 1
    add(survey, counts)


def rebuild(survey: Survey) -> None:
    """Count every answer of ``survey`` again (after a bulk load, or to repair)."""
    Tally.objects.filter(survey=survey).delete()
    kinds = dict(survey.questions.values_list("pk", "kind"))
    counts: Counter[tuple[int, str]] = Counter()
    rows = (
        Answer.objects.filter(survey=survey)
        .values("question_id", "option_id", "row_id", "number", "text_state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        answer = Answer(
            question=Question(pk=row["question_id"], kind=kinds[row["question_id"]]),
            option_id=row["option_id"],
            row_id=row["row_id"],
            number=row["number"],
            text_state=row["text_state"],
        )
        for key in answer_keys(answer):
            counts[row["question_id"], key] += row["n"]
    answered = (
        Answer.objects.filter(survey=survey)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    for row in answered:
        counts[row["question_id"], "answered"] = row["n"]
    Tally.objects.bulk_create(
        Tally(survey=survey, question_id=q, key=key, count=n) for (q, key), n in counts.items()
    )
