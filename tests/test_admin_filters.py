"""A filter the database cannot run sends the administrator back to the unfiltered list."""

from __future__ import annotations

import pytest
from django.contrib import admin

from plantrack.accounts.models import User

HUGE = "9" * 30


@pytest.fixture
def root(db, client, sign_in) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create_superuser("root@example.org", "pw-root-12345", display_name="Root")
    sign_in(client, user)
    return user


QUERIES = [
    f"?organisation={HUGE}",
    f"?organisation__id__exact={HUGE}",
    f"?plan__id__exact={HUGE}",
    f"?user__id__exact={HUGE}",
    f"?region__id__exact={HUGE}",
    f"?e=1&organisation={HUGE}",
]


@pytest.mark.parametrize("query", QUERIES)
def test_no_admin_list_fails_on_a_number_too_large(client, root, query):  # type: ignore[no-untyped-def]
    client.raise_request_exception = False
    failures = []
    for model in admin.site._registry:
        url = f"/en/admin/{model._meta.app_label}/{model._meta.model_name}/{query}"
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(url)
        elif response.status_code == 302:
            assert response["Location"].endswith("?e=1"), url
    assert failures == []


def test_the_list_reached_after_a_wrong_filter_lists_nothing_filtered_wrongly(client, root):  # type: ignore[no-untyped-def]
    # SQLite cannot hold the number, so the admin goes back to the list with its notice;
    # PostgreSQL's lookup finds nothing. Either way the page answers.
    response = client.get(f"/en/admin/organisations/membership/?organisation={HUGE}", follow=True)
    assert response.status_code == 200
    for url, _status in response.redirect_chain:
        assert url.endswith("/en/admin/organisations/membership/?e=1")
