"""Random sequences of changes and overrides by random roles keep the order rules
(docs/reliability.md, R27)."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from integrations.outbound.models import WebhookDelivery, WebhookEndpoint
from notifications.models import EmailOutbox
from orders.actors import Actor
from orders.emails import dedupe_key
from orders.errors import OrderProcessingError
from orders.models import Order, OrderStatusChange
from orders.services import order_process
from orders.statuses import FINAL_STATUSES, OrderStatus
from tests.factories import OrderFactory, UserFactory, fields_for, staff_user, support_user
from tests.orders.test_transitions import ALLOWED

ROLES = ["lojista", "suporte", "visitante", "gateway", "integracao"]
EXAMPLES = int(os.environ.get("HYPOTHESIS_ORDER_EXAMPLES", "200"))


class OrderMachine(RuleBasedStateMachine):
    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint rolled back at teardown, so examples don't leak.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.actors = {
            "lojista": Actor.person(staff_user()),
            "suporte": Actor.person(support_user()),
            "visitante": Actor.person(UserFactory(is_staff=True)),
            "gateway": Actor.gateway("Gateway de teste"),
            "integracao": Actor.integration("ERP de teste"),
        }
        self.changes_made: Counter[int] = Counter()
        # Outbound webhooks: two endpoints want status changes, one other events only, one
        # is switched off. Saving them makes this process read the endpoints again.
        self.subscribed = [
            WebhookEndpoint.objects.create(url=url, events=events).pk
            for url, events in [
                ("https://erp.exemplo.com.br/jet", ["order.status_changed"]),
                ("https://bi.exemplo.com.br/jet", ["order.status_changed", "order.payment_event"]),
            ]
        ]
        WebhookEndpoint.objects.create(
            url="https://frete.exemplo.com.br/jet", events=["order.tracking_event"]
        )
        WebhookEndpoint.objects.create(
            url="https://antigo.exemplo.com.br/jet",
            events=["order.status_changed"],
            is_active=False,
        )

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @rule(target=orders)
    def new_order(self) -> int:
        return OrderFactory().pk

    @rule(
        order_id=orders,
        to_status=st.sampled_from(list(OrderStatus)),
        role=st.sampled_from(ROLES),
        reason=st.sampled_from(["", "Pedido do cliente"]),
        stale=st.sampled_from([False, False, False, True]),
    )
    def process(self, order_id: int, to_status: str, role: str, reason: str, stale: bool) -> None:
        before = Order.objects.get(pk=order_id)
        rows_before = before.status_changes.count()
        actor = self.actors[role]
        try:
            change = order_process(
                before,
                to_status=to_status,
                by=actor,
                fields=fields_for(to_status),
                override_reason=reason,
                expected_status=OrderStatus.NOVO if stale else None,
            )
        except OrderProcessingError:
            after = Order.objects.get(pk=order_id)
            assert after.status == before.status
            assert after.status_changes.count() == rows_before
            return
        self.changes_made[order_id] += 1
        assert change.order.status == to_status
        if before.status in FINAL_STATUSES:
            assert role == "suporte"
            assert reason
            assert change.is_override
        else:
            assert to_status in ALLOWED[OrderStatus(before.status)]
            assert role != "visitante"
            assert not change.is_override

    @invariant()
    def each_status_is_active_at_most_once_and_the_last_is_current(self) -> None:
        for order in Order.objects.prefetch_related("status_changes"):
            active = [c.to_status for c in order.status_changes.all() if not c.revoked]
            assert len(active) == len(set(active))
            assert active[-1] == order.status
            assert order.status in OrderStatus.values
            assert len(order.status_changes.all()) == 1 + self.changes_made[order.pk]

    @invariant()
    def every_change_has_exactly_one_email_queued(self) -> None:
        keys = [dedupe_key(c) for c in OrderStatusChange.objects.all()]
        assert EmailOutbox.objects.filter(dedupe_key__in=keys).count() == len(keys)
        assert EmailOutbox.objects.count() == len(keys)

    @invariant()
    def every_change_has_one_webhook_row_per_subscribed_endpoint_in_order(self) -> None:
        deliveries = WebhookDelivery.objects.order_by("pk")
        assert set(deliveries.values_list("kind", flat=True)) <= {"order.status_changed"}
        for order in Order.objects.prefetch_related("status_changes"):
            statuses = [change.to_status for change in order.status_changes.all()]
            for endpoint_id in self.subscribed:
                rows = deliveries.filter(order=order, endpoint_id=endpoint_id)
                sent = [row.payload["data"]["to_status"] for row in rows]
                assert sent == statuses
        assert deliveries.count() == len(self.subscribed) * OrderStatusChange.objects.count()


@pytest.mark.django_db
def test_random_sequences_keep_the_order_rules():
    run_state_machine_as_test(
        OrderMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
