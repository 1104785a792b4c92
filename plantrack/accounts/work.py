"""The work waiting for a person: filled by the apps that have some, read by the navigation
and by the sign-in page to choose where staff land.

An app registers a provider from its ``AppConfig.ready()``; a provider returns the queues
the person has (none for someone without the role), each with the number of things
waiting. ``accounts`` never imports the apps that fill it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plantrack.lib.rules import signed_in


@dataclass(frozen=True)
class WorkQueue:
    key: str  # stable name, e.g. "reporting"
    label: str  # in the active language, for the navigation
    url: str
    waiting: int


Provider = Callable[[Any], list[WorkQueue]]

_PROVIDERS: dict[str, Provider] = {}


def register(name: str) -> Callable[[Provider], Provider]:
    """Add ``provider(user) -> [WorkQueue]``; queues are shown in registration order."""

    def add(provider: Provider) -> Provider:
        _PROVIDERS[name] = provider
        return provider

    return add


def work_queues(user: Any) -> list[WorkQueue]:
    """Every queue ``user`` has, in registration order; none for a visitor."""
    if not signed_in(user):
        return []
    return [queue for provider in _PROVIDERS.values() for queue in provider(user)]


def landing_url(user: Any) -> str | None:
    """Where ``user`` lands after signing in: their work queue, the one with the most
    waiting when they have several (the first on a tie); None when they have none."""
    queues = work_queues(user)
    if not queues:
        return None
    return max(queues, key=lambda queue: queue.waiting).url
