"""The Django admin site Plantrack uses.

It asks for the second factor (django-otp), and it answers a filter or search that the
database cannot run — a number too large for its column, say ``?organisation=99…9`` —
the way Django's admin answers any other wrong filter: back to the unfiltered list with
its "wrong filter" notice, never a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_otp.admin import OTPAdminSite

# Django's admin marks a list reached through a wrong filter with this parameter.
ERROR_FLAG = "e"


class AdminSite(OTPAdminSite):
    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        checked = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return checked(request, *args, **kwargs)  # type: ignore[no-any-return]
            except (OverflowError, DataError):
                if request.method != "GET" or set(request.GET) <= {ERROR_FLAG}:
                    raise
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")

        return guarded
