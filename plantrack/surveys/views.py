"""The survey pages: lists, the form and thank-you page, results, and the managers' pages."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.accounts.services import client_ip
from plantrack.history.receipts import receipt
from plantrack.lib import once
from plantrack.lib.params import page_param
from plantrack.lib.rules import allowed_if, has, public, signed_in
from plantrack.plans.models import Plan
from plantrack.plans.permissions import get_plan_for_user, managed_plans
from plantrack.progress import exports as sheets

from . import exports, selectors, services
from .checks import OTHER, field_name
from .forms import ModerateForm, QuestionForm, StateForm, SurveyForm
from .models import Answer, Option, Question, Survey, SurveyResponse
from .permissions import can_manage, get_survey_for_user, visible_surveys

GUARD_COOKIE = "plantrack_survey_guard"
GUARD_SALT = "plantrack.surveys.guard"
GUARD_AGE = 5 * 365 * 24 * 60 * 60


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, f"surveys/{template}", {"nav": "surveys", **context}, status=status)


@public
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = selectors.surveys_listed(visible_surveys(request.user))
    page = selectors.Paginator(surveys, 50).get_page(page_param(request))
    return _page(
        request,
        "list.html",
        {"page": page, "plan": None, "may_create": has(request.user, "surveys.create")},
    )


@public
def plan_surveys(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    surveys = selectors.surveys_listed(visible_surveys(request.user).filter(plan=plan))
    page = selectors.Paginator(surveys, 50).get_page(page_param(request))
    return _page(
        request,
        "list.html",
        {"page": page, "plan": plan, "may_create": has(request.user, "surveys.create")},
    )


def _plans(request: HttpRequest) -> Any:
    return Plan.objects.filter(pk__in=managed_plans(request.user)).order_by("short_name")


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(key if key in form.fields else None, message)
    else:
        form.add_error(None, exc)


@allowed_if("surveys.create")
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None, plans=_plans(request))
    initial_plan = request.GET.get("plan", "")
    if not form.is_bound and initial_plan:
        form.initial["plan"] = _plans(request).filter(slug=initial_plan).first()
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                survey = services.survey_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied:
            form.add_error("plan", _("Only this plan's managers may add a survey to it."))
        else:
            messages.success(request, _("The survey was created as a draft. Add its questions."))
            return redirect("surveys:manage", survey.slug)
    return _page(request, "survey_form.html", {"form": form, "survey": None})


def _fields(
    questions: list[Question], data: Any, errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """What the form template needs per question: its field names, the values sent back,
    its errors, and the condition said in words."""
    fields = []
    for q in questions:
        name = field_name(q)
        options = list(q.options.all())
        chosen = set(data.getlist(name)) if data is not None else set()
        fields.append(
            {
                "q": q,
                "name": name,
                "errors": errors.get(name, []),
                "value": data.get(name, "") if data is not None else "",
                "chosen": chosen,
                "other_text": data.get(name + "-other", "") if data is not None else "",
                "choices": [o for o in options if o.role == Option.Role.CHOICE],
                "rows": [
                    (
                        o,
                        f"{name}-r{o.pk}",
                        data.get(f"{name}-r{o.pk}", "") if data is not None else "",
                    )
                    for o in options
                    if o.role == Option.Role.ROW
                ],
                "columns": [o for o in options if o.role == Option.Role.COLUMN],
                "condition": q.condition,
            }
        )
    return fields


def _guard(request: HttpRequest) -> tuple[str, bool]:
    """This browser's guard value, and whether it is new (to be set as a cookie)."""
    value = request.get_signed_cookie(GUARD_COOKIE, default="", salt=GUARD_SALT)
    return (value, False) if value else (secrets.token_urlsafe(24), True)


def _with_guard(response: HttpResponse, guard: str, new: bool) -> HttpResponse:
    if new:
        response.set_signed_cookie(
            GUARD_COOKIE, guard, salt=GUARD_SALT, max_age=GUARD_AGE, httponly=True, samesite="Lax"
        )
    return response


def _answered(request: HttpRequest, survey: Survey, guard: str) -> bool:
    if signed_in(request.user):
        return SurveyResponse.objects.filter(survey=survey, user_id=request.user.pk).exists()  # type: ignore[misc]
    return bool(guard) and SurveyResponse.objects.filter(survey=survey, guard=guard).exists()


