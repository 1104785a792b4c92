"""Retiring and restoring a plan or an organisation: one write, the same for both.

The services decide who may and check the reason and the version; this sets the two
columns, bumps the version and records the history event in the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from plantrack.history.services import Action, record


def set_retired(current: Any, *, reason: str | None, by: Any, **event: Any) -> Any:
    """Retire ``current`` with ``reason``, or restore it when ``reason`` is None."""
    retiring = reason is not None
    current.retired_at = timezone.now() if retiring else None
    current.retired_reason = reason or ""
    current.version += 1
    current.save(update_fields=["retired_at", "retired_reason", "version", "updated_at"])
    record(
        current,
        Action.RETIRED if retiring else Action.RESTORED,
        by=by,
        changes={"retired": [not retiring, retiring]},
        reason=reason or "",
        **event,
    )
    return current
