"""Sends what the after-commit kicks missed: broker down, worker lost, retries now due
(docs/reliability.md, R4)."""

from __future__ import annotations

import time
import uuid

from django.conf import settings

from .sending import SendOutcome, claim_batch, send_claimed

MAX_BATCHES = 50


def sweep(
    batch_size: int | None = None,
    max_batches: int = MAX_BATCHES,
    max_seconds: float | None = None,
) -> int:
    """Claim due rows in small batches and send them; returns how many were sent.

    `max_seconds` stops between batches, so a periodic sweep ends well inside its task's
    time limit instead of being killed with rows claimed and unsent.
    """
    size = batch_size or settings.NOTIFICATIONS_BATCH_SIZE
    started = time.monotonic()
    sent = 0
    for _batch in range(max_batches):
        rows = claim_batch(size, token=f"sweeper-{uuid.uuid4().hex}")
        if not rows:
            break
        sent += sum(send_claimed(row).status == SendOutcome.SENT for row in rows)
        if max_seconds is not None and time.monotonic() - started >= max_seconds:
            break
    return sent
