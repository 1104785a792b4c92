"""Organisations matched, not invented: exact name, acronym, a suggestion that is only
shown, stakeholder groups for categories of actors, and new organisations added
unverified and marked as added by an import."""

from __future__ import annotations

import io

import pytest
from django.utils import translation

from plantrack.accounts.models import User
from plantrack.organisations import selectors
from plantrack.organisations.models import Organisation
from plantrack.organisations.services import organisation_verify
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Item, Responsibility, StakeholderGroup
from plantrack.plans.services import plan_import

CSV = """# title: Justice plan
# short_name: justice-plan
code,parent_code,kind,title,organisations
1,,objective,Fair courts,
1.1,1,activity,Train judges,Ministry of Roads and Transport Development [lead]; Private sector
1.2,1,activity,Open registers,MRTD [partner]; Civil society organizations; Local governments
1.3,1,activity,Publish rulings,Ministry of Roads and Transport Developmnt; Judges Guild
"""


@pytest.fixture
def ministry(db) -> Organisation:  # type: ignore[no-untyped-def]
    return Organisation.objects.create(
        slug="mrtd-test",
        name_en="Ministry of Roads and Transport Development",
        acronym="MRTD",
        kind="government",
    )


def _links(code: str) -> list[tuple[str, str]]:
    rows = Responsibility.objects.filter(item__plan__slug="justice-plan", item__code=code)
    return sorted((r.organisation.name_en, r.role) for r in rows.select_related("organisation"))


def _groups(code: str) -> list[str]:
    item = Item.objects.get(plan__slug="justice-plan", code=code)
    return sorted(g.name_en for g in item.stakeholder_groups.all())


def test_exact_name_and_acronym_link_the_registry_organisation(ministry):  # type: ignore[no-untyped-def]
    result = plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    assert _links("1.1") == [("Ministry of Roads and Transport Development", "lead")]
    assert _links("1.2") == [("Ministry of Roads and Transport Development", "partner")]
    report = result.organisations
    shown = "Ministry of Roads and Transport Development (MRTD)"
    assert report.matched == {"Ministry of Roads and Transport Development": shown, "MRTD": shown}
    assert report.matched_count == 1
    ministry.refresh_from_db()
    assert not ministry.created_by_import  # an existing organisation is not touched


def test_a_close_name_is_suggested_and_never_applied(ministry):  # type: ignore[no-untyped-def]
    result = plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    [suggestion] = result.organisations.suggestions
    assert suggestion.read == "Ministry of Roads and Transport Developmnt"
    assert suggestion.suggested == "Ministry of Roads and Transport Development (MRTD)"
    linked = Responsibility.objects.get(
        item__plan__slug="justice-plan",
        item__code="1.3",
        organisation__name_en="Ministry of Roads and Transport Developmnt",
    )
    assert linked.organisation_id != ministry.pk
    assert linked.organisation.created_by_import
    assert not ministry.responsibilities.filter(item__code="1.3").exists()


def test_a_distant_name_gets_no_suggestion(ministry):  # type: ignore[no-untyped-def]
    result = plan_import(parsed=parse_bytes(CSV.encode()), dry_run=True, system=True)
    assert "Judges Guild" not in [s.read for s in result.organisations.suggestions]
    assert [n.name for n in result.organisations.new] == [
        "Ministry of Roads and Transport Developmnt",
        "Judges Guild",
    ]


def test_categories_of_actors_become_stakeholder_groups_not_organisations(ministry):  # type: ignore[no-untyped-def]
    groups_before = StakeholderGroup.objects.count()
    result = plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    assert _groups("1.1") == ["Private sector"]
    assert _groups("1.2") == ["Civil society organizations", "Local governments"]
    assert sorted(result.organisations.groups) == [
        "Civil society organizations",
        "Local governments",
        "Private sector",
    ]
    for name in ("Private sector", "Civil society organizations", "Local governments"):
        assert not Organisation.objects.filter(
            name_en__iexact=name, created_by_import=True
        ).exists()
    # A group is one row however many plans name it; importing again adds nothing.
    assert StakeholderGroup.objects.count() <= groups_before + 3
    again = plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    assert (again.created, again.changed) == (0, 0)
    assert _groups("1.2") == ["Civil society organizations", "Local governments"]


def test_a_new_organisation_is_added_unverified_marked_and_verified_by_an_administrator(
    ministry, dana_admin
):  # type: ignore[no-untyped-def]
    plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    guild = Organisation.objects.get(name_en="Judges Guild")
    assert guild.created_by_import and not guild.self_registered
    assert guild.needs_verification and not guild.is_verified
    assert guild in selectors.awaiting_verification()
    # Importing the same file again links the same organisation, not a second one.
    plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    assert Organisation.objects.filter(name_en="Judges Guild").count() == 1
    organisation_verify(organisation=guild, by=dana_admin)
    guild.refresh_from_db()
    assert guild.is_verified and not guild.needs_verification
    assert guild not in selectors.awaiting_verification()


def test_only_a_site_administrator_verifies_an_import_added_organisation(ministry, bob):  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    guild = Organisation.objects.get(name_en="Judges Guild")
    with pytest.raises(PermissionDenied):
        organisation_verify(organisation=guild, by=bob)
    guild.refresh_from_db()
    assert guild.verified_at is None


def test_the_pages_say_added_by_an_import_and_show_the_groups(ministry, client):  # type: ignore[no-untyped-def]
    plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    guild = Organisation.objects.get(name_en="Judges Guild")
    with translation.override("en"):
        page = client.get(f"/en/organisations/{guild.slug}/").content.decode()
        assert "added by an import, not yet verified" in page
        assert "Not verified yet" in page
        item = client.get("/en/plans/justice-plan/items/1.2/").content.decode()
    assert "Civil society organizations" in item and "Local governments" in item


def test_the_preview_shows_matched_suggested_new_and_groups(
    ministry, sign_in, client, bob, settings, tmp_path
):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, bob)
    handle = io.BytesIO(CSV.encode())
    handle.name = "justice.csv"
    with translation.override("en"):
        response = client.post("/en/plans/import/", {"file": handle})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 organisation named in the file is already in the registry" in page
    assert (
        "‘Ministry of Roads and Transport Developmnt’ — did you mean "
        "Ministry of Roads and Transport Development (MRTD)?"
    ) in page
    assert (
        '<ul class="new-organisations"><li>Ministry of Roads and Transport Developmnt</li>' in page
    )
    assert "<li>Judges Guild</li>" in page
    assert '<ul class="stakeholder-groups"><li>Private sector</li>' in page
    assert not Organisation.objects.filter(
        name_en="Judges Guild"
    ).exists()  # a preview writes nothing


@pytest.fixture
def dana_admin(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_superuser(
        "dana-orgs@example.org", "correct-horse-4", display_name="Dana"
    )
