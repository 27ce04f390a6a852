"""Poll the carriers for the dispatched orders that are due (beat, `poll_carrier_tracking`).

Like the e-mail outbox's sweeper: due rows are claimed in one short transaction with
`select_for_update(skip_locked=True)` and a lease, so two pollers never ask about the same
order at once; the carrier is called outside any transaction; the row is released with its
next time, fenced by the lease token. A failure (carrier down, garbage answer) leaves the order
as it was and pushes its next poll back with exponential backoff and jitter.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orders.models import Order
from orders.statuses import OrderStatus

from .adapters import CarrierUnavailable, adapter_for, tracking_enabled
from .apply import apply_scans
from .models import CarrierPoll

logger = logging.getLogger(__name__)

TRACKED_STATUSES = [OrderStatus.DESPACHADO, OrderStatus.TRACKING]


def poll_due(limit: int | None = None) -> int:
    """Poll up to `limit` due orders (TRACKING_POLL_BATCH); returns how many were polled."""
    if not tracking_enabled():
        return 0
    schedule_new_orders()
    token = uuid.uuid4().hex
    polls = claim_due(limit or settings.TRACKING_POLL_BATCH, token)
    for poll in polls:
        poll_one(poll, token)
    return len(polls)


def schedule_new_orders() -> None:
    """A poll row, due now, for each dispatched order that has none yet."""
    orders = Order.objects.filter(status__in=TRACKED_STATUSES, carrier_poll__isnull=True)
    ids = list(orders.exclude(tracking_code="").values_list("pk", flat=True)[:1000])
    now = timezone.now()
    CarrierPoll.objects.bulk_create(
        [CarrierPoll(order_id=pk, next_poll_at=now) for pk in ids], ignore_conflicts=True
    )


def claim_due(size: int, token: str) -> list[CarrierPoll]:
    now = timezone.now()
    lease = now + timedelta(seconds=settings.TRACKING_LEASE_SECONDS)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    with transaction.atomic():
        due = (
            CarrierPoll.objects.filter(free, next_poll_at__lte=now)
            .filter(order__status__in=TRACKED_STATUSES)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_poll_at", "id")
        )
        ids = list(due.values_list("pk", flat=True)[:size])
        CarrierPoll.objects.filter(free, pk__in=ids).update(lease_until=lease, lease_token=token)
    return list(CarrierPoll.objects.filter(pk__in=ids, lease_token=token).select_related("order"))


def poll_one(poll: CarrierPoll, token: str) -> None:
    order = poll.order
    adapter = adapter_for(order.carrier)
    if adapter is None:
        # No API for this carrier: look again rarely, in case one is configured later.
        _release(poll, token, poll.failures, "sem integração de rastreamento configurada", True)
        return
    try:
        scans = adapter.track(order.tracking_code)
        apply_scans(order, carrier=adapter.label, scans=scans)
    except CarrierUnavailable as error:
        logger.warning("tracking of order %s failed: %s", order.number, error)
        _release(poll, token, poll.failures + 1, str(error))
        return
    except Exception as error:
        logger.exception("tracking of order %s failed", order.number)
        _release(poll, token, poll.failures + 1, f"erro interno: {type(error).__name__}")
        return
    _release(poll, token, 0, "")


def next_delay(failures: int, *, longest: bool = False) -> timedelta:
    """The poll interval, doubled per failure up to the maximum, with ±20 % jitter."""
    base = settings.TRACKING_POLL_MINUTES * 60
    cap = settings.TRACKING_POLL_MAX_MINUTES * 60
    seconds = cap if longest else min(base * 2**failures, cap)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311 - jitter


def _release(poll: CarrierPoll, token: str, failures: int, error: str, longest=False) -> None:
    now = timezone.now()
    CarrierPoll.objects.filter(pk=poll.pk, lease_token=token).update(
        next_poll_at=now + next_delay(failures, longest=longest),
        lease_until=None,
        lease_token="",
        failures=failures,
        last_polled_at=now,
        last_error=error[:255],
        updated_at=now,
    )
