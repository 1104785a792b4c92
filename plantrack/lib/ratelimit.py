"""Counting limits per account and per network address, in Django's cache.

``take(scope, user=…, ip=…)`` counts one action and raises ``RateLimited`` when either
count goes over its cap in the window. The caps live in ``settings.PLANTRACK_RATE_LIMITS``
(``{scope: {"per_account": n, "per_address": n, "window": seconds}}``); a scope without
settings is not limited. Views turn ``RateLimited`` into a 429 page with its message, which
names the limit. Counts are kept in the default cache: with several server processes use a
shared one (see the cache settings).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Limit:
    per_account: int
    per_address: int
    window: int  # seconds


class RateLimited(Exception):
    """Too many actions of one kind; ``message`` names the limit and when to try again."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def limit_for(scope: str) -> Limit | None:
    configured = (getattr(settings, "PLANTRACK_RATE_LIMITS", None) or {}).get(scope)
    if not configured:
        return None
    return Limit(
        per_account=int(configured.get("per_account", 0)),
        per_address=int(configured.get("per_address", 0)),
        window=int(configured.get("window", 3600)),
    )


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


def _window_text(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    minutes = max(1, seconds // 60)
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}


def take(scope: str, *, what: str, user: Any = None, ip: str = "") -> None:
    """Count one ``scope`` action by ``user`` from ``ip``; ``what`` names the action in
    the refusal ("inputs", "supports"). Raises ``RateLimited`` past either cap."""
    limit = limit_for(scope)
    if limit is None:
        return
    window = _window_text(limit.window)
    user_id = getattr(user, "pk", None)
    over_account = (
        limit.per_account
        and user_id is not None
        and _count(f"plantrack:rate:{scope}:user:{user_id}", limit.window) > limit.per_account
    )
    if over_account:
        raise RateLimited(
            _(
                "You have reached the limit of %(limit)s %(what)s per account in "
                "%(window)s. Please try again later."
            )
            % {"limit": limit.per_account, "what": what, "window": window},
            retry_after=limit.window,
        )
    network = hashlib.sha256(ip.encode()).hexdigest()
    over_address = (
        limit.per_address
        and ip
        and _count(f"plantrack:rate:{scope}:ip:{network}", limit.window) > limit.per_address
    )
    if over_address:
        raise RateLimited(
            _(
                "The limit of %(limit)s %(what)s from one network address in "
                "%(window)s has been reached. Please try again later."
            )
            % {"limit": limit.per_address, "what": what, "window": window},
            retry_after=limit.window,
        )
