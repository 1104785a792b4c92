"""Every route declares its permission rule, and the rule holds: a per-object route refuses
someone else's object, and a public route changes no data."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path

from plantrack.accounts.models import User
from plantrack.accounts.permissions import PLAN_MANAGERS
from plantrack.lib.rules import PUBLIC, allowed_if, has, public, rules
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.models import Item, Plan, Responsibility
from plantrack.progress.models import Evidence, ProgressUpdate, ReportingPeriod

from .conftest import sign_in_verified

# Django's admin guards itself (staff only) and is the site administrators' tool.
EXEMPT_NAMESPACES = {"admin"}


def _routes(patterns, prefix="", namespace=""):  # type: ignore[no-untyped-def]
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern.callback


def problems(patterns) -> tuple[list[str], list[str], int]:  # type: ignore[no-untyped-def]
    known = set(rules()) | {PUBLIC}
    undeclared, unknown, count = [], [], 0
    for route, namespace, callback in _routes(patterns):
        if namespace in EXEMPT_NAMESPACES:
            continue
        count += 1
        declared = getattr(callback, "permission_rule", None)
        if declared is None:
            undeclared.append(route)
        elif declared not in known:
            unknown.append(f"{route} -> {declared}")
    return undeclared, unknown, count


def test_every_route_declares_a_known_permission_rule():
    undeclared, unknown, count = problems(get_resolver().url_patterns)
    assert count > 20
    assert not undeclared, "routes without @public or @allowed_if: " + ", ".join(undeclared)
    assert not unknown, "routes naming unregistered rules: " + ", ".join(unknown)


def test_the_check_catches_an_undeclared_view_and_an_unknown_rule():
    def naked(request):  # type: ignore[no-untyped-def]
        return None

    def typo(request):  # type: ignore[no-untyped-def]
        return None

    typo.permission_rule = "plans.chnage_plan"  # type: ignore[attr-defined]
    inner = ([path("edit/", naked), path("open/", public(lambda r: None))], "demo")
    undeclared, unknown, count = problems([path("x/", include(inner)), path("y/", typo)])
    assert (undeclared, unknown, count) == (["x/edit/"], ["y/ -> plans.chnage_plan"], 3)


# -- (a) A per-object rule is enforced: someone else's object is refused ------------------

# Routes that refuse a user lacking the rule with an error message on a redirect, because
# the refusal has a kinder answer than 403 (already a member: "you are already a member").
REFUSED_WITH_A_MESSAGE = {"organisations/<slug:slug>/join/"}
_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_LANGUAGE = re.compile(r"^(?:en|mn)/")


def _per_object(callback) -> bool:  # type: ignore[no-untyped-def]
    """Read ``per_object`` from the ``allowed_if`` wrapper's closure (the app records only
    the rule's name on the view)."""
    try:
        return bool(inspect.getclosurevars(callback).nonlocals.get("per_object"))
    except TypeError:
        return False


def per_object_routes(patterns) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [
        (route, callback.permission_rule)
        for route, namespace, callback in _routes(patterns)
        if namespace not in EXEMPT_NAMESPACES
        and getattr(callback, "permission_rule", PUBLIC) != PUBLIC
        and _per_object(callback)
    ]


def _fill(route: str, w: SimpleNamespace) -> tuple[str, object]:
    """The URL of ``route`` for someone else's objects, and the object the rule is about."""
    if "plans/<slug:slug>/" in route:
        values = {"slug": w.plan.slug, "code": w.item.code}
        if "/responsibilities/" in route:
            values["pk"] = w.responsibility.pk
        elif "/updates/" in route:
            values["pk"] = w.update.pk
            values["evidence_pk"] = w.evidence.pk
        elif "/periods/" in route:
            values["pk"] = w.period.pk
        elif "/indicators/<int:pk>/" in route:
            values["pk"] = w.item.indicators.order_by("pk").first().pk
        elif "/translate/export" in route:
            values["fmt"] = "xlsx"
    elif "organisations/<slug:slug>/" in route:
        values = {"slug": w.organisation.slug}
        if "/members/" in route:
            values["pk"] = w.membership.pk
    elif "assessments/" in route:
        values = {"slug": w.framework.slug, "pk": w.round.pk}
    elif "surveys/" in route:
        values = {"slug": w.survey.slug, "pk": w.question.pk}
    elif "consultations/<slug:slug>/" in route:
        values = {"slug": w.consultation.slug, "pk": w.input.pk}
    elif "meetings/<int:pk>/" in route:
        values = {"pk": w.meeting.pk}
    else:
        values = {}
    missing = [name for name in _PARAM.findall(route) if name not in values]
    assert not missing, f"teach this test how to fill {missing} in {route}"
    url = "/" + _PARAM.sub(lambda m: str(values[m.group(1)]), route)
    return url, w


