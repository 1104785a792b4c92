"""Reading untrusted documents takes turns, so a burst of uploads cannot starve the pages."""

from __future__ import annotations

import threading

from django.utils import translation

from plantrack.plans.importers import sandbox
from plantrack.plans.importers.base import ParsedItem, ParsedPlan
from plantrack.plans.importers.limits import current


def _read(data: bytes, limits) -> ParsedPlan:  # type: ignore[no-untyped-def]
    return ParsedPlan(
        title="T", short_name="t", items=[ParsedItem(code="1", kind="goal", title="G")]
    )


def test_a_read_beyond_the_concurrent_reads_waits_then_is_refused_naming_the_limit():
    limits = current().but(max_concurrent_reads=1, wait_for_a_turn_seconds=0.2)
    turn = sandbox._turn(limits)
    # Given the one turn is taken by a read in progress
    assert turn.acquire(timeout=1)
    try:
        # When another document arrives, then it is refused with the limit, not queued forever
        with translation.override("en"):
            outcome = sandbox.run(_read, b"x", limits)
        assert outcome.plan is None
        assert "as many documents as it reads at once (1)" in (outcome.refusal or "")
    finally:
        turn.release()
    # And once the turn is free, reading works again
    assert sandbox.run(_read, b"x", limits).plan is not None


def test_reads_within_the_limit_run_side_by_side():
    limits = current().but(max_concurrent_reads=2, wait_for_a_turn_seconds=5)
    results: list[bool] = []

    def one() -> None:
        results.append(sandbox.run(_read, b"x", limits).plan is not None)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == [True] * 4
