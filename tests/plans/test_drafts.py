"""Draft plans and imports from another document: rules in the services, effects checked as
every role, and a draft absent from every public page, list and search for everyone else."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from plantrack.accounts.models import User
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Item, Plan, Responsibility
from plantrack.plans.services import OtherSourceRefused, plan_import, plan_publish

DRAFT = b"""# Quiet Harbour Plan 2025-2027

1. Harbour works

1.1 Dredge the zanzibarite channel

1.2 Rebuild the pier
"""
OTHER = b"""# Mountain Roads Programme

1. Roads

1.1 Pave the pass
"""


@pytest.fixture
def admin(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_superuser("root@example.org", "pw-admin-1234", display_name="Root")


@pytest.fixture
def people(db, alice, bob, charlie, erin, admin) -> dict[str, User | None]:  # type: ignore[no-untyped-def]
    """Bob manages the draft; Alice manages another plan (Vision 2050)."""
    return {
        "anonymous": None,
        "citizen": charlie,
        "reporter": erin,
        "other manager": alice,
        "manager": bob,
        "admin": admin,
    }


@pytest.fixture
def draft(db, bob, police) -> Plan:  # type: ignore[no-untyped-def]
    plan_import(
        parsed=parse_bytes(DRAFT), source_name="harbour.md", source_bytes=DRAFT, by=bob, draft=True
    )
    plan = Plan.objects.get(slug="quiet-harbour-plan-2025-2027")
    Responsibility.objects.create(item=plan.items.get(code="1.1"), organisation=police, role="lead")
    return plan


def _published(plan: Plan) -> bool:
    return Plan.objects.get(pk=plan.pk).published_at is not None


# -- Services, as every role ----------------------------------------------------------------


def test_an_import_as_a_draft_creates_an_unpublished_plan_managed_by_its_importer(draft, bob):  # type: ignore[no-untyped-def]
    assert draft.is_draft and list(draft.managers.all()) == [bob]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("reporter", False),
        ("other manager", False),
        ("manager", True),
        ("admin", True),
    ],
)
def test_publishing_is_for_the_plans_managers_and_administrators(draft, people, role, allowed):  # type: ignore[no-untyped-def]
    user = people[role]
    if allowed:
        plan_publish(plan=draft, by=user)
    else:
        with pytest.raises(PermissionDenied):
            plan_publish(plan=draft, by=user)
    assert _published(draft) is allowed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("reporter", False),
        ("other manager", True),  # a plan manager may create plans by import
        ("manager", True),
        ("admin", True),
    ],
)
def test_creating_a_draft_by_import_as_every_role(db, people, role, allowed):  # type: ignore[no-untyped-def]
    run = lambda: plan_import(parsed=parse_bytes(OTHER), by=people[role], draft=True)  # noqa: E731
    if allowed:
        result = run()
        assert result.plan_created and result.draft and result.plan.published_at is None
    else:
        with pytest.raises(PermissionDenied):
            run()
    assert Plan.objects.filter(slug="mountain-roads-programme").exists() is allowed


@pytest.mark.parametrize("role", ["other manager", "citizen", "reporter", "anonymous"])
def test_nobody_else_updates_a_draft_by_import(draft, people, role):  # type: ignore[no-untyped-def]
    before = list(Item.objects.filter(plan=draft).values_list("code", "title_en"))
    with pytest.raises(PermissionDenied):
        plan_import(
            parsed=parse_bytes(DRAFT + b"\n1.3 Light the harbour\n"),
            slug=draft.slug,
            source_name="harbour.md",
            by=people[role],
        )
    assert list(Item.objects.filter(plan=draft).values_list("code", "title_en")) == before


def test_an_import_into_an_existing_plan_keeps_its_published_state(draft, bob, dice):  # type: ignore[no-untyped-def]
    plan_import(parsed=parse_bytes(DRAFT + b"\n1.3 Light it\n"), source_name="harbour.md", by=bob)
    assert not _published(draft)  # still a draft without draft=True
    plan_publish(plan=draft, by=bob)
    result = plan_import(
        parsed=parse_bytes(DRAFT), source_name="harbour.md", source_bytes=DRAFT, by=bob, draft=True
    )
    assert not result.plan_created and _published(draft)  # draft=True does not unpublish


def test_a_plan_from_another_document_is_updated_only_when_confirmed(draft, bob, admin):  # type: ignore[no-untyped-def]
    other = parse_bytes(OTHER)
    before = list(Item.objects.filter(plan=draft).values_list("code", "title_en"))
    preview = plan_import(
        parsed=other,
        slug=draft.slug,
        source_name="roads.md",
        source_bytes=OTHER,
        by=bob,
        dry_run=True,
    )
    assert preview.other_source == "harbour.md"
    for user in (bob, admin):
        with (
            translation.override("en"),
            pytest.raises(OtherSourceRefused, match="another document"),
        ):
            plan_import(
                parsed=other, slug=draft.slug, source_name="roads.md", source_bytes=OTHER, by=user
            )
    assert list(Item.objects.filter(plan=draft).values_list("code", "title_en")) == before
    plan_import(
        parsed=other,
        slug=draft.slug,
        source_name="roads.md",
        source_bytes=OTHER,
        by=bob,
        allow_other_source=True,
    )
    draft.refresh_from_db()
    assert draft.source_name == "roads.md"
    assert Item.objects.get(plan=draft, code="1.1").title_en == "Pave the pass"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("harbour.md", DRAFT + b"\n1.3 Light the harbour\n"),  # a new version, same file name
        ("Harbour.docx", DRAFT + b"\n1.3 Light the harbour\n"),  # same name, other format
        ("harbour-v2.md", DRAFT + b"\n1.3 Light the harbour\n"),  # same title
        ("copy.md", DRAFT),  # byte for byte the same file
    ],
)
def test_a_new_version_of_the_same_document_needs_no_confirmation(draft, bob, name, data):  # type: ignore[no-untyped-def]
    result = plan_import(parsed=parse_bytes(data), source_name=name, source_bytes=data, by=bob)
    assert result.other_source == "" and not result.plan_created


def test_the_command_line_has_draft_and_replace_source(draft, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "roads.md"
    path.write_bytes(OTHER)
    call_command("importplan", str(path), "--draft", stdout=StringIO(), stderr=StringIO())
    assert Plan.objects.get(slug="mountain-roads-programme").published_at is None
    err = StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("importplan", str(path), "--plan", draft.slug, stdout=StringIO(), stderr=err)
    assert "--replace-source" in err.getvalue()
    assert Item.objects.get(plan=draft, code="1.1").title_en != "Pave the pass"
    call_command(
        "importplan", str(path), "--plan", draft.slug, "--replace-source", stdout=StringIO()
    )
    assert Item.objects.get(plan=draft, code="1.1").title_en == "Pave the pass"


# -- Pages: a draft is not there for anyone but its managers and the administrators ---------


def _client(user: User | None, sign_in) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("reporter", False),
        ("other manager", False),
        ("manager", True),
        ("admin", True),
    ],
)
def test_a_draft_is_404_and_absent_from_lists_and_search_for_everyone_else(  # type: ignore[no-untyped-def]
    draft, people, sign_in, police, role, sees
):
    client = _client(people[role], sign_in)
    pages = [
        f"/en/plans/{draft.slug}/",
        f"/en/plans/{draft.slug}/items/1.1/",
        f"/en/plans/{draft.slug}/?status=not_started",
    ]
    for url in pages:
        assert client.get(url).status_code == (200 if sees else 404), url
    # Erin reports for the police, responsible for 1.1: the draft's report form is not there.
    report = client.get(f"/en/plans/{draft.slug}/items/1.1/report/")
    if role == "reporter":
        assert report.status_code == 404
    elif role == "anonymous":
        assert report.status_code == 302 and "/sign-in/" in report["Location"]
    lists = {
        "plan list": client.get("/en/plans/").content.decode(),
        "home": client.get("/en/").content.decode(),
        "search": client.get("/en/search/?q=zanzibarite").content.decode(),
        "organisation": client.get(f"/en/organisations/{police.slug}/").content.decode(),
    }
    for name, page in lists.items():
        assert (f"/plans/{draft.slug}/" in page) is sees, name
    if sees:
        assert "Draft — not public" in client.get(f"/en/plans/{draft.slug}/").content.decode()


def test_the_search_of_a_visitor_counts_no_draft_item(draft, client):  # type: ignore[no-untyped-def]
    from plantrack.plans.search import search_items

    assert search_items("zanzibarite").total == 0
    assert search_items("zanzibarite", user=draft.managers.get()).total == 1


def test_the_directory_counts_no_draft_responsibility(draft, client, police):  # type: ignore[no-untyped-def]
    from plantrack.organisations.selectors import organisation_directory

    assert organisation_directory(q="National Police").get().responsibility_count == 0
    plan_publish(plan=draft, by=draft.managers.get())
    assert organisation_directory(q="National Police").get().responsibility_count == 1


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("reporter", False),
        ("other manager", False),
        ("manager", True),
        ("admin", True),
    ],
)
def test_the_publish_button_as_every_role(draft, people, sign_in, role, allowed):  # type: ignore[no-untyped-def]
    client = _client(people[role], sign_in)
    response = client.post(f"/en/plans/{draft.slug}/publish/")
    assert _published(draft) is allowed
    assert response.status_code == 302 if allowed else response.status_code in (302, 403, 404)
    if allowed:
        assert client.get(f"/en/plans/{draft.slug}/").status_code == 200
        page = client.get(f"/en/plans/{draft.slug}/").content.decode()
        assert "Draft — not public" not in page
        assert Client().get(f"/en/plans/{draft.slug}/").status_code == 200


def test_publish_refuses_another_plans_slug(draft, alice, sign_in, admin):  # type: ignore[no-untyped-def]
    """Alice manages Vision 2050; Bob's draft under her session stays a draft."""
    client = _client(alice, sign_in)
    assert client.post(f"/en/plans/{draft.slug}/publish/").status_code in (403, 404)
    assert not _published(draft)
    assert client.get(f"/en/plans/{draft.slug}/publish/").status_code == 405