def _rule_object(rule_name: str, w: SimpleNamespace) -> object:
    app = rule_name.split(".")[0]
    if rule_name == "progress.review":
        return w.update.item
    if rule_name == "progress.report":
        return w.item
    if rule_name == "progress.edit_update":
        return w.update
    if app == "plans":
        return w.plan
    if app == "organisations":
        return w.organisation
    if rule_name == "participation.edit_input":
        return w.input
    if app == "participation":
        return w.consultation
    if app == "meetings":
        return w.meeting
    if rule_name == "assessments.link":
        return w.item
    if rule_name == "assessments.change_framework":
        return w.framework
    if app == "assessments":
        return w.round
    if app == "surveys":
        return w.survey
    raise AssertionError(f"teach this test which object the rule {rule_name!r} is about")


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def someone_elses(db, dice) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """Objects that belong to other people: Bea's plan, an agency's item and update, and
    an organisation administered by Otto with a member."""
    bea = User.objects.create_user("bea@example.org", "pw-route-1", display_name="Bea")
    bea.groups.add(Group.objects.get_or_create(name=PLAN_MANAGERS)[0])
    dice.managers.add(bea)
    agency = Organisation.objects.create(slug="agency", name_en="Agency", kind="government")
    item = Item.objects.get(plan=dice, code="1.1")
    responsibility = Responsibility.objects.create(item=item, organisation=agency, role="lead")
    rex = User.objects.create_user("rex@example.org", "pw-route-1", display_name="Rex")
    Membership.objects.create(user=rex, organisation=agency, role="reporter", state="active")
    period = ReportingPeriod.objects.create(
        plan=dice,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 3, 31),
        due_on=dt.date(2025, 4, 30),
    )
    update = ProgressUpdate.objects.create(
        item=item,
        organisation=agency,
        author=rex,
        status="in_progress",
        progress=5,
        note="x",
        period=period,
        state="draft",
    )
    evidence = Evidence.objects.create(update=update, url="https://example.org/x", title="X")
    organisation = Organisation.objects.create(slug="otto-ngo", name_en="Otto NGO", kind="cso")
    otto = User.objects.create_user("otto@example.org", "pw-route-1", display_name="Otto")
    Membership.objects.create(user=otto, organisation=organisation, role="admin", state="active")
    mia = User.objects.create_user("mia@example.org", "pw-route-1", display_name="Mia")
    membership = Membership.objects.create(
        user=mia, organisation=organisation, role="member", state="active"
    )
    # A draft assessment round, Ivy's (an assessor of a civil-society group of her own).
    from plantrack.accounts.permissions import ASSESSORS
    from plantrack.assessments.generate import sample_assessment
    from plantrack.assessments.importing import assessment_import

    ivy = User.objects.create_user("ivy@example.org", "pw-route-1", display_name="Ivy")
    ivy.groups.add(Group.objects.get_or_create(name=ASSESSORS)[0])
    watch = Organisation.objects.create(slug="ivy-watch", name_en="Ivy Watch", kind="cso")
    Membership.objects.create(user=ivy, organisation=watch, role="member", state="active")
    round = assessment_import(
        parsed=sample_assessment(official=False), by=ivy, assessing_organisation=watch
    ).round
    # An open survey on the DICE roadmap, Bea's.
    from plantrack.surveys import services as survey_services

    survey = survey_services.survey_create(by=bea, plan=dice, slug="bea-survey", title_en="Bea")
    question = survey_services.question_save(
        survey=survey, by=bea, values={"kind": "short_text", "text_en": "Why?"}
    )
    survey_services.survey_set_state(survey=survey, by=bea, state="open")
    # A consultation on Bea's plan with an input by Otto (issue 13).
    from plantrack.participation.models import Consultation, Input

    consultation = Consultation.objects.create(
        plan=dice,
        slug="dice-consultation",
        title_en="DICE",
        opens_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
        answers_due=dt.date(2099, 2, 1),
        created_by=bea,
    )
    otto_input = Input.objects.create(consultation=consultation, author=otto, body="Otto's")
    # A meeting Otto organises for his organisation (issue 13, meetings).
    from plantrack.meetings.models import Meeting

    meeting = Meeting.objects.create(
        title_en="Otto's meeting",
        place="Hall",
        starts_at=dt.datetime(2025, 1, 2, 10, tzinfo=dt.UTC),
        ends_at=dt.datetime(2025, 1, 2, 12, tzinfo=dt.UTC),
        organisation=organisation,
        consultation=consultation,
        created_by=otto,
    )
    return SimpleNamespace(
        survey=survey,
        question=question,
        meeting=meeting,
        consultation=consultation,
        input=otto_input,
        framework=round.version.framework,  # type: ignore[union-attr]
        round=round,
        plan=dice,
        item=item,
        responsibility=responsibility,
        update=update,
        period=period,
        evidence=evidence,
        organisation=organisation,
        membership=membership,
        mia=mia,
    )


