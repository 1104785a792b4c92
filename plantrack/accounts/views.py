from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from plantrack.lib.rules import allowed_if, public

from . import services, work
from .forms import DeleteAccountForm, ProfileForm, SecondStepForm, SignUpForm, TokenForm

# The authenticator secret being set up lives in the session until it is confirmed.
PENDING_KEY = "two_factor_pending_key"
# The address just confirmed by an email link, for the sign-in form to show once. It rides in
# the session, not in the address, so no link can fill someone's sign-in form.
CONFIRMED_EMAIL_KEY = "accounts_confirmed_email"


def _next_url(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse(default)


@public
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_sign_up(
                request=request,
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password"],
            )
        except services.MailLimitReached as exc:
            form.add_error(None, str(exc))
            return render(request, "accounts/sign_up.html", {"form": form}, status=429)
        # The same answer whether or not the address already had an account.
        return render(request, "accounts/check_email.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/sign_up.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with the account mail limits."""

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            services.mail_quota_take(
                email=form.cleaned_data["email"], ip=services.client_ip(self.request)
            )
        except services.MailLimitReached as exc:
            form.add_error(None, str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


@public
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    user = services.account_verify_email(token=token)
    if user is None:
        return render(request, "accounts/verify_failed.html", status=400)
    messages.success(request, _("Your email address is confirmed. You can sign in now."))
    request.session[CONFIRMED_EMAIL_KEY] = user.email
    return redirect("accounts:login")


class SignInView(auth_views.LoginView):
    """Django's sign-in page; after an email confirmation the address is already filled in.

    Staff land on their work page (``work.landing_url``) unless the form carries a safe
    ``next``; the home page counts as none, since the header's sign-in link names the page
    it was clicked on. The two-step middleware then asks for the second factor and sends
    them on to the same page."""

    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()
        try:
            is_home = bool(url) and resolve(url.split("?")[0]).view_name == "home"
        except Resolver404:
            is_home = False
        return "" if is_home else url

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        return work.landing_url(user) or super().get_default_redirect_url()

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        email = self.request.session.pop(CONFIRMED_EMAIL_KEY, None)
        if isinstance(email, str) and email:
            initial["username"] = email
        return initial

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        if form.initial.get("username") and not form.is_bound:
            # The address is there already: the cursor waits in the password field.
            form.fields["username"].widget.attrs.pop("autofocus", None)
            form.fields["password"].widget.attrs["autofocus"] = True
        return form


@public
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html")


@allowed_if("accounts.own_account")
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    memberships = request.user.memberships.select_related("organisation").order_by(  # type: ignore[union-attr]
        "organisation__name_en"
    )
    return render(
        request, "accounts/profile.html", {"form": form, "memberships": list(memberships)}
    )


@allowed_if("accounts.own_account")
def my_data(request: HttpRequest) -> HttpResponse:
    data = services.account_export(user=request.user)  # type: ignore[arg-type]
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="plantrack-my-data.json"'
    return response


@allowed_if("accounts.own_account")
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            logout(request)
            messages.success(request, _("Your account was deleted."))
            return redirect("home")
    return render(request, "accounts/delete_account.html", {"form": form})


def _qr_data_uri(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _to_verify_first(request: HttpRequest) -> HttpResponse:
    messages.info(
        request,
        _(
            "Two-step sign-in is already set up. Enter a code from your authenticator app "
            "(or a recovery code) first; then you can set up a new app. Lost both? Ask a "
            "site administrator to reset your two-step sign-in."
        ),
    )
    setup = reverse("accounts:two_factor_setup") + "?" + urlencode({"next": _next_url(request)})
    return redirect(reverse("accounts:two_factor_verify") + "?" + urlencode({"next": setup}))


@allowed_if("accounts.own_account")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    proven_by = user.otp_device if user.is_verified() else None
    replacing = bool(services.two_factor_devices(user))
    if replacing and proven_by is None:
        return _to_verify_first(request)
    key = request.session.get(PENDING_KEY) or services.two_factor_new_key()
    request.session[PENDING_KEY] = key
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.two_factor_enable(
                user=user, key=key, token=form.cleaned_data["token"], proven_by=proven_by
            )
        except PermissionDenied:
            return _to_verify_first(request)
        except ValidationError as exc:
            form.add_error("token", exc)
        else:
            del request.session[PENDING_KEY]
            # A session id seen before the second step must not become a verified one.
            request.session.cycle_key()
            otp_login(request, device)
            return render(
                request,
                "accounts/two_factor_recovery_codes.html",
                {"recovery_codes": codes, "next": _next_url(request)},
            )
    preview = services.two_factor_device_preview(user=user, key=key)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(preview),
            "secret": base64.b32encode(preview.bin_key).decode(),
            "replacing": replacing,
            "next": _next_url(request),
        },
    )


@allowed_if("accounts.own_account")
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(
            user=request.user,  # type: ignore[arg-type]
            token=form.cleaned_data["token"],
        )
        if device is not None:
            request.session.cycle_key()
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )
