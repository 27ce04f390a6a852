"""`make bench`: the hot paths against their ceilings, printed as one table and written as JSON.

Runs against a throwaway database on the configured PostgreSQL (DATABASE_URL) and Redis
(CELERY_BROKER_URL); `make bench` points both at the local servers. Each row is the median of
several runs with min and max; a row with a ceiling prints the ratio to it. Timings on a
shared 2-core machine are noisy: read the ratios, measured in the same run. The targets and
what explains each figure: docs/performance.md.

    python -m benchmarks [--tiny] [--size N] [--pages 100000 1000000] [--runs 3] [--json F]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jetorders.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Kicks from the processing rows go to a queue of their own, emptied at the end.
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", "bench")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from benchmarks.table import Row, print_table, write_json  # noqa: E402

SECTIONS = ["processing", "pipeline", "gateway", "pages"]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--size", type=int, default=300, help="changes per processing run")
    parser.add_argument("--emails", type=int, default=300, help="e-mails per pipeline run")
    parser.add_argument("--burst", type=int, default=300, help="calls per gateway/API run")
    parser.add_argument(
        "--pages", type=int, nargs="*", default=[100_000, 1_000_000], help="table sizes"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per row (median, min, max)")
    parser.add_argument("--only", choices=SECTIONS, nargs="*", default=SECTIONS)
    parser.add_argument("--json", type=Path, default=Path("benchmarks/last-run.json"))
    parser.add_argument("--tiny", action="store_true", help="a few operations each (CI)")
    args = parser.parse_args(argv)
    if args.tiny:
        args.size, args.emails, args.burst, args.pages, args.runs = 20, 20, 20, [200, 400], 1
    return args


def run(args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    if "processing" in args.only:
        from benchmarks.processing import bench_processing

        bench_processing(rows, args.size, args.runs)
    if "pipeline" in args.only:
        from benchmarks.pipeline import bench_pipeline

        bench_pipeline(rows, args.emails, args.runs)
    if "gateway" in args.only:
        from benchmarks.gateway import bench_gateway

        bench_gateway(rows, args.burst, args.runs)
    if "pages" in args.only:
        from benchmarks.pages import bench_pages

        bench_pages(rows, args.pages, args.runs)
    return rows


def main(argv: list[str]) -> int:
    args = parse(argv)
    if connection.vendor != "postgresql":
        sys.stderr.write("make bench needs PostgreSQL: set DATABASE_URL=postgres://…\n")
        return 2
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rows = run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        from jetorders.celery import app

        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE)
    header = (
        f"JET Pedidos — make bench ({connection.vendor}, {os.cpu_count()} núcleos, "
        f"{args.runs} execuções por linha; razão = medido / teto da mesma execução)"
    )
    print_table(rows, header)
    write_json(rows, args.json, {"args": {k: str(v) for k, v in vars(args).items()}})
    sys.stdout.write(f"\nJSON: {args.json}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