@pytest.fixture
def intruders(db, vision, someone_elses) -> list[User]:  # type: ignore[no-untyped-def]
    """Signed-in people with roles of their own, none of them on the objects above."""
    citizen = User.objects.create_user("cid@example.org", "pw-route-1", display_name="Cid")
    manager = User.objects.create_user("max@example.org", "pw-route-1", display_name="Max")
    manager.groups.add(Group.objects.get_or_create(name=PLAN_MANAGERS)[0])
    vision.managers.add(manager)
    other_org = Organisation.objects.create(slug="own-ngo", name_en="Own NGO", kind="cso")
    admin = User.objects.create_user("ada@example.org", "pw-route-1", display_name="Ada")
    Membership.objects.create(user=admin, organisation=other_org, role="admin", state="active")
    # Mia is already a member of the organisation, so she may not ask to join it.
    return [citizen, manager, admin, someone_elses.mia]


def per_object_leaks(patterns, w: SimpleNamespace, people: list[User]) -> list[str]:  # type: ignore[no-untyped-def]
    """Send every per-object route, for someone else's objects, as a signed-in user who
    lacks the rule; list each route that did not refuse or that changed a row count."""
    leaks = []
    for route, rule_name in per_object_routes(patterns):
        url, _ = _fill(route, w)
        target = _rule_object(rule_name, w)
        user = next((p for p in people if not has(p, rule_name, target)), None)
        assert user is not None, f"every test user holds {rule_name} on {target}"
        client = Client()
        sign_in_verified(client, user)
        for method in ("get", "post"):
            before = _row_counts()
            response = getattr(client, method)(url, {})
            status = response.status_code
            refused = status in (403, 404) or (method == "get" and status == 405)
            if _LANGUAGE.sub("", route) in REFUSED_WITH_A_MESSAGE and status == 302:
                page = client.get(response["Location"]).content.decode()
                refused = "message-error" in page
            if not refused or _row_counts() != before:
                leaks.append(f"{method.upper()} {url} as {user.email}: {status}")
    return leaks


def test_every_per_object_route_refuses_someone_elses_object(someone_elses, intruders):  # type: ignore[no-untyped-def]
    patterns = get_resolver().url_patterns
    assert len(per_object_routes(patterns)) >= 10
    assert not per_object_leaks(patterns, someone_elses, intruders)


def test_the_per_object_check_catches_a_view_that_forgets_the_object(someone_elses, intruders):  # type: ignore[no-untyped-def]
    def careless(request, slug):  # type: ignore[no-untyped-def]
        Plan.objects.filter(slug=slug).update(issuer="changed by anyone")
        return HttpResponse("saved")

    view = allowed_if("plans.change_plan", per_object=True)(careless)
    urlconf = type("URLConf", (), {"urlpatterns": [path("plans/<slug:slug>/edit/", view)]})
    with override_settings(ROOT_URLCONF=urlconf):
        leaks = per_object_leaks(urlconf.urlpatterns, someone_elses, intruders)
    assert leaks == [
        f"GET /plans/{someone_elses.plan.slug}/edit/ as cid@example.org: 200",
        f"POST /plans/{someone_elses.plan.slug}/edit/ as cid@example.org: 200",
    ]


# -- (b) A public route changes no data --------------------------------------------------

# Public routes whose purpose is to write for a visitor, and the only models they may add
# rows to: signing up creates the (unconfirmed) account; signing in records the attempt
# (django-axes) and, on success, a session.
PUBLIC_WRITES: dict[str, set[str]] = {
    "accounts/sign-up/": {"accounts.User"},
    "accounts/sign-in/": {"axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"},
}
TYPICAL_FORM = {
    "q": "police",
    "email": "visitor@example.org",
    "username": "visitor@example.org",
    "display_name": "Visitor",
    "password": "a-long-visitor-password-1",
    "new_password1": "a-long-visitor-password-1",
    "new_password2": "a-long-visitor-password-1",
    "language": "mn",
    "next": "/",
    "decision": "approve",
    "token": "123456",
}


