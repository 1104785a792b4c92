from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.accounts.services import MailLimitReached
from plantrack.history import selectors as history
from plantrack.history.receipts import receipt
from plantrack.lib import once
from plantrack.lib.bilingual import picked_language
from plantrack.lib.params import page_param
from plantrack.lib.rules import allowed_if, has, public
from plantrack.plans.selectors import organisation_responsibilities
from plantrack.progress.dashboards import overdue_since

from . import selectors, services
from .forms import DecisionForm, DirectoryFilterForm, InviteForm, OrganisationForm, RetireForm
from .models import Membership, Organisation
from .permissions import (
    can_see_members,
    get_organisation_for_user,
    get_visible_organisation,
    kinds_allowed,
)

PER_PAGE = 50


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@public
def organisation_list(request: HttpRequest) -> HttpResponse:
    stats = selectors.registry_statistics()
    form = DirectoryFilterForm(
        request.GET or None,
        fields=stats.fields,
        target_groups=stats.target_groups,
        regions=stats.regions,
    )
    filters = form.filters()
    organisations = selectors.organisation_directory(**filters)
    page = Paginator(organisations, PER_PAGE).get_page(page_param(request))
    can_verify = has(request.user, "organisations.verify")
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "nav": "organisations",
            "form": form,
            "filtered": bool(filters),
            "organisations": page.object_list,
            "page": page,
            "query": _query_without_page(request),
            "stats": stats,
            "can_verify": can_verify,
        },
    )


@public
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_visible_organisation(request.user, slug)
    page = organisation_responsibilities(
        organisation=organisation, page_number=page_param(request), user=request.user
    )
    page.object_list = list(page.object_list)
    overdue = overdue_since(r.item_id for r in page.object_list if r.item.is_tracked)
    for responsibility in page.object_list:
        responsibility.overdue_since = overdue.get(responsibility.item_id, "")  # type: ignore[attr-defined]
    user = request.user
    other_lang = "en" if picked_language(organisation, "name") == "mn" else "mn"
    can_change = has(user, "organisations.change", organisation)
    visible = can_see_members(user, organisation)
    members = selectors.active_members(organisation) if visible else None
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "nav": "organisations",
            "organisation": organisation,
            "page": page,
            "description_lang": picked_language(organisation, "description"),
            "other_lang": other_lang,
            "other_name": getattr(organisation, f"name_{other_lang}"),
            "fields": list(organisation.fields.all()),
            "target_groups": list(organisation.target_groups.all()),
            "members": members,
            "own": selectors.membership_of(user, organisation),
            "can_join": has(user, "organisations.join", organisation),
            "can_change": can_change,
            "can_verify": has(user, "organisations.verify", organisation),
            "can_retire": has(user, "organisations.retire", organisation),
            "latest": history.latest_events(
                events=history.organisation_events(organisation), user=user
            ),
        },
    )


def _already_sent(request: HttpRequest, token: str) -> HttpResponse:
    """The same form sent again (a double click): show what the first one did."""
    messages.info(request, _("This form was already sent; the organisation is registered once."))
    return redirect(once.recall(token) or "organisations:list")


@allowed_if("organisations.register")
@require_http_methods(["GET", "POST"])
def organisation_register(request: HttpRequest) -> HttpResponse:
    token = request.POST.get(once.FIELD, "")
    if once.seen(token):
        return _already_sent(request, token)
    form = OrganisationForm(request.POST or None, kinds=kinds_allowed(request.user))
    if request.method == "POST" and form.is_valid():
        if not once.claim(token):
            return _already_sent(request, token)
        try:
            with receipt(request):
                organisation = services.organisation_register(
                    by=request.user,  # type: ignore[arg-type]
                    data=form.cleaned_data,
                )
        except ValidationError as exc:
            once.release(token)
            form.add_error(None, exc)
        else:
            once.remember(token, organisation.get_absolute_url())
            messages.success(
                request,
                _(
                    "Your organisation is registered, and you are its administrator. "
                    "It is marked as not verified until a site administrator checks it."
                ),
            )
            return redirect(organisation)
    return render(request, "organisations/organisation_form.html", {"form": form})


