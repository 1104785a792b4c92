"""All responses of a survey as CSV or XLSX, one row per response, nothing lost.

Columns: the response's number, when it was sent, whether by an account or anonymously;
then one column per question, headed "Q<position>. <question>":

- text and scale questions: the text or the value;
- single choice and yes/no: the chosen option's label;
- multiple choice: the chosen labels joined by "; " (in the options' order) in one column;
- a choice question offering "other, please say" has a second column, "… (other)", with
  the text written there;
- a matrix: one column per row, "Q<position>. <question> — <row>", holding the column chosen.

Labels are in the reader's language. Free texts are exported whatever their moderation
(the export is for the survey's managers). Accounts are not named. Cells a spreadsheet
would run as formulas are escaped (``progress.exports.safe_cell``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from plantrack.progress.exports import Cell, safe_cell

from .models import Answer, Option, Question, Survey, SurveyResponse
from .selectors import questions_of

SEPARATOR = "; "
BATCH = 2000


Column = tuple[str, Question, Option | None, bool]


def _columns(questions: list[Question]) -> list[Column]:
    """(header, question, matrix row, is the "other" column) for every answer column."""
    columns: list[Column] = []
    for q in questions:
        head = f"Q{q.position}. {q.text}"
        if q.kind == Question.Kind.MATRIX:
            for row in (o for o in q.options.all() if o.role == Option.Role.ROW):
                columns.append((f"{head} — {row.label}", q, row, False))
            continue
        columns.append((head, q, None, False))
        if q.other:
            columns.append((f"{head} ({_('other')})", q, None, True))
    return columns


def response_rows(survey: Survey) -> Iterator[list[Cell]]:
    questions = questions_of(survey)
    columns = _columns(questions)
    labels = {o.pk: o.label for q in questions for o in q.options.all()}
    order = {o.pk: (o.position, o.pk) for q in questions for o in q.options.all()}
    yield [_("Response"), _("Sent"), _("Respondent"), *(safe_cell(c[0]) for c in columns)]
    last = 0
    while True:
        responses = list(
            SurveyResponse.objects.filter(survey=survey, pk__gt=last)
            .order_by("pk")
            .only("pk", "created_at", "user_id")[:BATCH]
        )
        if not responses:
            return
        last = responses[-1].pk
        answers: dict[int, list[Answer]] = defaultdict(list)
        for answer in Answer.objects.filter(response__in=[r.pk for r in responses]).order_by("pk"):
            answers[answer.response_id].append(answer)
        for response in responses:
            yield _row(response, answers[response.pk], columns, labels, order)


def _row(
    response: SurveyResponse,
    answers: list[Answer],
    columns: list[Column],
    labels: dict[int, str],
    order: dict[int, tuple[int, int]],
) -> list[Cell]:
    by_question: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)
    cells: list[Cell] = [
        response.pk,
        response.created_at.isoformat(timespec="seconds"),
        _("account") if response.user_id else _("anonymous"),
    ]
    for _head, question, row, other in columns:
        found = by_question.get(question.pk, [])
        if row is not None:
            chosen = [labels[a.option_id] for a in found if a.row_id == row.pk and a.option_id]
            cells.append(safe_cell(chosen[0] if chosen else ""))
        elif other:
            cells.append(safe_cell(SEPARATOR.join(a.text for a in found if a.option_id is None)))
        elif question.kind == Question.Kind.SCALE:
            cells.append(found[0].number if found else None)
        elif question.is_text:
            cells.append(safe_cell(found[0].text if found else ""))
        else:
            picked = sorted((a.option_id for a in found if a.option_id), key=order.__getitem__)
            cells.append(safe_cell(SEPARATOR.join(labels[pk] for pk in picked)))
    return cells


def person_answers(user: Any) -> list[dict[str, object]]:
    """A person's own responses and answers, for their "download my data" file."""
    responses = SurveyResponse.objects.filter(user=user).select_related("survey").order_by("pk")
    answers = (
        Answer.objects.filter(response__user=user)
        .select_related("question", "option", "row")
        .order_by("pk")
    )
    by_response: dict[int, list[dict[str, object]]] = defaultdict(list)
    for a in answers:
        by_response[a.response_id].append(
            {
                "question": a.question.text,
                "option": a.option.label if a.option else None,
                "row": a.row.label if a.row else None,
                "number": a.number,
                "text": a.text or None,
            }
        )
    return [
        {
            "survey": r.survey.slug,
            "sent": r.created_at.isoformat(),
            "answers": by_response[r.pk],
        }
        for r in responses
    ]
