"""Queue an e-mail: a row in the caller's transaction, handed to Celery after commit (R1, R2)."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import EmailOutbox

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


def kick(outbox_id: int) -> bool:
    """Hand the row to a worker; a broker failure is logged and the sweeper sends it later."""
    from .tasks import send_email

    try:
        send_email.delay(outbox_id)
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
    ids = list(rows.filter(status="dead").values_list("pk", flat=True))
    EmailOutbox.objects.filter(pk__in=ids).update(
        status="pending", attempts=0, next_attempt_at=timezone.now(), lease_until=None
    )
    for outbox_id in ids:
        transaction.on_commit(lambda pk=outbox_id: kick(pk), robust=True)
    return len(ids)
