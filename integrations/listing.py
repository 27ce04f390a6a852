"""GET /api/v1/orders for ERPs that poll: filters, and cursor pagination on (updated_at, id),
so a poller that saves the cursor never misses or repeats an order however many arrive."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from orders.models import Order

BIGINT_MAX = 2**63 - 1


def as_utc(value: datetime, field: str) -> datetime:
    """`value` in UTC, or a 400 naming `field`: PostgreSQL refuses offsets beyond ±15:59 that
    Python accepts, and years at the edges of the calendar overflow when converted."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC)
    except (OverflowError, ValueError) as error:
        raise ValidationError({field: [_("Data e hora fora do intervalo aceito.")]}) from error


def encode_cursor(order: Order) -> str:
    raw = f"{order.updated_at.isoformat()}|{order.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, pk = raw.split("|")
        parsed, number = parse_datetime(when), int(pk)
        if parsed is None or not 0 < number <= BIGINT_MAX:
            raise ValueError(raw)
        return as_utc(parsed, "cursor"), number
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(
            {"cursor": [_("Cursor inválido: use o next_cursor recebido.")]}
        ) from error


def orders_page(
    *,
    status: str | None,
    updated_since: datetime | None,
    customer_email: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Order], str | None]:
    """One page of orders, oldest change first, and the cursor of the next page (or None)."""
    orders: QuerySet[Order] = Order.objects.all()
    if status:
        orders = orders.filter(status=status)
    if updated_since:
        orders = orders.filter(updated_at__gte=as_utc(updated_since, "updated_since"))
    if customer_email:
        orders = orders.filter(customer_email=customer_email.strip().lower())
    if cursor:
        when, pk = decode_cursor(cursor)
        orders = orders.filter(Q(updated_at__gt=when) | Q(updated_at=when, pk__gt=pk))
    page = list(orders.order_by("updated_at", "pk")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return page, (encode_cursor(page[-1]) if more else None)
