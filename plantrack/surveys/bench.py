"""The survey pages in ``plantrack bench`` (``--only surveys``): the results page and the
form of a survey with every kind of question at 100 and 10,000 responses (p50, p95,
queries), with the query counts of the two sizes compared. Goal: results ≤ 200 ms p95."""

from __future__ import annotations

import secrets
import statistics
from functools import partial
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .generate import generate_responses, sample_survey

SIZES = (100, 10_000)
TARGET_RESULTS_MS = 200.0


def print_survey_pages(command: Any, runs: int, responses: int = SIZES[-1]) -> None:
    from plantrack.plans.management.commands.bench import _percentile, _timed

    client = Client()
    rows: list[list[str]] = []
    queries: dict[str, list[int]] = {}
    for size in (SIZES[0], max(responses, SIZES[0])):
        survey = sample_survey(f"bench-survey-{size}-{secrets.token_hex(3)}")
        generate_responses(survey, size)
        for name, url in (
            ("survey results", f"/en/surveys/{survey.slug}/results/"),
            ("survey form", f"/en/surveys/{survey.slug}/"),
        ):
            for _ in range(3):
                client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, f"{url} answered {response.status_code}"
            count = len(captured.captured_queries)
            queries.setdefault(name, []).append(count)
            times = [_timed(partial(client.get, url)) * 1000 for _ in range(runs)]
            p95 = _percentile(times, 95)
            rows.append(
                [
                    f"{name} ({size:,} responses)",
                    f"{statistics.median(times):.1f}",
                    f"{p95:.1f}",
                    str(count),
                    "yes" if p95 <= TARGET_RESULTS_MS else "NO",
                ]
            )
    command.stdout.write("")
    command._table(["survey page", "p50 ms", "p95 ms", "queries", "p95 ≤ 200 ms"], rows)
    same = all(len(set(counts)) == 1 for counts in queries.values())
    command.stdout.write(
        f"\nQuery counts unchanged from {SIZES[0]:,} to {max(responses, SIZES[0]):,} responses: "
        + ("yes" if same else "NO")
    )
