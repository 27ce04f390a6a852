"""Queue an e-mail: a row in the caller's transaction, handed to Celery after commit
(docs/reliability.md, R1, R2)."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import DeliveryState, EmailOutbox, OutboxStatus

logger = logging.getLogger(__name__)


def queue_email(*, template: str, to: str, context: dict[str, Any], dedupe_key: str) -> EmailOutbox:
    """Store "send `template` to `to` with `context`"; the same dedupe_key is queued once.

    Call it inside the transaction that makes the change: if that rolls back, nothing is sent.
    """
    # A JSON round trip keeps the context to plain values; a model instance fails here.
    plain = json.loads(json.dumps(context, cls=DjangoJSONEncoder))
    with transaction.atomic():
        row, created = EmailOutbox.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={
                "template": template,
                "to_email": to,
                "context": plain,
                "next_attempt_at": timezone.now(),
            },
        )
    if created:
        # robust: a failing kick is logged and never breaks the caller's response.
        transaction.on_commit(lambda: kick(row.pk), robust=True)
    return row


# A kick waits this long at most on the broker. A Redis that is down refuses at once, but one
# that is paused or half-dead would hold the staff member's request for as long as it hangs
# (celery/celery#4296); the sweeper sends whatever a failed kick left pending
# (docs/reliability.md, R3).
KICK_TRANSPORT_OPTIONS = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0, "max_retries": 0}


def kick(outbox_id: int) -> bool:
    """Hand the row to a worker; a broker failure is logged and the sweeper sends it later."""
    from .tasks import send_email

    try:
        if send_email.app.conf.task_always_eager:
            send_email.delay(outbox_id)
            return True
        # A connection of its own, with short timeouts and no retries, instead of the pool's.
        with send_email.app.connection_for_write(
            transport_options=KICK_TRANSPORT_OPTIONS
        ) as connection:
            send_email.apply_async(args=[outbox_id], connection=connection, retry=False)
    except (OperationalError, ConnectionError, TimeoutError, OSError):
        logger.warning(
            "E-mail #%s stays pending: the task broker is unreachable; the sweeper will send it.",
            outbox_id,
            exc_info=True,
        )
        return False
    return True


def requeue(rows) -> int:
    """Put failed rows back in the queue with a fresh attempt budget; returns how many."""
    ids = list(rows.filter(status=OutboxStatus.DEAD).values_list("pk", flat=True))
    EmailOutbox.objects.filter(pk__in=ids).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None
    )
    for outbox_id in ids:
        transaction.on_commit(lambda pk=outbox_id: kick(pk), robust=True)
    return len(ids)


def delivery_states(dedupe_keys: list[str]) -> dict[str, str]:
    """{dedupe key: "queued" | "sent" | "delivered" | "bounced" | "failed"}, in one query.

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
    if delivery:
        return "delivered"
    return "sent"
