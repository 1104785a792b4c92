"""Every write on surveys; the pages, the demo and the tests call these.

Each write is atomic and appends one history event. Rules live here, so no door goes
around them: who manages, when questions may still change, one response per account or
browser, the anonymous rate limit.

Editing once answers exist: the survey's texts and dates may change at any time; a
question's *wording* (its text, help and option labels, in both languages) may be fixed,
but nothing that changes what earlier answers mean: no question added or removed, no kind,
required flag, condition, "other" or option list changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.accounts.permissions import is_site_admin
from plantrack.history.services import Action, diff, record
from plantrack.lib.rules import has, signed_in

from . import tallies
from .checks import read_answers
from .models import Answer, Option, Question, Survey, SurveyResponse

SURVEY_FIELDS = (
    "plan",
    "slug",
    "title_mn",
    "title_en",
    "intro_mn",
    "intro_en",
    "opens_at",
    "closes_at",
    "anonymous",
)
WORDING = ("text_mn", "text_en", "help_mn", "help_en")
STRUCTURE = ("kind", "required", "other", "condition_id")


class RateLimited(Exception):
    """Too many anonymous responses from one address; the message names the limit."""


@dataclass(frozen=True)
class OptionText:
    role: str
    label_mn: str
    label_en: str


def _require_manager(by: Any, survey: Survey) -> None:
    if not has(by, "surveys.manage", survey):
        raise PermissionDenied("Only this survey's managers may change it.")


def _snapshot(obj: Any, fields: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(obj, name + "_id" if name == "plan" else name) for name in fields}


@transaction.atomic
def survey_create(*, by: Any, **values: Any) -> Survey:
    plan = values.get("plan")
    allowed = is_site_admin(by) if plan is None else has(by, "plans.change_plan", plan)
    if not (signed_in(by) and allowed):
        raise PermissionDenied("Only the plan's managers may add a survey to it.")
    survey = Survey(created_by=by, **{k: v for k, v in values.items() if k in SURVEY_FIELDS})
    if not (survey.title_mn or survey.title_en):
        raise ValidationError({"title_mn": _("Give the survey a title in at least one language.")})
    survey.full_clean()
    survey.save()
    record(
        survey,
        Action.CREATED,
        by=by,
        plan_id=survey.plan_id,
        changes=diff({}, _snapshot(survey, SURVEY_FIELDS)),
    )
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, by: Any, **values: Any) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_manager(by, survey)
    new_plan = values.get("plan")
    if (
        new_plan is not None
        and new_plan != survey.plan
        and not has(by, "plans.change_plan", new_plan)
    ):
        raise PermissionDenied("Only the plan's managers may add a survey to it.")
    before = _snapshot(survey, SURVEY_FIELDS)
    for name, value in values.items():
        if name in SURVEY_FIELDS:
            setattr(survey, name, value)
    if not (survey.title_mn or survey.title_en):
        raise ValidationError({"title_mn": _("Give the survey a title in at least one language.")})
    survey.full_clean()
    survey.save()
    changes = diff(before, _snapshot(survey, SURVEY_FIELDS))
    if changes:
        record(survey, Action.CHANGED, by=by, plan_id=survey.plan_id, changes=changes)
    return survey


@transaction.atomic
def survey_set_state(*, survey: Survey, by: Any, state: str) -> Survey:
    """Open a draft or closed survey, or close an open one."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_manager(by, survey)
    if state not in (Survey.State.OPEN, Survey.State.CLOSED) or state == survey.state:
        raise ValidationError(_("The survey is already %(state)s.") % {"state": survey.state})
    if state == Survey.State.CLOSED and survey.state != Survey.State.OPEN:
        raise ValidationError(_("Only an open survey can be closed."))
    if state == Survey.State.OPEN and not survey.questions.exists():
        raise ValidationError(_("Add at least one question before opening the survey."))
    before = survey.state
    survey.state = state
    survey.save(update_fields=["state", "updated_at"])
    action = Action.PUBLISHED if before == Survey.State.DRAFT else Action.CHANGED
    record(survey, action, by=by, plan_id=survey.plan_id, changes={"state": [before, state]})
    return survey


