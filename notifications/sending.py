"""Send one outbox row: claim it atomically, render, send, record the attempt
(docs/reliability.md, R5, R7, R8)."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .errors import describe, is_permanent
from .models import CLAIMABLE, AttemptOutcome, EmailAttempt, EmailOutbox, OutboxStatus
from .rendering import render_email

logger = logging.getLogger(__name__)


class SendOutcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    DEAD = "dead"
    # Another run holds the row: look again when its lease ends.
    BUSY = "busy"
    # Nothing to do: already sent, or not due.
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Result:
    status: SendOutcome
    # Seconds after which the task should look at the row again, when it should.
    retry_in: float | None = None


def _claimable(now) -> Q:
    return Q(status__in=CLAIMABLE, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, lease_until__lt=now
    )


def _claim_update(now, task_id: str) -> dict:
    # The attempt is counted when the row is claimed, before the provider is called, so a
    # worker that dies mid-send on every try still ends DEAD after MAX_ATTEMPTS
    # (docs/reliability.md, R5).
    return {
        "status": OutboxStatus.SENDING,
        "lease_until": now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS),
        "task_id": task_id[:255],
        "attempts": F("attempts") + 1,
        "updated_at": now,
    }


def deliver(outbox_id: int, *, task_id: str = "") -> Result:
    """Claim and send one row; does nothing when another run holds it or it is done."""
    now = timezone.now()
    claimed = EmailOutbox.objects.filter(_claimable(now), pk=outbox_id).update(
        **_claim_update(now, task_id)
    )
    if not claimed:
        return _not_claimed(outbox_id, now)
    return send_claimed(EmailOutbox.objects.get(pk=outbox_id))


def _not_claimed(outbox_id: int, now) -> Result:
    row = EmailOutbox.objects.filter(pk=outbox_id).first()
    if row and row.status == OutboxStatus.SENDING and row.lease_until:
        # Another run holds it (or held it and died): look again when its lease ends.
        return Result(SendOutcome.BUSY, (row.lease_until - now).total_seconds() + 1)
    return Result(SendOutcome.SKIPPED)


def claim_batch(size: int, token: str) -> list[EmailOutbox]:
    """Claim up to `size` due rows for a sweeper; concurrent sweepers get disjoint rows
    (docs/reliability.md, R4)."""
    now = timezone.now()
    with transaction.atomic():
        due = EmailOutbox.objects.due(now).select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:size])
        EmailOutbox.objects.filter(_claimable(now), pk__in=ids).update(**_claim_update(now, token))
    return list(EmailOutbox.objects.filter(pk__in=ids, status=OutboxStatus.SENDING, task_id=token))


def send_claimed(row: EmailOutbox) -> Result:
    if row.attempts > settings.NOTIFICATIONS_MAX_ATTEMPTS:
        _record(row, AttemptOutcome.GAVE_UP, "Tentativas esgotadas (o envio nunca terminou).")
        return Result(SendOutcome.DEAD)
    started, clock = timezone.now(), time.monotonic()
    try:
        message = build_message(row)
        message.send()
    except Exception as error:
        return _failed(row, error, started, clock)
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    if isinstance(message_id, set | frozenset | list):
        # Several recipients may get several ids; ours are single-recipient messages.
        message_id = ",".join(sorted(str(part) for part in message_id))
    message_id = "" if message_id is None else str(message_id)
    html = next((body for body, kind in message.alternatives if kind == "text/html"), "")
    _record(
        row,
        AttemptOutcome.SENT,
        message_id,
        started,
        clock,
        subject=message.subject,
        sent=(message.body, html),
    )
    return Result(SendOutcome.SENT)


def build_message(row: EmailOutbox) -> EmailMultiAlternatives:
    validate_email(row.to_email)
    rendered = render_email(row.template, row.context)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
    )
    message.attach_alternative(rendered.html, "text/html")
    # Anymail extras as attributes keep this provider-agnostic; other backends ignore them.
    message.tags = [row.template]
    message.metadata = {"outbox_id": str(row.pk)}
    return message


def _failed(row: EmailOutbox, error: Exception, started, clock) -> Result:
    text = describe(error)
    if is_permanent(error):
        _record(row, AttemptOutcome.PERMANENT, text, started, clock)
        return Result(SendOutcome.DEAD)
    if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        _record(row, AttemptOutcome.GAVE_UP, text, started, clock)
        return Result(SendOutcome.DEAD)
    delay = retry_delay(row.attempts)
    _record(row, AttemptOutcome.TRANSIENT, text, started, clock, retry_in=delay)
    return Result(SendOutcome.RETRY, delay)


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter, capped below the broker's visibility timeout
    (docs/reliability.md, R6, R8)."""
    cap = settings.NOTIFICATIONS_RETRY_MAX_SECONDS
    base = min(settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), cap)
    return min(base * random.uniform(0.8, 1.2), cap)  # noqa: S311 - jitter, not security


def _record(
    row, outcome, response, started=None, clock=None, *, subject="", sent=("", ""), retry_in=None
):
    now = timezone.now()
    changes: dict = {"lease_until": None, "updated_at": now}
    if outcome == AttemptOutcome.SENT:
        changes |= {"status": OutboxStatus.SENT, "sent_at": now, "message_id": response}
        changes |= {"subject": subject[:255], "last_error": ""}
        # The parts as the customer got them, for the outbox admin (not re-rendered later).
        changes |= {"sent_text": sent[0], "sent_html": sent[1]}
    elif outcome == AttemptOutcome.TRANSIENT:
        changes |= {"status": OutboxStatus.RETRY, "last_error": response}
        changes["next_attempt_at"] = now + timedelta(seconds=retry_in)
    else:
        changes |= {"status": OutboxStatus.DEAD, "last_error": response}
    duration = int((time.monotonic() - clock) * 1000) if clock else 0
    with transaction.atomic():
        # `attempts` fences the update: a run whose lease was taken over records nothing.
        EmailOutbox.objects.filter(
            pk=row.pk, status=OutboxStatus.SENDING, attempts=row.attempts
        ).update(**changes)
        EmailAttempt.objects.create(
            outbox=row,
            number=row.attempts,
            task_id=row.task_id,
            started_at=started or now,
            duration_ms=duration,
            outcome=outcome,
            response=response[:2000],
        )
    _log_attempt(row, outcome, response)


def _log_attempt(row: EmailOutbox, outcome: AttemptOutcome, response: str) -> None:
    """One structured line per attempt; a DEAD row is an error (docs/reliability.md, R9)."""
    extra = {
        "event": "email_send",
        "outbox_id": row.pk,
        "template": row.template,
        "outcome": str(outcome),
        "attempt": row.attempts,
    }
    if outcome in (AttemptOutcome.SENT, AttemptOutcome.TRANSIENT):
        logger.info("E-mail #%s attempt %s: %s", row.pk, row.attempts, outcome, extra=extra)
    else:
        logger.error("E-mail #%s failed for good: %s", row.pk, response, extra=extra)
