"""R5/R7 (docs/reliability.md): a worker killed mid-send, or a task delivered twice, still
means one e-mail."""

from __future__ import annotations

import os
import signal

import pytest
from django.utils import timezone

from notifications.models import EmailOutbox, OutboxStatus
from notifications.sending import deliver
from notifications.sweeper import sweep
from notifications.tasks import send_email
from orders.services import order_create
from tests.concurrency import run_at_once
from tests.reliability.conftest import wait_for

ITEMS = [{"description": "Camiseta básica", "quantity": 1, "unit_price": "59.90"}]
# Short lease and time limit so a lost send is taken over within seconds, not minutes.
FAST_RECOVERY = {
    "NOTIFICATIONS_TEST_PAUSE_BEFORE_SEND": "2",
    "CELERY_TASK_TIME_LIMIT": "5",
    "NOTIFICATIONS_LEASE_SECONDS": "6",
}


def new_order(email: str = "ana@exemplo.com.br"):
    return order_create(customer_name="Ana Souza", customer_email=email, items=ITEMS)


def marker(worker, attempt: int) -> int:
    """The pid of the process that is in the middle of sending, once it is."""
    files = list(worker.marker_dir.glob(f"sending-*-{attempt}"))
    return int(files[0].read_text()) if files else 0


def test_a_worker_child_killed_mid_send_sends_the_email_once(worker_factory):
    worker = worker_factory(**FAST_RECOVERY)
    worker.start()

    # given: an order whose "Novo" e-mail a worker is sending right now
    order = new_order()
    child = wait_for(lambda: marker(worker, 1), 20, "the first send to start")

    # when: the process sending it dies (an OOM kill, say)
    os.kill(child, signal.SIGKILL)

    # then: the task is re-queued, waits out the lease, and sends exactly once
    row = EmailOutbox.objects.get(to_email=order.customer_email)
    wait_for(lambda: EmailOutbox.objects.get(pk=row.pk).status == OutboxStatus.SENT, 40, "the send")
    row.refresh_from_db()
    assert row.attempts == 2, worker.log()
    assert worker.sent_subjects() == [f"Recebemos seu pedido nº {order.number}"]


def test_a_whole_worker_killed_mid_send_is_recovered_by_the_restarted_sweeper(worker_factory):
    worker = worker_factory(**FAST_RECOVERY, NOTIFICATIONS_SWEEP_SECONDS="1")
    first = worker.start()

    order = new_order("bruno@exemplo.com.br")
    wait_for(lambda: marker(worker, 1), 20, "the first send to start")

    # when: the whole worker dies (kill -9, host lost) and is started again, with beat
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    worker.start("--beat", f"--schedule={worker.tmp / 'beat-schedule'}")

    # then: the sweeper reclaims the expired lease and the customer gets one e-mail
    row = EmailOutbox.objects.get(to_email=order.customer_email)
    wait_for(lambda: EmailOutbox.objects.get(pk=row.pk).status == OutboxStatus.SENT, 40, "the send")
    assert worker.sent_subjects() == [f"Recebemos seu pedido nº {order.number}"]


def test_the_same_task_delivered_twice_sends_one_email(worker_factory):
    worker = worker_factory()
    worker.start()
    order = new_order("carla@exemplo.com.br")
    row = EmailOutbox.objects.get(to_email=order.customer_email)
    wait_for(lambda: EmailOutbox.objects.get(pk=row.pk).status == OutboxStatus.SENT, 20, "the send")

    # A broker redelivery looks exactly like this: the same message, same task id, again.
    for _ in range(2):
        send_email.apply_async((row.pk,), task_id="redelivered-task")
    wait_for(
        lambda: "redelivered-task" in worker.log() and worker.log().count("succeeded") >= 3,
        20,
        "both redeliveries to run",
    )

    assert worker.sent_subjects() == [f"Recebemos seu pedido nº {order.number}"]
    assert EmailOutbox.objects.get(pk=row.pk).attempts == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_and_sweepers_never_send_twice(postgres, mailoutbox, settings):
    # given: 100 e-mails still pending (as after a broker outage)
    rows = EmailOutbox.objects.bulk_create(
        EmailOutbox(
            template="pedido_novo",
            to_email=f"c{n}@exemplo.com.br",
            context={"numero_pedido": str(n), "nome_cliente": "C", "itens": []},
            dedupe_key=f"concurrency:{n}",
            next_attempt_at=timezone.now(),
        )
        for n in range(100)
    )
    settings.NOTIFICATIONS_BATCH_SIZE = 5

    # when: two sweepers and two direct sends race over them
    def send_each() -> None:
        for row in rows:
            deliver(row.pk)

    results = run_at_once(sweep, sweep, send_each, send_each)

    # then: nothing crashed, and every e-mail went out exactly once
    assert not [r for r in results if isinstance(r, Exception)], results
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(f"c{n}@exemplo.com.br" for n in range(100))
    assert set(EmailOutbox.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_a_send_that_kills_its_worker_every_time_ends_failed_not_in_a_loop(worker_factory):
    worker = worker_factory(
        NOTIFICATIONS_TEST_CRASH_BEFORE_SEND="1",
        NOTIFICATIONS_MAX_ATTEMPTS="2",
        CELERY_TASK_TIME_LIMIT="2",
        NOTIFICATIONS_LEASE_SECONDS="3",
    )
    worker.start()

    order = new_order("davi@exemplo.com.br")
    row = EmailOutbox.objects.get(to_email=order.customer_email)

    # Each attempt kills the process sending it; the requeued task waits out the lease.
    wait_for(lambda: EmailOutbox.objects.get(pk=row.pk).status == OutboxStatus.DEAD, 40, "give up")
    row.refresh_from_db()
    assert row.attempts == 3  # two real tries, then the third claim gives up
    assert "Tentativas esgotadas" in row.last_error
    assert worker.sent_subjects() == []
    assert "failed for good" in worker.log()
