"""Data for the benchmarks, made through the real services (or in bulk where only volume counts)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import CharField, F
from django.db.models.functions import Cast

from orders.actors import Actor
from orders.demo import demo_nfe_key
from orders.models import Order, OrderItem, OrderStatusChange
from orders.permissions import STORE_STAFF_GROUP
from orders.services import ORDER_NUMBER_OFFSET, order_create, order_process
from orders.statuses import OrderStatus

ITEMS = [{"description": "Camiseta", "quantity": 2, "unit_price": Decimal("59.90")}]
ITEM_TOTAL = Decimal("119.80")


def make_orders(count: int) -> list[Order]:
    """`count` new orders in NOVO, each with an item and its first history row, in bulk."""
    orders = Order.objects.bulk_create(
        Order(customer_name="Cliente", customer_email=f"c{i}@exemplo.com.br", total=ITEM_TOTAL)
        for i in range(count)
    )
    OrderItem.objects.bulk_create(OrderItem(order=o, **ITEMS[0]) for o in orders)
    OrderStatusChange.objects.bulk_create(
        OrderStatusChange(order=o, to_status=OrderStatus.NOVO, actor_kind="system") for o in orders
    )
    made = Order.objects.filter(pk__in=[o.pk for o in orders])
    made.update(number=Cast(F("id") + ORDER_NUMBER_OFFSET, CharField()))
    return list(made.order_by("pk"))


def create_orders(count: int) -> list[Order]:
    """`count` orders through order_create, as checkout and the API make them."""
    return [
        order_create(customer_name="Cliente", customer_email=f"c{i}@exemplo.com.br", items=ITEMS)
        for i in range(count)
    ]


def walk_to_concluido(orders: list[Order]) -> int:
    actor = Actor.system()
    steps = [OrderStatus.APROVADO, OrderStatus.DESPACHADO, OrderStatus.CONCLUIDO]
    for n, order in enumerate(orders, start=1):
        for step in steps:
            fields = {}
            if step == OrderStatus.DESPACHADO:
                fields = {
                    "invoice_number": str(n),
                    "nfe_key": demo_nfe_key(n),
                    "carrier": "Correios",
                    "shipping_method": "SEDEX",
                }
            order_process(order, to_status=step, by=actor, fields=fields)
    return len(orders) * len(steps)


def bulk_orders(total: int) -> None:
    """Top the table up to `total` orders, each with items and a history, in bulk."""
    missing = total - Order.objects.count()
    if missing <= 0:
        return
    start = Order.objects.count()
    orders = Order.objects.bulk_create(
        Order(customer_name=f"Cliente {i}", customer_email=f"b{i}@exemplo.com.br")
        for i in range(start, start + missing)
    )
    OrderItem.objects.bulk_create(
        OrderItem(order=o, description="Caneca", quantity=1, unit_price=Decimal("39.90"))
        for o in orders
    )
    OrderStatusChange.objects.bulk_create(
        OrderStatusChange(order=o, to_status=OrderStatus.NOVO, actor_kind="system") for o in orders
    )
    for order in orders:
        Order.objects.filter(pk=order.pk).update(number=str(500_000 + order.pk))


def staff_client_user():
    user, _ = get_user_model().objects.get_or_create(username="bench", is_staff=True)
    user.groups.add(Group.objects.get(name=STORE_STAFF_GROUP))
    return user
