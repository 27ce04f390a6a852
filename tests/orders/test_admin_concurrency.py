"""Two staff members submitting forms opened on the same order at once
(docs/reliability.md, R10, R11)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from orders.actors import Actor
from orders.admin.forms import ProcessOrderForm
from orders.admin.processing import submit_processing
from orders.errors import OrderProcessingError
from orders.models import Order
from orders.rules import allowed_next_statuses
from tests.factories import OrderFactory, staff_user, support_user

pytestmark = pytest.mark.django_db(transaction=True)


def submit_in_thread(order_pk: int, user, data: dict, barrier, outcomes: list) -> None:
    try:
        order = Order.objects.get(pk=order_pk)
        actor = Actor.person(user)
        form = ProcessOrderForm(data, order=order, allowed=allowed_next_statuses(order, actor))
        assert form.is_valid(), form.errors
        barrier.wait()
        submit_processing(order, form, actor)
        outcomes.append("processed")
    except OrderProcessingError as refusal:
        outcomes.append(str(refusal.code))
    finally:
        connection.close()


def test_two_forms_opened_on_the_same_order_process_once(postgres):
    lojista = staff_user(username="lucia")
    suporte = support_user(username="sergio")
    for _ in range(10):
        order = OrderFactory(status="aprovado")
        barrier = threading.Barrier(2)
        outcomes: list[str] = []
        production = {"expected_status": "aprovado", "to_status": "em_producao"}
        cancel = {
            "expected_status": "aprovado",
            "to_status": "cancelado",
            "cancelado-reason": "Fraude",
        }
        threads = [
            threading.Thread(
                target=submit_in_thread, args=(order.pk, user, data, barrier, outcomes)
            )
            for user, data in [(lojista, production), (suporte, cancel)]
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert sorted(outcomes) == ["processed", "stale"]
        changes = order.status_changes.filter(revoked=False).values_list("to_status", flat=True)
        assert len([s for s in changes if s in ("em_producao", "cancelado")]) == 1
