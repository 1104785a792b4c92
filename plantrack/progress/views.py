from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.history import selectors as history
from plantrack.history.receipts import receipt
from plantrack.lib import once
from plantrack.lib.rules import allowed_if, has, public, require
from plantrack.plans.models import Item, Plan
from plantrack.plans.permissions import get_item_for_user, get_plan_for_user

from . import periods as calendar
from . import services
from .display import measurement_text
from .forms import PeriodsGenerateForm, PeriodUnlockForm, ReportForm, ReviewForm, initial_from
from .models import Evidence, Indicator, Measurement, ProgressUpdate, ReportingPeriod
from .permissions import get_update_for_user, may_change_update

EDITABLE = (ProgressUpdate.State.DRAFT, ProgressUpdate.State.RETURNED)


def _already_sent(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    messages.info(request, _("This report was already sent; it is recorded once."))
    return redirect("plans:item", slug, code)


def _indicators(item: Item) -> list[Indicator]:
    return list(
        Indicator.objects.filter(item=item, measured=True)
        .prefetch_related("dimensions__values")
        .order_by("position", "pk")
    )


def _form_page(
    request: HttpRequest,
    *,
    plan: Plan,
    item: Item,
    form: ReportForm,
    update: ProgressUpdate | None,
    has_calendar: bool,
) -> HttpResponse:
    return render(
        request,
        "progress/report_form.html",
        {
            "plan": plan,
            "item": item,
            "form": form,
            "update": update,
            "groups": form.bound_groups(),
            "has_calendar": has_calendar,
        },
    )


def _save(
    request: HttpRequest,
    form: ReportForm,
    *,
    plan: Plan,
    item: Item,
    periods: list[ReportingPeriod],
    update: ProgressUpdate | None,
) -> ProgressUpdate | None:
    """Call the service with the form's values; on a refusal, put it under the fields."""
    token = form.cleaned_data.get(once.FIELD, "")
    submit = request.POST.get("action") != "draft"
    data = form.cleaned_data
    chosen = data.get("period")
    period = next((p for p in periods if p.pk == chosen), None)
    try:
        with receipt(request):
            return services.progress_update_save(
                item=item,
                by=request.user,
                period=period,
                status=data["status"],
                progress=data["progress"],
                note=data["note"],
                measurements=form.measurement_inputs(),
                evidence_files=data.get("evidence_files") or [],
                evidence_links=form.links(),
                update=update,
                version=data.get("version"),
                submit=submit,
                remove_evidence=data.get("remove_evidence") or [],
            )
    except ValidationError as exc:
        once.release(token)
        form.add_service_errors(exc)
        return None


def _saved(request: HttpRequest, plan: Plan, update: ProgressUpdate) -> HttpResponse:
    if update.state == ProgressUpdate.State.SUBMITTED:
        messages.success(request, _("Your update was sent to the plan's managers for approval."))
    else:
        messages.success(
            request,
            _("Your report is saved as a draft. It is not sent until you submit it for approval."),
        )
    return redirect("progress:update", plan.slug, update.pk)


@allowed_if("progress.report", per_object=True)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """A new report on an item; opening a period that already has an unfinished report of
    the reporter's organisation opens that report instead."""
    plan = get_plan_for_user(request.user, slug)
    item = get_item_for_user(request.user, plan, code)
    require(request.user, "progress.report", item)
    token = request.POST.get(once.FIELD, "")
    if once.seen(token):
        return _already_sent(request, plan.slug, item.code)
    periods = calendar.open_periods(plan=plan)
    has_calendar = bool(periods) or ReportingPeriod.objects.filter(plan=plan).exists()
    initial: dict[str, Any] = {"status": item.status, "progress": item.progress}
    if request.method == "GET":
        asked = request.GET.get("period", "")
        chosen = next((p for p in periods if str(p.pk) == asked), None)
        chosen = chosen or calendar.default_period(item=item, periods=periods)
        if chosen is not None:
            initial["period"] = chosen.pk
            unfinished = ProgressUpdate.objects.filter(
                item=item, period=chosen, state__in=EDITABLE
            ).select_related("item__plan")
            for found in unfinished:
                if may_change_update(request.user, found):
                    return redirect("progress:edit", plan.slug, found.pk)
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        periods=periods,
        indicators=_indicators(item),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        if not once.claim(token):
            return _already_sent(request, plan.slug, item.code)
        saved = _save(request, form, plan=plan, item=item, periods=periods, update=None)
        if saved is not None:
            return _saved(request, plan, saved)
    return _form_page(
        request, plan=plan, item=item, form=form, update=None, has_calendar=has_calendar
    )


@allowed_if("progress.edit_update", per_object=True)
@require_http_methods(["GET", "POST"])
def update_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a draft or a returned report, and save it again or submit it."""
    plan = get_plan_for_user(request.user, slug)
    update = get_update_for_user(request.user, plan, pk)
    item = update.item
    if not may_change_update(request.user, update):
        raise PermissionDenied("progress.edit_update")
    token = request.POST.get(once.FIELD, "")
    if once.seen(token):
        return _already_sent(request, plan.slug, item.code)
    if not update.is_editable:
        messages.info(
            request,
            _("This report is %(state)s, so it can no longer be changed.")
            % {"state": update.get_state_display().lower()},
        )
        return redirect("progress:update", plan.slug, update.pk)
    periods = calendar.open_periods(plan=plan)
    if update.period is not None and update.period not in periods:
        periods.append(update.period)  # a locked one: the service says why it cannot be used
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        periods=periods,
        indicators=_indicators(item),
        update=update,
        initial=initial_from(update),
    )
    if request.method == "POST" and form.is_valid():
        if not once.claim(token):
            return _already_sent(request, plan.slug, item.code)
        saved = _save(request, form, plan=plan, item=item, periods=periods, update=update)
        if saved is not None:
            return _saved(request, plan, saved)
    return _form_page(
        request, plan=plan, item=item, form=form, update=update, has_calendar=bool(periods)
    )


@allowed_if("progress.review", per_object=True)
@require_POST
def review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    update = get_object_or_404(
        ProgressUpdate.objects.select_related("item"), pk=pk, item__plan=plan
    )
    require(request.user, "progress.review", update.item)
    form = ReviewForm.for_update(update, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve or return the update."))
        return redirect("plans:item", plan.slug, update.item.code)
    try:
        with receipt(request):
            services.progress_update_review(
                update=update,
                by=request.user,  # type: ignore[arg-type]
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["review_note"],
            )
    except services.OwnUpdate as exc:
        # A refusal, not a state conflict: answer 403 and say why.
        return render(request, "403.html", {"reason": str(exc)}, status=403)
    except ValidationError as exc:  # AlreadyReviewed, a locked period, a return without a note
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The update was reviewed."))
    return redirect("plans:item", plan.slug, update.item.code)


@public
def update_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A progress update, its measurements, evidence and history: public once approved;
    before that, a 404 for all but its organisation's reporters, the plan's managers and
    the site administrators."""
    plan = get_plan_for_user(request.user, slug)
    update = get_update_for_user(request.user, plan, pk)
    latest = history.latest_events(
        events=history.update_events(update), user=request.user, limit=history.PER_PAGE
    )
    measurements = list(
        Measurement.objects.filter(update=update)
        .select_related("indicator", "dimension_value__dimension")
        .order_by("indicator__position", "indicator_id", "dimension_value__dimension__position")
    )
    return render(
        request,
        "progress/update_detail.html",
        {
            "plan": plan,
            "item": update.item,
            "update": update,
            "latest": latest,
            "measurements": [(m, measurement_text(m)) for m in measurements],
            "evidence": list(update.evidence.all()),
            "can_edit": has(request.user, "progress.edit_update", update),
        },
    )


@public
def evidence_file(request: HttpRequest, slug: str, pk: int, evidence_pk: int) -> FileResponse:
    """An evidence file, for whoever may see its update, as a download (never shown inline,
    never sniffed into another type)."""
    plan = get_plan_for_user(request.user, slug)
    update = get_update_for_user(request.user, plan, pk)
    found = Evidence.objects.filter(pk=evidence_pk, update=update).exclude(file="").first()
    if found is None:
        raise Http404("No such evidence.")
    try:
        handle = found.file.open("rb")
    except OSError as exc:
        raise Http404("The file is missing.") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=found.original_name or f"evidence{found.extension}",
        content_type=found.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    if update.state != ProgressUpdate.State.APPROVED:
        response["Cache-Control"] = "private, no-store"
    return response


# -- The reporting calendar (plan managers) -----------------------------------------------------


def _periods_page(
    request: HttpRequest,
    plan: Plan,
    *,
    form: PeriodsGenerateForm | None = None,
    unlock: tuple[int, PeriodUnlockForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = calendar.plan_periods(plan=plan)
    forms = {row.period.pk: PeriodUnlockForm(auto_id=f"unlock-{row.period.pk}-%s") for row in rows}
    if unlock is not None:
        forms[unlock[0]] = unlock[1]
    return render(
        request,
        "progress/periods.html",
        {
            "plan": plan,
            "rows": [(row, forms[row.period.pk]) for row in rows],
            "form": form or PeriodsGenerateForm(),
        },
        status=status,
    )


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def periods(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's reporting calendar: generate periods, see their reports, lock or unlock."""
    plan = get_plan_for_user(request.user, slug, write=True)
    if request.method != "POST":
        return _periods_page(request, plan)
    form = PeriodsGenerateForm(request.POST)
    if form.is_valid():
        try:
            with receipt(request):
                made = calendar.periods_generate(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                for message in errors:
                    form.add_error(key if key in form.fields else None, message)
        else:
            if made:
                messages.success(
                    request, _("%(count)s reporting periods added.") % {"count": len(made)}
                )
            else:
                messages.info(request, _("The plan already has all these periods."))
            return redirect("progress:periods", plan.slug)
    return _periods_page(request, plan, form=form)


def _plan_period(request: HttpRequest, slug: str, pk: int) -> tuple[Plan, ReportingPeriod]:
    plan = get_plan_for_user(request.user, slug, write=True)
    return plan, get_object_or_404(ReportingPeriod, pk=pk, plan=plan)


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def period_lock(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan, period = _plan_period(request, slug, pk)
    try:
        with receipt(request):
            calendar.period_lock(period=period, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The period %(period)s is locked.") % {"period": period.label})
    return redirect("progress:periods", plan.slug)


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def period_unlock(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan, period = _plan_period(request, slug, pk)
    form = PeriodUnlockForm(request.POST, auto_id=f"unlock-{period.pk}-%s")
    if form.is_valid():
        try:
            with receipt(request):
                calendar.period_unlock(
                    period=period, by=request.user, reason=form.cleaned_data["reason"]
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The period %(period)s is open again.") % {"period": period.label}
            )
        return redirect("progress:periods", plan.slug)
    return _periods_page(request, plan, unlock=(period.pk, form))
