"""Participation pages: consultations, their draft, inputs, official responses, one's own
inputs. Short views: load (with the access helpers), call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.accounts.services import client_ip
from plantrack.history.receipts import receipt
from plantrack.lib import once
from plantrack.lib.ratelimit import RateLimited
from plantrack.lib.rules import allowed_if, has, public
from plantrack.organisations.models import Organisation
from plantrack.plans.models import Item, Plan
from plantrack.plans.permissions import get_plan_for_user, managed_plans

from . import selectors, services
from .forms import (
    ConsultationForm,
    CosignForm,
    DraftForm,
    InputEditForm,
    InputForm,
    ReplyForm,
    ResponseForm,
)
from .models import Consultation, Input, Paragraph
from .permissions import (
    can_edit_input,
    can_manage_consultation,
    get_consultation_for_user,
    organisations_for,
)

NAV = {"nav": "consultations"}


def _limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = render(
        request, "participation/limited.html", {"message": exc.message, **NAV}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def _my_organisations(user: Any) -> list[Organisation]:
    ids = organisations_for(user)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name_en")) if ids else []


def _manage(request: HttpRequest, slug: str) -> Consultation:
    consultation = get_consultation_for_user(request.user, slug)
    if not can_manage_consultation(request.user, consultation):
        raise PermissionDenied(_("Only this plan's managers may manage the consultation."))
    return consultation


def _input(consultation: Consultation, pk: int) -> Input:
    found = (
        Input.objects.select_related(
            "author", "organisation", "paragraph", "response", "parent", "item"
        )
        .filter(consultation=consultation, pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such input.")
    found.consultation = consultation
    return found


def _already_sent(request: HttpRequest, token: str, fallback: str) -> HttpResponse:
    messages.info(request, _("This form was already sent; your input is stored once."))
    return redirect(once.recall(token) or fallback)


# Lists and the consultation page ------------------------------------------------------------


@public
def consultation_list(request: HttpRequest) -> HttpResponse:
    phase = request.GET.get("phase", "")
    if phase not in selectors.LIST_PHASES:
        phase = ""
    page = selectors.consultation_list(
        request.user, phase=phase, page_number=request.GET.get("page", 1)
    )
    phases = [(p.value, p.label) for p in selectors.LIST_PHASES]
    may_create = has(request.user, "participation.create")
    return render(
        request,
        "participation/consultation_list.html",
        {
            "page": page,
            "phase": phase,
            "phases": phases,
            "query": f"phase={phase}" if phase else "",
            "may_create": may_create,
            **NAV,
        },
    )


@public
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, slug)
    view = selectors.consultation_page(consultation, page_number=request.GET.get("page", 1))
    return render(
        request,
        "participation/consultation_detail.html",
        {
            "consultation": consultation,
            "view": view,
            "page": view.inputs,
            "may_manage": can_manage_consultation(request.user, consultation),
            "overdue": consultation.answered_at is None
            and timezone.localdate() > consultation.answers_due,
            **NAV,
        },
    )


def _create_input(
    request: HttpRequest,
    consultation: Consultation,
    form: InputForm,
    *,
    paragraph: Paragraph | None,
    fallback: str,
) -> HttpResponse | None:
    """Send a valid ``form``; a response to return, or None to show the form again."""
    token = form.cleaned_data.get(once.FIELD, "")
    if not once.claim(token):
        return _already_sent(request, token, fallback)
    item = None
    code = (form.cleaned_data.get("item") or "").strip()
    if code:
        item = Item.objects.filter(plan=consultation.plan, code=code).first()
        if item is None:
            once.release(token)
            form.add_error(
                "item", _("No item with the code “%(code)s” in this plan.") % {"code": code}
            )
            return None
    organisation = None
    if form.cleaned_data.get("organisation"):
        organisation = Organisation.objects.filter(pk=form.cleaned_data["organisation"]).first()
    try:
        with receipt(request):
            created = services.input_create(
                consultation=consultation,
                by=request.user,
                kind=form.cleaned_data.get("kind") or Input.Kind.COMMENT,
                title=form.cleaned_data.get("title") or "",
                body=form.cleaned_data.get("body") or "",
                paragraph=paragraph,
                organisation=organisation,
                item=item,
                attachment=form.cleaned_data.get("attachment"),
                token=token,
                ip=client_ip(request),
            )
    except RateLimited as exc:
        once.release(token)
        return _limited(request, exc)
    except ValidationError as exc:
        once.release(token)
        _add_errors(form, exc)
        return None
    url = created.get_absolute_url()
    once.remember(token, url)
    messages.success(request, _("Your input is published. You will be told when it is answered."))
    return redirect(url)


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@public
@require_http_methods(["GET", "POST"])
def paragraph_detail(request: HttpRequest, slug: str, anchor: str) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, slug)
    paragraph = (
        Paragraph.objects.select_related("section", "item")
        .filter(consultation=consultation, anchor=anchor)
        .first()
    )
    if paragraph is None:
        raise Http404("No such paragraph.")
    may_take_part = has(request.user, "participation.take_part", consultation)
    form = None
    organisations = _my_organisations(request.user) if may_take_part else []
    only = consultation.eligibility == Consultation.Eligibility.VERIFIED_ORGANISATIONS
    if only and not organisations:
        may_take_part = False
    if may_take_part and consultation.is_open:
        form = InputForm(
            request.POST or None,
            request.FILES or None,
            organisations=organisations,
            proposals=False,
            organisations_only=only,
        )
        if request.method == "POST":
            token = request.POST.get(once.FIELD, "")
            if once.seen(token):
                return _already_sent(request, token, request.path)
            if form.is_valid():
                done = _create_input(
                    request, consultation, form, paragraph=paragraph, fallback=request.path
                )
                if done is not None:
                    return done
    elif request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if not consultation.is_open:
            messages.error(request, _("This consultation is not open for input."))
        else:
            messages.error(request, _("You may not take part in this consultation."))
        return redirect(request.path)
    page = selectors.paragraph_inputs(paragraph, page_number=request.GET.get("page", 1))
    return render(
        request,
        "participation/paragraph.html",
        {
            "consultation": consultation,
            "paragraph": paragraph,
            "page": page,
            "form": form,
            "organisations_only": only,
            **NAV,
        },
    )


@allowed_if("participation.take_part")
@require_http_methods(["GET", "POST"])
def input_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A comment on the whole draft, or a proposal."""
    consultation = get_consultation_for_user(request.user, slug)
    if not consultation.is_open:
        messages.error(request, _("This consultation is not open for input."))
        return redirect(consultation)
    organisations = _my_organisations(request.user)
    only = consultation.eligibility == Consultation.Eligibility.VERIFIED_ORGANISATIONS
    if only and not organisations:
        messages.error(
            request,
            _(
                "Only verified organisations take part in this consultation, through their "
                "active members."
            ),
        )
        return redirect(consultation)
    form = InputForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        organisations_only=only,
    )
    if consultation.plan_id is None:
        del form.fields["item"]  # a text's consultation has no plan items to name
    if request.method == "POST":
        token = request.POST.get(once.FIELD, "")
        if once.seen(token):
            return _already_sent(request, token, consultation.get_absolute_url())
        if form.is_valid():
            done = _create_input(request, consultation, form, paragraph=None, fallback=request.path)
            if done is not None:
                return done
    return render(
        request,
        "participation/input_form.html",
        {"consultation": consultation, "form": form, **NAV},
    )


