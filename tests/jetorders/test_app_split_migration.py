"""A database migrated by the one-app layout (payments and API tokens inside `orders`) moves to
the four-app layout with every row, and every permission given to a group, where it was."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from integrations.models import ApiOrderCreation, ApiToken
from notifications.models import EmailOutbox
from orders.models import Order, OrderItem, OrderStatusChange
from payments.models import PaymentEvent

# Where every app stood before the split: payments and integrations did not exist yet.
LAST_BEFORE_SPLIT = ("orders", "0003_api_idempotency_keys")
BEFORE_SPLIT = [LAST_BEFORE_SPLIT, ("payments", None), ("integrations", None)]


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def fill_the_old_tables(old_apps) -> dict[str, int]:
    """Rows in every table the split touches, written through the old models."""
    order_model = old_apps.get_model("orders", "Order")
    order = order_model.objects.create(
        number="100001",
        customer_name="Ana D'Ávila",
        customer_email="ana@exemplo.com.br",
        total=Decimal("59.90"),
        status="aprovado",
    )
    old_apps.get_model("orders", "OrderItem").objects.create(
        order=order, description="Camiseta", quantity=1, unit_price=Decimal("59.90")
    )
    change = old_apps.get_model("orders", "OrderStatusChange").objects.create(
        order=order, from_status="novo", to_status="aprovado", actor_kind="gateway"
    )
    old_apps.get_model("orders", "PaymentEvent").objects.create(
        provider="jet",
        event_id="evt_1",
        kind="approved",
        order=order,
        outcome="applied",
        status_change=change,
        payload={"id": "evt_1"},
    )
    token = old_apps.get_model("orders", "ApiToken").objects.create(
        name="ERP Bling", prefix="jet_abcdefgh", key_hash="f" * 64
    )
    old_apps.get_model("orders", "ApiOrderCreation").objects.create(
        token=token, key="chave-1", request_hash="0" * 64, order=order
    )
    old_apps.get_model("notifications", "EmailOutbox").objects.create(
        template="pedido_aprovado",
        to_email="ana@exemplo.com.br",
        dedupe_key=f"order-status-change:{change.pk}",
        next_attempt_at=timezone.now(),
    )
    return {"order": order.pk, "change": change.pk, "token": token.pk}


def grant_old_permissions(old_apps) -> None:
    """The old roles: a group holding permissions on the models that were in `orders`."""
    content_type = old_apps.get_model("contenttypes", "ContentType")
    permission = old_apps.get_model("auth", "Permission")
    group = old_apps.get_model("auth", "Group").objects.create(name="Lojista antigo")
    for model in ["paymentevent", "apitoken"]:
        # Unapplying the split gave these content types back to `orders`, as they were.
        old_type, _ = content_type.objects.get_or_create(app_label="orders", model=model)
        held, _ = permission.objects.get_or_create(
            content_type=old_type, codename=f"view_{model}", defaults={"name": model}
        )
        group.permissions.add(held)


@pytest.mark.django_db(transaction=True)
def test_the_split_keeps_every_row_and_every_permission():
    # given: a database as today's layout left it, with data in every table
    executor = migrate(BEFORE_SPLIT)
    others = [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] not in ("orders", "payments", "integrations")
    ]
    old_apps = executor.loader.project_state([LAST_BEFORE_SPLIT, *others]).apps
    ids = fill_the_old_tables(old_apps)
    grant_old_permissions(old_apps)

    # when
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    # then: the same rows, read through the models in their new apps
    counts = [
        model.objects.count()
        for model in (Order, OrderItem, OrderStatusChange, PaymentEvent, ApiToken)
    ]
    assert counts == [1, 1, 1, 1, 1]
    assert ApiOrderCreation.objects.count() == EmailOutbox.objects.count() == 1
    event = PaymentEvent.objects.get()
    assert (event.event_id, event.order_id, event.status_change_id) == (
        "evt_1",
        ids["order"],
        ids["change"],
    )
    assert ApiToken.objects.get().name == "ERP Bling"
    assert ApiOrderCreation.objects.get().order.customer_name == "Ana D'Ávila"
    # and the group still holds its permissions, now under the new apps
    from django.contrib.auth.models import Group

    held = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name="Lojista antigo").permissions.all()
    }
    assert held == {"payments.view_paymentevent", "integrations.view_apitoken"}
