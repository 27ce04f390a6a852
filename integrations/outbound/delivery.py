"""Send one delivery: claim it (first in line for its order and endpoint), POST it signed,
record the attempt (docs/integrations.md). Modelled on notifications/sending.py."""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from jetorders.signing import sign

from . import pinning
from .destinations import UnresolvableDestination, UnsafeDestination, check_url
from .models import WAITING, DeliveryStatus, WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    DEAD = "dead"
    # Another run holds it, or an earlier event of its order is still on its way.
    WAITING = "waiting"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    retry_in: float | None = None


def _claimable(now) -> Q:
    due = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRY], next_attempt_at__lte=now)
    return due | Q(status=DeliveryStatus.SENDING, lease_until__lt=now)


def _first_in_line() -> Exists:
    """No earlier event of the same order for the same endpoint is still waiting: events of
    one order arrive in the order they happened."""
    earlier = WebhookDelivery.objects.filter(
        endpoint=OuterRef("endpoint"),
        order=OuterRef("order"),
        pk__lt=OuterRef("pk"),
        status__in=WAITING,
    )
    return ~Exists(earlier)


def deliver(delivery_id: int, *, task_id: str = "") -> Result:
    now = timezone.now()
    lease = timedelta(seconds=settings.OUTBOUND_WEBHOOKS_LEASE_SECONDS)
    claimed = (
        WebhookDelivery.objects.filter(_claimable(now), pk=delivery_id)
        .filter(_first_in_line())
        .update(
            status=DeliveryStatus.SENDING,
            lease_until=now + lease,
            attempts=F("attempts") + 1,
            task_id=task_id[:255],
            updated_at=now,
        )
    )
    if not claimed:
        row = WebhookDelivery.objects.filter(pk=delivery_id).only("status").first()
        waiting = row is not None and row.status in WAITING
        return Result(Outcome.WAITING if waiting else Outcome.SKIPPED)
    row = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    result = send_claimed(row)
    if result.outcome in (Outcome.SENT, Outcome.DEAD):
        _kick_next_in_line(row)
    return result


def body_of(row: WebhookDelivery) -> bytes:
    return json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")).encode()


def send_claimed(row: WebhookDelivery) -> Result:
    endpoint = row.endpoint
    started, clock = timezone.now(), time.monotonic()
    if not endpoint.is_active:
        return _record(row, started, clock, error="Endpoint desativado.", final=True)
    try:
        # Resolved once and checked; the POST connects to that very address (pinning.py).
        destination = check_url(endpoint.url)
        body = body_of(row)
        response = pinning.post(
            destination,
            body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "JET-Pedidos-Webhooks/1",
                "X-Jet-Event": row.kind,
                "X-Jet-Delivery": str(row.pk),
                "X-Jet-Signature": sign(endpoint.secret, body, int(time.time())),
            },
            timeout=settings.OUTBOUND_WEBHOOKS_TIMEOUT,
        )
    except UnsafeDestination as error:
        return _record(row, started, clock, error=str(error), final=True)
    except (requests.RequestException, UnresolvableDestination) as error:
        return _record(row, started, clock, error=f"{type(error).__name__}: {error}"[:500])
    if 200 <= response.status_code < 300:
        return _record(row, started, clock, status_code=response.status_code, sent=True)
    return _record(
        row, started, clock, status_code=response.status_code, error=f"HTTP {response.status_code}"
    )


def retry_delay(attempts: int) -> float:
    """Exponential backoff with ±20 % jitter, capped below the broker's visibility timeout."""
    cap = settings.OUTBOUND_WEBHOOKS_RETRY_MAX_SECONDS
    base = min(settings.OUTBOUND_WEBHOOKS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), cap)
    return min(base * random.uniform(0.8, 1.2), cap)  # noqa: S311 - jitter, not security


def _record(row, started, clock, *, status_code=None, error="", sent=False, final=False):
    now = timezone.now()
    changes: dict = {"lease_until": None, "updated_at": now, "last_status_code": status_code}
    result = Result(Outcome.SENT)
    if sent:
        changes |= {"status": DeliveryStatus.SENT, "sent_at": now, "last_error": ""}
    elif final or row.attempts >= settings.OUTBOUND_WEBHOOKS_MAX_ATTEMPTS:
        changes |= {"status": DeliveryStatus.DEAD, "last_error": error}
        logger.error("Webhook delivery #%s failed for good: %s", row.pk, error)
        result = Result(Outcome.DEAD)
    else:
        delay = retry_delay(row.attempts)
        changes |= {"status": DeliveryStatus.RETRY, "last_error": error}
        changes["next_attempt_at"] = now + timedelta(seconds=delay)
        result = Result(Outcome.RETRY, delay)
    with transaction.atomic():
        # `attempts` fences the update: a run whose lease was taken over records nothing.
        WebhookDelivery.objects.filter(
            pk=row.pk, status=DeliveryStatus.SENDING, attempts=row.attempts
        ).update(**changes)
        WebhookAttempt.objects.create(
            delivery=row,
            number=row.attempts,
            started_at=started,
            duration_ms=int((time.monotonic() - clock) * 1000),
            status_code=status_code,
            error=error[:2000],
        )
    return result


def _kick_next_in_line(row: WebhookDelivery) -> None:
    from .kick import kick

    later = WebhookDelivery.objects.filter(
        endpoint_id=row.endpoint_id,
        order_id=row.order_id,
        pk__gt=row.pk,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRY],
    )
    next_id = later.order_by("pk").values_list("pk", flat=True).first()
    if next_id is not None:
        kick(next_id)


def resend(ids: list[int]) -> int:
    """Put deliveries back in line with a fresh attempt budget (the admin's "Reenviar")."""
    count = (
        WebhookDelivery.objects.filter(pk__in=ids)
        .exclude(status=DeliveryStatus.SENDING)
        .update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            lease_until=None,
        )
    )
    from .kick import kick

    for delivery_id in ids:
        transaction.on_commit(lambda pk=delivery_id: kick(pk), robust=True)
    return count


def sweep(batch_size: int = 100, max_seconds: float | None = None) -> int:
    """Send what is due and first in line; returns how many were delivered."""
    started, sent = time.monotonic(), 0
    now = timezone.now()
    due = WebhookDelivery.objects.filter(_claimable(now)).filter(_first_in_line())
    for delivery_id in due.order_by("pk").values_list("pk", flat=True)[:batch_size]:
        sent += deliver(delivery_id, task_id="sweeper").outcome == Outcome.SENT
        if max_seconds is not None and time.monotonic() - started >= max_seconds:
            break
    return sent
