from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from plantrack.plans.selectors import organisation_responsibilities

from .models import Organisation


def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.annotate(
        responsibility_count=Count("responsibilities")
    ).order_by("kind", "name_en", "name_mn")
    return render(
        request, "organisations/organisation_list.html", {"organisations": list(organisations)}
    )


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
