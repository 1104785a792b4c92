"""The public directory: filters, search, registry statistics, and a steady query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.organisations.models import FieldOfActivity, Organisation, Region
from plantrack.organisations.selectors import registry_statistics

LIST = "/en/organisations/"


def _slugs(client, query: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    return [organisation.slug for organisation in response.context["organisations"]]


def test_the_directory_lists_imported_and_demo_organisations_with_their_facts(client, demo):  # type: ignore[no-untyped-def]
    content = client.get(LIST).content.decode()
    assert "Tegsh Alkham Federation of Disability Organisations" in content
    assert '(<span lang="en">TAFDO</span>)' in content
    assert "Ministry of Digital Development, Innovation and Communications" in content
    assert "Ulaanbaatar, Bayanzürkh" in content
    assert "Disability rights" in content
    assert "Not verified yet" in content  # Code Tal registered itself
    assert 'class="status status-completed">Verified<' in content


@pytest.mark.parametrize(
    ("query", "included", "excluded"),
    [
        ("kind=cso", "disability-federation", "mddic"),
        ("kind=academia", "institute-for-digital-governance-research", "disability-federation"),
        ("field=disability-rights", "disability-federation", "nomin-womens-rights-centre"),
        ("target_group=herders", "malchin-negdel", "nomin-womens-rights-centre"),
        ("region=ovorkhangai", "malchin-negdel", "khovsgol-nature-guardians"),
        ("verified=no", "code-tal", "disability-federation"),
        ("verified=yes", "disability-federation", "code-tal"),
    ],
)
def test_each_filter_narrows_the_directory(client, demo, query, included, excluded):  # type: ignore[no-untyped-def]
    everything = _slugs(client)
    found = _slugs(client, query)
    assert included in found
    assert excluded not in found
    assert len(found) < len(everything)


def test_filters_combine(client, demo):  # type: ignore[no-untyped-def]
    found = _slugs(client, "field=digital-inclusion&target_group=youth&verified=yes")
    assert found == ["malchin-negdel"]


def test_an_unknown_filter_value_is_explained_and_ignored(client, demo):  # type: ignore[no-untyped-def]
    response = client.get(f"{LIST}?field=no-such-field&kind=cso")
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    slugs = [o.slug for o in response.context["organisations"]]
    assert "disability-federation" in slugs
    assert "mddic" not in slugs


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("nomin", "nomin-womens-rights-centre"),
        ("WOMEN'S RIGHTS", "nomin-womens-rights-centre"),
        ("tafdo", "disability-federation"),
        ("Номин", "nomin-womens-rights-centre"),
        ("номин", "nomin-womens-rights-centre"),
        ("НОМИН", "nomin-womens-rights-centre"),
        ("хоршоодын", "malchin-negdel"),
        ("Малчин", "malchin-negdel"),
    ],
)
def test_search_finds_organisations_by_latin_and_cyrillic_name_or_acronym(
    client, demo, q, expected
):  # type: ignore[no-untyped-def]
    from urllib.parse import quote

    found = _slugs(client, f"q={quote(q)}")
    assert expected in found
    assert len(found) <= 2


def test_the_filter_form_works_without_javascript(client, demo):  # type: ignore[no-untyped-def]
    content = client.get(LIST).content.decode()
    assert '<form method="get"' in content
    for name in ("q", "kind", "field", "target_group", "region", "verified"):
        assert f'<label for="id_{name}">' in content
    assert '<optgroup label="District of Ulaanbaatar">' in content


def test_page_links_keep_the_filters(client, demo):  # type: ignore[no-untyped-def]
    Organisation.objects.bulk_create(
        Organisation(slug=f"ngo-{n}", name_en=f"Steppe NGO {n:02}", kind="cso") for n in range(60)
    )
    content = client.get(f"{LIST}?kind=cso").content.decode()
    assert "kind=cso&amp;page=2" in content
    second = client.get(f"{LIST}?kind=cso&page=2")
    assert all(o.kind == "cso" for o in second.context["organisations"])


def test_registry_statistics_count_by_kind_field_target_group_and_region(db, demo):  # type: ignore[no-untyped-def]
    stats = registry_statistics()
    total = Organisation.objects.count()
    assert stats.total == total
    kinds = {row.slug: row.count for row in stats.by_kind}
    # "Civil society organizations" in a seed is a stakeholder group now, not a CSO.
    assert kinds["cso"] == Organisation.objects.filter(kind="cso").count() == 5
    assert sum(kinds.values()) == total
    fields = {row.slug: row.count for row in stats.by_field}
    assert fields["digital-inclusion"] == 5
    assert fields["disability-rights"] == 1
    assert fields["health"] == 0  # shown, so the gap is visible
    groups = {row.slug: row.count for row in stats.by_target_group}
    assert groups["herders"] == 2
    regions = {row.slug: row.count for row in stats.by_region}
    assert regions == {
        "bayanzurkh": 1,
        "chingeltei": 1,
        "darkhan-uul": 1,
        "khan-uul": 1,
        "khovsgol": 1,
        "ovorkhangai": 1,
        "sukhbaatar-district": 1,
    }
    # Seven demo organisations are classified; the imported ones are not.
    assert stats.no_field == total - 7
    assert stats.no_target_group == total - 5
    assert stats.no_region == total - 7
    # One registration, and every organisation the seed imports added, await verification.
    added = Organisation.objects.filter(created_by_import=True, verified_at__isnull=True).count()
    assert added > 0
    assert stats.awaiting_verification == 1 + added
    assert stats.verified == total - 1 - added


def test_the_directory_page_shows_the_statistics_as_captioned_tables(client, demo):  # type: ignore[no-untyped-def]
    content = client.get(LIST).content.decode()
    for caption in (
        "Organisations by kind",
        "Organisations by field of activity",
        "Organisations by target group",
        "Organisations by aimag or district",
    ):
        assert f"<caption>{caption}</caption>" in content
    assert "No field of activity given" in content
    assert "/en/organisations/?field=disability-rights" in content


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_organisations(count: int, start: int) -> None:
    fields = list(FieldOfActivity.objects.all()[:3])
    region = Region.objects.get(slug="bayangol")
    for n in range(start, start + count):
        organisation = Organisation.objects.create(
            slug=f"generated-{n}", name_en=f"Generated NGO {n}", kind="cso", region=region
        )
        organisation.fields.set(fields)


@pytest.mark.parametrize("query", ["", "?kind=cso&field=digital-inclusion&q=ngo", "?verified=yes"])
def test_the_directory_costs_the_same_queries_with_10_or_60_organisations(client, db, query):  # type: ignore[no-untyped-def]
    _add_organisations(10, 0)
    small = _queries(client, LIST + query)
    _add_organisations(50, 10)
    assert Organisation.objects.filter(slug__startswith="generated-").count() == 60
    big = _queries(client, LIST + query)
    assert small == big
    assert big <= 12
