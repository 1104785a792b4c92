"""Staff roles must prove a second factor (TOTP) before they can do anything else."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from plantrack.lib.rules import signed_in

from .permissions import needs_second_factor
from .selectors import two_factor_devices

# Pages a staff user may open before the second factor: to set it up, prove it, or leave.
EXEMPT_VIEWS = {
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:logout",
    "accounts:privacy",
    "set_language",
}


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if signed_in(user) and needs_second_factor(user):
            if not request.session.get("staff_expiry_set"):
                # Staff sessions are shorter: a stolen laptop is a smaller risk for less time.
                request.session.set_expiry(settings.STAFF_SESSION_AGE)
                request.session["staff_expiry_set"] = True
            if not user.is_verified():  # type: ignore[union-attr]
                if not self._exempt(request):
                    return self._challenge(request)
                # The pages open before the second step show nothing of the person's work.
                request.second_step_pending = True  # type: ignore[attr-defined]
        return self.get_response(request)

    def _exempt(self, request: HttpRequest) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            return resolve(request.path_info).view_name in EXEMPT_VIEWS
        except Resolver404:
            return True

    def _challenge(self, request: HttpRequest) -> HttpResponse:
        confirmed = bool(two_factor_devices(request.user))
        target = "accounts:two_factor_verify" if confirmed else "accounts:two_factor_setup"
        response = redirect(target)
        response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
