"""One-time form tokens: a form sent twice (a double click, a resend) is acted on once.

A form carries a fresh token in a hidden field. The view claims it before acting: the
first claim wins, a repeat finds it taken and is shown the first one's result instead.
A claim is an atomic ``cache.add``; deployments with several server processes need a
shared cache (database or Redis) for it to hold across processes.
"""

from __future__ import annotations

import secrets

from django import forms
from django.core.cache import cache

FIELD = "once"
TIMEOUT = 24 * 60 * 60  # a form left open for a day still works
_TAKEN = "-"


def _key(token: str) -> str:
    return f"plantrack:once:{token}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def claim(token: str) -> bool:
    """True for the first claim of a token (or no token at all), False for every repeat."""
    return not token or bool(cache.add(_key(token), _TAKEN, TIMEOUT))


def seen(token: str) -> bool:
    """True once the token has been claimed: the form was already sent."""
    return bool(token) and cache.get(_key(token)) is not None


def release(token: str) -> None:
    """Give the token back when the action was refused, so a corrected form can be sent."""
    if token:
        cache.delete(_key(token))


def remember(token: str, url: str) -> None:
    """Record where the first submit led, for the repeats."""
    if token:
        cache.set(_key(token), url, TIMEOUT)


def recall(token: str) -> str | None:
    """Where the first submit led, or None while it is still running."""
    value = cache.get(_key(token))
    return None if value in (None, _TAKEN) else str(value)


class OnceField(forms.CharField):
    """The hidden token. Optional: a client that sends none (a script, the API) is served
    without the double-submit guard; the database constraints still hold."""

    widget = forms.HiddenInput

    def __init__(self) -> None:
        super().__init__(required=False, max_length=64)


def add_token(form: forms.BaseForm) -> None:
    """Give a form its hidden token field, with a fresh token when it is first shown."""
    form.fields[FIELD] = OnceField()
    if not form.is_bound:
        form.initial[FIELD] = new_token()