def test_a_draft_confirmed_on_the_page_and_the_other_source_checkbox(
    db, bob, sign_in, settings, tmp_path, draft
):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    client = _client(bob, sign_in)
    handle = io.BytesIO(OTHER)
    handle.name = "roads.md"
    preview = client.post("/en/plans/import/", {"file": handle, "slug": ""})
    response = client.post(
        "/en/plans/import/confirm/", {"token": preview.context["token"], "draft": "on"}
    )
    assert response.status_code == 302
    assert Plan.objects.get(slug="mountain-roads-programme").published_at is None
    # Into Bob's harbour plan, from the roads document: the checkbox is asked for.
    handle = io.BytesIO(OTHER)
    handle.name = "roads.md"
    preview = client.post("/en/plans/import/", {"file": handle, "slug": draft.slug})
    with translation.override("en"):
        page = preview.content.decode()
    assert 'name="replace_source"' in page and "harbour.md" in page
    refused = client.post("/en/plans/import/confirm/", {"token": preview.context["token"]})
    assert refused.status_code == 200
    assert "replace_source" in refused.context["confirm_form"].errors
    assert Item.objects.get(plan=draft, code="1.1").title_en != "Pave the pass"
    token = refused.context["token"]
    done = client.post("/en/plans/import/confirm/", {"token": token, "replace_source": "on"})
    assert done.status_code == 302
    assert Item.objects.get(plan=draft, code="1.1").title_en == "Pave the pass"
    assert not _published(draft)
