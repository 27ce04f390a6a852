"""Fault injection on the real parts: Redis, PostgreSQL and `celery -A jetorders worker`.

These tests opt out of the in-process tasks every other test uses (docs/reliability.md, R29:
eager mode hides broker faults). Locally they use Redis db 14 unless CELERY_BROKER_URL says
otherwise.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import redis
from django.db import connection

from jetorders.celery import app
from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
LOCAL_REDIS = "redis://127.0.0.1:6379/14"


def broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis://") else LOCAL_REDIS


def use_broker(url: str, queue: str) -> None:
    """Point this process's Celery app at `url`, dropping pooled connections to the old one."""
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    if os.environ.get("CELERY_BROKER_URL"):
        os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_url = url
    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False
    # Pools are cached per app; new ones are made for the new URL on the next publish.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def real_broker() -> Iterator[Callable[[str], str]]:
    """`real_broker(url=None)` switches to a real broker; everything is restored afterwards."""
    saved = (app.conf.broker_url, app.conf.task_default_queue, app.conf.task_always_eager)
    saved_env = os.environ.get("CELERY_BROKER_URL")
    queue = f"jet-reliability-{uuid.uuid4().hex[:8]}"

    def switch(url: str | None = None) -> str:
        use_broker(url or broker_url(), queue)
        return queue

    yield switch
    use_broker(saved_env or saved[0], saved[1])
    app.conf.task_always_eager = saved[2]


@pytest.fixture
def redis_up() -> str:
    url = broker_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        need_service(f"this test needs Redis at {url}")
    return url


@pytest.fixture
def postgres_db(transactional_db) -> None:
    # A worker is another process: it needs a server database that sees our commits.
    if connection.vendor != "postgresql":
        need_service("this test needs PostgreSQL: set DATABASE_URL=postgres://…")


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A real `celery -A jetorders worker`, killed for good at the end of the test."""

    def __init__(self, tmp: Path, queue: str, extra_env: dict[str, str]) -> None:
        self.mail_dir = tmp / "mail"
        self.marker_dir = tmp / "markers"
        self.mail_dir.mkdir(exist_ok=True)
        self.marker_dir.mkdir(exist_ok=True)
        self.tmp = tmp
        self.queue = queue
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "jetorders.settings",
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": broker_url(),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            # The file backend, plus the pause and crash hooks the fault tests ask for.
            "EMAIL_BACKEND": "tests.reliability.fault_injection.FaultInjectingBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "NOTIFICATIONS_TEST_MARKER_DIR": str(self.marker_dir),
            **extra_env,
        }
        self.env.pop("EMAIL_URL", None)
        self.processes: list[subprocess.Popen] = []

    def start(self, *extra_args: str) -> subprocess.Popen:
        log = open(self.tmp / f"worker-{len(self.processes)}.log", "w")  # noqa: SIM115
        command = [
            sys.executable, "-m", "celery", "-A", "jetorders", "worker",
            "--pool=prefork", "--concurrency=1", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-Q", self.queue, "--loglevel=INFO", *extra_args,
        ]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        self._wait_ready(len(self.processes) - 1)
        return process

    def _wait_ready(self, index: int, timeout: float = 30) -> None:
        log = self.tmp / f"worker-{index}.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in log.read_text():
                return
            time.sleep(0.2)
        raise AssertionError(f"worker did not start:\n{log.read_text()[-3000:]}")

    def kill_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def sent_subjects(self) -> list[str]:
        subjects = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for line in path.read_text().splitlines():
                if line.startswith("Subject: "):
                    encoded = decode_header(line.removeprefix("Subject: "))
                    subjects.append(str(make_header(encoded)))
        return subjects

    def log(self) -> str:
        return "\n".join(p.read_text()[-4000:] for p in sorted(self.tmp.glob("worker-*.log")))


@pytest.fixture
def worker_factory(tmp_path, postgres_db, redis_up, real_broker) -> Iterator[Callable[..., Worker]]:
    workers: list[Worker] = []

    def make(**extra_env: str) -> Worker:
        worker = Worker(tmp_path, real_broker(), extra_env)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.kill_all()


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
