"""What the header shows a signed-in person: their unread notices and their work queues
with the number waiting in each. Computed only when the page's template asks for it, in a
fixed number of queries: one for the notices, and the work providers' own (see
``accounts.work``)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from plantrack.accounts.work import WorkQueue, work_queues
from plantrack.lib.rules import signed_in

from .selectors import unread_count


class MyWork:
    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(user=self.user)

    @cached_property
    def queues(self) -> list[WorkQueue]:
        return work_queues(self.user)


def my_work(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Staff who have not yet given their second factor see nothing of their work.
    if not signed_in(user) or getattr(request, "second_step_pending", False):
        return {}
    return {"my_work": MyWork(user)}
