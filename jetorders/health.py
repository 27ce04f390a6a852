"""Health endpoints for the load balancer and the container runtime.

/healthz (liveness) only says the process answers; restarting it would not fix a dead database.
/readyz (readiness) checks what a request needs: the database, the broker and that the e-mail
outbox is being drained (beat and workers alive).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from notifications.models import EmailOutbox, OutboxStatus

OK = "ok"


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(OK, content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_problem()}
    checks["broker"] = broker_problem()
    # Without a database there is no outbox to look at; say so instead of a second traceback.
    checks["outbox"] = outbox_problem() if checks["database"] is None else "not checked"
    ready = all(problem is None for problem in checks.values())
    return JsonResponse(
        {
            "status": OK if ready else "unavailable",
            "checks": {name: problem or OK for name, problem in checks.items()},
        },
        status=200 if ready else 503,
    )


def database_problem() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return f"database unreachable: {error}".strip()
    return None


def broker_problem() -> str | None:
    from jetorders.celery import app

    # With tasks run in-process (no broker configured) there is nothing to reach.
    if app.conf.task_always_eager or app.conf.broker_url.startswith("memory://"):
        return None
    try:
        with app.connection_for_write(connect_timeout=1) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
    # Each transport raises its own errors (redis, socket, kombu), so any error means "down".
    except Exception as error:
        return f"broker unreachable: {error}"
    return None


def outbox_problem() -> str | None:
    """E-mails waiting longer than READYZ_MAX_OUTBOX_LAG_SECONDS: no worker or beat drains them."""
    seconds = settings.READYZ_MAX_OUTBOX_LAG_SECONDS
    limit = timedelta(seconds=seconds)
    stale = EmailOutbox.objects.filter(
        status=OutboxStatus.PENDING, created_at__lt=timezone.now() - limit
    )
    try:
        oldest = stale.order_by("created_at").values_list("created_at", flat=True).first()
    except DatabaseError as error:
        # Typically a database the migrations have not reached yet.
        return f"outbox unreadable: {error}"
    if oldest is None:
        return None
    waiting = int((timezone.now() - oldest).total_seconds())
    return f"outbox lagging: the oldest pending e-mail has waited {waiting} s (limit {seconds} s)"
