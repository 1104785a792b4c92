"""Every role × action × object cell, through the real pages, judged by its effect.

Each cell signs a persona in, sends the real request (a POST with the CSRF token taken
from the site's cookie, with ``enforce_csrf_checks``), and compares the rows the action
would change before and after. A cell is

- allowed: the rows changed (or, for a page that only shows data, the data was shown)
  and the answer was 2xx/3xx;
- refused: nothing changed and the answer was 403, 404 or a redirect to sign in (or to
  the second step); never a 500.

"own" targets belong to the persona (the plan they manage, their organisation, an item
their agency is responsible for, their own account). "other" targets belong to someone
else: another plan, organisation, item, update or user. "mixed" cells put another
object's id under the persona's own plan or organisation (IDOR). The world is built
once per module; each cell runs in its own rolled-back savepoint.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from plantrack.accounts.models import User
from plantrack.accounts.permissions import ASSESSORS, MODERATORS, PLAN_MANAGERS
from plantrack.history.services import record
from plantrack.organisations.models import FieldOfActivity, Membership, Organisation, Region
from plantrack.plans.forms import ItemForm, PlanForm
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Item, Plan, Responsibility
from plantrack.plans.services import plan_import
from plantrack.plans.tree import item_add, item_retire
from plantrack.progress.models import Indicator, IndicatorTarget, ProgressUpdate, ReportingPeriod

from .conftest import sign_in_verified

ROLES = [
    "visitor",
    "citizen",
    "cso_member",
    "cso_admin",
    "agency_reporter",
    "plan_manager",
    "assessor",
    "moderator",
    "site_admin",
    "staff_user",
]
SIGNED_IN = frozenset(ROLES) - {"visitor"}
PASSWORD = "pw-matrix-1"
ALLOWED, REFUSED = "allowed", "refused"
REFUSAL_REDIRECTS = ("/accounts/sign-in/", "/admin/login/", "/accounts/two-step/")


# -- The world: two small plans, agencies, CSOs, personas and the people around them -----


def _csv(short_name: str, title: str, *, suffix: str = "") -> bytes:
    rows = [
        f"# title: {title}",
        f"# short_name: {short_name}",
        "# start_year: 2025",
        "code,kind,title,parent_code",
        f"1,area,{title} area,",
        *(f"1.{n},activity,{title} activity {n}{suffix},1" for n in range(1, 5)),
    ]
    return ("\n".join(rows) + "\n").encode()


def _user(email: str, **extra: Any) -> User:
    return User.objects.create_user(email, PASSWORD, display_name=email.split("@")[0], **extra)


def _org(
    slug: str, kind: str, *, verified: bool = True, self_registered: bool = False, **extra: Any
) -> Organisation:
    organisation = Organisation.objects.create(
        slug=slug,
        name_en=slug.replace("-", " ").title(),
        kind=kind,
        self_registered=self_registered,
        verified_at=timezone.now() if verified else None,
        region=Region.objects.order_by("pk").first(),
        **extra,
    )
    organisation.fields.set([FieldOfActivity.objects.order_by("pk").first()])
    return organisation


def _member(user: User, organisation: Organisation, role: str, state: str = "active") -> Membership:
    return Membership.objects.create(user=user, organisation=organisation, role=role, state=state)


def _build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    for slug, title in (("alpha-plan", "Alpha"), ("beta-plan", "Beta")):
        plan_import(parsed=parse_bytes(_csv(slug, title)), system=True)
    w.plan_a, w.plan_b = Plan.objects.get(slug="alpha-plan"), Plan.objects.get(slug="beta-plan")
    item = {
        (p, n): Item.objects.get(plan=plan, code=f"1.{n}")
        for p, plan in (("a", w.plan_a), ("b", w.plan_b))
        for n in range(1, 5)
    }
    w.item = item
    # Issue 11: a measured and a text-only indicator on an activity of each plan, a period.
    w.indicator, w.text_indicator, w.period = {}, {}, {}
    for p, plan in (("a", w.plan_a), ("b", w.plan_b)):
        w.indicator[p] = Indicator.objects.create(
            item=item[p, 2], position=1, title_en="Trained", measured=True
        )
        w.text_indicator[p] = Indicator.objects.create(
            item=item[p, 2], position=2, title_en="Text only"
        )
        w.period[p] = ReportingPeriod.objects.create(
            plan=plan, starts_on="2026-01-01", ends_on="2026-03-31", due_on="2026-04-30"
        )
    # A retired top-level item in each plan, for the restore cells.
    w.retired = {}
    for p, plan in (("a", w.plan_a), ("b", w.plan_b)):
        admin = User(is_superuser=True, is_active=True)  # a system stand-in, never saved
        gone = item_add(
            plan=plan, values={"code": "9", "kind": "area", "title_en": "Gone"}, by=admin
        )
        item_retire(item=gone, reason="Dropped", version=gone.version, by=admin)
        w.retired[p] = gone

    w.agency = _org("patrol-agency", "law_enforcement", acronym="NPA")
    w.other_agency = _org("other-agency", "government")
    w.mgr_agency = _org("manager-agency", "government")
    w.own_cso = _org("own-cso", "cso", self_registered=True)
    w.other_cso = _org("other-cso", "cso", self_registered=True)
    # Self-registered and unverified, with an acronym an import could match (issue 7 item 4).
    w.ncsa = _org("ncsa", "cso", verified=False, self_registered=True, acronym="NCSA")
    w.pending_cso = _org("pending-cso", "cso", verified=False, self_registered=True)
    w.third_org = _org("third-org", "international")

    p: dict[str, User] = {}
    p["citizen"] = _user("citizen@example.org")
    p["cso_member"] = _user("cso-member@example.org")
    p["cso_admin"] = _user("cso-admin@example.org")
    p["agency_reporter"] = _user("reporter@example.org")
    p["plan_manager"] = _user("manager@example.org")
    p["assessor"] = _user("assessor@example.org")
    p["moderator"] = _user("moderator@example.org")
    p["site_admin"] = _user("admin@example.org", is_superuser=True, is_staff=True)
    p["staff_user"] = _user("staff@example.org", is_staff=True)
    p["staff_user"].user_permissions.add(
        Permission.objects.get(codename="change_user", content_type__app_label="accounts")
    )
    groups = {
        name: Group.objects.get_or_create(name=name)[0]
        for name in (PLAN_MANAGERS, ASSESSORS, MODERATORS)
    }
    p["plan_manager"].groups.add(groups[PLAN_MANAGERS])
    p["assessor"].groups.add(groups[ASSESSORS])
    p["moderator"].groups.add(groups[MODERATORS])
    w.plan_a.managers.add(p["plan_manager"])
    w.persona = p

    others = {
        name: _user(f"{name}@example.org")
        for name in ("bea", "rex", "otto", "fiona", "felix", "rita", "ruth", "pat", "ivan", "nina")
    }
    others["bea"].groups.add(groups[PLAN_MANAGERS])
    w.plan_b.managers.add(others["bea"])
    w.other = others
    # Two drafts: one the plan manager manages, one Bea does.
    for slug, manager in (("draft-a", p["plan_manager"]), ("draft-b", others["bea"])):
        plan_import(parsed=parse_bytes(_csv(slug, slug.title())), system=True, draft=True)
        Plan.objects.get(slug=slug).managers.add(manager)
    w.draft_a, w.draft_b = Plan.objects.get(slug="draft-a"), Plan.objects.get(slug="draft-b")

    _member(p["cso_admin"], w.own_cso, "admin")
    _member(p["cso_member"], w.own_cso, "member")  # a plain member
    _member(p["cso_admin"], w.ncsa, "admin")
    _member(p["agency_reporter"], w.agency, "reporter")
    _member(p["plan_manager"], w.mgr_agency, "reporter")
    _member(others["rex"], w.other_agency, "reporter")
    _member(others["otto"], w.other_cso, "admin")
    _member(others["pat"], w.pending_cso, "admin")
    w.own_filler = _member(others["fiona"], w.own_cso, "member")
    w.other_filler = _member(others["felix"], w.other_cso, "member")
    w.own_request = _member(others["rita"], w.own_cso, "member", "requested")
    w.other_request = _member(others["ruth"], w.other_cso, "member", "requested")
    # An invitation waiting for every signed-in persona, and one for someone else.
    w.invitation = {
        role: _member(user, w.third_org, "member", "invited") for role, user in p.items()
    }
    w.other_invitation = _member(others["ivan"], w.third_org, "member", "invited")

    links = [
        (item["a", 1], w.agency),
        (item["a", 2], w.other_agency),
        (item["a", 3], w.mgr_agency),
        (item["a", 4], w.ncsa),
        (item["b", 1], w.other_agency),
        (item["b", 2], w.other_agency),
    ]
    w.resp = [Responsibility.objects.create(item=i, organisation=o, role="lead") for i, o in links]

    def update(item: Item, organisation: Organisation, author: User) -> ProgressUpdate:
        return ProgressUpdate.objects.create(
            item=item,
            organisation=organisation,
            author=author,
            status="in_progress",
            progress=40,
            note="Done.",
        )

    w.own_update = update(item["a", 1], w.agency, p["agency_reporter"])
    w.other_update = update(item["b", 1], w.other_agency, others["rex"])
    # The plan manager also reports for an agency responsible for an item of their plan.
    w.self_update = update(item["a", 3], w.mgr_agency, p["plan_manager"])
    # A history event only the plan's managers see, on each plan.
    for upd in (w.own_update, w.other_update):
        record(
            upd,
            "submitted",
            by=upd.author,
            plan_id=upd.item.plan_id,
            item_id=upd.item_id,
            public=False,
            reason=f"private-note-{upd.pk}",
        )

    # Issue 13: an open survey on each plan, with a written answer waiting for moderation.
    from plantrack.surveys import services as survey_services

    w.survey, w.survey_question, w.survey_answer = {}, {}, {}
    for key, plan, manager in (("a", w.plan_a, p["plan_manager"]), ("b", w.plan_b, others["bea"])):
        survey = survey_services.survey_create(
            by=manager, plan=plan, slug=f"survey-{key}", title_en=f"Survey {key}"
        )
        question = survey_services.question_save(
            survey=survey, by=manager, values={"kind": "short_text", "text_en": "Why?"}
        )
        survey_services.survey_set_state(survey=survey, by=manager, state="open")
        response = survey_services.response_submit(
            survey=survey, by=others["nina"], data={f"q-{question.pk}": f"Answer {key}"}
        )
        w.survey[key], w.survey_question[key] = survey, question
        w.survey_answer[key] = response.answers.get()

    # Every account has a confirmed second factor (so "setup when a device exists" applies).
    for user in [*p.values(), *others.values()]:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    # Issue 13: consultations on each plan — open ones with a draft and an input by each
    # persona, closed ones with an input to answer, closed empty ones to mark answered.
    _participation_world(w)
    _moderation_world(w)  # h-e: flags, hidden inputs, a block
    _meetings_world(w)
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Built once; every cell's own transaction is a savepoint inside this one."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ):
                yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# -- Requests ---------------------------------------------------------------------------


def _csrf(client: Client) -> str:
    """The token the site handed out in its cookie, as a browser's form would send it."""
    if "csrftoken" not in client.cookies:
        client.get("/en/accounts/privacy/")  # any page with a form (sign-out) sets it
    if "csrftoken" not in client.cookies:
        client.get("/en/accounts/sign-in/")
    return client.cookies["csrftoken"].value