@public
def input_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, slug)
    found = _input(consultation, pk)
    view = selectors.input_page(found, request.user)
    may_take_part = has(request.user, "participation.take_part", consultation)
    organisations = _my_organisations(request.user) if may_take_part else []
    cosign_choices = [o for o in organisations if o.pk != found.organisation_id]
    signed = {c.organisation_id for c in view.cosignatures}
    cosign_choices = [o for o in cosign_choices if o.pk not in signed]
    open_now = consultation.is_open and not found.is_hidden
    return render(
        request,
        "participation/input_detail.html",
        {
            "consultation": consultation,
            "input": found,
            "view": view,
            "reply_form": ReplyForm()
            if may_take_part and open_now and not found.parent_id
            else None,
            "may_support": may_take_part
            and open_now
            and found.author_id != getattr(request.user, "pk", None),
            "cosign_form": CosignForm(organisations=cosign_choices)
            if cosign_choices and open_now and found.kind != Input.Kind.REPLY
            else None,
            "may_edit": can_edit_input(request.user, found),
            "may_respond": can_manage_consultation(request.user, consultation)
            and consultation.has_closed
            and view.response is None,
            **NAV,
        },
    )


@allowed_if("participation.take_part")
@require_POST
def input_reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, slug)
    parent = _input(consultation, pk)
    form = ReplyForm(request.POST)
    token = request.POST.get(once.FIELD, "")
    if once.seen(token) or not once.claim(token):
        return _already_sent(request, token, parent.get_absolute_url())
    if not form.is_valid():
        once.release(token)
        messages.error(request, _("Write your reply before sending it."))
        return redirect(parent.get_absolute_url() + "#reply")
    try:
        with receipt(request):
            services.input_create(
                consultation=consultation,
                by=request.user,
                kind=Input.Kind.REPLY,
                parent=parent,
                body=form.cleaned_data["body"],
                token=token,
                ip=client_ip(request),
            )
    except RateLimited as exc:
        once.release(token)
        return _limited(request, exc)
    except ValidationError as exc:
        once.release(token)
        messages.error(request, " ".join(exc.messages))
        return redirect(parent.get_absolute_url())
    once.remember(token, parent.get_absolute_url())
    messages.success(request, _("Your reply is published."))
    return redirect(parent.get_absolute_url() + "#replies")


