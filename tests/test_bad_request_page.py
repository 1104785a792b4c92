"""A request Django refuses as too large is answered with the site's own page, in the
page's language, not a bare "Bad Request (400)"."""

from __future__ import annotations

from django.test import Client, override_settings


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_too_many_fields_get_the_sites_page_in_its_language(db):  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    data = {f"field{n}": "x" for n in range(50)}
    response = client.post("/mn/accounts/sign-in/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="mn"' in page and "Хүсэлтийг уншиж чадсангүй" in page