def _post(client: Client, url: str, data: dict | None = None, **extra: Any):  # type: ignore[no-untyped-def]
    payload = dict(data or {})
    payload["csrfmiddlewaretoken"] = _csrf(client)
    return client.post(url, payload, **extra)


def _form_data(instance: Any, fields: list[str], **changes: Any) -> dict:
    data = {}
    for name, value in model_to_dict(instance, fields=fields).items():
        if isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = "" if value is None else value
    # The edit forms carry the version the page showed, as a browser sends it.
    if hasattr(instance, "version"):
        data["version"] = instance.version
    data.update(changes)
    return data


ORG_FIELDS = [
    "name_mn",
    "name_en",
    "acronym",
    "kind",
    "registration_number",
    "fields",
    "target_groups",
    "region",
    "soum",
    "setting",
    "contact_email",
    "contact_phone",
    "website",
    "description_mn",
    "description_en",
]


def _row(model: Any, pk: int, *fields: str) -> tuple:
    return tuple(model.objects.filter(pk=pk).values_list(*fields).first() or ())


def _plan_rows(plan_pk: int) -> tuple:
    plan = tuple(Plan.objects.filter(pk=plan_pk).values_list().first() or ())
    items = tuple(Item.objects.filter(plan_id=plan_pk).order_by("pk").values_list())
    return plan, items


# -- Actions ------------------------------------------------------------------------------

Run = Callable[[Client, SimpleNamespace, "User | None", str], Any]
Probe = Callable[[SimpleNamespace, str], Any]


@dataclass(frozen=True)
class Action:
    name: str
    target: str  # own | other | mixed | -
    allowed: frozenset[str]
    run: Run
    probe: Probe | None = None  # rows before/after; None for pages that only show data
    shown: Callable[[Any, SimpleNamespace, str], bool] | None = None  # evidence a page showed
    # Nothing changed and the answer was a form re-shown with an error (200) or a redirect
    # with a message (302): also a refusal, for actions whose danger is only the effect.
    soft_refusal: bool = False
    password_only: bool = False  # signed in without the second factor: the cell tests it
    method: str = "post"

    @property
    def id(self) -> str:
        return f"{self.name}|{self.target}"


def only(*roles: str) -> frozenset[str]:
    return frozenset(roles)


MANAGERS = only("plan_manager", "site_admin")
ORG_ADMINS = only("cso_admin", "site_admin")
NOBODY = only()


def _me(w: SimpleNamespace, role: str) -> User | None:
    return w.persona.get(role)


# Plans and items.


def plan_edit(target: str) -> Action:
    plan = "plan_a" if target == "own" else "plan_b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        obj = getattr(w, plan)
        data = _form_data(obj, PlanForm.Meta.fields, issuer="Changed by the matrix")
        return _post(c, f"/en/plans/{obj.slug}/edit/", data)

    return Action(
        "plan edit",
        target,
        MANAGERS if target == "own" else only("site_admin"),
        run,
        lambda w, r: _row(Plan, getattr(w, plan).pk, "issuer"),
    )


def item_edit(target: str) -> Action:
    key = ("a", 2) if target == "own" else ("b", 2)

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        item = Item.objects.get(pk=w.item[key].pk)
        data = _form_data(item, list(ItemForm.Meta.fields), title_en="Changed by the matrix")
        data["version"] = item.version
        return _post(c, f"/en/plans/{item.plan.slug}/items/{item.code}/edit/", data)

    return Action(
        "item edit",
        target,
        MANAGERS if target == "own" else only("site_admin"),
        run,
        lambda w, r: _row(Item, w.item[key].pk, "title_en", "version"),
    )


