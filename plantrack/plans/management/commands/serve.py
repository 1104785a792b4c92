from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantrack.lib.ports import port_problem


class Command(BaseCommand):
    help = "Serve Plantrack with the waitress WSGI server (static files included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        serve(self, options["host"], options["port"], options["threads"])


def serve(command: BaseCommand, host: str, port: int, threads: int = 8) -> None:
    problem = port_problem(host, port)
    if problem:
        raise CommandError(problem)
    from waitress import serve as waitress_serve

    from plantrack.wsgi import application

    command.stdout.write(f"Plantrack is running at http://{host}:{port}/  (Ctrl+C stops it)")
    waitress_serve(application, host=host, port=port, threads=threads, ident="plantrack")
