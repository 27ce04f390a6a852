"""Where the admin's order pages are, for the tests that open them."""

from __future__ import annotations

from django.urls import reverse

from orders.models import Order

ORDER_LIST_URL = reverse("admin:orders_order_changelist")


def change_url(order: Order) -> str:
    """The order page: the order read-only, its timeline and the Processar pedido button."""
    return reverse("admin:orders_order_change", args=[order.pk])


def process_url(order: Order) -> str:
    """The "Processar pedido" form."""
    return reverse("admin:orders_order_process", args=[order.pk])
