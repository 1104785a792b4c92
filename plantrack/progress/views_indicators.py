"""Indicator pages: the public page of an indicator (targets against approved actuals, the
breakdown, the updates behind every figure) and the plan managers' pages to add, edit,
retire or delete an indicator, set its targets, and set up a plan's text-only indicators.

The views turn form data into service arguments and refusals into messages next to the
fields they concern; every rule lives in ``indicators.py``."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.history import selectors as history
from plantrack.history.models import Event
from plantrack.history.receipts import receipt
from plantrack.lib.params import page_param
from plantrack.lib.rules import allowed_if, public
from plantrack.plans.models import Plan
from plantrack.plans.permissions import get_item_for_user, get_plan_for_user

from . import indicators as services
from .actuals import targets_for
from .forms_indicators import IndicatorForm, SetupRowForm, TargetsForm
from .indicator_checks import MAX_SETUP_ROWS
from .models import Indicator, Measurement
from .selectors_indicators import indicator_page, plan_periods

# A row posts at most six fields (``SetupRowForm``): 150 rows stay under Django's cap of
# 1,000 fields a request (DATA_UPLOAD_MAX_NUMBER_FIELDS), so a plan's whole list of text-only
# indicators (the DICE roadmap has 122) is usually one table.
SETUP_PER_PAGE = MAX_SETUP_ROWS
VERSION_FIELD = re.compile(r"^ind-(\d{1,9})-version$")
INDICATOR = "progress.indicator"


def _indicator(plan: Plan, pk: int) -> Indicator:
    """An indicator of ``plan`` (a 404 for another plan's, whatever its number). Who may
    change it is who may change the plan, checked when the plan is loaded."""
    indicator = (
        Indicator.objects.select_related("item", "item__plan")
        .filter(pk=pk, item__plan=plan)
        .first()
    )
    if indicator is None:
        raise Http404("No such indicator in this plan.")
    return indicator


def _show_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's refusal next to the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@public
def indicator_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    indicator = _indicator(plan, pk)
    events = Event.objects.filter(object_type=INDICATOR, object_id=str(indicator.pk))
    context = {
        "plan": plan,
        "item": indicator.item,
        "page": indicator_page(indicator=indicator),
        "can_manage": services.can_manage_indicators(request.user, indicator.item),
        "latest": history.latest_events(events=events, user=request.user),
    }
    return render(request, "progress/indicator_detail.html", context)


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def indicator_add(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    item = get_item_for_user(request.user, plan, code, write=True)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                indicator = services.indicator_create(
                    item=item,
                    by=request.user,
                    values=form.values(),
                    dimensions=form.cleaned_data["dimensions"],
                )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("The indicator was added."))
            return redirect("progress:indicator", plan.slug, indicator.pk)
    context = {"plan": plan, "item": item, "form": form, "indicator": None}
    return render(request, "progress/indicator_form.html", context)


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    indicator = _indicator(plan, pk)
    form = IndicatorForm.for_indicator(indicator, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                services.indicator_update(
                    indicator=indicator,
                    by=request.user,
                    version=form.cleaned_data["version"] or 0,
                    values=form.values(),
                    dimensions=form.cleaned_data["dimensions"],
                )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("The indicator was saved."))
            return redirect("progress:indicator", plan.slug, indicator.pk)
    context = {
        "plan": plan,
        "item": indicator.item,
        "form": form,
        "indicator": indicator,
        "has_measurements": Measurement.objects.filter(indicator=indicator).exists(),
    }
    return render(request, "progress/indicator_form.html", context)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def indicator_retire(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    indicator = _indicator(plan, pk)
    try:
        with receipt(request):
            services.indicator_retire(
                indicator=indicator,
                by=request.user,
                reason=request.POST.get("reason", ""),
                version=_version(request),
            )
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("progress:indicator_edit", plan.slug, indicator.pk)
    messages.success(request, _("The indicator was retired."))
    return redirect("progress:indicator", plan.slug, indicator.pk)


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def indicator_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    indicator = _indicator(plan, pk)
    try:
        with receipt(request):
            services.indicator_restore(
                indicator=indicator, by=request.user, version=_version(request)
            )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The indicator was restored."))
    return redirect("progress:indicator", plan.slug, indicator.pk)


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def indicator_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    indicator = _indicator(plan, pk)
    item = indicator.item
    try:
        with receipt(request):
            services.indicator_delete(indicator=indicator, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("progress:indicator_edit", plan.slug, indicator.pk)
    messages.success(request, _("The indicator was deleted."))
    return redirect("plans:item", plan.slug, item.code)


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def indicator_targets(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    indicator = _indicator(plan, pk)
    form = TargetsForm(
        request.POST or None,
        periods=plan_periods(plan.pk),
        targets=targets_for(indicator_ids=[indicator.pk])[indicator.pk],
        version=indicator.version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                services.indicator_targets_set(
                    indicator=indicator,
                    by=request.user,
                    targets=form.targets(),
                    version=form.cleaned_data["version"],
                )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("The targets were saved."))
            return redirect("progress:indicator", plan.slug, indicator.pk)
    context = {"plan": plan, "item": indicator.item, "indicator": indicator, "form": form}
    return render(request, "progress/indicator_targets.html", context)


def _setup_rows(forms_: list[SetupRowForm]) -> list[services.SetupRow]:
    rows = []
    for form in forms_:
        data = form.cleaned_data
        rows.append(
            services.SetupRow(
                indicator_id=form.indicator.pk,
                version=data["version"],
                kind=data["kind"],
                unit=data.get("unit") or "",
                direction=data["direction"],
                cumulative=bool(data.get("cumulative")),
                end_target=data.get("end_target"),
            )
        )
    return rows


def _posted_setup_forms(request: HttpRequest, plan: Plan) -> list[SetupRowForm]:
    """The rows the page showed (their ids are posted), as they are stored now; a row no
    longer text-only is refused by the service with its own message."""
    ids = [int(m[1]) for m in map(VERSION_FIELD.match, request.POST) if m][:SETUP_PER_PAGE]
    found = Indicator.objects.filter(item__plan=plan, pk__in=ids).select_related("item")
    by_pk = {indicator.pk: indicator for indicator in found}
    return [SetupRowForm(request.POST, indicator=by_pk[pk]) for pk in ids if pk in by_pk]


def _save_setup(request: HttpRequest, plan: Plan, rows: list[SetupRowForm]) -> bool:
    """Set up the rows given a kind; True when saved (or nothing was chosen)."""
    if not all(form.is_valid() for form in rows):
        return False
    chosen = [form for form in rows if form.cleaned_data.get("kind")]
    if not chosen:
        messages.info(request, _("No kind was chosen, so nothing was changed."))
        return True
    try:
        with receipt(request):
            done = services.indicators_setup(plan=plan, by=request.user, rows=_setup_rows(chosen))
    except ValidationError as exc:
        by_pk = {str(form.indicator.pk): form for form in rows}
        for key, errors in exc.message_dict.items():
            if key in by_pk:
                by_pk[key].add_error(None, errors)
            else:
                messages.error(request, " ".join(errors))
        return False
    messages.success(request, _("%(count)s indicator(s) are now measured.") % {"count": len(done)})
    return True


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def indicators_setup(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's text-only indicators in one table: the rows given a kind are set up for
    measurement together when saved (all or none); the others stay text only."""
    plan = get_plan_for_user(request.user, slug, write=True)
    page = Paginator(services.text_only_indicators(plan), SETUP_PER_PAGE).get_page(
        page_param(request)
    )
    if request.method == "POST":
        rows = _posted_setup_forms(request, plan)
        if _save_setup(request, plan, rows):
            return redirect(request.get_full_path())
    else:
        rows = [SetupRowForm(indicator=indicator) for indicator in page.object_list]
    errors = any(form.is_bound and form.errors for form in rows)
    context = {"plan": plan, "page": page, "rows": rows, "errors": errors}
    return render(request, "progress/indicators_setup.html", context)
