from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from plantrack.lib.rules import public
from plantrack.plans.selectors import organisation_responsibilities

from .models import Organisation

PER_PAGE = 50


@public
def organisation_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    organisations = Organisation.objects.annotate(
        responsibility_count=Count("responsibilities")
    ).order_by("kind", "name_en", "name_mn")
    if kind in Organisation.Kind.values:
        organisations = organisations.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(organisations, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "organisations": page.object_list,
            "page": page,
            "kind": kind,
            "kinds": Organisation.Kind.choices,
            "query": f"kind={kind}" if kind else "",
        },
    )


@public
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    page = organisation_responsibilities(
        organisation=organisation, page_number=request.GET.get("page")
    )
    return render(
        request,
        "organisations/organisation_detail.html",
        {"organisation": organisation, "page": page},
    )