@allowed_if("participation.take_part")
@require_POST
def input_support(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, slug)
    found = _input(consultation, pk)
    try:
        with receipt(request):
            if request.POST.get("withdraw"):
                services.support_withdraw(input=found, by=request.user)
                messages.success(request, _("Your support is withdrawn."))
            else:
                services.support_add(input=found, by=request.user, ip=client_ip(request))
                messages.success(request, _("You support this input."))
    except RateLimited as exc:
        return _limited(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(found.get_absolute_url())


@allowed_if("participation.take_part")
@require_POST
def input_cosign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, slug)
    found = _input(consultation, pk)
    form = CosignForm(request.POST, organisations=_my_organisations(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose an organisation you are an active member of."))
        return redirect(found.get_absolute_url())
    organisation = Organisation.objects.get(pk=form.cleaned_data["organisation"])
    try:
        with receipt(request):
            services.cosign_add(input=found, organisation=organisation, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s co-signs this input.") % {"name": organisation.name})
    return redirect(found.get_absolute_url() + "#cosigners")


@allowed_if("participation.edit_input", per_object=True)
@require_http_methods(["GET", "POST"])
def input_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_consultation_for_user(request.user, slug)
    found = _input(consultation, pk)
    if not can_edit_input(request.user, found):
        raise PermissionDenied(
            _("Only the author may edit an input, until the consultation closes.")
        )
    form = InputEditForm(
        request.POST or None,
        initial={"title": found.title, "body": found.body, "version": found.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                services.input_edit(
                    input=found,
                    by=request.user,
                    version=form.cleaned_data["version"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("Your input is changed; the earlier text stays in its history.")
            )
            return redirect(found.get_absolute_url())
    return render(
        request,
        "participation/input_edit.html",
        {"consultation": consultation, "input": found, "form": form, **NAV},
    )


@public
def input_attachment(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    consultation = get_consultation_for_user(request.user, slug)
    found = _input(consultation, pk)
    if not found.attachment or found.is_hidden:
        raise Http404("No attachment.")
    try:
        handle = found.attachment.open("rb")
    except OSError as exc:
        raise Http404("The file is missing.") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=found.attachment_name or "attachment",
        content_type=found.attachment_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@allowed_if("participation.own_inputs")
def my_inputs(request: HttpRequest) -> HttpResponse:
    page = selectors.my_inputs(request.user, page_number=request.GET.get("page", 1))
    return render(request, "participation/my_inputs.html", {"page": page, **NAV})


# Managers ---------------------------------------------------------------------------------


def _consultation_values(form: ConsultationForm) -> dict[str, Any]:
    return {
        name: form.cleaned_data[name]
        for name in services.CONSULTATION_FIELDS
        if name in form.cleaned_data
    }


@allowed_if("participation.create")
@require_http_methods(["GET", "POST"])
def consultation_new(request: HttpRequest) -> HttpResponse:
    plan = None
    plan_slug = request.GET.get("plan") or request.POST.get("plan") or ""
    if plan_slug:
        plan = get_plan_for_user(request.user, plan_slug, write=True)
    plans = list(Plan.objects.filter(pk__in=managed_plans(request.user)).order_by("short_name"))
    form = ConsultationForm(request.POST or None)
    if request.method == "POST":
        token = request.POST.get(once.FIELD, "")
        if once.seen(token):
            return _already_sent(request, token, reverse("participation:list"))
        if form.is_valid():
            if not once.claim(token):
                return _already_sent(request, token, reverse("participation:list"))
            try:
                with receipt(request):
                    made = services.consultation_create(
                        by=request.user, plan=plan, **_consultation_values(form)
                    )
            except ValidationError as exc:
                once.release(token)
                _add_errors(form, exc)
            else:
                url = reverse("participation:draft", args=[made.slug])
                once.remember(token, url)
                messages.success(
                    request, _("The consultation is created. Now give its draft text.")
                )
                return redirect(url)
    return render(
        request,
        "participation/consultation_form.html",
        {"form": form, "plan": plan, "plans": plans, **NAV},
    )


def _version(raw: str, current: int) -> int:
    """The version the form was opened at; garbage counts as stale (refused with a message)."""
    if not raw:
        return current
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else -1


@allowed_if("participation.manage", per_object=True)
@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _manage(request, slug)
    form = ConsultationForm(
        request.POST or None, instance=Consultation.objects.get(pk=consultation.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                services.consultation_update(
                    consultation=consultation,
                    by=request.user,
                    version=_version(request.POST.get("version", ""), consultation.version),
                    **_consultation_values(form),
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The consultation is saved."))
            return redirect(consultation)
    return render(
        request,
        "participation/consultation_form.html",
        {"form": form, "consultation": consultation, **NAV},
    )


@allowed_if("participation.manage", per_object=True)
@require_http_methods(["GET", "POST"])
def consultation_draft(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _manage(request, slug)
    form = DraftForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                upload = form.cleaned_data.get("file")
                if upload is not None:
                    services.consultation_draft_import(
                        consultation=consultation,
                        by=request.user,
                        data=upload.read(),
                        name=upload.name or "draft",
                    )
                else:
                    code = form.cleaned_data["root"].strip()
                    root = Item.objects.filter(plan=consultation.plan, code=code).first()
                    if root is None:
                        raise ValidationError(
                            {
                                "root": [
                                    _("No item with the code “%(code)s” in this plan.")
                                    % {"code": code}
                                ]
                            }
                        )
                    services.consultation_draft_from_items(
                        consultation=consultation, by=request.user, root=root
                    )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The draft text is stored."))
            return redirect(consultation)
    return render(
        request,
        "participation/draft_form.html",
        {"form": form, "consultation": consultation, **NAV},
    )


def _ids(values: list[str]) -> list[int]:
    """The ids among ``values`` a database key can hold (garbage and huge numbers dropped)."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 18]


@allowed_if("participation.respond", per_object=True)
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, slug: str) -> HttpResponse:
    """One response to one or several inputs (checkboxes), once the consultation closed."""
    consultation = _manage(request, slug)
    page = selectors.inputs_to_answer(consultation, page_number=request.GET.get("page", 1))
    candidates = list(page.object_list)
    chosen = _ids(request.GET.getlist("input"))
    # Inputs chosen from elsewhere (an input's own page, another page of this list) stay
    # choosable: one more query, whatever their number.
    wanted = set(chosen) | set(_ids(request.POST.getlist("inputs")))
    missing = wanted - {i.pk for i in candidates}
    if missing:
        candidates += list(selectors.unanswered(consultation).filter(pk__in=missing))
    bodies = list(
        Organisation.objects.filter(
            kind__in=[Organisation.Kind.GOVERNMENT, Organisation.Kind.PARLIAMENT],
            retired_at__isnull=True,
        ).order_by("name_en", "name_mn")
    )
    form = ResponseForm(
        request.POST or None,
        inputs=candidates,
        bodies=bodies,
        initial={"inputs": chosen, "responded_on": timezone.localdate()},
    )
    if request.method == "POST":
        token = request.POST.get(once.FIELD, "")
        if once.seen(token):
            return _already_sent(request, token, request.path)
        if form.is_valid():
            if not once.claim(token):
                return _already_sent(request, token, request.path)
            done = _publish(request, consultation, form, token)
            if done is not None:
                return done
    return render(
        request,
        "participation/respond.html",
        {
            "consultation": consultation,
            "form": form,
            "page": page,
            "rows": {i.pk: i for i in candidates},
            "missing": services.needs_response(consultation).count(),
            **NAV,
        },
    )


def _publish(
    request: HttpRequest, consultation: Consultation, form: ResponseForm, token: str
) -> HttpResponse | None:
    codes, anchors = form.codes("items"), form.codes("paragraphs")
    items = list(Item.objects.filter(plan=consultation.plan, code__in=codes))
    paragraphs = list(Paragraph.objects.filter(consultation=consultation, anchor__in=anchors))
    missing_codes = sorted(set(codes) - {i.code for i in items})
    missing_anchors = sorted(set(anchors) - {p.anchor for p in paragraphs})
    if missing_codes:
        form.add_error(
            "items",
            _("No such item in this plan: %(codes)s.") % {"codes": ", ".join(missing_codes)},
        )
    if missing_anchors:
        form.add_error(
            "paragraphs",
            _("No such paragraph here: %(anchors)s.") % {"anchors": ", ".join(missing_anchors)},
        )
    if missing_codes or missing_anchors:
        once.release(token)
        return None
    inputs = list(
        Input.objects.filter(consultation=consultation, pk__in=form.cleaned_data["inputs"])
    )
    for i in inputs:
        i.consultation = consultation
    try:
        with receipt(request):
            services.response_publish(
                inputs=inputs,
                by=request.user,
                status=form.cleaned_data["status"],
                explanation_mn=form.cleaned_data["explanation_mn"],
                explanation_en=form.cleaned_data["explanation_en"],
                responding_body=Organisation.objects.filter(
                    pk=form.cleaned_data.get("responding_body") or 0
                ).first(),
                responding_body_name=form.cleaned_data["responding_body_name"],
                responded_on=form.cleaned_data["responded_on"],
                items=items,
                paragraphs=paragraphs,
            )
    except ValidationError as exc:
        once.release(token)
        _add_errors(form, exc)
        return None
    once.remember(token, request.path)
    messages.success(
        request,
        _(
            "The response is published to %(n)s input(s); their authors, co-signers and "
            "supporters are told."
        )
        % {"n": len(inputs)},
    )
    return redirect(request.path)


@allowed_if("participation.respond", per_object=True)
@require_POST
def mark_answered(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _manage(request, slug)
    try:
        with receipt(request):
            if request.POST.get("report"):
                services.consultation_close_with_report(consultation=consultation, by=request.user)
            else:
                services.consultation_mark_answered(consultation=consultation, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("participation:respond", args=[slug]))
    messages.success(request, _("The consultation is marked answered."))
    return redirect(consultation)
