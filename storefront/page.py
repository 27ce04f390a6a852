"""What a customer sees of one order: its progress, its timeline and its dispatch data.

Built from the order's active history only (revoked rows are gone from the customer's view),
and only from the customer-facing parts of each row: never internal notes, override reasons
or who made the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from orders.models import Order, OrderStatusChange
from orders.statuses import (
    CUSTOMER_DESCRIPTIONS,
    STATUS_SEQUENCE,
    OrderStatus,
    customer_label,
    sequence_index,
)
from orders.tracking import tracking_url
from orders.tracking_events import TrackingEvent

# Steps an order may skip (payment approved at once, nothing made to order, no transit
# updates): shown only once the order has been through them.
OPTIONAL_STEPS = frozenset(
    {OrderStatus.EM_APROVACAO, OrderStatus.EM_PRODUCAO, OrderStatus.TRACKING}
)


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current", "todo" or "cancelled"


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    label: str
    at: datetime
    message: str


@dataclass(frozen=True)
class Dispatch:
    invoice_number: str
    nfe_key: str
    carrier: str
    shipping_method: str
    tracking_code: str
    tracking_url: str | None


def with_customer_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    """The two extra queries an order page needs, however long the order and its history."""
    return orders.prefetch_related(*_prefetches())


def _prefetches() -> list[Any]:
    active = OrderStatusChange.objects.filter(revoked=False).only(
        "id", "order_id", "to_status", "created_at", "message_to_customer"
    )
    # The carrier's scans: what the customer sees of them (never the staff-only flag).
    scans = TrackingEvent.objects.only(
        "id", "order_id", "description", "place", "occurred_at"
    ).order_by("-occurred_at", "-id")
    return [
        "items",
        Prefetch("status_changes", queryset=active, to_attr="active_changes"),
        Prefetch("tracking_events", queryset=scans, to_attr="scans"),
    ]


def prefetch_customer_details(order: Order) -> None:
    prefetch_related_objects([order], *_prefetches())


def progress_steps(current: str, reached: set[str]) -> list[Step]:
    if current == OrderStatus.CANCELADO:
        steps = [_step(s, "done") for s in _path() if s in reached]
        return [*steps, _step(OrderStatus.CANCELADO, "cancelled")]
    now = sequence_index(current)
    steps = []
    for status in _path():
        position = sequence_index(status)
        if position < now and status in reached:
            steps.append(_step(status, "done"))
        elif position == now:
            # A delivered order has nothing left to wait for.
            steps.append(_step(status, "done" if status == OrderStatus.CONCLUIDO else "current"))
        elif position > now and status not in OPTIONAL_STEPS:
            steps.append(_step(status, "todo"))
    return steps


def _path() -> list[OrderStatus]:
    return [status for status in STATUS_SEQUENCE if status != OrderStatus.CANCELADO]


def _step(status: str, state: str) -> Step:
    return Step(label=customer_label(status), state=state)


def timeline(changes: list[OrderStatusChange]) -> list[TimelineEntry]:
    """Newest first: the customer's first question is where the order is now."""
    entries = [
        TimelineEntry(
            status=change.to_status,
            label=customer_label(change.to_status),
            at=change.created_at,
            message=change.message_to_customer,
        )
        for change in changes
    ]
    return list(reversed(entries))


def dispatch_info(order: Order, reached: set[str]) -> Dispatch | None:
    # Dispatch data left over from a dispatch that support revoked is not shown.
    if OrderStatus.DESPACHADO not in reached:
        return None
    return Dispatch(
        invoice_number=order.invoice_number,
        nfe_key=" ".join(order.nfe_key[i : i + 4] for i in range(0, len(order.nfe_key), 4)),
        carrier=order.carrier,
        shipping_method=order.shipping_method,
        tracking_code=order.tracking_code,
        tracking_url=tracking_url(order.carrier, order.tracking_code),
    )


def order_page_context(order: Order) -> dict[str, Any]:
    """The template context of an order page; `order` comes with its details prefetched."""
    changes = order.active_changes
    reached = {change.to_status for change in changes}
    return {
        "order": order,
        "items": list(order.items.all()),
        "description": CUSTOMER_DESCRIPTIONS[OrderStatus(order.status)],
        "status_label": customer_label(order.status),
        "is_cancelled": order.status == OrderStatus.CANCELADO,
        "steps": progress_steps(order.status, reached),
        "timeline": timeline(changes),
        "dispatch": dispatch_info(order, reached),
        # Newest first, like the timeline; shown with the dispatch data.
        "scans": order.scans if OrderStatus.DESPACHADO in reached else [],
    }