@allowed_if("organisations.change", per_object=True)
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, action="organisations.change")
    was_verified = organisation.is_verified
    form = OrganisationForm(
        request.POST or None,
        instance=Organisation.objects.get(pk=organisation.pk),  # the form may change its copy
        kinds=kinds_allowed(request.user, organisation),
        classification_required=organisation.self_registered,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                saved = services.organisation_update(
                    organisation=organisation,
                    by=request.user,  # type: ignore[arg-type]
                    data=form.cleaned_data,
                    version=form.cleaned_data["version"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if was_verified and not saved.is_verified:
                messages.warning(
                    request,
                    _(
                        "The profile was saved. Because its name, registration number or kind "
                        "changed, a site administrator will verify the organisation again."
                    ),
                )
            else:
                messages.success(request, _("The profile was saved."))
            return redirect(saved)
    return render(
        request,
        "organisations/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "can_verify": has(request.user, "organisations.verify", organisation),
        },
    )


@allowed_if("organisations.verify")
def organisation_review(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.awaiting_verification(), PER_PAGE).get_page(page_param(request))
    return render(
        request,
        "organisations/organisation_review.html",
        {"nav": "organisations", "organisations": page.object_list, "page": page},
    )


@allowed_if("organisations.verify", per_object=True)
@require_POST
def organisation_verify(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, action="organisations.verify")
    name = organisation.name
    if request.POST.get("verified") == "0":
        with receipt(request):
            services.organisation_unverify(organisation=organisation, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("%(name)s is marked as not verified.") % {"name": name})
    else:
        with receipt(request):
            services.organisation_verify(organisation=organisation, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("%(name)s is verified.") % {"name": name})
    if request.POST.get("next") == "review":
        return redirect("organisations:review")
    return redirect(organisation)


@allowed_if("organisations.retire", per_object=True)
@require_http_methods(["GET", "POST"])
def organisation_retire(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, action="organisations.retire")
    form = RetireForm(request.POST or None, initial={"version": organisation.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_retire(
                organisation=organisation,
                reason=form.cleaned_data["reason"],
                by=request.user,  # type: ignore[arg-type]
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s was retired.") % {"name": organisation.name})
            return redirect(organisation)
    context = {"organisation": organisation, "form": form, "nav": "organisations"}
    return render(request, "organisations/organisation_retire.html", context)


@allowed_if("organisations.retire", per_object=True)
@require_POST
def organisation_restore(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, action="organisations.retire")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, _("This page is out of date. Reload it and try again."))
        return redirect(organisation)
    try:
        services.organisation_restore(
            organisation=organisation,
            by=request.user,  # type: ignore[arg-type]
            version=version,
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("%(name)s is current again.") % {"name": organisation.name})
    return redirect(organisation)


@allowed_if("organisations.verify", per_object=True)
@require_http_methods(["GET", "POST"])
def organisation_decide(request: HttpRequest, slug: str) -> HttpResponse:
    """Return a registration to its applicant with a note, or reject it with a reason."""
    organisation = get_organisation_for_user(request.user, slug, action="organisations.verify")
    form = DecisionForm(request.POST or None)
    decision = request.POST.get("decision", "")
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        base_url = request.build_absolute_uri("/").rstrip("/")
        by: Any = request.user
        try:
            if decision == "return":
                services.organisation_return(
                    organisation=organisation, by=by, note=reason, base_url=base_url
                )
                done = _("%(name)s was returned to the applicant with your note.")
            elif decision == "reject":
                services.organisation_reject(
                    organisation=organisation, by=by, reason=reason, base_url=base_url
                )
                done = _("%(name)s was rejected; the applicant was told why.")
            else:
                raise ValidationError(_("Choose to return or to reject the registration."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done % {"name": organisation.name})
            return redirect("organisations:review")
    return render(
        request,
        "organisations/organisation_decide.html",
        {"nav": "organisations", "organisation": organisation, "form": form},
    )


# -- Memberships ---------------------------------------------------------------------------


@allowed_if("organisations.join", per_object=True)
@require_POST
def organisation_join(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug)
    try:
        services.membership_request(organisation=organisation, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("Your request was sent to the organisation's administrators."),
        )
    return redirect(organisation)


@allowed_if("accounts.own_account")
@require_POST
def organisation_leave(request: HttpRequest, slug: str) -> HttpResponse:
    """Leave an organisation, or withdraw one's own request to join it."""
    organisation = get_organisation_for_user(request.user, slug)
    membership = get_object_or_404(Membership, organisation=organisation, user=request.user)
    was_member = membership.state == Membership.State.ACTIVE
    try:
        services.membership_remove(membership=membership, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("You left the organisation.") if was_member else _("Your request was withdrawn."),
        )
    return redirect(organisation)


@allowed_if("organisations.change", per_object=True)
@require_http_methods(["GET", "POST"])
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, action="organisations.change")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_invite(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,  # type: ignore[arg-type]
                invitations_url=request.build_absolute_uri(reverse("organisations:invitations")),
                ip=request.META.get("REMOTE_ADDR", ""),
            )
        except (ValidationError, MailLimitReached) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            # The same message whether or not the address has an account.
            messages.success(request, _("If that address has an account, it has been invited."))
            return redirect("organisations:members", organisation.slug)
    return render(
        request,
        "organisations/organisation_members.html",
        {
            "nav": "organisations",
            "organisation": organisation,
            "memberships": selectors.memberships_by_state(organisation),
            "form": form,
            "roles": Membership.Role.choices,
        },
    )


def _posted_version(request: HttpRequest) -> int | None:
    """The membership version the page showed; None from an older page (then unchecked)."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _membership(request: HttpRequest, slug: str, pk: int) -> Membership:
    organisation = get_organisation_for_user(request.user, slug, action="organisations.change")
    return get_object_or_404(
        Membership.objects.select_related("organisation", "user"), pk=pk, organisation=organisation
    )


@allowed_if("organisations.change", per_object=True)
@require_POST
def member_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.membership_decide(
            membership=membership,
            by=request.user,  # type: ignore[arg-type]
            approve=approve,
            version=_posted_version(request),
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        name = membership.user.public_name
        text = _("%(name)s is now a member.") if approve else _("%(name)s's request was declined.")
        messages.success(request, text % {"name": name})
    return redirect("organisations:members", slug)


@allowed_if("organisations.change", per_object=True)
@require_POST
def member_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    try:
        services.membership_set_role(
            membership=membership,
            role=request.POST.get("role", ""),
            by=request.user,  # type: ignore[arg-type]
            version=_posted_version(request),
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s is now: %(role)s.")
            % {"name": membership.user.public_name, "role": membership.get_role_display()},
        )
    return redirect("organisations:members", slug)


@allowed_if("organisations.change", per_object=True)
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    try:
        services.membership_remove(membership=membership, by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("%(name)s was removed.") % {"name": membership.user.public_name}
        )
    return redirect("organisations:members", slug)


@allowed_if("accounts.own_account")
def invitations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/invitations.html",
        {"memberships": selectors.memberships_of_user(request.user)},
    )


@allowed_if("accounts.own_account")
@require_POST
def invitation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"), pk=pk, user=request.user
    )
    accept = request.POST.get("accept") == "1"
    try:
        services.membership_respond(membership=membership, user=request.user, accept=accept)  # type: ignore[arg-type]
    except ValidationError as exc:
        _error(request, exc)
        return redirect("organisations:invitations")
    name = membership.organisation.name
    if accept:
        messages.success(request, _("You are now a member of %(name)s.") % {"name": name})
        return redirect(membership.organisation)
    messages.success(request, _("You declined the invitation from %(name)s.") % {"name": name})
    return redirect("organisations:invitations")