@public
@require_http_methods(["GET", "POST"])
def survey_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The survey's form. Conditional questions are always shown, each saying when to
    answer it; the server ignores the answer to a question whose condition is not met."""
    survey = get_survey_for_user(request.user, slug)
    guard, new_guard = _guard(request)
    questions = selectors.questions_of(survey)
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    data = None
    token = request.POST.get(once.FIELD, "")
    if request.method == "POST":
        data = request.POST
        if not once.claim(token):
            messages.info(request, _("Your answers were already sent; they are recorded once."))
            return redirect(once.recall(token) or reverse("surveys:thanks", args=[survey.slug]))
        try:
            services.response_submit(
                survey=survey,
                data=request.POST,
                by=request.user,
                guard="" if signed_in(request.user) else guard,
                address=client_ip(request),
            )
        except services.RateLimited as exc:
            once.release(token)
            return _page(request, "limited.html", {"survey": survey, "message": str(exc)}, 429)
        except PermissionDenied:
            once.release(token)
            general.append(_("Sign in to answer this survey."))
        except ValidationError as exc:
            once.release(token)
            if hasattr(exc, "error_dict"):
                errors = exc.message_dict
            else:
                general.extend(exc.messages)
        else:
            thanks = reverse("surveys:thanks", args=[survey.slug])
            once.remember(token, thanks)
            return _with_guard(redirect(thanks), guard, new_guard)
    context = {
        "survey": survey,
        "fields": _fields(questions, data, errors),
        "errors": errors,
        "general": general,
        "token": token if data is not None and token else once.new_token(),
        "accepting": survey.accepting(),
        "answered": data is None and _answered(request, survey, guard),
        "may_answer": signed_in(request.user) or survey.anonymous,
        "manager": can_manage(request.user, survey),
        "OTHER": OTHER,
    }
    return _with_guard(_page(request, "detail.html", context), guard, new_guard)


@public
def survey_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_survey_for_user(request.user, slug)
    return _page(request, "thanks.html", {"survey": survey})


@public
def survey_results(request: HttpRequest, slug: str) -> HttpResponse:
    survey = get_survey_for_user(request.user, slug)
    results = selectors.survey_results(survey)
    return _page(
        request,
        "results.html",
        {"survey": survey, "results": results, "manager": can_manage(request.user, survey)},
    )


@public
def survey_texts(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = get_survey_for_user(request.user, slug)
    question = get_object_or_404(
        Question, pk=pk, survey=survey, kind__in=[*Question.TEXT_KINDS, "single", "multiple"]
    )
    page = selectors.shown_texts(question, page_param(request))
    return _page(request, "texts.html", {"survey": survey, "question": question, "page": page})


@public
def results_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The aggregated results (counts and shares per option), open to all."""
    survey = get_survey_for_user(request.user, slug)
    results = selectors.survey_results(survey)
    rows: list[list[Any]] = [[_("Question"), _("Answer"), _("Responses"), _("Share")]]
    for r in results.questions:
        head = f"Q{r.question.position}. {r.question.text}"
        for o in r.options:
            rows.append([head, o.option.label, o.count, o.share])
        if r.question.other:
            rows.append([head, _("Other"), r.other, selectors.percent(r.other, r.answered)])
        for value, n, share in r.scale:
            rows.append([head, str(value), n, share])
        for row, cells in r.matrix_rows:
            for column, (n, share) in zip(r.matrix_columns, cells, strict=True):
                rows.append([f"{head} — {row.label}", column.label, n, share])
    safe = ([sheets.safe_cell(c) for c in row] for row in rows)
    response = StreamingHttpResponse(sheets.csv_chunks(safe), content_type=sheets.CSV_CONTENT_TYPE)
    _attachment(response, f"{survey.slug}-results.csv")
    return response


