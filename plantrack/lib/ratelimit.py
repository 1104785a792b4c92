"""Rate limits on public writes (inputs, supports, flags): per account and per address.

Counts live in the cache, one fixed window per key (``cache.add`` then ``incr``, both
atomic in the shared caches). A write over either limit raises ``RateLimited``, which the
views turn into a 429 answer with its message. Addresses are hashed, never stored."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Limit:
    per_account: int
    per_address: int
    window: int  # seconds


class RateLimited(Exception):
    """Too many writes of one kind from one account or address in the window."""

    def __init__(self, window: int) -> None:
        self.window = window
        minutes = max(1, window // 60)
        super().__init__(
            _("Too many in a short time. Please wait %(minutes)s minutes and try again.")
            % {"minutes": minutes}
        )

    @property
    def message(self) -> str:
        return str(self)


def _count(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:
        # The window ended between add() and incr(): this is the first of a new one.
        cache.set(key, 1, timeout=window)
        return 1


def rate_take(*, action: str, limit: Limit, user_id: int | None, address: str = "") -> None:
    """Count one ``action`` by ``user_id`` from ``address``; refuse one over either limit.
    Both counters advance, so a refused attempt still counts (a flood stays refused)."""
    over = False
    if user_id is not None:
        over |= _count(f"ratelimit:{action}:user:{user_id}", limit.window) > limit.per_account
    if address:
        hashed = hashlib.sha256(address.encode()).hexdigest()[:32]
        over |= _count(f"ratelimit:{action}:ip:{hashed}", limit.window) > limit.per_address
    if over:
        raise RateLimited(limit.window)
