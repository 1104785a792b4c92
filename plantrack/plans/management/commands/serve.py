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
                "PLANTRACK_ENV is production: start the site with `plantrack serve --production`."
            )
        threads = options["threads"] or int(os.environ.get("PLANTRACK_THREADS", 0) or 0)
        if threads < 0 or threads > 1000:
            raise CommandError(f"--threads {threads} is out of range; use 1 to 1000.")
        serve(self, options["host"], options["port"], threads or default_threads())


def require_migrated() -> None:
    """Refuse to work on a database whose tables are missing or out of date, saying what to run."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise CommandError(
            f"The database has {len(pending)} migrations not applied yet; "
            "run `plantrack migrate` first."
        )


def prepare_production(command: BaseCommand) -> None:
    """Refuse a half-configured production start with what to set; collect static files."""
    if not settings.PRODUCTION:
        raise CommandError(
            "--production needs PLANTRACK_ENV=production (and SECRET_KEY, ALLOWED_HOSTS); "
            "see the README's Production section."
        )
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not os.environ.get(name)]
    if missing:
        raise CommandError(
            f"Set {' and '.join(missing)} in the environment for production; "
            "see the README's Production section."
        )
    if not settings.PLANTRACK_TRUSTED_PROXY:
        command.stdout.write(
            "Note: PLANTRACK_TRUSTED_PROXY is not set, so every plain-http request is redirected "
            "to https and X-Forwarded-* headers are ignored. Behind a TLS proxy on this machine, "
            "set PLANTRACK_TRUSTED_PROXY=127.0.0.1."
        )
    require_migrated()
    # The manifest storage names files by their content: without this every page fails.
    call_command("collectstatic", interactive=False, verbosity=0)
    command.stdout.write(f"Static files collected in {settings.STATIC_ROOT}")


def serve(command: BaseCommand, host: str, port: int, threads: int = 8) -> None:
    proxy = _trusted_proxy()
    problem = port_problem(host, port)
    if problem:
        raise CommandError(problem)
    from waitress import serve as waitress_serve

    from plantrack.wsgi import application

    scheme = "https (through the proxy)" if proxy and settings.PRODUCTION else "http"
    command.stdout.write(
        f"Plantrack is running at http://{host}:{port}/ ({scheme}, {threads} threads; "
        "Ctrl+C stops it)"
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
            f"PLANTRACK_TRUSTED_PROXY_HEADERS={settings.PLANTRACK_TRUSTED_PROXY_HEADERS!r} "
            f"is not usable: {error}. The default is 'x-forwarded-proto x-forwarded-for'."
        ) from error
    return proxy