def _attachment(response: HttpResponse | StreamingHttpResponse, name: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"


# -- Managers -----------------------------------------------------------------------------


def _managed(request: HttpRequest, slug: str) -> Survey:
    return get_survey_for_user(request.user, slug, manage=True)


@allowed_if("surveys.manage", per_object=True)
@require_http_methods(["GET", "POST"])
def survey_manage(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _managed(request, slug)
    plans = _plans(request)
    if survey.plan_id:
        plans = Plan.objects.filter(Q(pk__in=managed_plans(request.user)) | Q(pk=survey.plan_id))
    form = SurveyForm(request.POST or None, instance=survey, plans=plans.order_by("short_name"))
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                services.survey_update(survey=survey, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied:
            form.add_error("plan", _("Only this plan's managers may add a survey to it."))
        else:
            messages.success(request, _("The survey was saved."))
            return redirect("surveys:manage", form.cleaned_data["slug"])
        survey.refresh_from_db()
    context = {
        "survey": survey,
        "form": form,
        "questions": selectors.questions_of(survey),
        "has_responses": SurveyResponse.objects.filter(survey=survey).exists(),
        "text_counts": selectors.text_counts(survey),
    }
    return _page(request, "manage.html", context)


@allowed_if("surveys.manage", per_object=True)
@require_POST
def survey_state(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _managed(request, slug)
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to open or to close the survey."))
        return redirect("surveys:manage", survey.slug)
    try:
        with receipt(request):
            services.survey_set_state(
                survey=survey, by=request.user, state=form.cleaned_data["state"]
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if form.cleaned_data["state"] == "open":
            messages.success(request, _("The survey is open."))
        else:
            messages.success(request, _("The survey is closed."))
    return redirect("surveys:manage", survey.slug)


@allowed_if("surveys.manage", per_object=True)
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    survey = _managed(request, slug)
    question = get_object_or_404(Question, pk=pk, survey=survey) if pk is not None else None
    form = QuestionForm(request.POST or None, survey=survey, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                services.question_save(
                    survey=survey,
                    by=request.user,
                    question=question,
                    values=form.values(),
                    options=form.options(),
                )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("surveys:manage", survey.slug)
    return _page(
        request, "question_form.html", {"survey": survey, "question": question, "form": form}
    )


@allowed_if("surveys.manage", per_object=True)
@require_POST
def question_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = _managed(request, slug)
    question = get_object_or_404(Question, pk=pk, survey=survey)
    try:
        with receipt(request):
            services.question_delete(question=question, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The question was removed."))
    return redirect("surveys:manage", survey.slug)


@allowed_if("surveys.manage", per_object=True)
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _managed(request, slug)
    state = request.GET.get("state", "pending")
    if state not in ("pending", "shown", "hidden"):
        state = "pending"
    page = selectors.texts_to_moderate(survey, state, page_param(request))
    context = {
        "survey": survey,
        "page": page,
        "state": state,
        "counts": selectors.text_counts(survey),
        "query": f"state={state}",
    }
    return _page(request, "moderation.html", context)


@allowed_if("surveys.manage", per_object=True)
@require_POST
def answer_moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = _managed(request, slug)
    answer = get_object_or_404(Answer, pk=pk, survey=survey)
    form = ModerateForm(request.POST)
    state = request.POST.get("back", "pending")
    back = (
        reverse("surveys:moderation", args=[survey.slug])
        + f"?state={state if state in ('pending', 'shown', 'hidden') else 'pending'}"
    )
    if not form.is_valid():
        messages.error(request, _("Choose to show or to hide the answer."))
        return redirect(back)
    try:
        with receipt(request):
            services.answer_moderate(
                answer=answer,
                by=request.user,
                shown=form.cleaned_data["decision"] == "shown",
                reason=form.cleaned_data["reason"],
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The answer's moderation was saved."))
    return redirect(back)


@allowed_if("surveys.manage", per_object=True)
def survey_export(
    request: HttpRequest, slug: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    survey = _managed(request, slug)
    rows = exports.response_rows(survey)
    response: HttpResponse | StreamingHttpResponse
    if fmt == "xlsx":
        response = HttpResponse(
            sheets.xlsx_bytes(rows, sheet_title="responses"), content_type=sheets.XLSX_CONTENT_TYPE
        )
    else:
        response = StreamingHttpResponse(
            sheets.csv_chunks(rows), content_type=sheets.CSV_CONTENT_TYPE
        )
    _attachment(response, f"{survey.slug}-responses.{fmt}")
    return response
