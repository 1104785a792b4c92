"""A write that meets a long import's lock gets a clear 503 page with Retry-After, never a 500."""

from __future__ import annotations

import sqlite3
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from plantrack.lib.busy import RETRY_AFTER_SECONDS, is_busy
from plantrack.plans.models import Item

EDIT_URL = "/mn/plans/vision-2050-goal-7/items/7.3.13/edit/"


def _edit(item: Item) -> dict:
    return {
        "title_en": item.title_en,
        "title_mn": item.title_mn,
        "status": "in_progress",
        "progress": 50,
        "weight": item.weight,
        "version": item.version,
    }


def _assert_busy_page(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    html = response.content.decode()
    assert '<html lang="mn">' in html
    assert html.count("<h1>") == 1
    assert "<main" in html


def test_a_locked_database_during_a_write_answers_503_with_retry_after(
    sign_in, client, vision, alice
):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    item = Item.objects.get(plan=vision, code="7.3.13")
    locked = OperationalError("database is locked")
    with mock.patch("plantrack.plans.services.item_update", side_effect=locked):
        response = client.post(EDIT_URL, _edit(item))
    _assert_busy_page(response)
    item.refresh_from_db()
    assert item.status != "in_progress"


def test_a_locked_table_on_a_public_page_answers_503(client, vision):  # type: ignore[no-untyped-def]
    locked = OperationalError("database table is locked: plans_item")
    with mock.patch("plantrack.plans.views.search_items", side_effect=locked):
        response = client.get("/mn/search/?q=police")
    _assert_busy_page(response)


def test_the_busy_page_is_in_english_under_en(client, vision):  # type: ignore[no-untyped-def]
    with mock.patch(
        "plantrack.plans.views.search_items", side_effect=OperationalError("database is locked")
    ):
        response = client.get("/en/search/?q=police")
    assert response.status_code == 503
    assert '<html lang="en">' in response.content.decode()
    assert "import" in response.content.decode()


def test_another_database_error_is_still_an_error(client, vision):  # type: ignore[no-untyped-def]
    with (
        mock.patch(
            "plantrack.plans.views.search_items", side_effect=OperationalError("no such table: x")
        ),
        pytest.raises(OperationalError),
    ):
        client.get("/mn/search/?q=police")


def test_a_lock_met_outside_the_view_answers_503_too(vision):  # type: ignore[no-untyped-def]
    # Middleware after the view writes too (a session save): that write can meet the lock.
    client = Client(raise_request_exception=False)
    with mock.patch(
        "django.contrib.messages.middleware.MessageMiddleware.process_response",
        side_effect=OperationalError("database is locked"),
    ):
        response = client.get("/mn/search/?q=police")
    _assert_busy_page(response)


def test_an_error_outside_the_view_that_is_no_lock_stays_a_500(vision):  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    with mock.patch(
        "django.contrib.messages.middleware.MessageMiddleware.process_response",
        side_effect=OperationalError("disk I/O error"),
    ):
        response = client.get("/mn/search/?q=police")
    assert response.status_code == 500


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "busy"),
    [("55P03", True), ("40001", True), ("40P01", True), ("42P01", False), (None, False)],
)
def test_postgresql_lock_timeouts_and_serialization_failures_count_as_busy(sqlstate, busy):  # type: ignore[no-untyped-def]
    error = OperationalError("could not obtain lock")
    error.__cause__ = _PgError(sqlstate)  # type: ignore[arg-type]
    assert is_busy(error) is busy


@pytest.mark.skipif(connection.vendor != "sqlite", reason="an SQLite write lock")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_sqlite_write_lock_held_by_another_connection_answers_503(sign_in):  # type: ignore[no-untyped-def]
    from plantrack.accounts.models import User

    alice = User.objects.create_user("alice@example.org", "correct-horse-1", display_name="A")
    alice.is_superuser = True
    alice.save()
    client = Client(raise_request_exception=False)
    sign_in(client, alice)
    item = Item.objects.get(plan__slug="vision-2050-goal-7", code="7.3.13")
    # The test database is a shared-cache in-memory database: a second connection that
    # holds a write transaction makes every other writer fail at once with "locked".
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE plans_plan SET issuer = issuer")
        response = client.post(EDIT_URL, _edit(item))
    finally:
        other.execute("ROLLBACK")
        other.close()
    _assert_busy_page(response)
    item.refresh_from_db()
    assert item.status != "in_progress"


@pytest.mark.postgres
def test_a_real_postgresql_row_lock_past_lock_timeout_answers_503(sign_in, vision, alice):  # type: ignore[no-untyped-def]
    import psycopg

    client = Client(raise_request_exception=False)
    sign_in(client, alice)
    item = Item.objects.get(plan=vision, code="7.3.13")
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=settings["NAME"]
    )
    try:
        other.execute("SELECT 1 FROM plans_item WHERE id = %s FOR UPDATE", [item.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        response = client.post(EDIT_URL, _edit(item))
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    _assert_busy_page(response)
    item.refresh_from_db()
    assert item.status != "in_progress"
