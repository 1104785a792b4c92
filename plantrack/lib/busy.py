"""A write that meets another transaction's lock answers 503 "try again", never 500.

On SQLite a long import holds the single write lock; a web write waits for it
(the connection's ``timeout``) and then fails with "database is locked". On
PostgreSQL the same happens with ``lock_timeout`` ("55P03"), serialization
failures ("40001") and deadlocks ("40P01"). Each is a temporary state, so the
visitor gets a page saying so, with ``Retry-After``; nothing was written, since
the failed statement's transaction is rolled back.

Two paths catch it: ``process_exception`` for errors raised in a view, and a
``got_request_exception`` receiver plus the 500 check in ``__call__`` for errors
raised by middleware inside this one (a session save after the view).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 60
_SQLITE_MESSAGES = ("database is locked", "database table is locked", "database schema is locked")
_POSTGRES_STATES = {"55P03", "40001", "40P01"}
_MARK = "_plantrack_database_busy"


def is_busy(exc: BaseException | None) -> bool:
    """True when ``exc`` means another transaction holds a lock we need."""
    if not isinstance(exc, OperationalError):
        return False
    if getattr(exc.__cause__, "sqlstate", None) in _POSTGRES_STATES:
        return True
    text = str(exc).lower()
    return any(message in text for message in _SQLITE_MESSAGES)


def busy_response(request: HttpRequest) -> HttpResponse:
    html = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}, request=None)
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never cached: the next try should reach the server.
    response["Cache-Control"] = "no-store"
    return response


def _mark_busy_request(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and is_busy(sys.exc_info()[1]):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_busy_request, dispatch_uid="plantrack-busy")


class BusyDatabaseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _MARK, False):
            return busy_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request) if is_busy(exception) else None