def responsibility_add(target: str) -> Action:
    key = ("a", 2) if target == "own" else ("b", 2)

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        item = w.item[key]
        url = f"/en/plans/{item.plan.slug}/items/{item.code}/responsibilities/add/"
        return _post(c, url, {"organisation": w.own_cso.pk, "role": "partner"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        return sorted(
            Responsibility.objects.filter(item=w.item[key]).values_list("organisation_id", "role")
        )

    return Action(
        "responsibility add",
        target,
        MANAGERS if target == "own" else only("site_admin"),
        run,
        probe,
    )


def responsibility_remove(target: str) -> Action:
    # own: A 1.2's link; other: B 1.2's link; mixed: plan A's URL with B's link id.
    index = {"own": 1, "other": 5, "mixed": 5}[target]
    url_key = ("b", 2) if target == "other" else ("a", 2)

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        item = w.item[url_key]
        pk = w.resp[index].pk
        return _post(
            c, f"/en/plans/{item.plan.slug}/items/{item.code}/responsibilities/{pk}/remove/"
        )

    allowed = {"own": MANAGERS, "other": only("site_admin"), "mixed": NOBODY}[target]
    return Action(
        "responsibility remove",
        target,
        allowed,
        run,
        lambda w, r: Responsibility.objects.filter(pk=w.resp[index].pk).exists(),
    )


def plan_publish(target: str) -> Action:
    plan = "draft_a" if target == "own" else "draft_b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return _post(c, f"/en/plans/{getattr(w, plan).slug}/publish/")

    return Action(
        "plan publish",
        target,
        MANAGERS if target == "own" else only("site_admin"),
        run,
        lambda w, r: _row(Plan, getattr(w, plan).pk, "published_at"),
    )


def draft_page(target: str) -> Action:
    """A draft's page exists for its managers and the site administrators only."""
    plan = "draft_a" if target == "own" else "draft_b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return c.get(f"/en/plans/{getattr(w, plan).slug}/items/1.1/")

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        return response.status_code == 200 and "activity 1" in response.content.decode()

    return Action(
        "draft item page",
        target,
        MANAGERS if target == "own" else only("site_admin"),
        run,
        shown=shown,
        method="get",
    )


# Items added, moved, retired and restored by hand (plans/tree.py).


def _tree_rows(plan: Plan) -> tuple:
    return tuple(
        Item.objects.filter(plan=plan)
        .order_by("pk")
        .values_list("code", "parent_id", "path", "retired_at")
    )


def _both_trees(w: SimpleNamespace, role: str) -> tuple:
    return _tree_rows(w.plan_a), _tree_rows(w.plan_b)


def item_add_action(target: str, *, child: bool) -> Action:
    plan = "plan_a" if target == "own" else "plan_b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        slug = getattr(w, plan).slug
        url = f"/en/plans/{slug}/items/1/add-child/" if child else f"/en/plans/{slug}/add-item/"
        data = {"code": "1.7", "kind": "activity", "title_en": "Added by the matrix", "weight": 1}
        return _post(c, url, data)

    name = "item add child" if child else "item add"
    allowed = MANAGERS if target == "own" else only("site_admin")
    return Action(name, target, allowed, run, _both_trees)


def item_move_action(target: str) -> Action:
    """own: A's 1.4 first under A's 1; other: B's; mixed: A's item under B's item id."""
    key = ("b", 4) if target == "other" else ("a", 4)

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        item = Item.objects.get(pk=w.item[key].pk)
        parent = str(w.item["b", 1].parent_id) if target == "mixed" else "1"
        data = {"parent": parent, "position": "first", "version": item.version}
        return _post(c, f"/en/plans/{item.plan.slug}/items/{item.code}/move/", data)

    allowed = {"own": MANAGERS, "other": only("site_admin"), "mixed": NOBODY}[target]
    return Action("item move", target, allowed, run, _both_trees, soft_refusal=target == "mixed")


def item_retire_action(target: str) -> Action:
    key = ("a", 3) if target == "own" else ("b", 3)

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        item = Item.objects.get(pk=w.item[key].pk)
        data = {"reason": "Retired by the matrix", "version": item.version}
        return _post(c, f"/en/plans/{item.plan.slug}/items/{item.code}/retire/", data)

    allowed = MANAGERS if target == "own" else only("site_admin")
    return Action("item retire", target, allowed, run, _both_trees)


def item_restore_action(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        item = Item.objects.get(pk=w.retired[key].pk)
        url = f"/en/plans/{item.plan.slug}/items/{item.code}/restore/"
        return _post(c, url, {"version": item.version})

    allowed = MANAGERS if target == "own" else only("site_admin")
    return Action("item restore", target, allowed, run, _both_trees)


def retired_list(target: str) -> Action:
    plan = "plan_a" if target == "own" else "plan_b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return c.get(f"/en/plans/{getattr(w, plan).slug}/retired/")

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        return response.status_code == 200 and "Dropped" in response.content.decode()

    allowed = MANAGERS if target == "own" else only("site_admin")
    return Action("retired items list", target, allowed, run, shown=shown, method="get")


# Import: upload (preview), read again with other choices, and confirm.

STAGING = "import-staging"


def _token(response: Any) -> str | None:
    if response.status_code != 200:
        return None
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else None


def _upload(c: Client, content: bytes, slug: str = ""):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("plan.csv", content, content_type="text/csv")
    return _post(c, "/en/plans/import/", {"file": upload, "slug": slug})


def import_upload() -> Action:
    """The preview is a dry run: the evidence is the preview's token, and a refused upload
    stages no file."""

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return _upload(c, _csv("alpha-plan", "Alpha", suffix=" revised"))

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        from django.conf import settings

        if _token(response):
            return True
        folder = Path(settings.MEDIA_ROOT) / STAGING
        assert not (folder.exists() and any(folder.iterdir())), "a refused upload was staged"
        return False

    return Action("import upload (preview)", "own", MANAGERS, run, shown=shown)


OUTLINE = b"# Gamma Outline Plan 2025\n\n1. Area\n\n1.1 First step\n\n1.2 Second step\n"


def import_reread() -> Action:
    """Reading the staged file again with other kinds is a dry run too: the evidence is
    a new preview showing the kind chosen; a persona without a preview has no token."""

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("plan.md", OUTLINE, content_type="text/markdown")
        token = _token(_post(c, "/en/plans/import/", {"file": upload, "slug": ""}))
        data = {"token": token or secrets.token_hex(16), "level_0": "goal", "level_1": "stage"}
        return _post(c, "/en/plans/import/reread/", data)

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        return bool(_token(response)) and '<span class="kind">stage</span>' in (
            response.content.decode()
        )

    return Action("import reread (preview)", "own", MANAGERS, run, shown=shown)


def import_confirm(target: str) -> Action:
    """Upload then confirm, as the preview page does. A persona the upload refuses tries a
    token staged behind its back (a leaked or guessed preview)."""
    if target == "own":
        content, slug, victim = _csv("alpha-plan", "Alpha", suffix=" revised"), "", "plan_a"
        allowed = MANAGERS
    elif target == "other":
        content, slug, victim = (
            _csv("alpha-plan", "Alpha", suffix=" hijacked"),
            "beta-plan",
            "plan_b",
        )
        allowed = only("site_admin")
    elif target == "case":  # slug attack: the file's short name is B's in another case
        content, slug, victim = _csv("Beta-Plan", "Beta", suffix=" hijacked"), "", "plan_b"
        allowed = only("site_admin")
    else:  # slug attack: the form's web-address field is B's slug in another case
        content, slug, victim = (
            _csv("alpha-plan", "Beta", suffix=" hijacked"),
            "BETA-plan",
            "plan_b",
        )
        allowed = only("site_admin")

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        from django.conf import settings

        response = _upload(c, content, slug)
        token = _token(response)
        if token is None:
            token = secrets.token_hex(16)
            folder = Path(settings.MEDIA_ROOT) / STAGING
            folder.mkdir(parents=True, exist_ok=True)
            (folder / token).write_bytes(content)
        data = {"token": token, "slug": slug, "name": "plan.csv"}
        return _post(c, "/en/plans/import/confirm/", data)

    name = {
        "case": "import confirm (short name in another case)",
        "case field": "import confirm (web address field in another case)",
    }.get(target, "import confirm")
    return Action(
        name,
        "other" if target.startswith("case") else target,
        allowed,
        run,
        lambda w, r: _plan_rows(getattr(w, victim).pk),
        soft_refusal=True,  # "the preview has expired, upload again" is a refusal too
    )


# Assessment files: the upload-with-preview page (issue 12, item 7).

ASSESSORS_ONLY = only("assessor", "site_admin")


def _assessment_upload(c: Client):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plantrack.assessments.generate import sample_assessment
    from plantrack.assessments.importers.template_writer import template_csv

    upload = SimpleUploadedFile("scores.csv", template_csv(sample_assessment()), "text/csv")
    return _post(c, "/en/assessments/import/", {"file": upload, "official": "official"})


def assessment_import_upload() -> Action:
    """The preview is a dry run: the evidence is its token; a refusal stages no file."""

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return _assessment_upload(c)

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        from django.conf import settings

        if _token(response):
            return True
        folder = Path(settings.MEDIA_ROOT) / STAGING
        assert not (folder.exists() and any(folder.iterdir())), "a refused upload was staged"
        return False

    return Action("assessment import upload (preview)", "own", ASSESSORS_ONLY, run, shown=shown)


def assessment_import_confirm() -> Action:
    """Upload then confirm, as the preview does; a persona the upload refuses sends a token
    of its own making (a guessed or leaked preview)."""

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        token = _token(_assessment_upload(c)) or secrets.token_hex(16)
        return _post(c, "/en/assessments/import/confirm/", {"token": token, "after": "draft"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.assessments.models import Framework, Rating, Round

        return (Framework.objects.count(), Round.objects.count(), Rating.objects.count())

    return Action("assessment import confirm", "own", ASSESSORS_ONLY, run, probe)


# Progress reports and their review.


def report(target: str) -> Action:
    key = {"own": ("a", 1), "other": ("a", 2), "other plan": ("b", 2), "unverified": ("a", 4)}[
        target
    ]

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        item = w.item[key]
        data = {"status": "in_progress", "progress": 55, "note": "Matrix report."}
        # The plan has a reporting period, so a report names it (the form's default).
        data["period"] = w.period[key[0]].pk
        return _post(c, f"/en/plans/{item.plan.slug}/items/{item.code}/report/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        return sorted(ProgressUpdate.objects.filter(item=w.item[key]).values_list("pk", flat=True))

    name = {
        "own": ("progress report", "own"),
        "other": ("progress report", "other"),
        "other plan": ("progress report (other plan)", "other"),
        "unverified": ("progress report (item of an unverified organisation)", "own"),
    }[target]
    # The agency's reporters report on its items; the plan's managers (site administrators
    # manage every plan) may report on any item of their plan, never on another plan's.
    allowed = {
        "own": MANAGERS | {"agency_reporter"},
        "other": MANAGERS,
        "other plan": only("site_admin"),
        "unverified": MANAGERS,
    }[target]
    return Action(name[0], name[1], allowed, run, probe)


def review(decision: str, target: str) -> Action:
    update = {
        "own": "own_update",
        "other": "other_update",
        "mixed": "other_update",
        "self": "self_update",
    }[target]
    plan = "plan_b" if target == "other" else "plan_a"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        pk = getattr(w, update).pk
        data = {"decision": decision, "review_note": "Please add evidence."}
        return _post(c, f"/en/plans/{getattr(w, plan).slug}/updates/{pk}/review/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        found = getattr(w, update)
        return _row(ProgressUpdate, found.pk, "state", "reviewed_by"), _row(
            Item, found.item_id, "status", "progress"
        )

    allowed = {
        "own": MANAGERS,
        "other": only("site_admin"),
        "mixed": NOBODY,
        "self": only("site_admin"),
    }[target]
    verb = "progress approve" if decision == "approve" else "progress return"
    name = f"{verb} (the reviewer's own report)" if target == "self" else verb
    return Action(name, "own" if target == "self" else target, allowed, run, probe)


# Organisations and memberships.


def _org_of(w: SimpleNamespace, target: str) -> Organisation:
    return w.own_cso if target in ("own", "mixed") else w.other_cso


def organisation_edit(target: str, **changes: Any) -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        organisation = Organisation.objects.get(pk=_org_of(w, target).pk)
        data = _form_data(
            organisation, ORG_FIELDS, **(changes or {"contact_phone": "+976 9999 0000"})
        )
        return _post(c, f"/en/organisations/{organisation.slug}/edit/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        return _row(Organisation, _org_of(w, target).pk, "contact_phone", "kind")

    if changes:
        return Action(
            "organisation edit (kind = law enforcement)",
            target,
            only("site_admin"),
            run,
            probe,
            soft_refusal=True,
        )
    return Action(
        "organisation edit",
        target,
        ORG_ADMINS if target == "own" else only("site_admin"),
        run,
        probe,
    )


def members_list(target: str) -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return c.get(f"/en/organisations/{_org_of(w, target).slug}/members/")

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        filler = w.own_filler if target == "own" else w.other_filler
        return response.status_code == 200 and filler.user.display_name in response.content.decode()

    return Action(
        "members list",
        target,
        ORG_ADMINS if target == "own" else only("site_admin"),
        run,
        shown=shown,
        method="get",
    )


def history_private(page: str, target: str) -> Action:
    """The history pages are public, but events that are not (a submitted update) are
    shown only to the plan's managers and the reporters of the update's organisation."""

    def subject(w: SimpleNamespace) -> ProgressUpdate:
        return w.own_update if target == "own" else w.other_update

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        item = subject(w).item
        if page == "plan":
            return c.get(f"/en/plans/{item.plan.slug}/history/")
        return c.get(f"/en/plans/{item.plan.slug}/items/{item.code}/history/")

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        marker = f"private-note-{subject(w).pk}"
        return response.status_code == 200 and marker in response.content.decode()

    allowed = MANAGERS | {"agency_reporter"} if target == "own" else only("site_admin")
    return Action(
        f"{page} history: events not public",
        target,
        allowed,
        run,
        shown=shown,
        method="get",
        soft_refusal=True,  # the page is public: answering without those events is the refusal
    )


def update_page(target: str) -> Action:
    """A submitted update's page: its organisation's reporters, the plan's managers and the
    site administrators; a 404 for everyone else."""

    def subject(w: SimpleNamespace) -> ProgressUpdate:
        return w.own_update if target == "own" else w.other_update

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        update = subject(w)
        return c.get(f"/en/plans/{update.item.plan.slug}/updates/{update.pk}/")

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        marker = f"private-note-{subject(w).pk}"
        return response.status_code == 200 and marker in response.content.decode()

    allowed = MANAGERS | {"agency_reporter"} if target == "own" else only("site_admin")
    return Action(
        "progress update page (submitted)", target, allowed, run, shown=shown, method="get"
    )


def membership(verb: str, target: str) -> Action:
    def subject(w: SimpleNamespace) -> Membership:
        if verb == "approve":
            return w.own_request if target == "own" else w.other_request
        return w.own_filler if target == "own" else w.other_filler

    path, data = {
        "approve": ("decide", {"decision": "approve"}),
        "remove": ("remove", {}),
        "role change": ("role", {"role": "reporter"}),
    }[verb]

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        url = f"/en/organisations/{_org_of(w, target).slug}/members/{subject(w).pk}/{path}/"
        return _post(c, url, data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        return _row(Membership, subject(w).pk, "state", "role")

    allowed = {"own": ORG_ADMINS, "other": only("site_admin"), "mixed": NOBODY}[target]
    return Action(f"membership {verb}", target, allowed, run, probe)


def invite(target: str) -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        data = {"email": w.other["nina"].email, "role": "reporter"}
        return _post(c, f"/en/organisations/{_org_of(w, target).slug}/members/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        return sorted(
            Membership.objects.filter(user=w.other["nina"]).values_list("organisation_id", "state")
        )

    return Action(
        "invitation send", target, ORG_ADMINS if target == "own" else only("site_admin"), run, probe
    )


def invitation_accept(target: str) -> Action:
    def subject(w: SimpleNamespace, role: str) -> Membership:
        if target == "own" and role in w.invitation:
            return w.invitation[role]
        return w.other_invitation

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return _post(c, f"/en/organisations/invitations/{subject(w, r).pk}/", {"accept": "1"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        return _row(Membership, subject(w, r).pk, "state")

    return Action("invitation accept", target, SIGNED_IN if target == "own" else NOBODY, run, probe)


def organisation_verify(decision: str, target: str) -> Action:
    def subject(w: SimpleNamespace) -> Organisation:
        if decision == "verify":  # own: the CSO admin's own unverified registration
            return w.ncsa if target == "own" else w.pending_cso
        return w.own_cso if target == "own" else w.other_cso

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        data = {} if decision == "verify" else {"verified": "0"}
        return _post(c, f"/en/organisations/{subject(w).slug}/verify/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        return _row(Organisation, subject(w).pk, "verified_at", "verified_by")

    name = "organisation verify" if decision == "verify" else "organisation return (unverify)"
    return Action(name, target, only("site_admin"), run, probe)


def organisation_decide(decision: str, target: str) -> Action:
    """Return a registration with a note, or reject it with a reason: site administrators
    only, on the CSO admin's own pending registration or another one."""

    def subject(w: SimpleNamespace) -> Organisation:
        return w.ncsa if target == "own" else w.pending_cso

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        data = {"decision": decision, "reason": "The registration number does not match."}
        return _post(c, f"/en/organisations/{subject(w).slug}/decide/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        return _row(Organisation, subject(w).pk, "review_state", "review_note", "version")

    return Action(f"organisation {decision} with a note", target, only("site_admin"), run, probe)


# Accounts.


def _ivan_ids(w: SimpleNamespace) -> dict[str, Any]:
    """Another user's identifiers, slipped into a request about "me"."""
    ivan = w.other["ivan"]
    return {"user": ivan.pk, "pk": ivan.pk, "id": ivan.pk, "user_id": ivan.pk, "email": ivan.email}


def profile_edit(target: str) -> Action:
    """ "other": the same form with another user's ids added; their row must not change."""

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        extra = _ivan_ids(w) if target == "other" else {}
        return _post(c, "/en/accounts/profile/", {"display_name": "Renamed", **extra})

    def probe(w, r):  # type: ignore[no-untyped-def]
        me = _me(w, r) if target == "own" else w.other["ivan"]
        return (
            _row(User, me.pk, "display_name")
            if me
            else User.objects.filter(display_name="Renamed").count()
        )

    if target == "other":
        return Action("profile edit", target, NOBODY, run, probe, soft_refusal=True)
    return Action("profile edit", target, SIGNED_IN, run, probe)


def data_download(target: str) -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        query = _ivan_ids(w) if target == "other" else {}
        return c.get("/en/accounts/profile/my-data.json", query)

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        if response.status_code != 200 or response["Content-Type"] != "application/json":
            return False
        text = json.dumps(json.loads(response.content))
        me = _me(w, r)
        if target == "other":
            return w.other["ivan"].email in text
        # Their own address, and nobody else's.
        assert w.other["ivan"].email not in text, "another user's data in the download"
        return me is not None and me.email in text

    if target == "other":
        # Ignoring the foreign ids and answering with one's own data is the refusal.
        return Action(
            "data download", target, NOBODY, run, shown=shown, soft_refusal=True, method="get"
        )
    return Action("data download", target, SIGNED_IN, run, shown=shown, method="get")


def account_delete(target: str) -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        extra = _ivan_ids(w) if target == "other" else {}
        return _post(c, "/en/accounts/profile/delete/", {"password": PASSWORD, **extra})

    def probe(w, r):  # type: ignore[no-untyped-def]
        me = _me(w, r) if target == "own" else w.other["ivan"]
        return (
            _row(User, me.pk, "deleted_at", "email")
            if me
            else User.objects.filter(deleted_at__isnull=False).count()
        )

    if target == "other":
        return Action("account delete", target, NOBODY, run, probe, soft_refusal=True)
    # The CSO admin is the only administrator of an organisation with members: they must hand
    # over first, so their deletion is refused with a form error and changes nothing.
    return Action(
        "account delete", target, SIGNED_IN - {"cso_admin"}, run, probe, soft_refusal=True
    )


def two_step_setup() -> Action:
    """The attack of item 2: password only, a confirmed device exists, set up another."""

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        page = c.get("/en/accounts/two-step/setup/")
        device = TOTPDevice.objects.filter(user=u, confirmed=False).first() if u else None
        if device is None or page.status_code != 200:
            return (
                _post(c, "/en/accounts/two-step/setup/", {"token": "123456"})
                if page.status_code == 200
                else page
            )
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        return _post(c, "/en/accounts/two-step/setup/", {"token": f"{code:0{device.digits}d}"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        me = _me(w, r)
        return (
            sorted(TOTPDevice.objects.filter(user=me).values_list("pk", "confirmed"))
            if me
            else TOTPDevice.objects.count()
        )

    return Action(
        "two-step setup when a device exists",
        "own",
        NOBODY,
        run,
        probe,
        password_only=True,
        soft_refusal=True,  # the danger is the new device; any answer without one is fine
    )


def admin_index(password_only: bool) -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return c.get("/en/admin/")

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        return response.status_code == 200 and "/en/admin/logout/" in response.content.decode()

    if password_only:
        return Action(
            "admin index (password only)",
            "-",
            NOBODY,
            run,
            shown=shown,
            password_only=True,
            method="get",
        )
    return Action(
        "admin index", "-", only("site_admin", "staff_user"), run, shown=shown, method="get"
    )


def admin_user_change(target: str) -> Action:
    """Make a user superuser, staff and plan manager through Django admin."""

    def subject(w: SimpleNamespace, role: str) -> User:
        me = _me(w, role)
        return me if target == "own" and me is not None else w.other["ivan"]

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        user = subject(w, r)
        data = {
            "email": user.email,
            "display_name": user.display_name,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=PLAN_MANAGERS).pk],
            "_save": "Save",
        }
        return _post(c, f"/en/admin/accounts/user/{user.pk}/change/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        user = subject(w, r)
        groups = sorted(user.groups.values_list("name", flat=True))
        return _row(User, user.pk, "is_superuser", "is_staff"), groups

    # Django admin answers a field a user may not change by ignoring it: no effect is the refusal.
    return Action(
        "admin: make a user superuser", target, only("site_admin"), run, probe, soft_refusal=True
    )


def translate_save(target: str) -> Action:
    """Save a row of the translate page: own plan, another plan, or another plan's item
    posted under the persona's own plan (nobody may: the page only saves its plan's items)."""
    url_plan = "plan_a" if target in ("own", "mixed") else "plan_b"
    key = ("a", 3) if target == "own" else ("b", 3)

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        item = Item.objects.get(pk=w.item[key].pk)
        prefix = f"row-{item.pk}"
        data = {"rows": [str(item.pk)], f"{prefix}-version": item.version}
        data[f"{prefix}-title"] = "Матрицын орчуулга"
        return _post(c, f"/en/plans/{getattr(w, url_plan).slug}/translate/", data)

    return Action(
        "translate save",
        target,
        NOBODY if target == "mixed" else MANAGERS if target == "own" else only("site_admin"),
        run,
        lambda w, r: _row(Item, w.item[key].pk, "title_mn", "translations", "version"),
        soft_refusal=target == "mixed",
    )


def translate_import(target: str) -> Action:
    """Import a translator's XLIFF file into the plan it was exported from."""
    plan_name = "plan_a" if target == "own" else "plan_b"
    key = ("a", 4) if target == "own" else ("b", 4)

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        from django.core.files.uploadedfile import SimpleUploadedFile

        from plantrack.plans.translation_files import write_xliff
        from plantrack.plans.translations import export_units

        plan = getattr(w, plan_name)
        units = export_units(plan, source="en", target="mn")
        for unit in units:
            if unit.code == w.item[key].code and unit.field == "title":
                unit.target, unit.state = "Матрицын орчуулга", "unofficial"
        data = write_xliff(slug=plan.slug, source="en", target="mn", units=units)
        upload = SimpleUploadedFile("plan.xlf", data, content_type="application/xliff+xml")
        return _post(c, f"/en/plans/{plan.slug}/translate/import/", {"file": upload})

    return Action(
        "translate import",
        target,
        MANAGERS if target == "own" else only("site_admin"),
        run,
        lambda w, r: _row(Item, w.item[key].pk, "title_mn", "translations", "version"),
    )


def indicator_action(verb: str, target: str) -> Action:
    """Issue 11: a plan's indicators are its managers' to add, edit, target, retire and set
    up. "mixed" posts another plan's indicator under the persona's own plan: nobody may."""
    url_plan = "b" if target == "other" else "a"
    obj = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        base = f"/en/plans/{getattr(w, 'plan_' + url_plan).slug}"
        ind = Indicator.objects.get(pk=w.indicator[obj].pk)
        text = Indicator.objects.get(pk=w.text_indicator[obj].pk)
        form = {"title_en": "Matrix", "kind": "quantitative", "direction": "increase"}
        posts = {
            "add": (f"items/{ind.item.code}/indicators/add/", {**form, "measured": "on"}),
            "edit": (f"indicators/{ind.pk}/edit/", {**form, "measured": "on"}),
            "targets": (f"indicators/{ind.pk}/targets/", {f"period_{w.period[url_plan].pk}": 9}),
            "retire": (f"indicators/{ind.pk}/retire/", {"reason": "Matrix"}),
            "set up": (
                "indicators/setup/",
                {
                    f"ind-{text.pk}-kind": "quantitative",
                    f"ind-{text.pk}-direction": "increase",
                    f"ind-{text.pk}-version": text.version,
                },
            ),
        }
        tail, data = posts[verb]
        return _post(c, f"{base}/{tail}", {**data, "version": ind.version})

    def probe(w, r):  # type: ignore[no-untyped-def]
        ind, text = w.indicator[obj], w.text_indicator[obj]
        if verb == "add":
            return Indicator.objects.filter(item_id=ind.item_id).count()
        if verb == "targets":
            return IndicatorTarget.objects.filter(indicator=ind).count()
        if verb == "set up":
            return _row(Indicator, text.pk, "measured", "version")
        return _row(Indicator, ind.pk, "title_en", "retired_at", "version")

    allowed = {"own": MANAGERS, "other": only("site_admin"), "mixed": NOBODY}[target]
    # The set-up page saves only its own plan's rows: another plan's is ignored (no effect).
    soft = target == "mixed" and verb == "set up"
    return Action(f"indicator {verb}", target, allowed, run, probe, soft_refusal=soft)


def survey_action(verb: str, target: str) -> Action:
    """Issue 13: a survey is its plan's managers' to create, edit, open and close, word,
    moderate and export; anyone with an account answers it. "mixed" posts another survey's
    question or answer under the persona's own survey: nobody may."""
    url_key = "b" if target == "other" else "a"
    obj = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        survey = w.survey[url_key]
        base = f"/en/surveys/{survey.slug}"
        if verb == "create":
            plan = getattr(w, f"plan_{obj}")
            data = {"plan": plan.pk, "slug": f"new-{r}", "title_en": "Matrix"}
            return _post(c, "/en/surveys/new/", data)
        if verb == "edit":
            return _post(c, f"{base}/manage/", {"slug": survey.slug, "title_en": "Matrix"})
        if verb == "close":
            return _post(c, f"{base}/state/", {"state": "closed"})
        if verb == "word":
            question = w.survey_question[obj]
            data = {"kind": "short_text", "text_en": "Matrix?"}
            return _post(c, f"{base}/questions/{question.pk}/", data)
        if verb == "moderate":
            answer = w.survey_answer[obj]
            return _post(c, f"{base}/answers/{answer.pk}/", {"decision": "shown"})
        if verb == "answer":
            question = w.survey_question[obj]
            data = {f"q-{question.pk}": "Matrix", "once": secrets.token_hex(8)}
            return _post(c, f"{base}/", data)
        return c.get(f"{base}/responses.csv")

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.surveys.models import Answer, Survey, SurveyResponse

        survey = w.survey[obj]
        if verb == "create":
            return Survey.objects.filter(plan=getattr(w, f"plan_{obj}")).count()
        if verb in ("edit", "close"):
            return tuple(Survey.objects.filter(pk=survey.pk).values_list("title_en", "state"))
        if verb == "word":
            return _question_text(w.survey_question[obj].pk)
        if verb == "moderate":
            return Answer.objects.get(pk=w.survey_answer[obj].pk).text_state
        return SurveyResponse.objects.count()  # on any survey

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        if response.status_code != 200:
            return False
        return b"Answer " in b"".join(response.streaming_content)

    if verb == "answer":
        allowed = {"own": SIGNED_IN, "other": SIGNED_IN, "mixed": NOBODY}[target]
        # A visitor is shown the form again, told to sign in; another survey's question is
        # ignored (no answer stored: an empty response to an optional question is refused).
        return Action(f"survey {verb}", target, frozenset(allowed), run, probe, soft_refusal=True)
    if verb == "export":
        allowed = {"own": MANAGERS, "other": only("site_admin")}[target]
        return Action(f"survey {verb}", target, allowed, run, shown=shown, method="get")
    allowed = {"own": MANAGERS, "other": only("site_admin"), "mixed": NOBODY}[target]
    # A plan the persona does not manage is not offered by the form: shown again with an error.
    soft = verb == "create"
    return Action(f"survey {verb}", target, allowed, run, probe, soft_refusal=soft)


def _question_text(pk: int) -> str:
    from plantrack.surveys.models import Question

    return Question.objects.get(pk=pk).text_en


# -- Participation (issue 13) -------------------------------------------------------------


def _participation_world(w: SimpleNamespace) -> None:
    from datetime import timedelta

    from plantrack.participation.models import Consultation, Input, Paragraph, Section

    now = timezone.now()

    def consultation(plan: Plan, slug: str, *, closed: bool) -> Consultation:
        made = Consultation.objects.create(
            plan=plan,
            slug=slug,
            title_en=slug,
            opens_at=now - timedelta(days=30),
            closes_at=now - timedelta(days=1) if closed else now + timedelta(days=30),
            answers_due=(now + timedelta(days=40)).date(),
        )
        section = Section.objects.create(consultation=made, anchor="ch-1", title_en="One")
        Paragraph.objects.create(
            section=section,
            consultation=made,
            anchor="p-1",
            text_en="Text",
            item=w.item["a" if plan == w.plan_a else "b", 1],
        )
        return made

    w.cons, w.closed, w.empty = {}, {}, {}
    w.own_input, w.other_input, w.closed_input = {}, {}, {}
    for p, plan in (("a", w.plan_a), ("b", w.plan_b)):
        w.cons[p] = consultation(plan, f"open-{p}", closed=False)
        w.closed[p] = consultation(plan, f"closed-{p}", closed=True)
        w.empty[p] = consultation(plan, f"empty-{p}", closed=True)
        w.other_input[p] = Input.objects.create(
            consultation=w.cons[p], author=w.other["otto"], organisation=w.other_cso, body="Otto"
        )
        w.closed_input[p] = Input.objects.create(
            consultation=w.closed[p], author=w.other["fiona"], body="Fiona"
        )
    for role, user in w.persona.items():
        w.own_input[role] = Input.objects.create(consultation=w.cons["a"], author=user, body="Mine")


def _input_count(w: SimpleNamespace, key: str) -> int:
    from plantrack.participation.models import Input

    return Input.objects.filter(consultation=w.cons[key]).count()


def consultation_create(target: str) -> Action:
    plan = "plan_a" if target == "own" else "plan_b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        data = {
            "plan": getattr(w, plan).slug,
            "title_en": "Matrix consultation",
            "subject": "items",
            "eligibility": "accounts",
            "opens_at": "2030-01-01T10:00",
            "closes_at": "2030-02-01T10:00",
            "answers_due": "2030-03-01",
        }
        return _post(c, "/en/consultations/new/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Consultation

        return Consultation.objects.filter(plan=getattr(w, plan)).count()

    allowed = MANAGERS if target == "own" else only("site_admin")
    return Action("consultation create", target, allowed, run, probe)


def consultation_edit(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        obj = w.cons[key]
        data = {
            "title_en": "Changed by the matrix",
            "subject": obj.subject,
            "eligibility": obj.eligibility,
            "opens_at": obj.opens_at.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": obj.closes_at.strftime("%Y-%m-%dT%H:%M"),
            "answers_due": obj.answers_due.isoformat(),
            "version": obj.version,
        }
        return _post(c, f"/en/consultations/{obj.slug}/edit/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Consultation

        return _row(Consultation, w.cons[key].pk, "title_en", "version")

    allowed = MANAGERS if target == "own" else only("site_admin")
    return Action("consultation edit", target, allowed, run, probe)


def consultation_draft(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return _post(c, f"/en/consultations/{w.empty[key].slug}/draft/", {"root": "1"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Paragraph

        return sorted(
            Paragraph.objects.filter(consultation=w.empty[key]).values_list("anchor", flat=True)
        )

    allowed = MANAGERS if target == "own" else only("site_admin")
    return Action("consultation draft from items", target, allowed, run, probe)


def input_comment(target: str) -> Action:
    """Comment on a paragraph: anyone signed in; "mixed" names another consultation's
    input under this consultation's address (a reply to it)."""

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        if target == "mixed":
            url = f"/en/consultations/{w.cons['a'].slug}/inputs/{w.other_input['b'].pk}/reply/"
            return _post(c, url, {"body": "Matrix reply"})
        return _post(c, f"/en/consultations/{w.cons['a'].slug}/p/p-1/", {"body": "Matrix"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        return (_input_count(w, "a"), _input_count(w, "b"))

    allowed = SIGNED_IN if target == "own" else NOBODY
    return Action("input comment", target, allowed, run, probe)


def input_edit_action(target: str) -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        found = w.own_input.get(r) if target == "own" else w.other_input["a"]
        found = found or w.other_input["a"]
        url = f"/en/consultations/{w.cons['a'].slug}/inputs/{found.pk}/edit/"
        return _post(c, url, {"body": "Edited by the matrix", "title": "", "version": 1})

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Input

        found = w.own_input.get(r) if target == "own" else w.other_input["a"]
        found = found or w.other_input["a"]
        return _row(Input, found.pk, "body", "version")

    allowed = SIGNED_IN if target == "own" else NOBODY
    return Action("input edit", target, allowed, run, probe)


def input_support(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        found = w.other_input["a"]
        return _post(c, f"/en/consultations/{w.cons[key].slug}/inputs/{found.pk}/support/")

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Support

        return Support.objects.filter(input=w.other_input["a"]).count()

    # "other": the input's id under another consultation's address is not found.
    allowed = SIGNED_IN if target == "own" else NOBODY
    return Action("input support", target, allowed, run, probe)


def input_cosign(target: str) -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        found = w.other_input["a"]
        org = w.own_cso if target == "own" else w.other_agency
        url = f"/en/consultations/{w.cons['a'].slug}/inputs/{found.pk}/cosign/"
        return _post(c, url, {"organisation": org.pk})

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Cosignature

        return sorted(
            Cosignature.objects.filter(input=w.other_input["a"]).values_list(
                "organisation_id", flat=True
            )
        )

    allowed = only("cso_member", "cso_admin") if target == "own" else NOBODY
    return Action("input cosign", target, allowed, run, probe, soft_refusal=True)


def response_publish(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        found = w.closed_input[key]
        data = {
            "inputs": [found.pk],
            "status": "partly_accepted",
            "explanation_en": "Matrix answer",
            "responding_body_name": "Ministry",
            "responded_on": timezone.localdate().isoformat(),
        }
        return _post(c, f"/en/consultations/{w.closed[key].slug}/respond/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Input

        return _row(Input, w.closed_input[key].pk, "response_id")

    allowed = MANAGERS if target == "own" else only("site_admin")
    return Action("response publish", target, allowed, run, probe)


def consultation_answered(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return _post(c, f"/en/consultations/{w.empty[key].slug}/answered/")

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Consultation

        return _row(Consultation, w.empty[key].pk, "answered_at")

    allowed = MANAGERS if target == "own" else only("site_admin")
    return Action("consultation mark answered", target, allowed, run, probe)


def my_inputs_page() -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return c.get("/en/my/inputs/")

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        return response.status_code == 200 and "Mine" in response.content.decode()

    allowed = SIGNED_IN
    return Action("my inputs", "own", allowed, run, shown=shown, method="get")


PARTICIPATION_ACTIONS = [
    consultation_create("own"),
    consultation_create("other"),
    consultation_edit("own"),
    consultation_edit("other"),
    consultation_draft("own"),
    consultation_draft("other"),
    input_comment("own"),
    input_comment("mixed"),
    input_edit_action("own"),
    input_edit_action("other"),
    input_support("own"),
    input_support("other"),
    input_cosign("own"),
    input_cosign("other"),
    response_publish("own"),
    response_publish("other"),
    consultation_answered("own"),
    consultation_answered("other"),
    my_inputs_page(),
]


# -- Participation: moderation, follows (issue 13, h-e) -------------------------------------


def _moderation_world(w: SimpleNamespace) -> None:
    """On each plan's open consultation: a flagged input and a hidden one; Pat is blocked."""
    from plantrack.participation.models import Block, Flag, Input

    w.flagged, w.hidden = {}, {}
    for p in ("a", "b"):
        w.flagged[p] = Input.objects.create(
            consultation=w.cons[p], author=w.other["felix"], body="F"
        )
        Flag.objects.create(input=w.flagged[p], user=w.other["rita"], reason="spam")
        w.hidden[p] = Input.objects.create(
            consultation=w.cons[p],
            author=w.other["felix"],
            body="H",
            hidden_at=timezone.now(),
            hidden_reason="personal data",
        )
    Block.objects.create(user=w.other["pat"], reason="abuse")


MODERATORS_OF_A = only("plan_manager", "moderator", "site_admin")
SITE_MODERATORS = only("moderator", "site_admin")


def _input_url(w: SimpleNamespace, cons: str, found: Any, action: str) -> str:
    return f"/en/consultations/{w.cons[cons].slug}/inputs/{found.pk}/{action}/"


def participation_flag(target: str) -> Action:
    """Flag: anyone signed in; "other" names plan b's input under plan a's consultation."""

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        found = w.other_input["a" if target == "own" else "b"]
        return _post(c, _input_url(w, "a", found, "flag"), {"reason": "spam"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Flag

        return Flag.objects.filter(input__in=w.other_input.values()).count()

    return Action(
        "participation flag", target, SIGNED_IN if target == "own" else NOBODY, run, probe
    )


def participation_hide(target: str, *, restore: bool = False) -> Action:
    """Hide (or restore) an input: the consultation's plan managers, moderators, site
    administrators; "mixed" names plan b's input under plan a's consultation."""
    where = {"own": ("a", "a"), "other": ("b", "b"), "mixed": ("a", "b")}[target]
    inputs = "hidden" if restore else "flagged"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        found = getattr(w, inputs)[where[1]]
        url = _input_url(w, where[0], found, "restore" if restore else "hide")
        return _post(c, url, {"reason": "matrix reason"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Input

        return _row(Input, getattr(w, inputs)[where[1]].pk, "hidden_at", "hidden_reason")

    allowed = {"own": MODERATORS_OF_A, "other": SITE_MODERATORS, "mixed": NOBODY}[target]
    name = "participation restore" if restore else "participation hide"
    return Action(name, target, allowed, run, probe)


def participation_flags_close(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return _post(c, _input_url(w, key, w.flagged[key], "flags/close"))

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Flag

        return Flag.objects.filter(input=w.flagged[key], resolved_at__isnull=True).count()

    allowed = MODERATORS_OF_A if target == "own" else SITE_MODERATORS
    return Action("participation flags close", target, allowed, run, probe)


def participation_block(unblock: bool = False) -> Action:
    def person(w: SimpleNamespace) -> User:
        return w.other["pat" if unblock else "nina"]

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        verb = "unblock" if unblock else "block"
        url = f"/en/consultations/moderation/people/{person(w).pk}/{verb}/"
        return _post(c, url, {"reason": "matrix"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Block

        return Block.objects.filter(user=person(w), lifted_at__isnull=True).count()

    name = "participation unblock" if unblock else "participation block"
    return Action(name, "-", SITE_MODERATORS, run, probe)


def participation_queue() -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return c.get("/en/consultations/moderation/")

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        return response.status_code == 200 and "open flag" in response.content.decode()

    return Action(
        "participation moderation queue", "-", MODERATORS_OF_A, run, shown=shown, method="get"
    )


def participation_follow(target: str) -> Action:
    """Follow a consultation (anyone signed in); "other": a draft plan of Bea's."""

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        if target == "own":
            data = {"kind": "consultation", "id": w.cons["a"].pk}
        else:
            data = {"kind": "plan", "id": w.draft_b.pk}
        return _post(c, "/en/consultations/follow/", {**data, "following": "1"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.participation.models import Follow

        return Follow.objects.count()

    allowed = SIGNED_IN if target == "own" else only("site_admin")
    return Action("participation follow", target, allowed, run, probe)


MODERATION_ACTIONS = [
    participation_flag("own"),
    participation_flag("other"),
    *[participation_hide(t) for t in ("own", "other", "mixed")],
    *[participation_hide(t, restore=True) for t in ("own", "other", "mixed")],
    participation_flags_close("own"),
    participation_flags_close("other"),
    participation_block(),
    participation_block(unblock=True),
    participation_queue(),
    participation_follow("own"),
    participation_follow("other"),
]


# -- Meetings (issue 13, item 6) -----------------------------------------------------------


def _meetings_world(w: SimpleNamespace) -> None:
    from datetime import timedelta

    from plantrack.meetings.models import Meeting, Registration

    now = timezone.now()

    def meeting(organiser: User, organisation: Organisation, key: str, *, past: bool) -> Meeting:
        start = now - timedelta(hours=3) if past else now + timedelta(days=5)
        return Meeting.objects.create(
            title_en=f"Meeting {key}{' past' if past else ''}",
            place="Hall",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            organisation=organisation,
            consultation=w.cons[key],
            created_by=organiser,
        )

    w.meeting = {
        "a": meeting(w.persona["cso_member"], w.own_cso, "a", past=False),
        "b": meeting(w.other["otto"], w.other_cso, "b", past=False),
    }
    w.past_meeting = {
        "a": meeting(w.persona["cso_member"], w.own_cso, "a", past=True),
        "b": meeting(w.other["otto"], w.other_cso, "b", past=True),
    }
    # Someone else registered with a need, so the organiser's page has a row to show.
    for key in ("a", "b"):
        Registration.objects.create(
            meeting=w.meeting[key],
            user=w.other["nina"],
            needs=["sign_language"],
            note="Note by Nina",
        )
    # Every persona registered for a past meeting: their own list shows it.
    for user in w.persona.values():
        Registration.objects.create(meeting=w.past_meeting["b"], user=user)


MEETING_ORGANISERS = only("cso_member", "cso_admin", "site_admin")


def meeting_create(target: str) -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        start = (timezone.localtime() + timedelta_days(9)).strftime("%Y-%m-%dT%H:%M")
        end = (timezone.localtime() + timedelta_days(9, hours=2)).strftime("%Y-%m-%dT%H:%M")
        organisation = ""
        if target == "other":
            organisation = w.other_cso.pk
        elif r in ("cso_member", "cso_admin"):
            organisation = w.own_cso.pk
        data = {
            "organisation": organisation,
            "title_en": "Matrix meeting",
            "format": "in_person",
            "place": "Hall",
            "starts_at": start,
            "ends_at": end,
        }
        return _post(c, "/en/meetings/new/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.meetings.models import Meeting

        return Meeting.objects.filter(title_en="Matrix meeting").count()

    allowed = (
        only("plan_manager", "site_admin", "cso_member", "cso_admin") if target == "own" else NOBODY
    )
    return Action("meeting create", target, allowed, run, probe, soft_refusal=target == "other")


def timedelta_days(days: int, hours: int = 0):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(days=days, hours=hours)


def meeting_edit(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        m = w.meeting[key]
        data = {
            "title_en": "Changed by the matrix",
            "format": "in_person",
            "place": "Hall",
            "starts_at": timezone.localtime(m.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(m.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "registration_open": "on",
            "version": m.version,
        }
        return _post(c, f"/en/meetings/{m.pk}/edit/", data)

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.meetings.models import Meeting

        return _row(Meeting, w.meeting[key].pk, "title_en", "version")

    allowed = MEETING_ORGANISERS if target == "own" else only("site_admin")
    return Action("meeting edit", target, allowed, run, probe)


def meeting_cancel(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return _post(c, f"/en/meetings/{w.meeting[key].pk}/cancel/", {"reason": "Matrix"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.meetings.models import Meeting

        return _row(Meeting, w.meeting[key].pk, "state", "cancel_reason")

    allowed = MEETING_ORGANISERS if target == "own" else only("site_admin")
    return Action("meeting cancel", target, allowed, run, probe)


def meeting_minutes(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        url = f"/en/meetings/{w.past_meeting[key].pk}/minutes/"
        return _post(c, url, {"minutes_en": "Matrix minutes"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.meetings.models import Meeting

        return _row(Meeting, w.past_meeting[key].pk, "minutes_en", "state")

    allowed = MEETING_ORGANISERS if target == "own" else only("site_admin")
    return Action("meeting minutes", target, allowed, run, probe)


def meeting_input(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        url = f"/en/meetings/{w.past_meeting[key].pk}/inputs/"
        return _post(c, url, {"body": "Raised at the matrix meeting"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        return _input_count(w, key)

    allowed = MEETING_ORGANISERS if target == "own" else only("site_admin")
    return Action("meeting record input", target, allowed, run, probe)


def meeting_registrations(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return c.get(f"/en/meetings/{w.meeting[key].pk}/registrations/")

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        return response.status_code == 200 and "Note by Nina" in response.content.decode()

    allowed = MEETING_ORGANISERS if target == "own" else only("site_admin")
    return Action("meeting registrations", target, allowed, run, shown=shown, method="get")


def meeting_register(target: str) -> Action:
    key = "a" if target == "own" else "b"

    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return _post(c, f"/en/meetings/{w.meeting[key].pk}/register/", {"needs": "large_print"})

    def probe(w, r):  # type: ignore[no-untyped-def]
        from plantrack.meetings.models import Registration

        return Registration.objects.filter(meeting=w.meeting[key]).count()

    return Action("meeting register", target, SIGNED_IN, run, probe)


def my_meetings_page() -> Action:
    def run(c, w, u, r):  # type: ignore[no-untyped-def]
        return c.get("/en/my/meetings/")

    def shown(response, w, r):  # type: ignore[no-untyped-def]
        return response.status_code == 200 and "Meeting b past" in response.content.decode()

    return Action("my meetings", "own", SIGNED_IN, run, shown=shown, method="get")


MEETING_ACTIONS = [
    meeting_create("own"),
    meeting_create("other"),
    meeting_edit("own"),
    meeting_edit("other"),
    meeting_cancel("own"),
    meeting_cancel("other"),
    meeting_minutes("own"),
    meeting_minutes("other"),
    meeting_input("own"),
    meeting_input("other"),
    meeting_registrations("own"),
    meeting_registrations("other"),
    meeting_register("own"),
    meeting_register("other"),
    my_meetings_page(),
]


ACTIONS: list[Action] = [
    *PARTICIPATION_ACTIONS,
    *MODERATION_ACTIONS,
    *[
        survey_action(verb, target)
        for verb in ("create", "edit", "close", "word", "moderate", "answer", "export")
        for target in ("own", "other", "mixed")
        if target != "mixed" or verb in ("word", "moderate", "answer")
    ],
    *MEETING_ACTIONS,
    *[
        indicator_action(verb, target)
        for verb in ("add", "edit", "targets", "retire", "set up")
        for target in ("own", "other", "mixed")
        if not (verb == "add" and target == "mixed")
    ],
    translate_save("own"),
    translate_save("other"),
    translate_save("mixed"),
    translate_import("own"),
    translate_import("other"),
    plan_edit("own"),
    plan_edit("other"),
    item_edit("own"),
    item_edit("other"),
    responsibility_add("own"),
    responsibility_add("other"),
    responsibility_remove("own"),
    responsibility_remove("other"),
    responsibility_remove("mixed"),
    plan_publish("own"),
    plan_publish("other"),
    draft_page("own"),
    draft_page("other"),
    item_add_action("own", child=False),
    item_add_action("other", child=False),
    item_add_action("own", child=True),
    item_add_action("other", child=True),
    item_move_action("own"),
    item_move_action("other"),
    item_move_action("mixed"),
    item_retire_action("own"),
    item_retire_action("other"),
    item_restore_action("own"),
    item_restore_action("other"),
    retired_list("own"),
    retired_list("other"),
    import_upload(),
    import_reread(),
    import_confirm("own"),
    import_confirm("other"),
    import_confirm("case"),
    import_confirm("case field"),
    assessment_import_upload(),
    assessment_import_confirm(),
    report("own"),
    report("other"),
    report("other plan"),
    report("unverified"),
    review("approve", "own"),
    review("approve", "other"),
    review("approve", "mixed"),
    review("approve", "self"),
    review("return", "own"),
    review("return", "other"),
    review("return", "mixed"),
    organisation_edit("own"),
    organisation_edit("other"),
    organisation_edit("own", kind="law_enforcement"),
    members_list("own"),
    history_private("plan", "own"),
    history_private("plan", "other"),
    history_private("item", "own"),
    history_private("item", "other"),
    update_page("own"),
    update_page("other"),
    members_list("other"),
    membership("approve", "own"),
    membership("approve", "other"),
    membership("approve", "mixed"),
    membership("remove", "own"),
    membership("remove", "other"),
    membership("remove", "mixed"),
    membership("role change", "own"),
    membership("role change", "other"),
    membership("role change", "mixed"),
    invite("own"),
    invite("other"),
    invitation_accept("own"),
    invitation_accept("other"),
    organisation_verify("verify", "own"),
    organisation_verify("verify", "other"),
    organisation_verify("return", "own"),
    organisation_verify("return", "other"),
    organisation_decide("return", "own"),
    organisation_decide("return", "other"),
    organisation_decide("reject", "own"),
    organisation_decide("reject", "other"),
    profile_edit("own"),
    profile_edit("other"),
    data_download("own"),
    data_download("other"),
    account_delete("own"),
    account_delete("other"),
    two_step_setup(),
    admin_index(password_only=False),
    admin_index(password_only=True),
    admin_user_change("own"),
    admin_user_change("other"),
]
BY_ID = {action.id: action for action in ACTIONS}
CELLS = [(role, action.id) for action in ACTIONS for role in ROLES]


def _cell_id(role: str, action_id: str) -> str:
    name, target = action_id.split("|")
    return f"{role} x {name} x {target}"


def _refusal(response: Any, action: Action) -> bool:
    if response.status_code in (403, 404):
        return True
    if response.status_code == 302 and response["Location"].split("?")[0].endswith(
        REFUSAL_REDIRECTS
    ):
        return True
    return action.soft_refusal and response.status_code in (200, 302)


def _verdict(response: Any, action: Action, effect: bool) -> str:
    status = response.status_code
    assert status < 500, f"server error {status}"
    if effect:
        return ALLOWED if status < 400 else f"changed data but answered {status}"
    if _refusal(response, action):
        return REFUSED
    where = f" to {response['Location']}" if status in (301, 302) else ""
    return f"no effect, but answered {status}{where}"


def _cell(client: Client, w: SimpleNamespace, role: str, action: Action) -> str:
    user = _me(w, role)
    if user is not None:
        if action.password_only:
            client.force_login(user)
        else:
            sign_in_verified(client, user)
    before = action.probe(w, role) if action.probe else None
    response = action.run(client, w, user, role)
    if action.probe is not None:
        effect = action.probe(w, role) != before
    else:
        assert action.shown is not None
        effect = action.shown(response, w, role)
    return _verdict(response, action, effect)


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_matrix_covers_every_role_for_every_action():
    assert len({action.id for action in ACTIONS}) == len(ACTIONS), "two actions share a name"
    for action in ACTIONS:
        assert action.allowed <= set(ROLES), action.id
        assert {role for role, cell in CELLS if cell == action.id} == set(ROLES), action.id
        assert (action.probe is None) != (action.shown is None), action.id
    assert len(CELLS) == len(ROLES) * len(ACTIONS)
    posts = [a for a in ACTIONS if a.method == "post"]
    dry_runs = (
        "import upload (preview)",
        "import reread (preview)",
        "assessment import upload (preview)",
    )
    writes = [a for a in posts if a.name not in dry_runs]
    assert all(a.probe is not None for a in writes), "every write checks its effect"
    idor = [a for a in ACTIONS if a.target in ("other", "mixed")]
    assert len(posts) * len(ROLES) >= 400 and len(idor) >= 20


@pytest.mark.parametrize(("role", "action_id"), CELLS, ids=[_cell_id(*cell) for cell in CELLS])
def test_permission_cell(world, db, media, role, action_id):  # type: ignore[no-untyped-def]
    action = BY_ID[action_id]
    client = Client(enforce_csrf_checks=True)
    expected = ALLOWED if role in action.allowed else REFUSED
    verdict = _cell(client, world, role, action)
    assert verdict == expected, f"{role} x {action.id}: expected {expected}, got {verdict}"


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(world, db, media):  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    sign_in_verified(client, world.persona["plan_manager"])
    before = _row(Plan, world.plan_a.pk, "issuer")
    data = _form_data(world.plan_a, PlanForm.Meta.fields, issuer="Forged")
    assert client.post(f"/en/plans/{world.plan_a.slug}/edit/", data).status_code == 403
    assert _row(Plan, world.plan_a.pk, "issuer") == before
    # The same request with the token goes through: the check above is the CSRF check.
    assert _post(client, f"/en/plans/{world.plan_a.slug}/edit/", data).status_code == 302
    assert _row(Plan, world.plan_a.pk, "issuer") == ("Forged",)


def test_the_verdict_tells_a_silent_no_op_from_a_refusal():
    action = BY_ID["plan edit|own"]

    class Response(dict):  # type: ignore[type-arg]
        def __init__(self, status: int, location: str = "") -> None:
            super().__init__(Location=location)
            self.status_code = status

    assert _verdict(Response(302, "/en/plans/alpha-plan/"), action, True) == ALLOWED
    assert _verdict(Response(302, "/en/plans/alpha-plan/"), action, False).startswith("no effect")
    assert _verdict(Response(200), action, False).startswith("no effect")
    assert _verdict(Response(403), action, True).startswith("changed data")
    assert _verdict(Response(302, "/en/accounts/sign-in/?next=/x/"), action, False) == REFUSED
    assert _verdict(Response(404), action, False) == REFUSED
    with pytest.raises(AssertionError, match="server error"):
        _verdict(Response(500), action, False)
