"""Dashboards and the public progress export: public pages of approved figures only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from plantrack.lib.params import page_param
from plantrack.lib.rules import public
from plantrack.organisations.permissions import get_visible_organisation
from plantrack.plans.permissions import get_plan_for_user

from . import dashboards, exports


@public
def plan_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    board = dashboards.plan_dashboard(plan=plan, page_number=page_param(request))
    return render(request, "progress/dashboard_plan.html", {"plan": plan, "board": board})


@public
def organisation_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_visible_organisation(request.user, slug)
    board = dashboards.organisation_dashboard(organisation=organisation, user=request.user)
    return render(
        request,
        "progress/dashboard_organisation.html",
        {"nav": "organisations", "organisation": organisation, "board": board},
    )


def _attachment(response: HttpResponse | StreamingHttpResponse, name: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"


@public
def progress_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    plan = get_plan_for_user(request.user, slug)
    response = StreamingHttpResponse(
        exports.csv_chunks(exports.progress_rows(plan)), content_type=exports.CSV_CONTENT_TYPE
    )
    _attachment(response, f"{plan.slug}-progress.csv")
    return response


@public
def progress_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    response = HttpResponse(
        exports.xlsx_bytes(exports.progress_rows(plan)), content_type=exports.XLSX_CONTENT_TYPE
    )
    _attachment(response, f"{plan.slug}-progress.xlsx")
    return response
