"""R1/R3 (docs/reliability.md): a dead broker never blocks or fails a status change, and its
e-mail still goes out."""

from __future__ import annotations

import time

import pytest
import redis
from django.core import mail
from django.core.management import call_command

from notifications.models import EmailOutbox, OutboxStatus
from orders.actors import Actor
from orders.models import OrderStatusChange
from orders.services import order_process
from tests.admin_urls import process_url
from tests.factories import OrderFactory

# Nothing listens on port 1: publishing fails the way a stopped Redis does.
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.mark.django_db(transaction=True)
def test_changes_succeed_quickly_with_the_broker_down_and_are_emailed_later(real_broker, caplog):
    # given: orders made while the broker was fine (in-process), then the broker dies
    orders = [OrderFactory(status="aprovado") for _ in range(5)]
    mail.outbox.clear()
    real_broker(CLOSED_PORT)

    # when: staff process each order
    for order in orders:
        started = time.monotonic()
        change = order_process(order, to_status="em_producao", by=Actor.system())
        elapsed = time.monotonic() - started

        # then: each change is committed at once, its e-mail waits in the outbox
        assert elapsed < 3, f"order_process took {elapsed:.1f}s with the broker down"
        assert change.order.status == "em_producao"

    rows = EmailOutbox.objects.filter(template="pedido_em_producao")
    assert rows.count() == 5
    assert set(rows.values_list("status", flat=True)) == {OutboxStatus.PENDING}
    assert OrderStatusChange.objects.filter(to_status="em_producao").count() == 5
    assert "the sweeper will send it" in caplog.text
    assert mail.outbox == []

    # when: the broker is back (or cron runs the command without it)
    call_command("send_pending_emails")

    # then: exactly one e-mail per change
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.customer_email for o in orders)
    assert set(rows.values_list("status", flat=True)) == {OutboxStatus.SENT}
    call_command("send_pending_emails")
    assert len(mail.outbox) == 5


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_history_row_leaves_no_rows_at_all(monkeypatch):
    order = OrderFactory(status="aprovado")
    before = (EmailOutbox.objects.count(), OrderStatusChange.objects.count())

    def crash_while_queueing(change) -> None:
        raise RuntimeError("o processo caiu depois de gravar o histórico")

    # Fault injection: the step right after the history insert blows up (docs/reliability.md, R1).
    monkeypatch.setattr("orders.services.queue_status_email", crash_while_queueing)
    with pytest.raises(RuntimeError):
        order_process(order, to_status="em_producao", by=Actor.system())

    order.refresh_from_db()
    assert order.status == "aprovado"
    assert (EmailOutbox.objects.count(), OrderStatusChange.objects.count()) == before


@pytest.mark.django_db(transaction=True)
def test_twenty_admin_transitions_with_the_broker_down_never_hang(real_broker, client, lojista):
    # given: 20 approved orders and a dead broker
    orders = [OrderFactory(status="aprovado") for _ in range(20)]
    mail.outbox.clear()
    real_broker(CLOSED_PORT)
    client.force_login(lojista)

    # when: staff process each one in the admin ("Processar pedido")
    for order in orders:
        started = time.monotonic()
        response = client.post(
            process_url(order),
            {"expected_status": "aprovado", "to_status": "em_producao", "message": "", "note": ""},
        )
        elapsed = time.monotonic() - started

        # then: the normal redirect, fast, with the change committed
        assert response.status_code == 302
        assert elapsed < 3, f"the admin took {elapsed:.1f}s with the broker down"

    assert OrderStatusChange.objects.filter(to_status="em_producao").count() == 20
    pending = EmailOutbox.objects.filter(template="pedido_em_producao")
    assert set(pending.values_list("status", flat=True)) == {OutboxStatus.PENDING}

    # and when the relay runs, each customer gets exactly one e-mail
    call_command("send_pending_emails")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.customer_email for o in orders)


@pytest.mark.django_db(transaction=True)
def test_admin_transitions_never_hang_while_redis_pauses_writes(
    real_broker, redis_up, client, lojista
):
    # given: a live Redis that stops answering writes (CLIENT PAUSE … WRITE), as under failover
    orders = [OrderFactory(status="aprovado") for _ in range(5)]
    mail.outbox.clear()
    real_broker(redis_up)
    client.force_login(lojista)
    redis.Redis.from_url(redis_up).client_pause(15_000, all=False)
    try:
        # when: staff process each order in the admin
        for order in orders:
            started = time.monotonic()
            response = client.post(
                process_url(order),
                {"expected_status": "aprovado", "to_status": "em_producao", "note": ""},
            )
            elapsed = time.monotonic() - started
            # then: the normal redirect, fast, with the change committed
            assert response.status_code == 302
            assert elapsed < 3, f"the admin took {elapsed:.1f}s with Redis paused"
    finally:
        redis.Redis.from_url(redis_up).client_unpause()

    assert OrderStatusChange.objects.filter(to_status="em_producao").count() == 5
    # and the sweeper sends each e-mail exactly once
    call_command("send_pending_emails")
    call_command("send_pending_emails")
    sent = [m.to[0] for m in mail.outbox]
    assert sorted(sent) == sorted(o.customer_email for o in orders)
