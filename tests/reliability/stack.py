"""The production processes of docs/deploy.md, started for real by tests/reliability/
test_production_stack.py: gunicorn, Celery workers and beat, each in its own process group so
that every child goes when the test ends, whatever happened; on a database of their own.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis
import requests

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/10"
CACHE = "redis://127.0.0.1:6379/8"
# Whatever the shell running pytest says about these must not leak into the stack.
LEAKY_PREFIXES = (
    "DATABASE_",
    "CELERY_",
    "CACHE_",
    "EMAIL_",
    "ANYMAIL_",
    "MERCADOPAGO_",
    "SENTRY_",
    "PAYMENT_",
    "NOTIFICATIONS_",
    "INTEGRATION_",
    "STATICFILES_",
    "LOG_",
)
LEAKY = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(**settings: str) -> dict[str, str]:
    """DEBUG off, fresh random secrets that pass the start guard, plain HTTP on loopback."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(LEAKY_PREFIXES) and name not in LEAKY
    }
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "jetorders.settings",
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_hex(40),
        "PAYMENT_WEBHOOK_SECRET": secrets.token_hex(20),
        "ALLOWED_HOSTS": "127.0.0.1",
        # No TLS proxy in front of the test: the three settings .env.example turns off too.
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        # The manifest exists only after `collectstatic`, which the image build runs.
        **(
            {}
            if manifest.exists()
            else {"STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        ),
        **settings,
    }


class Stack:
    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp = tmp
        self.env = env
        self.processes: dict[str, subprocess.Popen] = {}

    def manage(self, *args: str, **env: str) -> str:
        """`python manage.py …` as a release step would run it; its stdout."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}"
        return result.stdout

    def start(self, name: str, *module_args: str) -> subprocess.Popen:
        """`python -m <module_args>` in a new session (its own process group), logged to a file."""
        with open(self.tmp / f"{name}.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", *module_args],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        """The end of every log, for assertion messages."""
        return "\n".join(f"--- {name}\n{self.log(name)[-2500:]}" for name in self.processes)

    def wait_for_log(self, name: str, text: str, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log(name):
                return
            if self.processes[name].poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"{name} did not say {text!r}:\n{self.log(name)[-3000:]}")

    def wait_for_http(self, url: str, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{url} never answered 200:\n{self.logs()}")

    def start_deployment(self, port: int, run_id: str) -> None:
        """gunicorn with two workers, two Celery workers and one beat (docs/deploy.md)."""
        # `-c gunicorn.conf.py` as deployed; the command line overrides its bind and workers.
        # The access log names the serving process, to show both workers took part.
        self.start(
            "web", "gunicorn", "-c", "gunicorn.conf.py", "-w", "2", "-b", f"127.0.0.1:{port}",
            "--access-logformat", 'pid=%(p)s "%(r)s" %(s)s', "jetorders.wsgi:application",
        )  # fmt: skip
        for name in ("worker-a", "worker-b"):
            self.start(
                name, "celery", "-A", "jetorders", "worker", "--concurrency=1",
                "-n", f"{name}-{run_id}@%h", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "--loglevel=INFO",
            )  # fmt: skip
        self.start(
            "beat", "celery", "-A", "jetorders", "beat", "--loglevel=INFO",
            f"--schedule={self.tmp / 'beat-schedule'}", f"--pidfile={self.tmp / 'beat.pid'}",
        )  # fmt: skip

    def wait_until_up(self, url: str) -> None:
        self.wait_for_http(f"{url}/healthz")
        for name in ("worker-a", "worker-b"):
            self.wait_for_log(name, "ready.")
        self.wait_for_log("beat", "beat: Starting")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (a Celery worker and its pool child, gunicorn and
        its workers) and wait for its leader."""
        process = self.processes[name]
        # Even when the leader is gone: a pool child may outlive it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in self.processes:
            self.kill(name)


def on_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


@contextmanager
def fresh_database(name: str) -> Iterator[str]:
    """A new, empty database on the server of DATABASE_URL (CI's) or the local one; its URL.
    Dropped afterwards, connections and all."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        server = "postgres://postgres@127.0.0.1:5432/postgres"
    try:
        admin = psycopg.connect(on_database(server, "postgres"), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        need_service(f"the production stack needs PostgreSQL at {on_database(server, '')}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield on_database(server, name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def need_redis() -> None:
    try:
        for url in (BROKER, CACHE):
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        need_service(f"the production stack needs Redis at {BROKER} and {CACHE}")


def forget_rate_limits() -> None:
    # Token ids restart at 1 in every fresh database: an earlier run's counts must not apply.
    cache = redis.Redis.from_url(CACHE)
    for key in cache.scan_iter(":1:ratelimit:*"):
        cache.delete(key)


def clean_broker(run_id: str) -> None:
    """Our queue, worker mailboxes and the killed worker's unacknowledged task."""
    broker = redis.Redis.from_url(BROKER)
    for key in broker.scan_iter(f"*{run_id}*"):
        broker.delete(key)
    for key in broker.scan_iter("_kombu.binding.*"):
        for member in broker.smembers(key):
            if run_id.encode() in member:
                broker.srem(key, member)
    for tag, message in broker.hgetall("unacked").items():
        if run_id.encode() in message:
            broker.hdel("unacked", tag)
            broker.zrem("unacked_index", tag)
