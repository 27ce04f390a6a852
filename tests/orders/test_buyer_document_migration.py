"""Migration 0009: existing orders keep working without a document, and CEPs typed as
"01001-000" are stored as 8 digits like new ones."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from orders.models import Order

BEFORE = [("orders", "0008_tracking_events")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_existing_orders_get_a_blank_document_and_ceps_as_digits():
    executor = migrate(BEFORE)
    old_order = executor.loader.project_state(BEFORE).apps.get_model("orders", "Order")
    for number, cep in [("100001", "01001-000"), ("100002", "1001")]:
        old_order.objects.create(
            number=number,
            customer_name="Ana",
            customer_email="ana@exemplo.com.br",
            shipping_postal_code=cep,
            total=Decimal("10"),
        )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    orders = {o.number: o for o in Order.objects.all()}
    assert orders["100001"].shipping_postal_code == "01001000"
    assert orders["100001"].buyer_document == ""
    # Another shape is left as it was typed, and shown as typed.
    assert orders["100002"].shipping_postal_code == "1001"
    assert orders["100002"].shipping_address_lines == ["CEP 1001"]
