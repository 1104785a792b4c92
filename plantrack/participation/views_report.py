"""The consultation's report (page and PDF), the statistics of all consultations, and the
follow button's form."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plantrack.lib.rules import allowed_if, public
from plantrack.plans.models import Item, Plan
from plantrack.plans.permissions import visible_plans

from . import statistics
from .follows import follow_set
from .models import Consultation
from .permissions import get_consultation_for_user, visible_consultations
from .report import PdfUnavailable, consultation_report, render_pdf, report_filename
from .views import NAV


@public
def report(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, slug)
    found = consultation_report(consultation=consultation, page_number=request.GET.get("page", 1))
    return render(
        request,
        "participation/report/report.html",
        {"report": found, "page": found.page, "query": "", **NAV},
    )


PDF_CACHE_SECONDS = 10 * 60


@public
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The report as PDF. A made PDF is kept ten minutes per consultation and language (it
    says when it was made), so that a large consultation's PDF is not laid out again for
    every download."""
    consultation = get_consultation_for_user(request.user, slug)
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"participation:report-pdf:{consultation.pk}:{language}"
    pdf = cache.get(key)
    if pdf is None:
        found = consultation_report(consultation=consultation, now=timezone.now())
        html = render_to_string(
            "participation/report/pdf.html",
            {
                "report": found,
                "language": language,
                "site_url": settings.PLANTRACK_SITE_URL,
                "pdf": True,
            },
            request,
        )
        try:
            pdf = render_pdf(html)
        except PdfUnavailable as exc:
            return render(
                request,
                "participation/report/pdf_unavailable.html",
                {"consultation": consultation, "message": str(exc), **NAV},
                status=503,
            )
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = report_filename(consultation, language)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public
def statistics_page(request: HttpRequest) -> HttpResponse:
    consultations = (
        visible_consultations(request.user).select_related("plan").order_by("-closes_at", "slug")
    )
    rows = statistics.per_consultation(consultations=consultations)
    return render(
        request,
        "participation/report/statistics.html",
        {
            "consultations": rows,
            "plans": statistics.per_plan(plans=visible_plans(request.user)),
            "bodies": statistics.per_responding_body(consultations=consultations),
            "all": statistics.total(rows),
            **NAV,
        },
    )


def _target(kind: str, pk: str) -> Consultation | Plan | Item:
    managers: dict[str, Any] = {
        "consultation": Consultation.objects,
        "plan": Plan.objects,
        "item": Item.objects.select_related("plan"),
    }
    manager = managers.get(kind)
    if manager is None or not (pk.isascii() and pk.isdigit() and len(pk) <= 18):
        raise Http404("Nothing to follow.")
    found = manager.filter(pk=int(pk)).first()
    if found is None:
        raise Http404("Nothing to follow.")
    return found


@allowed_if("participation.follow")
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    target = _target(request.POST.get("kind", ""), request.POST.get("id", ""))
    wanted = request.POST.get("following", "1") != "0"
    try:
        now = follow_set(user=request.user, target=target, following=wanted)  # type: ignore[arg-type]
    except PermissionDenied as exc:
        raise Http404("Nothing to follow.") from exc
    messages.success(
        request,
        _("You follow it now: you are told when its consultations open and close.")
        if now
        else _("You no longer follow it."),
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = target.get_absolute_url()
    return redirect(back)
