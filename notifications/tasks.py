"""Celery tasks: a thin interface over sending.py; they take ids, never model state."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from kombu.exceptions import OperationalError

from .sending import Result, deliver
from .sweeper import sweep

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_email(self, outbox_id: int) -> str:
    result = deliver(outbox_id, task_id=self.request.id or "")
    _look_again(self, outbox_id, result)
    return result.status


def _look_again(task, outbox_id: int, result: Result) -> None:
    # In-process (eager) runs leave retries to the sweeper, or they would recurse at once.
    if result.retry_in is None or task.request.is_eager:
        return
    countdown = min(result.retry_in, settings.NOTIFICATIONS_RETRY_MAX_SECONDS)
    try:
        task.apply_async((outbox_id,), countdown=countdown)
    except OperationalError:
        logger.warning("Could not schedule e-mail #%s again; the sweeper will.", outbox_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_outbox() -> int:
    # Half the soft limit: the batch in hand is always finished before the limit hits.
    return sweep(max_seconds=settings.CELERY_TASK_SOFT_TIME_LIMIT / 2)
