"""`make bench` must not rot: at a tiny size it produces every row of its table (times are never
asserted here; docs/performance.md has the figures)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import redis
from django.db import connection

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "processamento": 5,  # ceiling and order_process at c=1 and c=2, and c=1 without the kick
    "e-mails": 2,  # bare Celery round trip and the e-mail pipeline
    "gateway": 1,
    "API": 2,
    # eight admin pages (Painel and the Atrasados filter included), two with the status counts
    # uncached, and the Painel's snapshot refresh, at two sizes
    "admin": 11 * 2,
    "cliente": 2 * 2,
}


def bench_database_url() -> str:
    # A database of its own: the bench creates and drops "test_<name>", which must never be
    # the database this test suite is running on.
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME'].removeprefix('test_')}_bench"


def test_the_bench_produces_every_row_at_a_tiny_size(postgres, tmp_path):
    broker = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=1).ping()
    except redis.RedisError:
        need_service(f"the bench needs Redis at {broker}")
    output = tmp_path / "bench.json"
    env = {**os.environ, "DATABASE_URL": bench_database_url(), "CELERY_BROKER_URL": broker}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--tiny", "--json", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = json.loads(output.read_text())["rows"]
    produced = {section: sum(r["section"] == section for r in rows) for section in EXPECTED}
    assert produced == EXPECTED
    assert all(row["median"] > 0 for row in rows)
    # Every row with a ceiling prints its ratio, and the table shows it.
    assert all(row["ratio"] is not None for row in rows if row["ceiling"] is not None)
    assert "razão" in result.stdout