def public_routes(patterns) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        route
        for route, namespace, callback in _routes(patterns)
        if getattr(callback, "permission_rule", None) == PUBLIC
    ]


def _public_url(route: str, plan: Plan, organisation: Organisation) -> str:
    values = {
        "slug": plan.slug,
        "code": "1.1",
        "token": "abc",
        "uidb64": "MQ",
        "seq": "1",
        "pk": "1",
        "evidence_pk": "1",
        "key": "mongolia",
        "anchor": "p-1",
    }
    if _LANGUAGE.sub("", route).startswith("organisations/"):
        values["slug"] = organisation.slug
    missing = [name for name in _PARAM.findall(route) if name not in values]
    assert not missing, f"teach this test how to fill {missing} in {route}"
    return "/" + _PARAM.sub(lambda m: values[m.group(1)], route)


def public_writes(patterns, plan: Plan, organisation: Organisation) -> list[str]:  # type: ignore[no-untyped-def]
    """GET and POST every public route as a visitor; list each row count that changed
    beyond what ``PUBLIC_WRITES`` allows for that route."""
    found = []
    for route in public_routes(patterns):
        url = _public_url(route, plan, organisation)
        may_write = PUBLIC_WRITES.get(_LANGUAGE.sub("", route), set())
        for method in ("get", "post"):
            client = Client()
            before = _row_counts()
            response = getattr(client, method)(url, TYPICAL_FORM)
            assert response.status_code < 500, f"{method.upper()} {url}: {response.status_code}"
            after = _row_counts()
            changed = sorted(
                label for label in after if after[label] != before[label] and label not in may_write
            )
            found += [f"{method.upper()} {url}: {label}" for label in changed]
    return found


def test_no_public_route_changes_data(dice):  # type: ignore[no-untyped-def]
    organisation = Organisation.objects.create(slug="open-ngo", name_en="Open NGO", kind="cso")
    patterns = get_resolver().url_patterns
    assert len(public_routes(patterns)) >= 12
    assert not public_writes(patterns, dice, organisation)


def test_the_public_check_catches_a_public_view_that_writes(dice):  # type: ignore[no-untyped-def]
    def guestbook(request):  # type: ignore[no-untyped-def]
        number = Organisation.objects.count()
        Organisation.objects.create(slug=f"spam-{number}", name_en=f"Spam {number}")
        return HttpResponse("thanks")

    organisation = Organisation.objects.create(slug="open-ngo", name_en="Open NGO", kind="cso")
    urlconf = type("URLConf", (), {"urlpatterns": [path("guestbook/", public(guestbook))]})
    with override_settings(ROOT_URLCONF=urlconf):
        found = public_writes(urlconf.urlpatterns, dice, organisation)
    assert found == [
        "GET /guestbook/: organisations.Organisation",
        "POST /guestbook/: organisations.Organisation",
    ]


def test_the_import_preview_and_publish_routes_are_declared():
    """The re-read preview is for those who may import; publishing is per plan."""
    by_route = {
        _LANGUAGE.sub("", route): callback
        for route, _ns, callback in _routes(get_resolver().url_patterns)
    }
    assert by_route["plans/import/reread/"].permission_rule == "plans.import"
    publish = by_route["plans/<slug:slug>/publish/"]
    assert publish.permission_rule == "plans.change_plan" and _per_object(publish)


def test_the_item_tree_pages_are_per_object_routes_for_plan_managers():
    """Adding, moving, retiring and restoring items (views_manage.py) are checked per plan,
    so the leak test above sends each of them for someone else's plan and item."""
    routes = dict(per_object_routes(get_resolver().url_patterns))
    for tail in (
        "plans/<slug:slug>/add-item/",
        "plans/<slug:slug>/retired/",
        "plans/<slug:slug>/items/<str:code>/add-child/",
        "plans/<slug:slug>/items/<str:code>/move/",
        "plans/<slug:slug>/items/<str:code>/retire/",
        "plans/<slug:slug>/items/<str:code>/restore/",
    ):
        found = [rule for route, rule in routes.items() if route.endswith(tail)]
        assert found and set(found) == {"plans.change_plan"}, tail
