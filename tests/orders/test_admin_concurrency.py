"""Two staff members submitting forms opened on the same order at once
(docs/reliability.md, R10, R11)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from orders.actors import Actor
from orders.admin.forms import ProcessOrderForm
from orders.admin.processing import submit_processing
from orders.models import Order
from orders.rules import allowed_next_statuses
from tests.concurrency import outcome, run_at_once
from tests.factories import OrderFactory, staff_user, support_user

pytestmark = pytest.mark.django_db(transaction=True)


def opened_form(order: Order, user, data: dict) -> Callable[[], object]:
    """The form as one staff member filled it in; calling the result submits it."""
    order = Order.objects.get(pk=order.pk)
    actor = Actor.person(user)
    form = ProcessOrderForm(data, order=order, allowed=allowed_next_statuses(order, actor))
    assert form.is_valid(), form.errors
    return lambda: submit_processing(order, form, actor)


def test_two_forms_opened_on_the_same_order_process_once(postgres):
    lojista = staff_user(username="lucia")
    suporte = support_user(username="sergio")
    production = {"expected_status": "aprovado", "to_status": "em_producao"}
    cancel = {"expected_status": "aprovado", "to_status": "cancelado", "cancelado-reason": "Fraude"}
    for _ in range(10):
        order = OrderFactory(status="aprovado")

        results = run_at_once(
            opened_form(order, lojista, production), opened_form(order, suporte, cancel)
        )

        assert sorted(outcome(result) for result in results) == ["ok", "stale"]
        changes = order.status_changes.filter(revoked=False).values_list("to_status", flat=True)
        assert len([s for s in changes if s in ("em_producao", "cancelado")]) == 1
