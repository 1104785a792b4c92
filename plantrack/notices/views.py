"""The notices page: a signed-in person's own notices, newest first; mark one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from plantrack.lib.params import page_param, parse_int
from plantrack.lib.rules import allowed_if

from . import selectors, services

# Notice ids are positive; anything else is no notice (never a query with a huge number).
MAX_ID = 2**53


@allowed_if("accounts.own_account")
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    page, notices = selectors.notice_page(user=request.user, page=page_param(request))
    unread = selectors.unread_count(user=request.user)
    return render(
        request,
        "notices/notice_list.html",
        {"page": page, "notices": notices, "unread": unread},
    )


@allowed_if("accounts.own_account")
@require_POST
def notice_read(request: HttpRequest) -> HttpResponse:
    """Mark the posted ``notice`` read, or every unread one with ``all``."""
    user = request.user
    if request.POST.get("all"):
        count = services.notices_mark_all_read(user=user)  # type: ignore[arg-type]
        messages.success(
            request, _("All your notices are marked as read (%(count)d).") % {"count": count}
        )
    else:
        pk = parse_int(request.POST.get("notice"), default=0, minimum=0, maximum=MAX_ID)
        if not services.notice_mark_read(user=user, notice_id=pk):  # type: ignore[arg-type]
            raise Http404("No such notice.")
        messages.success(request, _("The notice is marked as read."))
    target = "notices:list"
    page = parse_int(request.POST.get("page"), default=1, minimum=1, maximum=100_000)
    response = redirect(target)
    if page > 1:
        response["Location"] += f"?page={page}"
    return response
