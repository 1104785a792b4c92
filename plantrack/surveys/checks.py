"""Reading a filled-in survey: raw form values in, unsaved ``Answer``s and errors out.

Every door (the page, tests, a future API) sends the same field names:

- ``q-<id>``: the text, the scale value (1–5), the chosen option's id; for a multiple
  choice every chosen id (a list); ``other`` chooses "other, please say";
- ``q-<id>-other``: the "other" text;
- ``q-<id>-r<row id>``: a matrix row's chosen column id.

Questions are read in order; a question whose condition (an option of an earlier question)
was not chosen is hidden: its answer is neither required nor stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from .models import Answer, Option, Question

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5000
OTHER = "other"


def field_name(question: Question, suffix: str = "") -> str:
    return f"q-{question.pk}{suffix}"


def _get(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value or "").strip()


def _getlist(data: Mapping[str, Any], key: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    values = getlist(key) if getlist else data.get(key, [])
    if isinstance(values, str):
        values = [values]
    return [str(v).strip() for v in values or [] if str(v).strip()]


def _option_id(value: str, options: dict[int, Option]) -> int | None:
    try:
        pk = int(value)
    except ValueError:
        return None
    return pk if pk in options else None


def is_shown(question: Question, chosen: set[int]) -> bool:
    return question.condition_id is None or question.condition_id in chosen


def read_answers(
    questions: Sequence[Question], data: Mapping[str, Any]
) -> tuple[list[Answer], dict[str, list[str]]]:
    """The answers to store and the errors keyed by field name (``q-<id>``).

    ``questions`` are the survey's, in order, with their options prefetched."""
    answers: list[Answer] = []
    errors: dict[str, list[str]] = {}
    chosen: set[int] = set()
    for question in questions:
        if not is_shown(question, chosen):
            continue
        found, problems = _read_one(question, data)
        if problems:
            errors[field_name(question)] = problems
            continue
        if not found and question.required:
            errors[field_name(question)] = [_("Answer this question; it is required.")]
            continue
        answers.extend(found)
        chosen.update(a.option_id for a in found if a.option_id is not None and a.row_id is None)
    return answers, errors


def _read_one(question: Question, data: Mapping[str, Any]) -> tuple[list[Answer], list[str]]:
    key = field_name(question)
    options = {o.pk: o for o in question.options.all()}
    if question.is_text:
        text = _get(data, key)
        limit = SHORT_TEXT_MAX if question.kind == Question.Kind.SHORT_TEXT else LONG_TEXT_MAX
        if len(text) > limit:
            return [], [
                _("Write at most %(limit)s characters (this answer has %(count)s).")
                % {"limit": limit, "count": len(text)}
            ]
        return ([_text(question, text)] if text else []), []
    if question.kind == Question.Kind.SCALE:
        value = _get(data, key)
        if not value:
            return [], []
        if value not in {"1", "2", "3", "4", "5"}:
            return [], [_("Choose a value from 1 to 5.")]
        return [Answer(question=question, number=int(value))], []
    if question.kind == Question.Kind.MATRIX:
        return _read_matrix(question, data, options)
    values = _getlist(data, key)
    values = [v for v in values if v]
    other_text = _get(data, key + "-other") if question.other else ""
    if other_text and OTHER not in values and question.kind == Question.Kind.MULTIPLE:
        values.append(OTHER)  # a text written in "other" is kept, whether ticked or not
    if other_text and not values:
        values = [OTHER]
    if question.kind != Question.Kind.MULTIPLE and len(values) > 1:
        return [], [_("Choose one answer only.")]
    found: list[Answer] = []
    for value in dict.fromkeys(values):
        if value == OTHER and question.other:
            if not other_text:
                return [], [_("You chose “other”: say what it is.")]
            if len(other_text) > SHORT_TEXT_MAX:
                return [], [
                    _("Write at most %(limit)s characters (this answer has %(count)s).")
                    % {"limit": SHORT_TEXT_MAX, "count": len(other_text)}
                ]
            found.append(_text(question, other_text))
            continue
        pk = _option_id(value, options)
        if pk is None or options[pk].role != Option.Role.CHOICE:
            return [], [_("Choose one of the answers listed.")]
        found.append(Answer(question=question, option_id=pk))
    if (
        other_text
        and question.kind != Question.Kind.MULTIPLE
        and not any(a.option_id is None for a in found)
    ):
        return [], [_("Choose either one of the answers or “other”, not both.")]
    return found, []


def _read_matrix(
    question: Question, data: Mapping[str, Any], options: dict[int, Option]
) -> tuple[list[Answer], list[str]]:
    rows = [o for o in options.values() if o.role == Option.Role.ROW]
    columns = {o.pk for o in options.values() if o.role == Option.Role.COLUMN}
    found, missing = [], []
    for row in rows:
        value = _get(data, f"{field_name(question)}-r{row.pk}")
        if not value:
            missing.append(row.label)
            continue
        pk = _option_id(value, options)
        if pk not in columns:
            return [], [_("Choose one of the columns listed for “%(row)s”.") % {"row": row.label}]
        found.append(Answer(question=question, row_id=row.pk, option_id=pk))
    if found and missing and question.required:
        return [], [_("Answer every row; missing: %(rows)s.") % {"rows": "; ".join(missing)}]
    return found, []


def _text(question: Question, text: str) -> Answer:
    return Answer(question=question, text=text, text_state=Answer.TextState.PENDING)
