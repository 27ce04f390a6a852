"""Signed links to an order's public status page (`/pedido/<token>/`), as sent in e-mails.

A link opens for settings.STATUS_LINK_MAX_AGE (180 days by default) after it was signed. Every
status e-mail signs a fresh link, so the newest e-mail's link opens for as long as the order
keeps changing, and for that long after its last change; an older link that leaks stops
working. The signature has always carried its signing time (signing.dumps is a
TimestampSigner), so links sent before the limit existed expire the same way, counted from
when they were sent; no cutoff date is needed.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Order

SALT = "orders.status-page"


class StatusLinkExpired(Exception):
    """A link we signed, older than STATUS_LINK_MAX_AGE: the page offers to sign in instead."""


def order_status_token(order: Order) -> str:
    # Only the order's id is inside, signed; the token carries no customer data.
    return signing.dumps(order.pk, salt=SALT, compress=False)


def order_from_status_token(token: str) -> Order | None:
    """The order a token names, or None for a tampered, foreign or unknown token.

    Raises StatusLinkExpired for a genuine token older than STATUS_LINK_MAX_AGE.
    """
    try:
        order_id = signing.loads(token, salt=SALT, max_age=settings.STATUS_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise StatusLinkExpired from error
    except (signing.BadSignature, ValueError):
        # ValueError: correctly signed but without a time (Signer, not TimestampSigner);
        # never issued by us.
        return None
    if not isinstance(order_id, int):
        return None
    return Order.objects.filter(pk=order_id).first()


def order_status_path(order: Order) -> str:
    return reverse("order_status_page", args=[order_status_token(order)])


def order_status_url(order: Order) -> str:
    """Absolute link for e-mails, built on SITE_URL."""
    return f"{settings.SITE_URL}{order_status_path(order)}"
