"""``plantrack search evaluate``: recall@10 and MRR of the labelled queries;
``plantrack search rebuild``: fill the SQLite search table afresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from plantrack.plans import search_eval
from plantrack.plans.models import Plan
from plantrack.plans.search import ranked_keys, rebuild_index


class Command(BaseCommand):
    help = "Search tools: 'evaluate' (recall@10 and MRR of the labelled queries), 'rebuild'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["evaluate", "rebuild"])
        parser.add_argument(
            "--queries",
            type=Path,
            default=search_eval.QUERIES_FILE,
            help="the labelled queries (JSON; default: the ones in the repository)",
        )
        parser.add_argument(
            "--build",
            action="store_true",
            help="import the seed plans first when the database has no plan",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild":
            if connection.vendor != "sqlite":
                self.stdout.write(
                    _("Nothing to rebuild: on PostgreSQL the search indexes are on the tables.")
                )
                return
            count = rebuild_index()
            self.stdout.write(_("Search index rebuilt: %(count)d rows.") % {"count": count})
            return
        self._evaluate(options["queries"], build=options["build"], verbosity=options["verbosity"])

    def _evaluate(self, path: Path, *, build: bool, verbosity: int) -> None:
        try:
            queries = search_eval.load_queries(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(
                _(
                    "Cannot read the queries in %(path)s (%(error)s): give a JSON file like "
                    "plantrack/plans/data/search_queries.json."
                )
                % {"path": path, "error": exc}
            ) from exc
        if not Plan.objects.exists():
            if not build:
                raise CommandError(
                    _(
                        "The database has no plan to search. Run 'plantrack demo' first, or "
                        "add --build to import the seed plans into this database."
                    )
                )
            from plantrack.plans.demo import assign_vision_leads, import_seed_plans

            import_seed_plans()
            assign_vision_leads(Plan.objects.get(slug="vision-2050-goal-7"))
        evaluation = search_eval.evaluate(ranked_keys, queries)
        self.stdout.write(self.render(evaluation, verbosity=verbosity))

    @staticmethod
    def render(evaluation: search_eval.Evaluation, *, verbosity: int = 1) -> str:
        lines = [f"{'queries':<10} {'n':>4} {'recall@10':>10} {'MRR':>7}"]
        for lang, name in (("", "all"), ("en", "en"), ("mn", "mn"), ("mn-latn", "mn-latn")):
            figures = evaluation.figures(lang)
            lines.append(
                f"{name:<10} {figures.queries:>4} {figures.recall:>10.3f} {figures.mrr:>7.3f}"
            )
        skipped = evaluation.skipped
        if skipped:
            lines.append(
                f"skipped: {len(skipped)} (their targets are absent or have no Mongolian text "
                "yet): " + ", ".join(r.query for r in skipped)
            )
        for result in evaluation.results:
            if verbosity >= 2 and not result.skipped and result.recall < 1:
                lines.append(
                    f"missed: {result.query!r} ({result.lang}) recall {result.recall:.2f}; "
                    f"wanted {result.expected}, top: {result.found[:10]}"
                )
        return "\n".join(lines)
