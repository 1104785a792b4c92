"""An organisation's aimag and soum belong together, by the managed list of soums (issue 10):
checked by the service, so the registration form, the profile form and the admin all refuse
Ulaanbaatar with Даланзадгад сум, and nothing is saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from plantrack.accounts.models import User
from plantrack.history.models import Event
from plantrack.organisations import services
from plantrack.organisations.models import FieldOfActivity, Organisation, Region, Soum
from tests.formdata import form_data

REGISTER = "/en/organisations/register/"


def _region(slug: str) -> Region:
    return Region.objects.get(slug=slug)


def _data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name_en": "Gobi Herders Voice",
        "name_mn": "Говийн малчдын дуу холбоо",
        "kind": "cso",
        "region": _region("omnogovi"),
        "soum": "Даланзадгад сум",
    }
    data.update(changes)
    return data


def _post_data(**changes: object) -> dict[str, object]:
    data = {
        "name_mn": "Говийн малчдын дуу холбоо",
        "name_en": "Gobi Herders Voice",
        "kind": "cso",
        "fields": [FieldOfActivity.objects.get(slug="rural-development").pk],
        "region": _region("omnogovi").pk,
        "soum": "Даланзадгад сум",
        "setting": "rural",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_every_aimag_has_its_soums_and_the_districts_have_none() -> None:
    for aimag in Region.objects.filter(kind=Region.Kind.AIMAG):
        assert aimag.soums.count() >= 2, aimag.slug
    assert not Soum.objects.exclude(aimag__kind=Region.Kind.AIMAG).exists()
    dalanzadgad = Soum.objects.get(name_mn="Даланзадгад")
    assert (dalanzadgad.aimag.slug, dalanzadgad.name_en) == ("omnogovi", "Dalanzadgad")


@pytest.mark.parametrize(
    "written",
    ["Даланзадгад сум", "Dalanzadgad soum", "dalanzadgad", " ДАЛАНЗАДГАД  ", "Dalanzadgad city"],
)
@pytest.mark.django_db
def test_a_soum_of_the_aimag_is_accepted_however_it_is_written(written: str) -> None:
    services.place_check(region=_region("omnogovi"), soum=written)


@pytest.mark.django_db
def test_khoroos_in_districts_and_no_soum_are_accepted() -> None:
    for written in ("12th khoroo", "3-р хороо", "5"):
        services.place_check(region=_region("bayangol"), soum=written)
    for region in Region.objects.all():
        services.place_check(region=region, soum="")
    services.place_check(region=None, soum="")


@pytest.mark.parametrize(
    ("region", "soum", "says"),
    [
        ("bayangol", "Даланзадгад сум", "is a soum of Ömnögovi aimag, not a khoroo of"),
        ("sukhbaatar-district", "Peace Avenue", "is divided into numbered khoroos"),
        ("sukhbaatar-district", "Mörön", "is a soum of Khentii aimag, Khövsgöl aimag, not"),
        ("arkhangai", "Даланзадгад сум", "is in Ömnögovi aimag, not in Arkhangai aimag"),
        ("arkhangai", "Nowhere soum", "Arkhangai aimag has no soum called Nowhere soum"),
        ("national", "Даланзадгад", "works across the whole country"),
        (None, "Даланзадгад", "Choose the aimag or district"),
    ],
)
@pytest.mark.django_db
def test_a_soum_that_does_not_belong_is_refused_with_a_clear_message(
    region: str | None, soum: str, says: str
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.place_check(region=_region(region) if region else None, soum=soum)
    assert list(refused.value.error_dict) == ["soum"]
    assert says in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_a_soum_in_several_aimags_is_accepted_in_each() -> None:
    # Булган is a soum of Arkhangai, Bayan-Ölgii, Dornod, Khovd, Ömnögovi and Bulgan aimags.
    for slug in ("arkhangai", "omnogovi", "bulgan"):
        services.place_check(region=_region(slug), soum="Bulgan soum")


@pytest.mark.django_db
def test_the_service_refuses_a_registration_whose_soum_is_elsewhere(charlie: User) -> None:
    events = Event.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.organisation_register(by=charlie, data=_data(region=_region("bayangol")))
    assert "soum" in refused.value.error_dict
    assert not Organisation.objects.filter(name_en="Gobi Herders Voice").exists()
    assert Event.objects.count() == events
    organisation = services.organisation_register(by=charlie, data=_data())
    assert (organisation.region.slug, organisation.soum) == ("omnogovi", "Даланзадгад сум")


@pytest.mark.django_db
def test_the_service_refuses_a_profile_change_to_a_soum_elsewhere(charlie: User) -> None:
    organisation = services.organisation_register(by=charlie, data=_data())
    with pytest.raises(ValidationError):
        services.organisation_update(
            organisation=organisation,
            by=charlie,
            data={"region": _region("arkhangai")},
            version=organisation.version,
        )
    organisation.refresh_from_db()
    assert (organisation.region.slug, organisation.version) == ("omnogovi", 1)


@pytest.mark.django_db
def test_the_registration_page_ties_the_error_to_the_soum_field(
    client: Client, charlie: User
) -> None:
    client.force_login(charlie)
    response = client.post(REGISTER, _post_data(region=_region("bayangol").pk))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["soum"]
    html = response.content.decode()
    assert 'href="#id_soum"' in html
    assert 'id="id_soum_errors"' in html
    assert not Organisation.objects.filter(name_en="Gobi Herders Voice").exists()
    assert client.post(REGISTER, _post_data()).status_code == 302
    assert Organisation.objects.filter(name_en="Gobi Herders Voice").exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_soum_elsewhere(client: Client, demo: dict, sign_in) -> None:  # type: ignore[no-untyped-def]
    admin = User.objects.create_superuser("root@example.org", "correct-horse-9", display_name="R")
    sign_in(client, admin)
    organisation = Organisation.objects.get(slug="malchin-negdel")
    url = f"/en/admin/organisations/organisation/{organisation.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = form_data(form, region=_region("bayangol").pk, soum="Arvaikheer soum")
    data.update({"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "soum" in response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.region.slug == "ovorkhangai"


@pytest.mark.django_db
def test_the_form_offers_the_listed_soums_as_you_type(client: Client, charlie: User) -> None:
    client.force_login(charlie)
    html = client.get(REGISTER).content.decode()
    assert 'list="soum-choices"' in html
    assert '<option value="Dalanzadgad" label="Dalanzadgad · Ömnögovi aimag">' in html
    assert html.count("<option value=") >= Soum.objects.count()
