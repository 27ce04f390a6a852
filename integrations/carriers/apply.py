"""Record a carrier's scans of one order and move the order when a scan says so.

One transaction per order, with the order row locked first (like payment events), so a poll
and a push of the same scans queue up and the second finds nothing new. Each new scan is a
`TrackingEvent` and an `order.tracking_event`; the first "in transit" or "out for delivery"
moves DESPACHADO → TRACKING, "delivered" moves to CONCLUÍDO, both through `order_process`
(with the customer's e-mail). A returned or lost parcel flags the order and stops every
automatic move until staff clear the flag.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction

from orders.actors import Actor
from orders.errors import OrderProcessingError
from orders.events import publish, tracking_event
from orders.models import Order
from orders.services import order_process
from orders.statuses import OrderStatus
from orders.tracking_events import EXCEPTION_KINDS, ScanKind, TrackingEvent

from .adapters import Scan

logger = logging.getLogger(__name__)

# The status a scan kind leads to, and the statuses it may lead there from.
MOVES = {
    ScanKind.IN_TRANSIT: (OrderStatus.TRACKING, {OrderStatus.DESPACHADO}),
    ScanKind.OUT_FOR_DELIVERY: (OrderStatus.TRACKING, {OrderStatus.DESPACHADO}),
    ScanKind.DELIVERED: (
        OrderStatus.CONCLUIDO,
        {OrderStatus.DESPACHADO, OrderStatus.TRACKING},
    ),
}


@dataclass
class Applied:
    new_scans: int = 0
    moved_to: list[str] = field(default_factory=list)


def apply_scans(order: Order, *, carrier: str, scans: list[Scan]) -> Applied:
    applied = Applied()
    with transaction.atomic():
        current = Order.objects.select_for_update(no_key=True).get(pk=order.pk)
        seen = set(current.tracking_events.values_list("code", "occurred_at"))
        flagged = current.tracking_events.needing_attention().exists()
        for scan in sorted(scans, key=lambda s: s.occurred_at):
            if (scan.code, scan.occurred_at) in seen:
                continue
            seen.add((scan.code, scan.occurred_at))
            event = TrackingEvent.objects.create(
                order=current,
                carrier=carrier,
                code=scan.code,
                kind=scan.kind,
                description=scan.description,
                place=scan.place,
                occurred_at=scan.occurred_at,
                needs_attention=scan.kind in EXCEPTION_KINDS,
            )
            applied.new_scans += 1
            flagged = flagged or event.needs_attention
            publish(tracking_event(event))
            if not flagged:
                current = _move(current, event, carrier, applied)
    return applied


def _move(order: Order, event: TrackingEvent, carrier: str, applied: Applied) -> Order:
    target, sources = MOVES.get(ScanKind(event.kind), (None, set()))
    if target is None or order.status not in sources:
        return order
    message = " — ".join(part for part in [event.description, event.place] if part)
    try:
        change = order_process(
            order,
            to_status=target,
            by=Actor.integration(carrier),
            message=message,
            note=f"Rastreamento {carrier}: evento {event.code} de {event.occurred_at:%d/%m %H:%M}.",
        )
    except OrderProcessingError as error:
        # Already used (a support override revoked it, say): the scan stays, nothing moves.
        logger.info("scan %s of order %s moves nothing: %s", event.pk, order.pk, error.message)
        return order
    event.status_change = change
    event.save(update_fields=["status_change"])
    applied.moved_to.append(target)
    return change.order
