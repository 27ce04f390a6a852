"""Queue an e-mail: a row in the caller's transaction, handed to Celery after commit
(docs/reliability.md, R1, R2)."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.models import Count, Min, Model, Q
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import LimitExceeded, OperationalError
from kombu.pools import ProducerPool, producers

from .models import CLAIMABLE, DeliveryState, EmailOutbox, OutboxStatus

logger = logging.getLogger(__name__)


def queue_email(
    *,
    template: str,
    to: str,
    context: dict[str, Any],
    dedupe_key: str,
    related: Model | None = None,
    related_label: str = "",
) -> EmailOutbox:
    """Store "send `template` to `to` with `context`"; the same dedupe_key is queued once.

    `related` is what the e-mail is about (e.g. an order): the outbox admin links to its admin
    page under `related_label` (default: str(related)), without knowing what it is.

    Call it inside the transaction that makes the change: if that rolls back, nothing is sent.
    One INSERT that skips a key already queued, so it needs neither a read first nor a
    savepoint for a duplicate.
    """
    # A JSON round trip keeps the context to plain values; a model instance fails here.
    plain = json.loads(json.dumps(context, cls=DjangoJSONEncoder))
    row = EmailOutbox(
        template=template,
        to_email=to,
        context=plain,
        dedupe_key=dedupe_key,
        next_attempt_at=timezone.now(),
    )
    if related is not None:
        # get_for_model is cached per process: no query after the first e-mail.
        row.related_type = ContentType.objects.get_for_model(related)
        row.related_id = str(related.pk)
        row.related_label = (related_label or str(related))[:200]
    row.pk = _insert_unless_queued(row)
    if row.pk is None:
        return EmailOutbox.objects.get(dedupe_key=dedupe_key)
    row._state.adding = False
    outbox_id = row.pk
    # robust: a failing kick is logged and never breaks the caller's response.
    transaction.on_commit(lambda: kick(outbox_id), robust=True)
    return row


def _insert_unless_queued(row: EmailOutbox) -> int | None:
    """INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING id: the new id, or None."""
    connection = connections[router.db_for_write(EmailOutbox)]
    fields = [field for field in EmailOutbox._meta.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
    quote = connection.ops.quote_name
    meta = EmailOutbox._meta
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote(meta.get_field('dedupe_key').column)}) DO NOTHING "
        f"RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        inserted = cursor.fetchone()
    return inserted[0] if inserted else None


# A kick waits this long at most on the broker. A Redis that is down refuses at once, but one
# that is paused or half-dead would hold the staff member's request for as long as it hangs
# (celery/celery#4296); the sweeper sends whatever a failed kick left pending
# (docs/reliability.md, R3).
KICK_TIMEOUT_SECONDS = 1.0
KICK_TRANSPORT_OPTIONS = {
    "socket_timeout": KICK_TIMEOUT_SECONDS,
    "socket_connect_timeout": KICK_TIMEOUT_SECONDS,
    "max_retries": 0,
}
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError, OSError, LimitExceeded)
_kick_connection: dict[tuple[int, str], Connection] = {}


def _kick_producers() -> ProducerPool:
    """This process's pool of broker producers for kicks, with the short timeouts above.

    Reused from kick to kick: a new broker connection per e-mail halved the throughput of
    processing. Keyed by pid (kombu empties its pools in a forked child) and broker URL.
    """
    from .tasks import send_email

    key = (os.getpid(), send_email.app.conf.broker_url)
    if key not in _kick_connection:
        _kick_connection.clear()
        _kick_connection[key] = send_email.app.connection_for_write(
            transport_options=KICK_TRANSPORT_OPTIONS
        )
    return producers[_kick_connection[key]]


def kick(outbox_id: int) -> bool:
    """Hand the row to a worker; a broker failure is logged and the sweeper sends it later."""
    from .tasks import send_email

    if send_email.app.conf.task_always_eager:
        send_email.delay(outbox_id)
        return True
    try:
        producer = _kick_producers().acquire(block=True, timeout=KICK_TIMEOUT_SECONDS)
    except BROKER_ERRORS:
        return _kick_failed(outbox_id)
    try:
        send_email.apply_async(args=[outbox_id], producer=producer, retry=False)
    except BROKER_ERRORS:
        # The connection may be half-broken: drop it, the pool opens a new one next time.
        if producer.__connection__ is not None:
            producer.__connection__.collect()
        return _kick_failed(outbox_id)
    finally:
        producer.release()
    return True


def _kick_failed(outbox_id: int) -> bool:
    logger.warning(
        "E-mail #%s stays pending: the task broker is unreachable; the sweeper will send it.",
        outbox_id,
        exc_info=True,
    )
    return False


def requeue(rows) -> int:
    """Put failed rows back in the queue with a fresh attempt budget; returns how many."""
    ids = list(rows.filter(status=OutboxStatus.DEAD).values_list("pk", flat=True))
    EmailOutbox.objects.filter(pk__in=ids).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None
    )
    for outbox_id in ids:
        transaction.on_commit(lambda pk=outbox_id: kick(pk), robust=True)
    return len(ids)


def queue_summary() -> dict[str, Any]:
    """{"waiting": n, "failed": n, "oldest_waiting_at": datetime | None}, in one query.

    For staff dashboards: e-mails still waiting to go (queued, sending or to be retried) and
    those that failed for good. Sent rows are never read (the status index skips them).
    """
    waiting = [*CLAIMABLE, OutboxStatus.SENDING]
    summary = EmailOutbox.objects.filter(status__in=[*waiting, OutboxStatus.DEAD]).aggregate(
        waiting=Count("id", filter=Q(status__in=waiting)),
        failed=Count("id", filter=Q(status=OutboxStatus.DEAD)),
        oldest_waiting_at=Min("created_at", filter=Q(status__in=waiting)),
    )
    return summary


def delivery_states(dedupe_keys: list[str]) -> dict[str, str]:
    """{dedupe key: "queued" | "sent" | "delivered" | "bounced" | "complained" | "failed"},
    in one query.

    The one way other apps learn what became of the e-mails they queued; keys never queued
    are absent.
    """
    rows = EmailOutbox.objects.filter(dedupe_key__in=dedupe_keys).values_list(
        "dedupe_key", "status", "delivery_state"
    )
    return {key: _delivery_state(status, delivery) for key, status, delivery in rows}


def _delivery_state(status: str, delivery: str) -> str:
    if status == OutboxStatus.DEAD:
        return "failed"
    if status != OutboxStatus.SENT:
        return "queued"
    if delivery == DeliveryState.BOUNCED:
        return "bounced"
    if delivery == DeliveryState.COMPLAINED:
        # Delivered, but the customer marked it as spam: staff should know, not read "Entregue".
        return "complained"
    if delivery:
        return "delivered"
    return "sent"
