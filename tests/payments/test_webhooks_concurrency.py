"""The same notification delivered at once by several gateway retries
(docs/reliability.md, R16), on PostgreSQL."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from notifications.models import EmailOutbox
from orders.statuses import OrderStatus
from payments.models import PaymentEvent
from payments.signing import sign
from tests.concurrency import run_at_once
from tests.factories import OrderFactory, staff_user

SECRET = "segredo-concorrente"


def signed_post(body: bytes):
    header = sign(SECRET, body, int(time.time()))
    return lambda: Client().post(
        "/webhooks/pagamentos/", body, content_type="application/json", HTTP_X_JET_SIGNATURE=header
    )


@pytest.fixture(autouse=True)
def webhook_secret(settings, fresh_rate_limits):
    settings.PAYMENT_WEBHOOK_SECRET = [SECRET]


@pytest.mark.django_db(transaction=True)
def test_five_copies_at_once_make_one_event_and_one_status_change(postgres):
    order = OrderFactory()
    body = json.dumps({"id": "evt_dup", "type": "payment.approved", "order": order.number})
    emails_before = EmailOutbox.objects.count()

    responses = run_at_once(*[signed_post(body.encode())] * 5)

    assert [getattr(r, "status_code", r) for r in responses] == [200] * 5
    assert sum(r.json()["duplicate"] is False for r in responses) == 1
    assert PaymentEvent.objects.count() == 1
    assert order.status_changes.filter(to_status=OrderStatus.APROVADO).count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO
    assert EmailOutbox.objects.count() == emails_before + 1


@pytest.mark.django_db(transaction=True)
def test_approval_and_rejection_racing_leave_exactly_one_outcome(postgres):
    order = OrderFactory(status="em_aprovacao")
    approve = json.dumps({"id": "evt_a", "type": "payment.approved", "order": order.number})
    reject = json.dumps({"id": "evt_r", "type": "payment.rejected", "order": order.number})

    responses = run_at_once(signed_post(approve.encode()), signed_post(reject.encode()))

    assert [getattr(r, "status_code", r) for r in responses] == [200, 200]
    outcomes = sorted(r.json()["outcome"] for r in responses)
    assert outcomes == ["applied", "ignored"]
    order.refresh_from_db()
    assert order.status in {OrderStatus.APROVADO, OrderStatus.CANCELADO}
    assert order.status_changes.exclude(to_status__in=["novo", "em_aprovacao"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_webhook_approval_racing_a_staff_cancel_never_deadlocks(postgres):
    from orders.actors import Actor
    from orders.errors import OrderProcessingError
    from orders.services import order_process

    staff = Actor.person(staff_user(username="lojista-corrida"))
    for attempt in range(10):
        order = OrderFactory()
        body = json.dumps(
            {"id": f"evt_{attempt}", "type": "payment.approved", "order": order.number}
        )

        def cancel(order=order):
            return order_process(
                order, to_status="cancelado", by=staff, fields={"reason": "Sem estoque"}
            )

        webhook, cancelled = run_at_once(signed_post(body.encode()), cancel)

        assert getattr(webhook, "status_code", webhook) == 200
        assert not isinstance(cancelled, Exception) or isinstance(cancelled, OrderProcessingError)
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELADO
