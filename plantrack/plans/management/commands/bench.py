"""``plantrack bench``: measure imports and pages on generated data and print a table.

It runs against its own database: ``plantrack bench`` points PLANTRACK_DATA_DIR at
a fresh temporary folder (see plantrack/cli.py) unless --data-dir is given, so the
demo database is never touched. Page times are server time inside Django (the test
client, no network), the figure the product's quality bar is stated in.
"""

from __future__ import annotations

import contextlib
import gzip
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from copy import deepcopy
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plantrack.organisations.models import Organisation
from plantrack.plans.demo import PLAN_SEEDS, build_demo, generate_statuses
from plantrack.plans.generate import renamed, scaled_vision
from plantrack.plans.generate_documents import outline_docx, outline_pdf
from plantrack.plans.importers.base import ImportRefused, ParsedPlan
from plantrack.plans.importers.detect import parse_bytes, parse_bytes_measured
from plantrack.plans.importers.limits import MB, current
from plantrack.plans.importers.sandbox import Outcome
from plantrack.plans.importers.table import write_csv
from plantrack.plans.seedfiles import read_seed
from plantrack.plans.services import plan_import

ALL_SEEDS = (*PLAN_SEEDS, "003_8a0f78df4ed7b134.txt", "004_a753d303f7349415.txt")
TARGET_PAGE_MS = 50.0
TARGET_PAGE_KB = 60.0
TARGET_JS_KB = 20.0
TARGET_REIMPORT_S = 10.0
TARGET_DOCUMENT_S = 10.0  # a 10,000-item DOCX or a 300-page PDF, read and imported
TARGET_READER_MB = 500.0  # the sandboxed reader's peak memory while reading it
# A web write waits for the lock; two seconds is the longest wait a visitor should feel,
# and far inside SQLite's 20-second busy timeout, after which they would get the 503 page.
TARGET_LOCK_S = 2.0
TARGET_VERIFY_S = 30.0  # ``plantrack history verify`` over a million events
HISTORY_BATCH = 10_000
_WRITES = ("insert", "update", "delete", "replace")
PARTS = ("imports", "pages", "history", "progress", "surveys", "participation")
TARGET_DASHBOARD_MS = 100.0  # a dashboard page's p95, with a million approved measurements


def _nothing() -> None:
    pass


