"""/healthz and /readyz, called directly (the URLs are wired in jetorders/urls.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import redis
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import timezone

from jetorders import health
from jetorders.celery import app
from jetorders.health import healthz, readyz
from notifications.models import EmailOutbox
from tests.conftest import need_service

LIVE_REDIS = "redis://127.0.0.1:6379/9"
# Nothing listens here: a Redis that has stopped.
STOPPED_REDIS = "redis://127.0.0.1:6390/0"


def ready() -> tuple[int, dict]:
    response = readyz(RequestFactory().get("/readyz"))
    return response.status_code, json.loads(response.content)


@pytest.fixture
def broker(monkeypatch) -> Iterator[Callable[[str], None]]:
    """Point readyz at a real broker; `broker(url)` switches it. Restored afterwards."""
    try:
        redis.Redis.from_url(LIVE_REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        need_service(f"this test needs Redis at {LIVE_REDIS}")
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.task_always_eager = False

    def switch(url: str) -> None:
        # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        app.conf.broker_url = url

    yield switch
    app.conf.broker_url, app.conf.task_always_eager = saved
    # Pooled connections belong to the URL in use when they were made.
    app._pool = None


def test_healthz_says_ok_without_touching_anything():
    response = healthz(RequestFactory().get("/healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ok_with_database_and_in_process_tasks(db):
    status, body = ready()
    assert status == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "outbox": "ok"}}


def test_readyz_reports_a_stopped_redis_and_recovers_when_it_is_back(db, broker):
    # given
    broker(STOPPED_REDIS)
    # when
    status, body = ready()
    # then
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"].startswith("broker unreachable")
    assert body["checks"]["database"] == "ok"
    # when Redis is back
    broker(LIVE_REDIS)
    status, body = ready()
    assert (status, body["checks"]["broker"]) == (200, "ok")


def test_readyz_reports_an_outbox_nobody_drains(db, settings):
    settings.READYZ_MAX_OUTBOX_LAG_SECONDS = 600
    row = EmailOutbox.objects.create(
        template="pedido_aprovado",
        to_email="ana@exemplo.com.br",
        dedupe_key="health-1",
        next_attempt_at=timezone.now(),
    )
    assert ready()[0] == 200
    EmailOutbox.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(hours=1))

    status, body = ready()

    assert status == 503
    assert body["checks"]["outbox"].startswith("outbox lagging")
    assert "limit 600 s" in body["checks"]["outbox"]
    settings.READYZ_MAX_OUTBOX_LAG_SECONDS = 7200
    assert ready()[0] == 200


def test_readyz_reports_a_database_it_cannot_reach(db, monkeypatch):
    class DownDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", DownDatabase())

    status, body = ready()

    assert status == 503
    assert body["checks"]["database"] == "database unreachable: connection refused"
    assert body["checks"]["outbox"] == "not checked"