def _check_options(kind: str, options: Sequence[OptionText]) -> list[OptionText]:
    options = [o for o in options if o.label_mn.strip() or o.label_en.strip()]
    if kind == Question.Kind.YES_NO:
        return [
            OptionText(Option.Role.CHOICE, "Тийм", "Yes"),
            OptionText(Option.Role.CHOICE, "Үгүй", "No"),
        ]
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        options = [o for o in options if o.role == Option.Role.CHOICE]
        if len(options) < 2:
            raise ValidationError({"options": _("A choice question needs at least two options.")})
        return options
    if kind == Question.Kind.MATRIX:
        roles = {o.role for o in options}
        if Option.Role.ROW not in roles or Option.Role.COLUMN not in roles:
            raise ValidationError(
                {"options": _("A matrix needs at least one row and two columns.")}
            )
        if sum(o.role == Option.Role.COLUMN for o in options) < 2:
            raise ValidationError(
                {"options": _("A matrix needs at least one row and two columns.")}
            )
        return [o for o in options if o.role in (Option.Role.ROW, Option.Role.COLUMN)]
    return []


def _check_condition(question: Question) -> None:
    if question.condition_id is None:
        return
    condition = Option.objects.select_related("question").get(pk=question.condition_id)
    earlier = condition.question
    if (
        earlier.survey_id != question.survey_id
        or earlier.kind not in Question.CHOICE_KINDS
        or condition.role != Option.Role.CHOICE
        or (question.pk is not None and earlier.position >= question.position)
    ):
        raise ValidationError(
            {"condition": _("A condition must name an option of an earlier choice question.")}
        )


@transaction.atomic
def question_save(
    *,
    survey: Survey,
    by: Any,
    values: Mapping[str, Any],
    options: Sequence[OptionText] = (),
    question: Question | None = None,
) -> Question:
    """Add a question (at the end) or change one; its options are replaced by ``options``
    (a yes/no question gets Yes and No). With answers stored only wording may change."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_manager(by, survey)
    answered = SurveyResponse.objects.filter(survey=survey).exists()
    if question is not None and question.survey_id != survey.pk:
        raise PermissionDenied("This question belongs to another survey.")
    if question is None:
        if answered:
            raise ValidationError(_("The survey has responses: questions can no longer be added."))
        last = survey.questions.order_by("-position").values_list("position", flat=True).first()
        question = Question(survey=survey, position=(last or 0) + 1)
        before: dict[str, Any] = {}
        old_options: list[Option] = []
    else:
        question = Question.objects.select_for_update().get(pk=question.pk)
        before = _snapshot(question, (*WORDING, *STRUCTURE))
        old_options = list(question.options.all())
    for name, value in values.items():
        if name in (*WORDING, *STRUCTURE[:-1]):
            setattr(question, name, value)
    if "condition" in values:
        question.condition_id = getattr(values["condition"], "pk", values["condition"])
    if not (question.text_mn or question.text_en):
        raise ValidationError({"text_mn": _("Write the question in at least one language.")})
    if question.kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        question.other = False
    new_options = _check_options(question.kind, options)
    if answered:
        if any(before[name] != getattr(question, name) for name in STRUCTURE):
            raise ValidationError(
                _(
                    "The survey has responses: only the wording of this question can change "
                    "(not its kind, whether it is required, its condition or “other”)."
                )
            )
        if [o.role for o in old_options] != [o.role for o in new_options]:
            raise ValidationError(
                {
                    "options": _(
                        "The survey has responses: options can be reworded, not added or removed."
                    )
                }
            )
    question.full_clean(exclude=["condition"])
    _check_condition(question)
    question.save()
    _replace_options(question, old_options, new_options)
    after = _snapshot(question, (*WORDING, *STRUCTURE))
    after["options"] = [[o.role, o.label_mn, o.label_en] for o in new_options]
    before["options"] = [[o.role, o.label_mn, o.label_en] for o in old_options]
    changes = diff(before, after)
    if changes:
        action = Action.ADDED if not old_options and not before.get("kind") else Action.CHANGED
        record(question, action, by=by, plan_id=survey.plan_id, changes=changes)
    return question


def _replace_options(question: Question, old: list[Option], new: Sequence[OptionText]) -> None:
    """Reword options in place (answers keep pointing at them), add or remove the rest."""
    positions: dict[str, int] = {}
    keep = []
    for n, text in enumerate(new):
        position = positions[text.role] = positions.get(text.role, 0) + 1
        if n < len(old) and old[n].role == text.role:
            option = old[n]
        else:
            option = Option(question=question, role=text.role)
        option.position, option.label_mn, option.label_en = position, text.label_mn, text.label_en
        option.save()
        keep.append(option.pk)
    Option.objects.filter(question=question).exclude(pk__in=keep).delete()


@transaction.atomic
def question_delete(*, question: Question, by: Any) -> None:
    survey = question.survey
    _require_manager(by, survey)
    if SurveyResponse.objects.filter(survey=survey).exists():
        raise ValidationError(_("The survey has responses: questions can no longer be removed."))
    record(question, Action.REMOVED, by=by, plan_id=survey.plan_id)
    position = question.position
    question.delete()
    # The later questions move up one by one, so the numbers stay 1, 2, 3 … (each into the
    # place just freed: the unique position holds at every step).
    for later in survey.questions.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])


def _address_take(survey: Survey, address: str) -> None:
    limit = settings.PLANTRACK_SURVEY_ANONYMOUS_LIMIT
    window = settings.PLANTRACK_SURVEY_ANONYMOUS_WINDOW
    key = f"plantrack:survey-anon:{survey.pk}:{address}"
    cache.add(key, 0, timeout=window)
    try:
        count = int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        raise RateLimited(
            _(
                "Too many anonymous answers from your network: at most %(limit)s per "
                "%(minutes)s minutes. Try again later, or sign in to answer."
            )
            % {"limit": limit, "minutes": window // 60}
        )


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    data: Mapping[str, Any],
    by: Any = None,
    guard: str = "",
    address: str = "",
) -> SurveyResponse:
    """Store one response: every shown question's answers, checked. Raises
    ``ValidationError`` (errors keyed ``q-<id>``, or a message for the whole survey),
    ``PermissionDenied`` for a visitor on a survey that needs an account, and
    ``RateLimited`` for too many anonymous answers from one address."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.accepting():
        raise ValidationError(_("This survey is not taking answers."))
    user = by if signed_in(by) else None
    if user is not None:
        from plantrack.participation.permissions import is_blocked

        if is_blocked(user):  # a moderator's block covers every way of taking part
            raise ValidationError(_("Your account is blocked from taking part."))
    if user is None:
        if not survey.anonymous:
            raise PermissionDenied("Sign in to answer this survey.")
        if not guard:
            raise ValidationError(
                _("Your browser did not keep the survey's cookie; allow cookies or sign in.")
            )
        if SurveyResponse.objects.filter(survey=survey, guard=guard).exists():
            raise ValidationError(_("This browser has already answered this survey."))
    elif SurveyResponse.objects.filter(survey=survey, user=user).exists():
        raise ValidationError(_("You have already answered this survey."))
    questions = list(survey.questions.prefetch_related("options").order_by("position"))
    answers, errors = read_answers(questions, data)
    if errors:
        raise ValidationError(errors)
    if not answers:
        raise ValidationError(_("Answer at least one question before sending."))
    if user is None:
        _address_take(survey, address)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, user=user, guard="" if user else guard
            )
    except IntegrityError as exc:
        raise ValidationError(_("You have already answered this survey.")) from exc
    for answer in answers:
        answer.survey, answer.response = survey, response
    Answer.objects.bulk_create(answers)
    tallies.count_response(survey, answers)
    Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    record(
        response,
        Action.SUBMITTED,
        by=user,
        plan_id=survey.plan_id,
        public=False,
        label=survey.slug,
        changes={"survey": survey.pk, "answers": len(answers)},
    )
    return response


