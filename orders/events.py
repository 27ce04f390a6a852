"""Order events for listeners above the order domain, inside the transaction that makes them.

Our outbound webhooks (integrations/outbound) must write a delivery row in the same
transaction as each status change, tracking scan and payment event, but orders may not import
integrations. So this module keeps an explicit list of listeners: integrations adds its one
listener in `IntegrationsConfig.ready()`, and the code that makes an event calls `publish()`
directly, inside its transaction (`order_process`, `order_create`, payments/events.py,
integrations/carriers/apply.py). Not Django signals: one list, one call site per event kind,
read top to bottom; a listener that raises rolls the change back with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from .models import Order, OrderStatusChange
from .tracking_events import TrackingEvent

STATUS_CHANGED = "order.status_changed"
TRACKING_EVENT = "order.tracking_event"
PAYMENT_EVENT = "order.payment_event"
EVENT_KINDS = (STATUS_CHANGED, TRACKING_EVENT, PAYMENT_EVENT)


@dataclass(frozen=True)
class OrderEvent:
    """One event about one order, as plain JSON values (what a webhook receiver gets)."""

    kind: str
    order_id: int
    order_number: str
    data: dict[str, Any]
    id: str = field(default_factory=lambda: f"evt_{uuid.uuid4().hex}")
    created: datetime = field(default_factory=timezone.now)

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.kind,
            "created": int(self.created.timestamp()),
            "order": self.order_number,
            "data": self.data,
        }


Listener = Callable[[OrderEvent], None]
_LISTENERS: list[Listener] = []


def add_listener(listener: Listener) -> None:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def publish(event: OrderEvent) -> None:
    """Hand `event` to every listener; call it inside the transaction that makes the event."""
    for listener in _LISTENERS:
        listener(event)


def status_changed(change: OrderStatusChange) -> OrderEvent:
    order = change.order
    return OrderEvent(
        kind=STATUS_CHANGED,
        order_id=order.pk,
        order_number=order.number or "",
        created=change.created_at,
        data={
            "from_status": change.from_status or None,
            "to_status": change.to_status,
            # The status's fields (DESPACHADO: invoice and tracking data; CANCELADO: reason).
            "fields": change.fields,
            "message": change.message_to_customer,
            "is_override": change.is_override,
        },
    )


def tracking_event(scan: TrackingEvent) -> OrderEvent:
    order: Order = scan.order
    return OrderEvent(
        kind=TRACKING_EVENT,
        order_id=order.pk,
        order_number=order.number or "",
        data={
            "status": order.status,
            "carrier": scan.carrier,
            "tracking_code": order.tracking_code,
            "code": scan.code,
            "kind": scan.kind,
            "description": scan.description,
            "place": scan.place,
            "occurred_at": scan.occurred_at.isoformat(),
            "needs_attention": scan.needs_attention,
        },
    )


def payment_event(
    order: Order, *, provider: str, event_id: str, kind: str, outcome: str, needs_attention: bool
) -> OrderEvent:
    return OrderEvent(
        kind=PAYMENT_EVENT,
        order_id=order.pk,
        order_number=order.number or "",
        data={
            "status": order.status,
            "provider": provider,
            "event_id": event_id,
            "kind": kind,
            "outcome": outcome,
            "needs_attention": needs_attention,
        },
    )
