"""Signed links to an order's public status page (`/pedido/<token>/`), as sent in e-mails."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Order

SALT = "orders.status-page"


def order_status_token(order: Order) -> str:
    # Only the order's id is inside, signed; the token carries no customer data.
    return signing.dumps(order.pk, salt=SALT, compress=False)


def order_from_status_token(token: str) -> Order | None:
    """The order a token names, or None for a tampered, foreign or unknown token."""
    try:
        order_id = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(order_id, int):
        return None
    return Order.objects.filter(pk=order_id).first()


def order_status_path(order: Order) -> str:
    return reverse("order_status_page", args=[order_status_token(order)])


def order_status_url(order: Order) -> str:
    """Absolute link for e-mails, built on SITE_URL."""
    return f"{settings.SITE_URL}{order_status_path(order)}"
