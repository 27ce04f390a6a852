"""The outbox: queued in the change's transaction, sent once, retried, failed for good."""

from __future__ import annotations

from datetime import timedelta

import pytest
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from notifications.models import AttemptOutcome, EmailOutbox, OutboxStatus
from notifications.outbox import queue_email
from notifications.sending import deliver
from notifications.sweeper import sweep
from notifications.tasks import send_email
from orders.actors import Actor
from orders.services import order_process
from tests.reliability import provider

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def scripted_provider(settings):
    settings.EMAIL_BACKEND = "tests.reliability.provider.ScriptedProviderBackend"
    provider.reset()
    yield
    provider.reset()


def queue(to: str = "cliente@exemplo.com.br", key: str = "k1") -> EmailOutbox:
    return queue_email(
        template="pedido_novo",
        to=to,
        context={"numero_pedido": "100001", "nome_cliente": "Ana", "itens": []},
        dedupe_key=key,
    )


def make_due(row: EmailOutbox) -> None:
    EmailOutbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_status_email_is_queued_only_after_commit(
    order_factory, django_capture_on_commit_callbacks
):
    order = order_factory(status="aprovado")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks() as callbacks:
        order_process(order, to_status="em_producao", by=Actor.system())
        # Inside the transaction the row exists, but nothing has been handed to Celery.
        assert EmailOutbox.objects.filter(template="pedido_em_producao").count() == 1
        assert mail.outbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[order.customer_email]]
    row = EmailOutbox.objects.get(template="pedido_em_producao")
    assert row.status == OutboxStatus.SENT
    assert row.message_id  # the provider's id, for delivery events


