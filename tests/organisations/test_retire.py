"""An organisation is never deleted: a site administrator retires it with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.history.models import Event
from plantrack.organisations import services
from plantrack.organisations.models import Organisation
from plantrack.organisations.permissions import reporting_organisation_ids


def _events(organisation: Organisation) -> list[str]:
    return list(
        Event.objects.filter(
            object_type="organisations.organisation",
            object_id=str(organisation.pk),
            action__in=["retired", "restored"],
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_site_administrator_retires_and_restores(police, site_admin, erin):  # type: ignore[no-untyped-def]
    assert police.pk in reporting_organisation_ids(erin)
    services.organisation_retire(organisation=police, reason="Merged", by=site_admin)
    police.refresh_from_db()
    assert police.retired_at is not None and police.retired_reason == "Merged"
    erin._plantrack_reporting = None
    assert police.pk not in reporting_organisation_ids(erin)  # reports no more
    services.organisation_restore(organisation=police, by=site_admin)
    police.refresh_from_db()
    assert police.retired_at is None
    assert _events(police) == ["retired", "restored"]
    ev = Event.objects.filter(object_id=str(police.pk), action="retired").get()
    assert ev.reason == "Merged"


@pytest.mark.parametrize("who", ["charlie", "erin", "alice"])
def test_nobody_else_may_retire_an_organisation(police, who, request):  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.organisation_retire(organisation=police, reason="Gone", by=user)
    police.refresh_from_db()
    assert police.retired_at is None and _events(police) == []


def test_a_reason_is_required_and_retiring_twice_is_refused(police, site_admin):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.organisation_retire(organisation=police, reason=" ", by=site_admin)
    services.organisation_retire(organisation=police, reason="Closed", by=site_admin)
    with pytest.raises(ValidationError):
        services.organisation_retire(organisation=police, reason="Closed", by=site_admin)
    assert _events(police) == ["retired"]


def test_the_page_retires_and_shows_it(client, sign_in, police, site_admin, charlie):  # type: ignore[no-untyped-def]
    client.force_login(charlie)
    assert (
        client.post(f"/en/organisations/{police.slug}/retire/", {"reason": "x"}).status_code == 403
    )
    client.logout()
    sign_in(client, site_admin)
    version = Organisation.objects.get(pk=police.pk).version
    answer = client.post(
        f"/en/organisations/{police.slug}/retire/", {"reason": "", "version": version}
    )
    assert answer.status_code == 200
    assert Organisation.objects.get(pk=police.pk).retired_at is None
    # A form from before someone else's change is refused, nothing retired.
    answer = client.post(
        f"/en/organisations/{police.slug}/retire/", {"reason": "Stale", "version": version + 5}
    )
    assert answer.status_code == 200 and b"Someone else changed" in answer.content
    assert Organisation.objects.get(pk=police.pk).retired_at is None
    answer = client.post(
        f"/en/organisations/{police.slug}/retire/", {"reason": "Merged in 2024", "version": version}
    )
    assert answer.status_code == 302
    client.logout()
    page = client.get(f"/en/organisations/{police.slug}/").content.decode()
    assert "Retired" in page and "Merged in 2024" in page


def test_the_admin_cannot_delete_an_organisation(client, sign_in, site_admin, police):  # type: ignore[no-untyped-def]
    sign_in(client, site_admin)
    client.post(f"/en/admin/organisations/organisation/{police.pk}/delete/", {"post": "yes"})
    client.post(
        "/en/admin/organisations/organisation/",
        {"action": "delete_selected", "_selected_action": [police.pk], "post": "yes"},
    )
    assert Organisation.objects.filter(pk=police.pk).exists()
