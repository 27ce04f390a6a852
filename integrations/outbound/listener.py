"""The order-event listener (orders.events): one delivery row per subscribed endpoint, in the
transaction that makes the event; a worker is kicked only after commit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from orders.events import OrderEvent

from .endpoints import subscribed
from .kick import kick
from .models import WebhookDelivery


def on_order_event(event: OrderEvent) -> None:
    endpoint_ids = subscribed(event.kind)
    if not endpoint_ids:
        return
    now, payload = timezone.now(), event.payload()
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint_id=endpoint_id,
                order_id=event.order_id,
                event_id=event.id,
                kind=event.kind,
                payload=payload,
                next_attempt_at=now,
            )
            for endpoint_id in endpoint_ids
        ]
    )
    ids = [row.pk for row in rows]
    # robust: a failing kick is logged and never breaks the change; the sweeper sends it.
    transaction.on_commit(lambda: [kick(pk) for pk in ids], robust=True)
