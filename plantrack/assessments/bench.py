"""The assessment pages in ``plantrack bench``: the round page and the comparison page at 36
and 3,600 indicators (p50, p95, queries, weight), with the query counts of the two sizes
compared. ``bench.py`` calls ``print_assessment_pages`` after its own pages."""

from __future__ import annotations

import gzip
import statistics
from functools import partial
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .demo import shadow_of
from .generate import sample_assessment
from .importing import assessment_import

SIZES = ((1, "36"), (100, "3,600"))


def _rounds(size: int) -> tuple[int, int]:
    """An official round and its shadow, published, on a framework of 36 × ``size``."""
    parsed = sample_assessment(size=size, title=f"Bench scorecard {size}", subject=f"Bench {size}")
    official = assessment_import(parsed=parsed, system=True, publish=True).round
    shadow = assessment_import(parsed=shadow_of(parsed)[0], system=True, publish=True).round
    assert official is not None and shadow is not None
    return official.pk, shadow.pk


def pages() -> list[tuple[str, str, str]]:
    """(name, size, URL) of each measured page."""
    found = []
    for size, label in SIZES:
        official, shadow = _rounds(size)
        found += [
            ("assessment round", label, f"/en/assessments/rounds/{official}/"),
            ("assessment comparison", label, f"/en/assessments/compare/?a={official}&b={shadow}"),
        ]
    return found


def print_assessment_pages(command: Any, runs: int) -> None:
    from plantrack.plans.management.commands.bench import (
        TARGET_PAGE_KB,
        TARGET_PAGE_MS,
        _asset_sizes,
        _percentile,
        _timed,
    )

    client = Client()
    css, js = _asset_sizes()
    rows: list[list[str]] = []
    queries: dict[str, list[int]] = {}
    for name, size, url in pages():
        for _ in range(3):
            client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        count = len(captured.captured_queries)
        queries.setdefault(name, []).append(count)
        times = [_timed(partial(client.get, url)) * 1000 for _ in range(runs)]
        total_kb = (len(gzip.compress(response.content)) + css + js) / 1024
        p95 = _percentile(times, 95)
        ok = p95 <= TARGET_PAGE_MS and total_kb <= TARGET_PAGE_KB
        rows.append(
            [
                f"{name} ({size} indicators)",
                f"{statistics.median(times):.1f}",
                f"{p95:.1f}",
                str(count),
                f"{len(response.content) / 1024:.0f}",
                f"{total_kb:.1f}",
                "yes" if ok else "NO",
            ]
        )
    command.stdout.write("")
    command._table(
        [
            "assessment page",
            "p50 ms",
            "p95 ms",
            "queries",
            "HTML KB",
            "gzip KB (+css/js)",
            "meets goal",
        ],
        rows,
    )
    same = all(len(set(counts)) == 1 for counts in queries.values())
    command.stdout.write(
        "\nQuery counts unchanged from 36 to 3,600 indicators: " + ("yes" if same else "NO")
    )