class WriteLockTimer:
    """Records the longest time one connection held the database's write lock.

    On SQLite with ``transaction_mode=IMMEDIATE`` the lock is taken by ``BEGIN
    IMMEDIATE`` when an atomic block opens, and held until commit or rollback.
    Elsewhere (PostgreSQL, or SQLite in DEFERRED mode) the span starts at the
    transaction's first write statement, when row or database locks are taken.
    A write in autocommit mode holds the lock for the statement alone.
    """

    def __init__(self, conn: BaseDatabaseWrapper = connection) -> None:
        self.conn = conn
        self.longest = 0.0
        self.holds = 0
        self._since: float | None = None
        self._stack = contextlib.ExitStack()

    def _begin(self) -> None:
        if getattr(self.conn, "transaction_mode", None) in ("IMMEDIATE", "EXCLUSIVE"):
            self._since = time.perf_counter()

    def _end(self) -> None:
        if self._since is not None:
            self._record(time.perf_counter() - self._since)
            self._since = None

    def _record(self, seconds: float) -> None:
        self.holds += 1
        self.longest = max(self.longest, seconds)

    def _statement(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        write = sql.lstrip().lower().startswith(_WRITES)
        if not write:
            return execute(sql, params, many, context)
        if not self.conn.get_autocommit():
            if self._since is None:
                self._since = time.perf_counter()
            return execute(sql, params, many, context)
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self._record(time.perf_counter() - start)

    def _wrap(self, name: str, before: Callable[[], None], after: Callable[[], None]) -> None:
        original = getattr(self.conn, name, None)
        if original is None:
            return

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            before()
            try:
                return original(*args, **kwargs)
            finally:
                after()

        setattr(self.conn, name, wrapped)
        self._stack.callback(delattr, self.conn, name)

    def __enter__(self) -> WriteLockTimer:
        self._wrap("_start_transaction_under_autocommit", _nothing, self._begin)
        self._wrap("_commit", _nothing, self._end)
        self._wrap("_rollback", _nothing, self._end)
        self._stack.enter_context(self.conn.execute_wrapper(self._statement))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()


def _timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _asset_sizes() -> tuple[int, int]:
    """Compressed bytes of the CSS and JS every page loads."""
    css = js = 0
    for name in ("plantrack/site.css",):
        path = finders.find(name)
        if path:
            css += len(gzip.compress(Path(str(path)).read_bytes()))
    static = Path(settings.BASE_DIR) / "static"
    for script in static.rglob("*.js"):
        js += len(gzip.compress(script.read_bytes()))
    return css, js


def _bench_entries(first: int, last: int) -> list[Any]:
    """History entries shaped as an import's: an item whose title and progress changed."""
    from plantrack.history.services import Entry

    return [
        Entry(
            action="changed",
            object_type="plans.item",
            object_id=str(n),
            label=f"7.3.{n} bench item",
            plan_id=1,
            item_id=n,
            changes={"title_en": [f"Title {n}", f"Title {n} (revised)"], "progress": ["10", "20"]},
            reason=f"7.3.{n}: title_en changed",
        )
        for n in range(first, last)
    ]


def _append_in_one_transaction(entries: list[Any]) -> None:
    from django.db import transaction

    from plantrack.history.services import append_many

    with transaction.atomic():
        append_many(entries)


def _meets(value: str, goal: str) -> bool:
    """ "2.11 s" against "≤ 10 s"."""
    return float(value.split()[0]) <= float(goal.split()[1])


def _retitled(parsed: ParsedPlan) -> ParsedPlan:
    """The same plan with every item's title changed, as an edited file would be."""
    changed = deepcopy(parsed)
    for item in changed.items:
        item.title = f"{item.title} (revised)"
    return changed


class Command(BaseCommand):
    help = "Generate data at a scale and print import and page figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="1 = the seed plans; 100 = 100×")
        parser.add_argument("--runs", type=int, default=40, help="timed requests per page")
        parser.add_argument("--activities", type=int, default=10_000)
        parser.add_argument("--docx-items", type=int, default=10_000)
        parser.add_argument("--pdf-pages", type=int, default=300)
        parser.add_argument(
            "--events",
            type=int,
            default=10_000,
            help="history events appended before verifying (1000000 measures the goal directly)",
        )
        parser.add_argument(
            "--measurements",
            type=int,
            default=1_000_000,
            help="approved measurements generated for the progress table",
        )
        parser.add_argument(
            "--progress-scale",
            type=int,
            default=100,
            help="the progress table compares a plan at scale 1 with one at this scale",
        )
        parser.add_argument(
            "--only",
            choices=PARTS,
            action="append",
            help=(
                "run only these tables (repeatable): imports, pages, history, progress, "
                "surveys, participation"
            ),
        )
        parser.add_argument(
            "--responses",
            type=int,
            default=10_000,
            help="survey responses generated for the survey table (compared with 100)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = max(1, options["scale"])
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
        parts = set(options["only"] or PARTS)
        if "imports" in parts:
            rows: list[tuple[str, str, str]] = []
            rows += self._seed_import()
            rows += self._big_file_import(options["activities"])
            rows += self._document_imports(options["docx_items"], options["pdf_pages"])
            self._print_imports(rows)
        if "pages" in parts:
            if "imports" not in parts:
                self._seed_import()  # the pages show the seed plans
            self._scale_up(scale)
            self._print_pages(scale, options["runs"])
            from plantrack.assessments.bench import print_assessment_pages

            print_assessment_pages(self, options["runs"])
        if "history" in parts:
            self._print_history(options["events"])
        if "progress" in parts:
            self._print_progress(
                options["measurements"], max(2, options["progress_scale"]), options["runs"]
            )
        if "surveys" in parts:
            from plantrack.surveys.bench import print_survey_pages

            print_survey_pages(self, options["runs"], options["responses"])
        if "participation" in parts:
            from plantrack.participation.bench import print_participation_pages

            print_participation_pages(self, options["runs"])

    # -- imports ------------------------------------------------------------------------

    def _seed_import(self) -> list[tuple[str, str, str]]:
        def run() -> None:
            for name in ALL_SEEDS:
                # 003 and 004 are refused by the plan reader: they are assessments.
                with contextlib.suppress(ImportRefused):
                    plan_import(parsed=read_seed(name), system=True)

        seconds = _timed(run)
        again = _timed(run)
        build_demo()
        return [
            ("5 seed documents, first import", f"{seconds:.2f} s", "≤ 2 s"),
            ("5 seed documents, re-import (0 changes)", f"{again:.2f} s", "≤ 2 s"),
        ]

    def _big_file_import(self, activities: int) -> list[tuple[str, str, str]]:
        parsed = scaled_vision(activities // 116 + 1, short_name="bench-10k")
        keep, count = [], 0
        for item in parsed.items:
            if item.kind == "activity":
                count += 1
                if count > activities:
                    continue
            keep.append(item)
        parsed.items = keep
        folder = Path(tempfile.mkdtemp(prefix="plantrack-bench-"))
        path = folder / "plan-10k.csv"
        path.write_text(write_csv(parsed), encoding="utf-8")
        seconds = _timed(lambda: plan_import(parsed=parse_bytes(path.read_bytes()), system=True))
        again = _timed(lambda: plan_import(parsed=parse_bytes(path.read_bytes()), system=True))
        size = path.stat().st_size // 1024
        retitled = folder / "plan-10k-retitled.csv"
        retitled.write_text(write_csv(_retitled(parsed)), encoding="utf-8")
        with WriteLockTimer() as lock:
            changed = _timed(
                lambda: plan_import(parsed=parse_bytes(retitled.read_bytes()), system=True)
            )
        return [
            (f"{activities:,}-activity CSV ({size:,} KB), import", f"{seconds:.2f} s", "≤ 10 s"),
            (f"{activities:,}-activity CSV, re-import (0 changes)", f"{again:.2f} s", "≤ 10 s"),
            (
                f"{activities:,}-activity CSV, re-import (every title changed)",
                f"{changed:.2f} s",
                f"≤ {TARGET_REIMPORT_S:.0f} s",
            ),
            (
                "  longest write-lock hold during it",
                f"{lock.longest:.2f} s",
                f"≤ {TARGET_LOCK_S:.0f} s",
            ),
        ]

    def _document_imports(self, items: int, pages: int) -> list[tuple[str, str, str]]:
        """A generated DOCX and PDF through the real import path: sandboxed reader, then import.

        The time is the whole way (reading in the child process, then writing the plan);
        the memory is what the sandbox reports for its child: the growth of the child's
        peak resident memory while it read the file.
        """
        limits = current()
        rows: list[tuple[str, str, str]] = []
        documents = [
            (f"{items:,}-item DOCX", "bench-docx", partial(outline_docx, items)),
            (f"{pages:,}-page PDF", "bench-pdf", partial(outline_pdf, pages)),
        ]
        for name, slug, make in documents:
            data = make()
            outcome: list[Outcome] = []

            def run(data: bytes = data, slug: str = slug, outcome: list[Outcome] = outcome) -> None:
                outcome.append(parse_bytes_measured(data, limits=limits))
                plan_import(parsed=outcome[-1].result(), slug=slug, system=True)

            seconds = _timed(run)
            plan = outcome[-1].plan
            count = len(plan.items) if plan else 0
            rows += [
                (
                    f"{name} ({len(data) // 1024:,} KB, {count:,} items), import",
                    f"{seconds:.2f} s",
                    f"≤ {TARGET_DOCUMENT_S:.0f} s",
                ),
                (
                    "  of which reading it in the sandbox",
                    f"{outcome[-1].seconds:.2f} s",
                    f"≤ {TARGET_DOCUMENT_S:.0f} s",
                ),
                (
                    "  peak memory of the sandboxed reader",
                    f"{outcome[-1].memory_bytes / MB:.0f} MB",
                    f"≤ {TARGET_READER_MB:.0f} MB",
                ),
            ]
        return rows

    def _scale_up(self, scale: int) -> None:
        big = plan_import(
            parsed=scaled_vision(scale, short_name="vision-2050-big"), system=True
        ).plan
        generate_statuses(big, seed=7)
        parsed = [read_seed(name) for name in PLAN_SEEDS]
        for copy in range(1, scale):
            for plan in parsed:
                result = plan_import(parsed=renamed(plan, f"copy-{copy}"), system=True)
                generate_statuses(result.plan, seed=copy)
        originals = list(Organisation.objects.all())
        Organisation.objects.bulk_create(
            [
                Organisation(
                    slug=f"{org.slug}-copy-{copy}",
                    name_en=f"{org.name_en or org.name_mn} (copy {copy})",
                    kind=org.kind,
                )
                for copy in range(1, scale)
                for org in originals
            ],
            batch_size=1000,
        )

    def _print_imports(self, rows: list[tuple[str, str, str]]) -> None:
        self.stdout.write("")
        self._table(
            ["import", "time", "goal", "meets goal"],
            [[*row, "yes" if _meets(row[1], row[2]) else "NO"] for row in rows],
        )
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        self.stdout.write(
            f"\nLargest resident memory of any reader child process, all it inherited "
            f"included: {children / MB:.0f} MB."
        )
        self.stdout.write(
            f"\nGoals: a re-import with every title changed ≤ {TARGET_REIMPORT_S:.0f} s; the write "
            f"lock held ≤ {TARGET_LOCK_S:.0f} s at a time, so a web write waits at most that long "
            "(SQLite's busy timeout is 20 s; past it the visitor gets the 503 page)."
        )

    # -- pages --------------------------------------------------------------------------

    def _pages(self) -> list[tuple[str, str]]:
        return [
            ("home", "/en/"),
            ("plan list", "/en/plans/"),
            ("Vision 2050 plan", "/en/plans/vision-2050-goal-7/"),
            ("big plan (×scale)", "/en/plans/vision-2050-big/"),
            ("big plan objective", "/en/plans/vision-2050-big/items/7.4/"),
            ("item", "/en/plans/vision-2050-goal-7/items/7.3.13/"),
            ("organisation", "/en/organisations/mddic/"),
            ("organisation list", "/en/organisations/"),
            ("search", "/en/search/?q=border"),
            ("search, Mongolian forms", "/mn/search/?q=" + quote("хилийн хамгаалалт")),
            ("search, romanised", "/mn/search/?q=khil+khamgaalakh"),
            ("search, filtered", "/en/search/?q=protection&kind=item&status=not_started"),
            ("search, code in many plans", "/en/search/?q=1.1"),
            ("plan history", "/en/plans/vision-2050-big/history/"),
            ("item history", "/en/plans/vision-2050-goal-7/items/7.3.13/history/"),
        ]

    def _print_pages(self, scale: int, runs: int) -> None:
        from plantrack.plans.models import Item, Plan

        client = Client()
        css, js = _asset_sizes()
        self.stdout.write(
            f"\nData: {Plan.objects.count():,} plans, {Item.objects.count():,} items, "
            f"{Organisation.objects.count():,} organisations (scale {scale})\n"
        )
        rows = []
        for name, url in self._pages():
            for _ in range(3):
                client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, f"{url} answered {response.status_code}"
            # Count now: later requests reset the connection's query log.
            query_count = len(queries.captured_queries)
            times = [_timed(partial(client.get, url)) * 1000 for _ in range(runs)]
            html = len(gzip.compress(response.content))
            total_kb = (html + css + js) / 1024
            p95 = _percentile(times, 95)
            ok = p95 <= TARGET_PAGE_MS and total_kb <= TARGET_PAGE_KB
            rows.append(
                [
                    name,
                    f"{statistics.median(times):.1f}",
                    f"{p95:.1f}",
                    str(query_count),
                    f"{len(response.content) / 1024:.0f}",
                    f"{total_kb:.1f}",
                    "yes" if ok else "NO",
                ]
            )
        self._table(
            ["page", "p50 ms", "p95 ms", "queries", "HTML KB", "gzip KB (+css/js)", "meets goal"],
            rows,
        )
        self.stdout.write(
            f"\nGoals: p95 ≤ {TARGET_PAGE_MS:.0f} ms; page ≤ {TARGET_PAGE_KB:.0f} KB compressed "
            f"with CSS and JS (CSS {css / 1024:.1f} KB, JS {js / 1024:.1f} KB, "
            f"JS goal ≤ {TARGET_JS_KB:.0f} KB)."
        )

    def _print_history(self, count: int) -> None:
        """Event append cost, and ``history verify`` over the whole table, measured.

        The table is filled to ``count`` events through the append path, 10,000 per
        transaction (as an import writes them), then signed with a checkpoint, so the
        verification covers the Merkle root too. With ``--events 1000000`` the
        million-event figure is measured; with fewer it is extrapolated, and says so.
        """
        from plantrack.history.checkpoints import checkpoint_create
        from plantrack.history.models import Event
        from plantrack.history.verify import verify_all

        appended = 0.0
        for first in range(0, count, HISTORY_BATCH):
            entries = _bench_entries(first, min(count, first + HISTORY_BATCH))
            appended += _timed(partial(_append_in_one_transaction, entries))
        single = _timed(lambda: [self._append_one() for _ in range(100)]) / 100
        checkpoint_create()
        total = Event.objects.count()
        cpu = time.process_time()
        verified = _timed(verify_all)
        cpu = time.process_time() - cpu
        per_million = verified / max(total, 1) * 1_000_000
        million = (
            "verify, per 1,000,000 events (s, measured)"
            if total >= 1_000_000
            else f"verify, per 1,000,000 events (s, extrapolated from {total:,})"
        )
        self.stdout.write("")
        self._table(
            ["history", "value", "goal"],
            [
                [
                    f"append, {HISTORY_BATCH:,} per transaction (events/s, {count:,} events)",
                    f"{count / max(appended, 1e-9):,.0f}",
                    "",
                ],
                ["append, one per transaction (events/s)", f"{1 / max(single, 1e-9):,.0f}", ""],
                [f"verify {total:,} events and a checkpoint (s)", f"{verified:.2f}", ""],
                [million, f"{per_million:.1f}", f"≤ {TARGET_VERIFY_S:.0f} s"],
                [
                    "  of which this process's CPU time (s, per 1,000,000)",
                    f"{cpu / max(total, 1) * 1_000_000:.1f}",
                    "",
                ],
            ],
        )
        self.stdout.write(
            "\nThe CPU time leaves out waiting: on a busy machine the clock time is longer. "
            "PostgreSQL's own work is in its server process and is not in it."
        )

    # -- progress -------------------------------------------------------------------------

    def _progress_plans(self, big_scale: int) -> list[tuple[Any, Organisation]]:
        """Vision 2050 generated at scale 1 and at ``big_scale``, each with statuses and an
        agency leading the activities of objective 7.3."""
        from plantrack.plans.models import Item, Responsibility

        made = []
        for scale in (1, big_scale):
            name = f"bench-progress-x{scale}"
            plan = plan_import(parsed=scaled_vision(scale, short_name=name), system=True).plan
            generate_statuses(plan, seed=scale)
            agency = Organisation.objects.create(
                slug=f"{name}-agency", name_en=f"Bench agency ×{scale}", kind="government"
            )
            objective = Item.objects.get(plan=plan, code="7.3")
            Responsibility.objects.bulk_create(
                Responsibility(item=item, organisation=agency, role=Responsibility.Role.LEAD)
                for item in Item.objects.filter(
                    plan=plan, kind=Item.Kind.ACTIVITY, path__startswith=objective.path + "."
                )
            )
            made.append((plan, agency))
        return made

    @staticmethod
    def _progress_pages(plan: Any, agency: Organisation) -> list[tuple[str, str, float]]:
        from plantrack.plans.models import Item
        from plantrack.plans.rollup import plan_rollup
        from plantrack.progress.overdue import CLOSED_STATUSES

        plan_rollup(plan=plan)
        # An open activity with measured indicators, so its page shows them on the timeline.
        item = (
            Item.objects.filter(plan=plan, kind=Item.Kind.ACTIVITY, indicators__measured=True)
            .exclude(status__in=CLOSED_STATUSES)
            .order_by("path")
            .first()
        )
        assert item is not None, "no open activity has a measured indicator: more measurements"
        base = f"/en/plans/{plan.slug}"
        org = f"/en/organisations/{agency.slug}"
        return [
            ("plan page", f"{base}/", TARGET_PAGE_MS),
            ("plan dashboard", f"{base}/dashboard/", TARGET_DASHBOARD_MS),
            ("plan dashboard, indicators page 2", f"{base}/dashboard/?page=2", TARGET_DASHBOARD_MS),
            ("item page with its timeline", f"{base}/items/{quote(item.code)}/", TARGET_PAGE_MS),
            ("organisation page", f"{org}/", TARGET_PAGE_MS),
            ("organisation dashboard", f"{org}/dashboard/", TARGET_DASHBOARD_MS),
        ]

    @staticmethod
    def _measure(client: Client, url: str, runs: int) -> tuple[int, float, float, float]:
        """Queries of one request, then the p50 and p95 of ``runs`` more (ms), and the p95 of
        this process's CPU time for them (SQLite works in this process; on a busy machine
        the clock time includes waiting for a core, the CPU time does not)."""
        for _ in range(3):
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        count = len(queries.captured_queries)
        times, cpu = [], []
        for _ in range(runs):
            started = time.process_time()
            times.append(_timed(partial(client.get, url)) * 1000)
            cpu.append((time.process_time() - started) * 1000)
        return count, statistics.median(times), _percentile(times, 95), _percentile(cpu, 95)

    def _print_progress(self, measurements: int, big_scale: int, runs: int) -> None:
        """Dashboards over a million approved measurements, and the query counts of the plan
        page and the dashboards, the same at scale 1 and at ``big_scale``."""
        from plantrack.progress import bench_data
        from plantrack.progress.models import IndicatorActual, Measurement, ProgressUpdate

        made: list[tuple[Any, Organisation]] = []
        built = _timed(lambda: made.extend(self._progress_plans(big_scale)))
        generated = bench_data.generate(plans=[plan for plan, _ in made], measurements=measurements)
        self.stdout.write(
            f"\nProgress data: 2 plans (Vision 2050 ×1 and ×{big_scale}, imported with statuses "
            f"in {built:.1f} s), then in {generated.seconds:.1f} s ({generated.cpu_seconds:.1f} s "
            "of this process's CPU) by bulk inserts: "
            f"{generated.measurements:,} approved measurements, {generated.updates:,} approved "
            f"updates, {generated.indicators:,} measured indicators, {generated.actuals:,} stored "
            f"actuals, {generated.targets:,} targets. In the database: "
            f"{Measurement.objects.filter(approved=True).count():,} approved measurements, "
            f"{ProgressUpdate.objects.count():,} updates, {IndicatorActual.objects.count():,} "
            "actuals.\n"
        )
        client = Client()
        small, big = (self._progress_pages(plan, agency) for plan, agency in made)
        rows = []
        for (name, small_url, goal), (_, big_url, _) in zip(small, big, strict=True):
            small_count, _, small_p95, _ = self._measure(client, small_url, runs)
            big_count, big_p50, big_p95, big_cpu = self._measure(client, big_url, runs)
            ok = big_p95 <= goal and small_p95 <= goal and small_count == big_count
            rows.append(
                [
                    name,
                    str(small_count),
                    str(big_count),
                    "yes" if small_count == big_count else "NO",
                    f"{small_p95:.1f}",
                    f"{big_p50:.1f}",
                    f"{big_p95:.1f}",
                    f"{big_cpu:.1f}",
                    f"≤ {goal:.0f}",
                    "yes" if ok else "NO",
                ]
            )
        self._table(
            [
                "page",
                "queries ×1",
                f"queries ×{big_scale}",
                "same",
                "p95 ms ×1",
                f"p50 ms ×{big_scale}",
                f"p95 ms ×{big_scale}",
                "  CPU p95",
                "goal ms",
                "meets goal",
            ],
            rows,
        )
        self.stdout.write(
            f"\nGoals: dashboards p95 ≤ {TARGET_DASHBOARD_MS:.0f} ms, other pages ≤ "
            f"{TARGET_PAGE_MS:.0f} ms, with every approved measurement in the database; the same "
            "number of queries at both scales. Pages read the stored roll-up and actuals, never "
            "the measurements."
        )

    @staticmethod
    def _append_one() -> None:
        from django.db import transaction

        from plantrack.history.services import Entry, append

        with transaction.atomic():
            append([Entry(action="changed", object_type="bench", object_id="1")])

    def _table(self, header: list[str], rows: list[list[str]]) -> None:
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
        self.stdout.write(line)
        self.stdout.write("  ".join("-" * w for w in widths))
        for row in rows:
            self.stdout.write(
                "  ".join(
                    str(c).ljust(w) if i == 0 else str(c).rjust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                )
            )
