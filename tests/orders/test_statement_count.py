"""One status change costs only the statements it needs (issue: processing at the speed of the
database; docs/performance.md)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import EmailOutbox
from orders.actors import Actor
from orders.errors import OrderProcessingError
from orders.services import order_process
from orders.statuses import OrderStatus
from tests.factories import OrderFactory, dispatch_fields

LEAN_CHANGE = ["BEGIN", "SELECT", "UPDATE", "INSERT", "INSERT", "COMMIT"]


def statements_until_commit(captured: CaptureQueriesContext) -> list[str]:
    # After COMMIT come the e-mail's own statements (tasks run in-process in tests).
    words = [query["sql"].split()[0].upper() for query in captured.captured_queries]
    return words[: words.index("COMMIT") + 1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("start", "to_status", "fields"),
    [
        (OrderStatus.NOVO, OrderStatus.APROVADO, {}),
        (OrderStatus.APROVADO, OrderStatus.DESPACHADO, dispatch_fields()),
        (OrderStatus.NOVO, OrderStatus.CANCELADO, {"reason": "Cliente desistiu"}),
    ],
    ids=["approve", "dispatch", "cancel"],
)
def test_a_change_is_one_lock_one_update_and_two_inserts(start, to_status, fields):
    order = OrderFactory(status=start)
    # SQLite's JSON support is probed once per connection; not part of a change.
    assert connection.features.supports_json_field

    with CaptureQueriesContext(connection) as captured:
        order_process(order, to_status=to_status, by=Actor.system(), fields=fields)

    # lock the order (bringing its items for the e-mail), update it, insert its history row
    # and its e-mail: no savepoint, no read of the used statuses, no read before the insert.
    assert statements_until_commit(captured) == LEAN_CHANGE
    email = EmailOutbox.objects.get(template=f"pedido_{to_status}")
    assert [item["descricao"] for item in email.context["itens"]] == [
        item.description for item in order.items.all()
    ]


@pytest.mark.django_db(transaction=True)
def test_a_refused_change_reads_the_history_to_say_why():
    order = OrderFactory(status=OrderStatus.APROVADO)
    assert connection.features.supports_json_field

    with (
        CaptureQueriesContext(connection) as captured,
        pytest.raises(OrderProcessingError, match="já foi usado"),
    ):
        order_process(order, to_status=OrderStatus.NOVO, by=Actor.system())

    words = [query["sql"].split()[0].upper() for query in captured.captured_queries]
    assert words == ["BEGIN", "SELECT", "SELECT", "ROLLBACK"]
