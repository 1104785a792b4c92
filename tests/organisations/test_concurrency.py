"""One name is one organisation and one person asks to join once, however the requests race."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from plantrack.accounts.models import User
from plantrack.organisations import services
from plantrack.organisations.models import Membership, Organisation

REGISTER = "/en/organisations/register/"


def _user(n: int) -> User:
    return User.objects.create_user(f"user{n}@example.org", "pw-race-12345", display_name=f"U{n}")


def _data(**changes: str) -> dict[str, str]:
    return {"name_en": "Steppe Readers", "kind": "cso", **changes}


def test_a_name_differing_only_in_cyrillic_letter_case_is_refused(db):  # type: ignore[no-untyped-def]
    services.organisation_register(
        by=_user(1), data=_data(name_en="", name_mn="Тал нутгийн уншигчид")
    )
    with pytest.raises(ValidationError) as refused:
        services.organisation_register(
            by=_user(2), data=_data(name_en="", name_mn="ТАЛ НУТГИЙН  уншигчид")
        )
    assert refused.value.code == "duplicate_name"
    assert Organisation.objects.filter(name_mn__icontains="уншигчид").count() == 1


def test_a_registration_that_loses_the_race_gets_a_message_not_an_error(db, monkeypatch):  # type: ignore[no-untyped-def]
    services.organisation_register(by=_user(1), data=_data())
    # As if the other registration was not committed yet when this one looked
    checks = iter([False])
    real = services.name_taken
    monkeypatch.setattr(services, "name_taken", lambda o: next(checks, None) or real(o))
    with pytest.raises(ValidationError) as refused:
        services.organisation_register(by=_user(2), data=_data(name_en="steppe  READERS"))
    assert refused.value.code == "duplicate_name"
    assert Organisation.objects.filter(name_en__iexact="steppe readers").count() == 1
    assert not Membership.objects.filter(user__email="user2@example.org").exists()


def test_a_join_request_that_loses_the_race_gets_a_message_not_an_error(tegsh, monkeypatch):  # type: ignore[no-untyped-def]
    user = _user(1)
    real = services.require

    def the_other_request_lands(who, name, obj=None):  # type: ignore[no-untyped-def]
        real(who, name, obj)
        Membership.objects.create(user=user, organisation=tegsh, state="requested")

    monkeypatch.setattr(services, "require", the_other_request_lands)
    with pytest.raises(ValidationError) as refused:
        services.membership_request(organisation=tegsh, user=user)
    assert refused.value.code == "exists"


def test_a_registration_form_sent_twice_registers_once(client, charlie):  # type: ignore[no-untyped-def]
    client.force_login(charlie)
    form = client.get(REGISTER).context["form"]
    token = form.initial["once"]
    data = {
        "name_en": "Steppe Readers",
        "kind": "cso",
        "fields": [form.fields["fields"].queryset.first().pk],
        "region": form.fields["region"].queryset.first().pk,
        "once": token,
    }
    first = client.post(REGISTER, data)
    second = client.post(REGISTER, data, follow=True)
    organisation = Organisation.objects.get(name_en="Steppe Readers")
    assert first["Location"] == organisation.get_absolute_url()
    assert second.redirect_chain[-1][0] == organisation.get_absolute_url()
    assert "already sent" in second.content.decode()
    assert Organisation.objects.filter(name_en="Steppe Readers").count() == 1


def test_a_refused_registration_can_be_corrected_and_sent_with_the_same_form(client, charlie):  # type: ignore[no-untyped-def]
    services.organisation_register(by=_user(1), data=_data())
    client.force_login(charlie)
    form = client.get(REGISTER).context["form"]
    data = {
        "name_en": "Steppe Readers",
        "kind": "cso",
        "fields": [form.fields["fields"].queryset.first().pk],
        "region": form.fields["region"].queryset.first().pk,
        "once": form.initial["once"],
    }
    refused = client.post(REGISTER, data)
    assert refused.status_code == 200
    assert Organisation.objects.filter(name_en="Steppe Readers").count() == 1
    data["name_en"] = "Steppe Readers of Khovd"
    assert client.post(REGISTER, data).status_code == 302
    assert Organisation.objects.filter(name_en="Steppe Readers of Khovd").count() == 1


def _race(n: int, work: Callable[[int], None]) -> list[str]:
    outcomes: list[str] = []
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
            outcomes.append("done")
        except ValidationError as exc:
            outcomes.append(f"refused {exc.code if hasattr(exc, 'code') else ''}")
        except Exception as exc:  # the test reports whatever escaped
            outcomes.append(f"error {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_parallel_registrations_of_one_name_make_one_organisation():  # type: ignore[no-untyped-def]
    users = [_user(i) for i in range(10)]
    outcomes = _race(10, lambda i: services.organisation_register(by=users[i], data=_data()))
    assert outcomes.count("done") == 1, outcomes
    assert outcomes.count("refused duplicate_name") == 9, outcomes
    assert Organisation.objects.filter(name_en="Steppe Readers").count() == 1
    assert Membership.objects.filter(organisation__name_en="Steppe Readers").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_parallel_join_requests_make_one_request():  # type: ignore[no-untyped-def]
    owner, asker = _user(0), _user(1)
    organisation = services.organisation_register(by=owner, data=_data())
    outcomes = _race(
        10, lambda i: services.membership_request(organisation=organisation, user=asker)
    )
    assert outcomes.count("done") == 1, outcomes
    assert outcomes.count("refused exists") == 9, outcomes
    assert Membership.objects.filter(user=asker, organisation=organisation).count() == 1
