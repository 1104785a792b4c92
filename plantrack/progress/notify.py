"""Who is told about a progress update's transitions (issue 11, work queues and notices).

Filled in by the notifications work: in-site notices and email in the recipient's
language, sent by the tasks worker after the transaction commits, never twice."""

from __future__ import annotations

from typing import Any


def progress_notify(*, update: Any, action: str, by: Any) -> None:
    """``action``: "submitted", "approved" or "returned". Called by the progress services
    inside their transaction."""
    return None
