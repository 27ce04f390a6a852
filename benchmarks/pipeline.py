"""E-mail pipeline: queued outbox rows → a real Celery worker on Redis → sent (locmem), in
e-mails/s end to end, beside a bare Celery round trip of no-op tasks in the same run."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection, transaction

from benchmarks.data import make_orders
from benchmarks.table import Row, sample
from notifications.models import EmailOutbox, OutboxStatus
from notifications.outbox import queue_email
from orders.emails import status_email_context

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "bench-pipeline"


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`celery -A jetorders worker` on its own queue, as production runs it (2 processes)."""

    def __init__(self) -> None:
        self.log = Path(tempfile.mkdtemp()) / "worker.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "jetorders", "worker", "-I", "benchmarks.tasks",
            "--concurrency=2", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-Q", QUEUE, "--loglevel=INFO",
        ]  # fmt: skip
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while "ready." not in self.log.read_text():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"worker did not start:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def wait_until(done, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not finish in time")
        time.sleep(0.01)


def emails_per_second(count: int) -> float:
    order = make_orders(1)[0]
    context = status_email_context(order, None)
    batch = uuid.uuid4().hex
    start = time.perf_counter()
    with transaction.atomic():
        for n in range(count):
            queue_email(
                template="pedido_novo",
                to=f"c{n}@exemplo.com.br",
                context=context,
                dedupe_key=f"bench:{batch}:{n}",
            )
    sent = EmailOutbox.objects.filter(dedupe_key__startswith=f"bench:{batch}:")
    wait_until(lambda: sent.filter(status=OutboxStatus.SENT).count() == count)
    return count / (time.perf_counter() - start)


def noops_per_second(count: int) -> float:
    from benchmarks.tasks import noop

    counter = f"bench:noop:{uuid.uuid4().hex}"
    store = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    start = time.perf_counter()
    with noop.app.producer_or_acquire() as producer:
        for _ in range(count):
            noop.apply_async((counter,), queue=QUEUE, producer=producer)
    wait_until(lambda: int(store.get(counter) or 0) == count)
    return count / (time.perf_counter() - start)


def bench_pipeline(rows: list[Row], count: int, runs: int) -> None:
    from jetorders.celery import app

    eager, queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, QUEUE
    worker = Worker()
    try:
        bare = sample(lambda: noops_per_second(count), runs)
        emails = sample(lambda: emails_per_second(count), runs)
    finally:
        worker.stop()
        app.conf.task_always_eager, app.conf.task_default_queue = eager, queue
    rows.append(Row("e-mails", "ida e volta Celery sem trabalho", "tarefas/s", *bare))
    rows.append(
        Row(
            "e-mails",
            "fila → worker → enviado",
            "e-mails/s",
            *emails,
            ceiling=bare[0],
            target=0.60,
        )
    )
