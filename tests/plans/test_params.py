"""Hostile numeric query parameters never give a 500 on any public list or search page."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from plantrack.lib.params import int_param

HOSTILE = [
    "99999999999999999999",
    "-99999999999999999999",
    "-1",
    "1.5",
    "1e400",
    "nan",
    "inf",
    "text",
    "\x00",
    "1\x00",
    "١٢",
    "",
    "%00",
]

ROUTES = [
    "/mn/",
    "/mn/plans/",
    "/mn/plans/vision-2050-goal-7/",
    "/mn/plans/vision-2050-goal-7/?status=delayed",
    "/mn/plans/vision-2050-goal-7/items/7.3/",
    "/mn/organisations/",
    "/mn/organisations/?q=police",
    "/mn/organisations/mddic/",
    "/mn/search/?q=police",
]
PARAMS = ("page", "offset")


def _url(route: str, name: str, value: str) -> str:
    joiner = "&" if "?" in route else "?"
    return f"{route}{joiner}{name}={value}"


@pytest.mark.parametrize("route", ROUTES)
def test_no_public_page_answers_500_to_a_hostile_number(db, client, route):  # type: ignore[no-untyped-def]
    for name in PARAMS:
        for value in HOSTILE:
            response = client.get(route, {name: value} | _existing(route))
            assert response.status_code in (200, 400), (route, name, value, response.status_code)


def _existing(route: str) -> dict[str, str]:
    if "?" not in route:
        return {}
    key, _, value = route.split("?", 1)[1].partition("=")
    return {key: value}


@pytest.mark.parametrize("route", ["/mn/search/", "/mn/plans/vision-2050-goal-7/"])
def test_no_public_page_answers_500_to_hostile_filter_text(db, client, route):  # type: ignore[no-untyped-def]
    for value in HOSTILE:
        for name in ("q", "status", "organisation", "within"):
            response = client.get(route, {name: value})
            assert response.status_code in (200, 400), (route, name, value)


def test_the_search_with_a_huge_offset_answers_with_a_page(db, client):  # type: ignore[no-untyped-def]
    response = client.get("/mn/search/?q=police&offset=99999999999999999999")
    assert response.status_code == 200


def test_the_search_offset_past_the_limit_is_clamped(db, client):  # type: ignore[no-untyped-def]
    response = client.get("/mn/search/", {"q": "police", "offset": "99999999999999999999"})
    assert response.context["results"].offset <= 1000


def _get(query: dict[str, str]):  # type: ignore[no-untyped-def]
    return RequestFactory().get("/", query)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        ("0", 0),
        ("-3", 0),
        ("99999999999999999999", 1000),
        ("1.5", 0),
        ("1e400", 0),
        ("nan", 0),
        ("text", 0),
        ("\x00", 0),
        ("١٢", 0),
        ("", 0),
        (" 12 ", 12),
    ],
)
def test_int_param_clamps_or_falls_back_to_the_default(value, expected):  # type: ignore[no-untyped-def]
    request = _get({"offset": value})
    assert int_param(request, "offset", default=0, minimum=0, maximum=1000) == expected


def test_int_param_uses_the_default_when_the_parameter_is_missing():
    assert int_param(_get({}), "page", default=1, minimum=1, maximum=10) == 1


def test_search_items_clamps_an_offset_from_any_caller(db):  # type: ignore[no-untyped-def]
    from plantrack.plans.search import COUNT_LIMIT, search_items

    assert search_items("police", offset=10**20).offset == COUNT_LIMIT
    assert search_items("police", offset=-5).offset == 0
