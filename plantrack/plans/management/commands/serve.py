"""``plantrack serve``: the site on waitress; ``--production`` for a real deployment.

In production Plantrack runs behind a reverse proxy that ends TLS (nginx, Caddy …) on the same
machine. Waitress believes the proxy's ``X-Forwarded-Proto``/``-For`` headers only when the
request comes from ``PLANTRACK_TRUSTED_PROXY``; from anywhere else they are dropped.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from plantrack.lib.ports import port_problem


def default_threads() -> int:
    """Two request threads per core (at least four): requests wait on the database often."""
    return max(4, 2 * (os.cpu_count() or 1))


class Command(BaseCommand):
    help = "Serve Plantrack with the waitress WSGI server (static files included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="request threads (default: PLANTRACK_THREADS, or two per core, at least 4)",
        )
        parser.add_argument(
            "--production",
            action="store_true",
            help="check the production settings and the database, collect static files, serve",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["production"]:
            prepare_production(self)
        elif settings.PRODUCTION:
            # Without --production static files are not collected and every page would fail.
            raise CommandError(
                _(
                    "PLANTRACK_ENV is production: start the site with "
                    "`plantrack serve --production`."
                )
            )
        threads = options["threads"] or int(os.environ.get("PLANTRACK_THREADS", 0) or 0)
        if threads < 0 or threads > 1000:
            raise CommandError(
                _("--threads %(threads)s is out of range; use 1 to 1000.") % {"threads": threads}
            )
        serve(self, options["host"], options["port"], threads or default_threads())


def require_migrated() -> None:
    """Refuse to work on a database whose tables are missing or out of date, saying what to run."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise CommandError(
            _(
                "The database has %(count)s migrations not applied yet; "
                "run `plantrack migrate` first."
            )
            % {"count": len(pending)}
        )


def prepare_production(command: BaseCommand) -> None:
    """Refuse a half-configured production start with what to set; collect static files."""
    if not settings.PRODUCTION:
        raise CommandError(
            _(
                "--production needs PLANTRACK_ENV=production (and SECRET_KEY, ALLOWED_HOSTS); "
                "see the README's Production section."
            )
        )
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not os.environ.get(name)]
    if missing:
        raise CommandError(
            _(
                "Set %(names)s in the environment for production; "
                "see the README's Production section."
            )
            % {"names": ", ".join(missing)}
        )
    if not settings.PLANTRACK_TRUSTED_PROXY:
        command.stdout.write(
            _(
                "Note: PLANTRACK_TRUSTED_PROXY is not set, so every plain-http request is "
                "redirected to https and X-Forwarded-* headers are ignored. Behind a TLS proxy "
                "on this machine, set PLANTRACK_TRUSTED_PROXY=127.0.0.1."
            )
        )
    require_migrated()
    # The manifest storage names files by their content: without this every page fails.
    call_command("collectstatic", interactive=False, verbosity=0)
    command.stdout.write(
        _("Static files collected in %(folder)s") % {"folder": settings.STATIC_ROOT}
    )


def serve(command: BaseCommand, host: str, port: int, threads: int = 8) -> None:
    proxy = _trusted_proxy()
    problem = port_problem(host, port)
    if problem:
        raise CommandError(problem)
    from waitress import serve as waitress_serve

    from plantrack.wsgi import application

    scheme = _("https (through the proxy)") if proxy and settings.PRODUCTION else "http"
    command.stdout.write(
        _("Plantrack is running at %(address)s (%(scheme)s, %(threads)s threads; Ctrl+C stops it)")
        % {"address": f"http://{host}:{port}/", "scheme": scheme, "threads": threads}
    )
    waitress_serve(application, host=host, port=port, threads=threads, ident="plantrack", **proxy)


def _trusted_proxy() -> dict[str, Any]:
    """Waitress's options for believing the proxy's headers, checked before serving."""
    if not settings.PLANTRACK_TRUSTED_PROXY:
        return {}
    from waitress.adjustments import Adjustments

    proxy = {
        "trusted_proxy": settings.PLANTRACK_TRUSTED_PROXY,
        "trusted_proxy_headers": settings.PLANTRACK_TRUSTED_PROXY_HEADERS,
        "trusted_proxy_count": 1,
    }
    try:
        Adjustments(**proxy)
    except ValueError as error:
        raise CommandError(
            _(
                "PLANTRACK_TRUSTED_PROXY_HEADERS=%(value)s is not usable: %(error)s. "
                "The default is 'x-forwarded-proto x-forwarded-for'."
            )
            % {"value": repr(settings.PLANTRACK_TRUSTED_PROXY_HEADERS), "error": error}
        ) from error
    return proxy
