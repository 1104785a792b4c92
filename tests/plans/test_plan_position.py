"""The plan list and the home page order plans by their managers' position, then adoption date.

Alphabetical order put the flagship plan (Vision 2050) last; a manager sets ``Plan.position``
through the plan edit form, which records the change in the history like any plan edit.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group

from plantrack.accounts.models import User
from plantrack.history.models import Event
from plantrack.organisations.models import Membership
from plantrack.plans.models import Plan
from plantrack.plans.permissions import MANAGER_GROUP
from tests.formdata import form_data

VISION = "vision-2050-goal-7"
LAW = "law-enforcement-cooperation-2015"
DICE = "dice-inclusive-digitalization-roadmap"


def _order(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    html = client.get(url).content.decode()
    return re.findall(r'<h3><a href="/en/plans/([^/]+)/"', html)


@pytest.mark.parametrize("url", ["/en/", "/en/plans/"])
def test_plans_are_listed_by_position_then_newest_adoption_then_title(db, client, url):  # type: ignore[no-untyped-def]
    # Given the seed plans at the default position: Vision 2050 adopted 2020, the law
    # enforcement plan 2015, the DICE roadmap undated
    assert set(Plan.objects.values_list("position", flat=True)) == {100}
    # Then the newest adopted comes first and the undated plan last (not alphabetical)
    assert _order(client, url) == [VISION, LAW, DICE]
    # When the DICE roadmap is given a lower position, it comes first
    Plan.objects.filter(slug=DICE).update(position=1)
    assert _order(client, url) == [DICE, VISION, LAW]
    # And at the same position and adoption date, the title decides
    Plan.objects.filter(slug=DICE).update(position=100)
    Plan.objects.update(adopted_on=datetime.date(2020, 1, 1))
    Plan.objects.filter(slug=LAW).update(title_en="Aardvark plan")
    assert _order(client, url) == [LAW, DICE, VISION]


def _reporter(db) -> User:  # type: ignore[no-untyped-def]
    from plantrack.organisations.models import Organisation

    org = Organisation.objects.create(slug="reporting-body", name_en="Reporting body")
    user = User.objects.create_user("rita@example.org", "pw-rita-1234", display_name="Rita")
    Membership.objects.create(user=user, organisation=org, role="reporter", state="active")
    return user


def _people(db, vision) -> dict[str, User | None]:  # type: ignore[no-untyped-def]
    manager = User.objects.create_user("mona@example.org", "pw-mona-1234", display_name="Mona")
    manager.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
    vision.managers.add(manager)
    other_manager = User.objects.create_user(
        "otto@example.org", "pw-otto-1234", display_name="Otto"
    )
    other_manager.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
    Plan.objects.get(slug=DICE).managers.add(other_manager)
    return {
        "anonymous": None,
        "citizen": User.objects.create_user("cit@example.org", "pw-cit-1234", display_name="Cit"),
        "reporter": _reporter(db),
        "manager of another plan": other_manager,
        "manager": manager,
        "admin": User.objects.create_superuser(
            "root@example.org", "pw-root-1234", display_name="Root"
        ),
    }


ALLOWED = {"manager", "admin"}


@pytest.mark.parametrize(
    "role",
    ["anonymous", "citizen", "reporter", "manager of another plan", "manager", "admin"],
)
def test_only_the_plans_managers_and_admins_set_its_position(db, client, sign_in, vision, role):  # type: ignore[no-untyped-def]
    people = _people(db, vision)
    user = people[role]
    url = f"/en/plans/{VISION}/edit/"
    # The form as the plan's manager sees it (its version and current values)
    manager_client = client.__class__()
    sign_in(manager_client, people["manager"])
    data = form_data(manager_client.get(url).context["form"], position=1)
    events_before = Event.objects.filter(plan_id=vision.pk).count()
    if user is not None:
        sign_in(client, user)
    # When this person posts a new position for Vision 2050
    response = client.post(url, data)
    vision.refresh_from_db()
    events = Event.objects.filter(plan_id=vision.pk).order_by("seq")
    if role in ALLOWED:
        # Then it is saved, recorded in the history, and the plan moves up the list
        assert response.status_code == 302
        assert vision.position == 1
        assert events.count() == events_before + 1
        assert events.last().changes["position"] == [100, 1]  # type: ignore[union-attr]
        Plan.objects.filter(slug=LAW).update(adopted_on=datetime.date(2024, 1, 1))
        assert _order(client, "/en/plans/")[0] == VISION
    else:
        # Then nothing changes and no event is written
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert "/accounts/sign-in/" in response["Location"]
        assert vision.position == 100
        assert events.count() == events_before


def test_a_manager_cannot_set_the_position_of_another_plan_by_its_address(
    db, client, sign_in, vision
):  # type: ignore[no-untyped-def]
    # Given the manager of Vision 2050 posts to the DICE roadmap's edit address
    people = _people(db, vision)
    sign_in(client, people["manager"])
    dice = Plan.objects.get(slug=DICE)
    response = client.post(
        f"/en/plans/{DICE}/edit/",
        {"title_en": dice.title_en, "short_name": dice.short_name, "position": 1, "version": 1},
    )
    # Then it is refused and the roadmap keeps its place
    assert response.status_code in (403, 404)
    dice.refresh_from_db()
    assert dice.position == 100


@pytest.mark.parametrize("value", ["-1", "10000", "first"])
def test_a_bad_position_is_refused_with_a_message(client, sign_in, vision, alice, value):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    url = f"/en/plans/{VISION}/edit/"
    data = form_data(client.get(url).context["form"], position=value)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["position"]
    vision.refresh_from_db()
    assert vision.position == 100
