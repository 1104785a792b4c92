"""Moderation pages: flag an input, hide or restore it with a published reason, dismiss its
flags, the moderation queue, blocks, and the public moderation log of a consultation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.accounts.models import User
from plantrack.accounts.services import client_ip
from plantrack.history.receipts import receipt
from plantrack.lib.ratelimit import RateLimited
from plantrack.lib.rules import allowed_if, has, public

from . import moderation
from .models import Block, Consultation, Flag, Input
from .permissions import get_consultation_for_user
from .views import NAV, _limited

REASON_HELP = gettext_lazy(
    "Published with the input's placeholder and in the moderation log, e.g. "
    "“personal data”, “offensive language”, “advertising”."
)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why should a moderator look at it?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Details"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when you choose “Other”. Only moderators read it."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (published)"),
        max_length=moderation.REASON_LENGTH,
        help_text=REASON_HELP,
    )


def _input(request: HttpRequest, slug: str, pk: int) -> tuple[Consultation, Input]:
    consultation = get_consultation_for_user(request.user, slug)
    found = Input.objects.filter(consultation=consultation, pk=pk).select_related("author").first()
    if found is None:
        raise Http404("No such input.")
    found.consultation = consultation
    return consultation, found


def _errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@allowed_if("participation.flag")
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation, entry = _input(request, slug, pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                moderation.flag_create(
                    input=entry,
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                    by=request.user,  # type: ignore[arg-type]
                    address=client_ip(request),
                )
        except RateLimited as exc:
            return _limited(request, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Thank you. A moderator will look at this input."))
            return redirect(entry.get_absolute_url())
    return render(
        request,
        "participation/moderation/flag.html",
        {"consultation": consultation, "input": entry, "form": form, **NAV},
        status=400 if form.errors else 200,
    )


def _moderate(request: HttpRequest, slug: str, pk: int, *, hide: bool) -> HttpResponse:
    consultation, entry = _input(request, slug, pk)
    if not has(request.user, "participation.moderate", consultation):
        raise PermissionDenied("participation.moderate")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = moderation.input_hide if hide else moderation.input_restore
        try:
            with receipt(request):
                service(input=entry, reason=form.cleaned_data["reason"], by=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(
                request, _("The input is hidden.") if hide else _("The input is shown again.")
            )
            return redirect(entry.get_absolute_url())
    return render(
        request,
        "participation/moderation/hide.html",
        {"consultation": consultation, "input": entry, "form": form, "hide": hide, **NAV},
        status=400 if form.errors else 200,
    )


@allowed_if("participation.moderate", per_object=True)
@require_http_methods(["GET", "POST"])
def hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _moderate(request, slug, pk, hide=True)


@allowed_if("participation.moderate", per_object=True)
@require_http_methods(["GET", "POST"])
def restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _moderate(request, slug, pk, hide=False)


@allowed_if("participation.moderate", per_object=True)
@require_POST
def flags_dismiss(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation, entry = _input(request, slug, pk)
    if not has(request.user, "participation.moderate", consultation):
        raise PermissionDenied("participation.moderate")
    with receipt(request):
        count = moderation.flags_dismiss(input=entry, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("%(n)s flag(s) closed; the input stays.") % {"n": count})
    return redirect("participation:moderation")


@allowed_if("participation.moderate")
def queue(request: HttpRequest) -> HttpResponse:
    found = moderation.moderation_queue(user=request.user)
    return render(
        request,
        "participation/moderation/queue.html",
        {"queue": found, "may_block": has(request.user, "participation.block"), **NAV},
    )


def _person(pk: int) -> User:
    return get_object_or_404(User, pk=pk, deleted_at__isnull=True)


@allowed_if("participation.block")
@require_http_methods(["GET", "POST"])
def block(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _person(user_id)
    form = ReasonForm(request.POST or None)
    blocked = Block.objects.filter(user=person, lifted_at__isnull=True).first()
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                moderation.user_block(
                    user=person,
                    reason=form.cleaned_data["reason"],
                    by=request.user,  # type: ignore[arg-type]
                )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The account is blocked from taking part."))
            return redirect("participation:moderation")
    return render(
        request,
        "participation/moderation/block.html",
        {"person": person, "form": form, "blocked": blocked, **NAV},
        status=400 if form.errors else 200,
    )


@allowed_if("participation.block")
@require_POST
def unblock(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _person(user_id)
    try:
        with receipt(request):
            moderation.user_unblock(user=person, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The block is lifted."))
    return redirect("participation:moderation")


@public
def log(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, slug)
    actions: list[Any] = moderation.moderation_log(consultation=consultation)
    return render(
        request,
        "participation/moderation/log.html",
        {"consultation": consultation, "actions": actions, **NAV},
    )