def test_a_rolled_back_change_queues_nothing(order_factory, django_capture_on_commit_callbacks):
    order = order_factory(status="aprovado")
    before = EmailOutbox.objects.count()

    with (  # noqa: PT012 - the failure must happen inside the change's transaction
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        order_process(order, to_status="em_producao", by=Actor.system())
        raise RuntimeError("falha depois do histórico")

    assert callbacks == []
    assert EmailOutbox.objects.count() == before
    order.refresh_from_db()
    assert order.status == "aprovado"


def test_every_change_sends_exactly_one_email(order_factory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_factory(status="concluido")

    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 5  # novo, aprovado, despachado, tracking, concluido
    assert subjects[0] == f"Recebemos seu pedido nº {order.number}"
    assert subjects[-1] == f"Pedido nº {order.number} entregue"
    assert EmailOutbox.objects.filter(status=OutboxStatus.SENT).count() == 5


def test_the_support_override_may_skip_the_email(
    order_factory, suporte_actor, django_capture_on_commit_callbacks
):
    order = order_factory(status="cancelado")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order_process(
            order,
            to_status="aprovado",
            by=suporte_actor,
            override_reason="Pagamento confirmado por telefone",
            notify=False,
        )

    assert mail.outbox == []


def test_the_same_dedupe_key_is_queued_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(key="same")
        second = queue(key="same")

    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_the_task_run_twice_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue()

    send_email.apply(args=[row.pk])
    send_email.apply(args=[row.pk])

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 1


def test_a_sent_row_is_never_sent_again():
    row = queue()
    EmailOutbox.objects.filter(pk=row.pk).update(status=OutboxStatus.SENT)

    assert deliver(row.pk).status == "skipped"
    assert mail.outbox == []


def test_a_transient_provider_error_is_retried_then_sent():
    row = queue()
    provider.fail_next(
        AnymailAPIError("503", status_code=503), AnymailAPIError("429", status_code=429)
    )

    gaps = []
    for _ in range(2):
        assert deliver(row.pk).status == "retry"
        row.refresh_from_db()
        assert row.status == OutboxStatus.RETRY
        gaps.append(row.next_attempt_at - timezone.now())
        assert deliver(row.pk).status == "skipped"  # not due yet: nothing happens
        assert mail.outbox == []
        make_due(row)
    assert deliver(row.pk).status == "sent"

    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 3
    assert len(mail.outbox) == 1
    assert gaps[1] > gaps[0]  # exponential backoff
    outcomes = list(row.attempt_log.values_list("outcome", flat=True))
    assert outcomes == [AttemptOutcome.TRANSIENT, AttemptOutcome.TRANSIENT, AttemptOutcome.SENT]


def test_a_retry_that_is_not_due_yet_sends_nothing():
    row = queue()
    provider.fail_next(AnymailAPIError("503", status_code=503))
    deliver(row.pk)

    assert deliver(row.pk).status == "skipped"
    assert sweep() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "error",
    [
        AnymailAPIError("400 Bad Request", status_code=400),
        AnymailRecipientsRefused("recusado"),
    ],
    ids=["http-400", "recipients-refused"],
)
def test_a_permanent_provider_error_fails_at_once(error, caplog):
    row = queue()
    provider.fail_next(error)

    assert deliver(row.pk).status == "dead"

    row.refresh_from_db()
    assert row.status == OutboxStatus.DEAD
    assert row.attempts == 1
    assert type(error).__name__ in row.last_error
    assert "failed for good" in caplog.text


def test_a_provider_down_for_good_ends_dead_after_max_attempts(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    row = queue()
    provider.ALWAYS.append(TimeoutError("timed out"))

    results = []
    for _ in range(5):
        results.append(deliver(row.pk).status)
        make_due(row)

    assert results == ["retry", "retry", "dead", "skipped", "skipped"]
    row.refresh_from_db()
    assert row.status == OutboxStatus.DEAD
    assert row.attempts == 3


def test_a_worker_that_dies_every_time_cannot_loop_forever(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    row = queue()
    # Each "crash" leaves the row SENDING with a lease that then expires.
    for _ in range(2):
        EmailOutbox.objects.filter(pk=row.pk).update(
            status=OutboxStatus.SENDING,
            attempts=row.attempts + 1,
            lease_until=timezone.now() - timedelta(seconds=1),
        )
        row.refresh_from_db()

    assert deliver(row.pk).status == "dead"
    row.refresh_from_db()
    assert row.status == OutboxStatus.DEAD
    assert mail.outbox == []


def test_an_invalid_address_fails_at_once():
    row = queue(to="sem-arroba")

    assert deliver(row.pk).status == "dead"
    assert EmailOutbox.objects.get(pk=row.pk).status == OutboxStatus.DEAD


def test_a_sending_row_with_a_live_lease_is_left_alone():
    row = queue()
    EmailOutbox.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, lease_until=timezone.now() + timedelta(seconds=60)
    )

    result = deliver(row.pk)

    assert result.status == "busy"
    assert 0 < result.retry_in <= 62
    assert mail.outbox == []


def test_the_sweeper_reclaims_an_expired_lease_and_sends_pending_rows():
    stuck = queue(key="stuck")
    EmailOutbox.objects.filter(pk=stuck.pk).update(
        status=OutboxStatus.SENDING, attempts=1, lease_until=timezone.now() - timedelta(seconds=1)
    )
    waiting = [queue(key=f"w{i}") for i in range(3)]

    call_command("send_pending_emails", batch_size=2)

    assert len(mail.outbox) == 4
    assert set(EmailOutbox.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert EmailOutbox.objects.get(pk=stuck.pk).attempts == 2
    assert all(EmailOutbox.objects.get(pk=w.pk).attempts == 1 for w in waiting)


def test_outbox_health_names_the_oldest_stuck_email_then_recovers():
    row = queue()
    EmailOutbox.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=15))

    with pytest.raises(CommandError, match=f"E-mail #{row.pk} .* aguarda envio há 15 min"):
        call_command("outbox_health", "--max-age-minutes=10")

    call_command("send_pending_emails")
    call_command("outbox_health", "--max-age-minutes=10")  # no error now


def test_outbox_health_fails_while_an_email_failed():
    row = queue()
    provider.fail_next(AnymailAPIError("400", status_code=400))
    deliver(row.pk)

    with pytest.raises(
        CommandError, match=f"1 e-mail\\(s\\) falharam; o mais antigo é o #{row.pk}"
    ):
        call_command("outbox_health")


def test_a_periodic_sweep_stops_between_batches_when_its_time_is_up():
    for i in range(4):
        queue(key=f"slow{i}")

    assert sweep(batch_size=1, max_seconds=0) == 1  # one batch, then out of time
    assert sweep(batch_size=1) == 3  # the next run sends the rest
    assert len(mail.outbox) == 4