@transaction.atomic
def answer_moderate(*, answer: Answer, by: Any, shown: bool, reason: str = "") -> Answer:
    """Show a free-text answer on the results page, or hide it with a reason."""
    survey = Survey.objects.select_for_update().get(pk=answer.survey_id)
    _require_manager(by, survey)
    answer = Answer.objects.select_for_update().select_related("survey").get(pk=answer.pk)
    if answer.text_state == Answer.TextState.NONE:
        raise ValidationError(_("Only free-text answers are moderated."))
    reason = reason.strip()
    if not shown and not reason:
        raise ValidationError({"reason": _("Say why the answer is hidden.")})
    before = answer.text_state
    answer.text_state = Answer.TextState.SHOWN if shown else Answer.TextState.HIDDEN
    answer.moderation_reason = "" if shown else reason[:300]
    answer.moderated_by, answer.moderated_at = by, timezone.now()
    answer.save(update_fields=["text_state", "moderation_reason", "moderated_by", "moderated_at"])
    if before != answer.text_state:
        moved = Counter({(answer.question_id, f"t{before}"): -1})
        moved[answer.question_id, f"t{answer.text_state}"] += 1
        tallies.add(survey, moved)
    record(
        answer,
        Action.CHANGED,
        by=by,
        plan_id=answer.survey.plan_id,
        label=answer.survey.slug,
        changes={"text_state": [before, answer.text_state]},
        reason=answer.moderation_reason,
    )
    return answer
