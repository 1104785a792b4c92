"""Two managers editing one plan: the second is told to reload, nothing is silently reverted."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from plantrack.plans.models import Plan
from plantrack.plans.services import plan_update
from tests.formdata import form_data

EDIT = "/en/plans/vision-2050-goal-7/edit/"


def test_two_editors_of_one_plan_do_not_overwrite_each_other(client, sign_in, vision, alice):  # type: ignore[no-untyped-def]
    # Given Alice has the plan open in two tabs (two editors with the same rights)
    other = client.__class__()
    sign_in(client, alice)
    sign_in(other, alice)
    first_form = client.get(EDIT).context["form"]
    second_form = other.get(EDIT).context["form"]
    # When the first changes the issuer and the second, from its older copy, the description
    assert client.post(EDIT, form_data(first_form, issuer="Cabinet Secretariat")).status_code == 302
    second = other.post(EDIT, form_data(second_form, description_en="A new description."))
    # Then the second is refused with a clear message and the issuer is kept
    assert second.status_code == 200
    assert "Someone else saved this plan" in second.content.decode()
    vision.refresh_from_db()
    assert vision.issuer == "Cabinet Secretariat"
    assert vision.description_en != "A new description."


def test_plan_update_refuses_a_stale_version_and_bumps_a_fresh_one(vision, alice):  # type: ignore[no-untyped-def]
    seen = vision.version
    plan_update(plan=vision, version=seen, values={"issuer": "One"}, by=alice)
    with pytest.raises(ValidationError) as refused:
        plan_update(
            plan=Plan.objects.get(pk=vision.pk), version=seen, values={"issuer": "Two"}, by=alice
        )
    assert refused.value.code == "stale"
    vision.refresh_from_db()
    assert (vision.issuer, vision.version) == ("One", seen + 1)


def test_an_import_that_changes_the_plan_makes_an_older_edit_form_stale(vision, alice):  # type: ignore[no-untyped-def]
    from plantrack.plans.importers.base import ParsedItem, ParsedPlan
    from plantrack.plans.services import plan_import

    # Given Alice opened the edit form, then an import changed the plan's issuer
    seen = vision.version
    parsed = ParsedPlan(
        title=vision.title_en,
        short_name=vision.slug,
        issuer="Issuer from the new version of the document",
        items=[ParsedItem(code="1", kind="goal", title="A goal")],
    )
    plan_import(parsed=parsed, system=True)
    # When she saves her older copy, then it is refused and the imported issuer stays
    with pytest.raises(ValidationError):
        plan_update(
            plan=Plan.objects.get(pk=vision.pk), version=seen, values={"issuer": "Old"}, by=alice
        )
    vision.refresh_from_db()
    assert vision.issuer == "Issuer from the new version of the document"


def test_an_edit_sent_without_the_version_it_was_made_from_is_refused(
    client, sign_in, vision, alice
):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    data = form_data(client.get(EDIT).context["form"], issuer="Unchecked issuer")
    data.pop("version")
    response = client.post(EDIT, data)
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    vision.refresh_from_db()
    assert vision.issuer != "Unchecked issuer"


def test_manager_pages_have_a_plain_text_title(client, sign_in, vision, alice):  # type: ignore[no-untyped-def]
    import re

    sign_in(client, alice)
    for url in (
        f"/en/plans/{vision.slug}/items/7.1/edit/",
        f"/en/plans/{vision.slug}/edit/",
        f"/en/plans/{vision.slug}/add-item/",
        f"/en/plans/{vision.slug}/items/7.1/move/",
        f"/en/plans/{vision.slug}/items/7.1/retire/",
    ):
        page = client.get(url).content.decode()
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        assert title is not None and "&lt;" not in title.group(1) and "<" not in title.group(1), url
