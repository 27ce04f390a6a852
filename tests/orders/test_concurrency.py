"""Two staff members clicking at once (PostgreSQL row locks and the partial unique index)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from orders.actors import Actor
from orders.models import Order
from orders.services import order_process
from orders.statuses import OrderStatus
from tests.concurrency import outcome, run_at_once
from tests.factories import OrderFactory, fields_for, staff_user

S = OrderStatus
pytestmark = pytest.mark.django_db(transaction=True)


def race(attempts: list[Callable[[], object]]) -> list[str]:
    return [outcome(result) for result in run_at_once(*attempts)]


def change(order: Order, to: S, actor: Actor, **kwargs: object) -> Callable[[], object]:
    # Each thread holds its own stale copy of the order, as each browser tab would.
    stale = Order.objects.get(pk=order.pk)
    return lambda: order_process(stale, to_status=to, by=actor, fields=fields_for(to), **kwargs)


def test_ten_clicks_on_the_same_change_process_it_once(postgres):
    # given
    order = OrderFactory(status=S.APROVADO)
    actor = Actor.person(staff_user())
    # when
    outcomes = race([change(order, S.EM_PRODUCAO, actor) for _ in range(10)])
    # then
    assert Counter(outcomes) == {"ok": 1, "already_used": 9}
    assert order.status_changes.filter(to_status=S.EM_PRODUCAO).count() == 1
    order.refresh_from_db()
    assert order.status == S.EM_PRODUCAO


def test_two_different_changes_from_the_same_screen_race_and_one_wins(postgres):
    # Two staff members opened the same APROVADO order: one starts production, one cancels.
    actor = Actor.person(staff_user())
    for _ in range(10):
        order = OrderFactory(status=S.APROVADO)
        seen = {"expected_status": S.APROVADO}
        outcomes = race(
            [change(order, S.EM_PRODUCAO, actor, **seen), change(order, S.CANCELADO, actor, **seen)]
        )
        assert sorted(outcomes) == ["ok", "stale"]
        order.refresh_from_db()
        statuses = list(order.status_changes.values_list("to_status", flat=True))
        assert statuses == [S.NOVO, S.APROVADO, order.status]


def test_gateway_approval_and_staff_cancel_never_deadlock(postgres):
    actor = Actor.person(staff_user())
    gateway = Actor.gateway("Gateway de teste")
    for _ in range(10):
        order = OrderFactory(status=S.EM_APROVACAO)
        outcomes = race([change(order, S.APROVADO, gateway), change(order, S.CANCELADO, actor)])
        assert not [o for o in outcomes if o.startswith("error")], outcomes
        order.refresh_from_db()
        assert order.status in {S.APROVADO, S.CANCELADO}
