"""The participation pages in ``plantrack bench --only participation``: the consultation page,
a paragraph's input list and the statistics page, for a consultation with 50 inputs and one
with 5,000 (p50, p95, queries), the query counts of the two sizes compared.

The inputs are generated with ``bulk_create`` (half on the first paragraph, half on the whole
draft; every third answered, every tenth hidden, supports on some): the bench measures the
reads, and the services would take minutes to write 5,000 inputs."""

from __future__ import annotations

import datetime as dt
import statistics
from functools import partial
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.plans.models import Item, Plan

from . import services
from .models import Consultation, Input, Paragraph, Response, Support

SIZES = (50, 5_000)
TARGET_MS = 200.0


def _consultation(size: int, by: User) -> Consultation:
    plan = Plan.objects.get(slug="vision-2050-goal-7")
    now = timezone.now()
    consultation = services.consultation_create(
        by=by,
        plan=plan,
        slug=f"bench-{size}",
        title_en=f"Bench consultation with {size} inputs",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=30),
        answers_due=timezone.localdate() + dt.timedelta(days=60),
    )
    root = Item.objects.get(plan=plan, code="7.3.I")
    services.consultation_draft_from_items(consultation=consultation, by=by, root=root)
    paragraph = Paragraph.objects.filter(consultation=consultation).order_by("position").first()
    people = list(User.objects.filter(email__startswith="bench-person-").order_by("pk"))
    response = Response.objects.create(
        consultation=consultation,
        status=Response.Status.NOTED,
        explanation_en="Noted.",
        responding_body_name="Ministry",
        responded_on=timezone.localdate(),
        published_at=now,
    )
    inputs = Input.objects.bulk_create(
        [
            Input(
                consultation=consultation,
                paragraph=paragraph if n % 2 else None,
                kind=Input.Kind.PROPOSAL if n % 7 == 0 else Input.Kind.COMMENT,
                title=f"Proposal {n}" if n % 7 == 0 else "",
                author=people[n % len(people)],
                body=f"Input number {n}: " + "a considered remark on the draft. " * 8,
                response=response if n % 3 == 0 else None,
                hidden_at=now if n % 10 == 0 else None,
                hidden_reason="spam" if n % 10 == 0 else "",
            )
            for n in range(size)
        ],
        batch_size=1000,
    )
    Support.objects.bulk_create(
        [
            Support(input=entry, user=people[(k + 1) % len(people)])
            for k, entry in enumerate(inputs)
            if k % 4 == 0
        ],
        batch_size=1000,
    )
    return consultation


def pages() -> list[tuple[str, int, str]]:
    admin = User.objects.filter(email="bench-admin@example.org").first()
    if admin is None:
        admin = User.objects.create_superuser(
            "bench-admin@example.org", "pw-bench-12345", display_name="Bench"
        )
    for n in range(40 - User.objects.filter(email__startswith="bench-person-").count()):
        User.objects.create_user(f"bench-person-{n}@example.org", None, display_name=f"P{n}")
    found = []
    for size in SIZES:
        consultation = Consultation.objects.filter(slug=f"bench-{size}").first() or _consultation(
            size, admin
        )
        anchor = Paragraph.objects.filter(consultation=consultation).order_by("position")[0].anchor
        base = f"/en/consultations/{consultation.slug}/"
        found += [
            ("consultation page", size, base),
            ("paragraph's inputs", size, f"{base}p/{anchor}/"),
            ("report page", size, f"{base}report/"),
        ]
    found.append(("statistics page", sum(SIZES), "/en/consultations/statistics/"))
    return found


def print_participation_pages(command: Any, runs: int) -> None:
    from plantrack.plans.management.commands.bench import _percentile, _timed

    if not Plan.objects.filter(slug="vision-2050-goal-7").exists():
        from plantrack.plans.demo import import_seed_plans

        import_seed_plans()
    client = Client()
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
        p95 = _percentile(times, 95)
        rows.append(
            [
                f"{name} ({size:,} inputs)",
                f"{statistics.median(times):.1f}",
                f"{p95:.1f}",
                str(count),
                f"{len(response.content) / 1024:.0f}",
                "yes" if p95 <= TARGET_MS else "NO",
            ]
        )
    command.stdout.write("")
    command._table(
        [
            "participation page",
            "p50 ms",
            "p95 ms",
            "queries",
            "HTML KB",
            f"p95 ≤ {TARGET_MS:.0f} ms",
        ],
        rows,
    )
    same = all(len(set(counts)) == 1 for counts in queries.values())
    command.stdout.write(
        "\nQuery counts unchanged from 50 to 5,000 inputs: " + ("yes" if same else "NO")
    )
