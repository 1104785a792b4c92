"""The work queue pages. Anyone signed in may open them; each shows only the person's own
work (their organisations' items, the plans they manage)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from plantrack.lib.params import page_param
from plantrack.lib.rules import allowed_if

from . import queues
from .overdue import today


@allowed_if("accounts.own_account")
@require_GET
def my_reporting(request: HttpRequest) -> HttpResponse:
    on = today()
    work = queues.my_reporting(user=request.user, on=on)
    return render(request, "progress/my_reporting.html", {"work": work, "today": on})


@allowed_if("accounts.own_account")
@require_GET
def to_review(request: HttpRequest) -> HttpResponse:
    page = queues.to_review(user=request.user, page=page_param(request))
    return render(
        request,
        "progress/my_review.html",
        {"page": page, "reviewer": queues.is_reviewer(request.user)},
    )
