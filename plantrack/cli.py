"""The ``plantrack`` command: friendly names for the project's management commands.

``plantrack demo``, ``serve``, ``import``, ``bench``, ``history``, ``backup`` and
``restore`` are Plantrack's own;
anything else goes to Django, so ``plantrack migrate`` or ``plantrack shell`` work.
"""

from __future__ import annotations

import os
import sys

ALIASES = {"import": "importplan", "audit": "history"}
USAGE = """usage: plantrack COMMAND [options]

  demo     set up a SQLite database with the seed plans and serve the site
  serve    serve the site (waitress) on --host/--port
           --production: behind a TLS proxy (see the README's Production section)
  import   import plan or assessment documents (the content says which):
           plantrack import FILE [--plan SLUG] [--dry-run [--json]] [--draft]
           [--levels goal,objective] [--mapping FILE.json] [--language mn|en]
           assessments: [--official | --civil-society] to correct what the document suggests
           (messages in --language, else LANGUAGE/LANG, else Mongolian;
           guide and template: /<lang>/help/import/ on the site)
  bench    measure page and import speed:  plantrack bench --scale 100
           (its own temporary SQLite database; PLANTRACK_BENCH_DATABASE_URL for PostgreSQL)
  search   plantrack search evaluate: recall@10 and MRR of the labelled queries
           (--build imports the seed plans into an empty database) | rebuild
  history  the tamper-evident history:  plantrack history verify [--against head.json]
           [--email-on-failure] | checkpoint (sign the head) | keygen   (alias: audit)
           | schedule (the nightly checkpoint and check, run by `plantrack db_worker`)
  db_worker  run background tasks (the nightly history check); keep it running
  backup   back up the database and uploaded files while the site runs:  plantrack backup DIR
           (DIR new or empty; a manifest with sizes and SHA-256; see the README's Backups)
  restore  check a backup, then replace the database and files with it and verify the
           history:  plantrack restore DIR [--yes] [--check: only check, change nothing]
  help     list every command (Django's too)

Messages are in the language LANGUAGE (or LC_ALL, LC_MESSAGES, LANG) names, Mongolian or
English (LANGUAGE=en plantrack …); else Mongolian.
"""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(USAGE)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plantrack.settings")
    from plantrack.lib.language import run_management

    command = ALIASES.get(args[0], args[0])
    if command == "serve" and "--production" in args:
        # Before the settings load: they differ in production (secure cookies, HSTS …).
        os.environ.setdefault("PLANTRACK_ENV", "production")
    if command == "bench":
        args = _bench_environment(args)
    run_management(["plantrack", command, *args[1:]])


def _bench_environment(args: list[str]) -> list[str]:
    """The benchmark fills a database of its own, never the demo's or production's."""
    import tempfile

    data_dir = None
    if "--data-dir" in args:
        index = args.index("--data-dir")
        data_dir = args[index + 1] if index + 1 < len(args) else None
        args = args[:index] + args[index + 2 :]
    os.environ["PLANTRACK_DATA_DIR"] = data_dir or tempfile.mkdtemp(prefix="plantrack-bench-")
    bench_url = os.environ.get("PLANTRACK_BENCH_DATABASE_URL")
    if bench_url:
        os.environ["DATABASE_URL"] = bench_url
    else:
        os.environ.pop("DATABASE_URL", None)
    return args


if __name__ == "__main__":
    main()
