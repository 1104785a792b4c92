"""Import matching never hands an imported responsibility to an unverified self-registered body."""

from __future__ import annotations

import io

from django.utils import timezone

from plantrack.organisations.models import Organisation
from plantrack.organisations.services import organisation_get_or_create
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Responsibility
from plantrack.plans.services import plan_import

CSV = """# title: Cyber plan
# short_name: cyber-plan
code,parent_code,kind,title,organisations
1,,objective,Secure networks,
1.1,1,activity,Audit ministries,National Cyber Security Authority (NCSA) [lead]
"""


def _impostor(**extra) -> Organisation:  # type: ignore[no-untyped-def]
    values = {"acronym": "NCSA", **extra}
    return Organisation.objects.create(
        slug="ncsa-club", name_en="NCSA Club", kind="cso", self_registered=True, **values
    )


def _linked() -> list[Organisation]:
    rows = Responsibility.objects.filter(item__plan__slug="cyber-plan", item__code="1.1")
    return [row.organisation for row in rows.select_related("organisation")]


def test_an_unverified_self_registered_body_does_not_capture_an_import(db):  # type: ignore[no-untyped-def]
    impostor = _impostor()
    result = plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    [linked] = _linked()
    assert linked.pk != impostor.pk
    assert not linked.self_registered
    assert linked.acronym == "NCSA"
    assert any("NCSA Club" in line for line in result.conflicts)


def test_a_verified_self_registered_body_is_matched(db):  # type: ignore[no-untyped-def]
    impostor = _impostor(verified_at=timezone.now())
    result = plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    assert [o.pk for o in _linked()] == [impostor.pk]
    assert result.conflicts == []


def test_the_preview_shows_the_conflict(sign_in, client, bob, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    _impostor()
    sign_in(client, bob)
    handle = io.BytesIO(CSV.encode())
    handle.name = "cyber.csv"
    response = client.post("/en/plans/import/", {"file": handle})
    assert response.status_code == 200
    assert b"NCSA Club" in response.content
    assert not Responsibility.objects.filter(organisation__slug="ncsa-club").exists()


def test_the_helper_skips_unverified_self_registered_bodies(db):  # type: ignore[no-untyped-def]
    impostor = _impostor()
    found = organisation_get_or_create(name="National Cyber Security Authority", acronym="NCSA")
    assert found.pk != impostor.pk
    assert organisation_get_or_create(name="NCSA Club").pk != impostor.pk


def test_cyrillic_names_differing_only_in_case_are_one_organisation(db):  # type: ignore[no-untyped-def]
    created = organisation_get_or_create(name="Монголын Улаан Загалмай Нийгэмлэг")
    assert organisation_get_or_create(name="монголын улаан загалмай нийгэмлэг").pk == created.pk
    assert organisation_get_or_create(name="МОНГОЛЫН УЛААН ЗАГАЛМАЙ НИЙГЭМЛЭГ").pk == created.pk


def test_an_exact_name_beats_an_acronym_held_by_another_body(db):  # type: ignore[no-untyped-def]
    # Given an agency stored without an acronym, and a verified body holding "SDA"
    agency = Organisation.objects.create(
        slug="sda", name_en="Steppe Data Academy", kind="government"
    )
    _impostor(verified_at=timezone.now(), acronym="SDA")
    # When an import names "Steppe Data Academy (SDA)", then the agency is meant
    found = organisation_get_or_create(name="Steppe Data Academy", acronym="SDA")
    assert found.pk == agency.pk


def test_a_bare_acronym_as_the_name_matches_the_body_with_that_acronym(db):  # type: ignore[no-untyped-def]
    agency = Organisation.objects.create(
        slug="npa", name_en="National Police Agency", acronym="NPA", kind="law_enforcement"
    )
    assert organisation_get_or_create(name="NPA").pk == agency.pk
