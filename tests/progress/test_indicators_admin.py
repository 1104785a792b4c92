"""The admin keeps the disaggregation dimensions through the services (history events, a
value in use keeps its slug and stays), and shows indicators read-only."""

from __future__ import annotations

import pytest

from plantrack.accounts.models import User
from plantrack.history.models import Event
from plantrack.progress.models import Dimension, DimensionValue, Indicator
from tests.formdata import page_form

from .indicator_helpers import indicator, quarter, report

pytestmark = pytest.mark.django_db
ADD = "/en/admin/progress/dimension/add/"


@pytest.fixture
def root(client, sign_in) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create_superuser("root@example.org", "pw-root-12345", display_name="Root")
    sign_in(client, user)
    return user


def _inline(prefix: str, rows: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    return data


def test_a_site_admin_adds_a_dimension_with_its_values(client, root):  # type: ignore[no-untyped-def]
    data = {"slug": "ethnicity", "name_en": "Ethnic group", "name_mn": "Угсаатан", "position": "9"}
    data |= _inline(
        "values",
        [
            {"slug": "khalkh", "name_en": "Khalkh", "name_mn": "Халх", "position": "0"},
            {"slug": "kazakh", "name_en": "Kazakh", "name_mn": "Казах", "position": "1"},
        ],
    )
    response = client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    dimension = Dimension.objects.get(slug="ethnicity")
    assert sorted(dimension.values.values_list("slug", flat=True)) == ["kazakh", "khalkh"]
    created = Event.objects.filter(action="created", object_type__startswith="progress.dimension")
    assert created.count() == 3


def test_the_admin_refuses_to_delete_or_reslug_a_value_reports_use(client, root, activity):  # type: ignore[no-untyped-def]
    trained = indicator(activity, dimensions=("sex",))
    report(activity, quarter(activity.plan, 2026, 1), [(trained, "female", {"value": 1})])
    sex = Dimension.objects.get(slug="sex")
    url = f"/en/admin/progress/dimension/{sex.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = page_form(page.content.decode(), "dimension_form")
    female = next(k for k, v in data.items() if k.endswith("-slug") and v == "female")
    row = female.removesuffix("-slug")
    response = client.post(url, {**data, f"{row}-DELETE": "on"})
    assert response.status_code == 200  # shown again with the error
    # Refused by Django's own protection of measured values, or by ours, with a message.
    assert "errorlist" in response.content.decode()
    response = client.post(url, {**data, female: "women"})
    assert response.status_code == 200
    assert "short name (slug) stays" in response.content.decode()
    assert DimensionValue.objects.filter(slug="female", dimension=sex).exists()
    # The dimension itself has no delete button or page for an admin.
    assert (
        client.post(f"/en/admin/progress/dimension/{sex.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Dimension.objects.filter(pk=sex.pk).exists()


def test_renaming_a_value_in_the_admin_is_recorded(client, root):  # type: ignore[no-untyped-def]
    sex = Dimension.objects.get(slug="sex")
    url = f"/en/admin/progress/dimension/{sex.pk}/change/"
    data = page_form(client.get(url).content.decode(), "dimension_form")
    name = next(k for k, v in data.items() if k.endswith("-name_en") and v == "Female")
    assert client.post(url, {**data, name: "Women"}).status_code == 302
    value = DimensionValue.objects.get(dimension=sex, slug="female")
    assert value.name_en == "Women"
    event = Event.objects.get(object_type="progress.dimensionvalue", object_id=str(value.pk))
    assert event.changes == {"name_en": ["Female", "Women"]}


def test_an_unused_dimension_is_deleted_through_the_service(client, root):  # type: ignore[no-untyped-def]
    spare = Dimension.objects.create(slug="spare", name_en="Spare", name_mn="Нөөц")
    response = client.post(f"/en/admin/progress/dimension/{spare.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Dimension.objects.filter(pk=spare.pk).exists()
    assert Event.objects.filter(object_type="progress.dimension", action="removed").count() == 1


def test_indicators_are_read_only_in_the_admin(client, root, activity):  # type: ignore[no-untyped-def]
    trained = indicator(activity)
    url = f"/en/admin/progress/indicator/{trained.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(url, {"title_en": "Changed", "kind": "yes_no"})
    assert Indicator.objects.get(pk=trained.pk).title_en == "People trained"
    assert client.get("/en/admin/progress/indicator/add/").status_code == 403
    assert (
        client.post(
            f"/en/admin/progress/indicator/{trained.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Indicator.objects.filter(pk=trained.pk).exists()
