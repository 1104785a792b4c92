from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.history import selectors as history
from plantrack.history.receipts import receipt
from plantrack.lib import once
from plantrack.lib.rules import allowed_if, public, require
from plantrack.plans.permissions import get_item_for_user, get_plan_for_user

from . import services
from .forms import ProgressUpdateForm, ReviewForm
from .models import ProgressUpdate
from .permissions import get_update_for_user


def _already_sent(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    messages.info(request, _("This report was already sent; it is recorded once."))
    return redirect("plans:item", slug, code)


@allowed_if("progress.report", per_object=True)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    item = get_item_for_user(request.user, plan, code)
    require(request.user, "progress.report", item)
    token = request.POST.get(once.FIELD, "")
    if once.seen(token):
        return _already_sent(request, plan.slug, item.code)
    form = ProgressUpdateForm(
        request.POST or None, initial={"status": item.status, "progress": item.progress}
    )
    if request.method == "POST" and form.is_valid():
        if not once.claim(token):
            return _already_sent(request, plan.slug, item.code)
        values = {k: v for k, v in form.cleaned_data.items() if k != once.FIELD}
        try:
            with receipt(request):
                services.progress_update_submit(item=item, by=request.user, **values)  # type: ignore[arg-type]
        except ValidationError as exc:
            once.release(token)
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Your update was sent to the plan's managers for approval.")
            )
            return redirect("plans:item", plan.slug, item.code)
    return render(request, "progress/report_form.html", {"plan": plan, "item": item, "form": form})


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
    except ValidationError as exc:  # AlreadyReviewed, or a return without a note
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The update was reviewed."))
    return redirect("plans:item", plan.slug, update.item.code)


@public
def update_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A progress update and its history: public once approved; before that, a 404 for all
    but its organisation's reporters, the plan's managers and the site administrators."""
    plan = get_plan_for_user(request.user, slug)
    update = get_update_for_user(request.user, plan, pk)
    latest = history.latest_events(
        events=history.update_events(update), user=request.user, limit=history.PER_PAGE
    )
    return render(
        request,
        "progress/update_detail.html",
        {"plan": plan, "item": update.item, "update": update, "latest": latest},
    )
