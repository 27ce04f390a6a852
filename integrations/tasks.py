"""Celery tasks of the integrations app: thin, they take ids and call one plain function."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from kombu.exceptions import OperationalError

from .carriers.polling import poll_due
from .outbound.delivery import deliver, sweep

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def poll_carrier_tracking() -> int:
    return poll_due()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_webhook(self, delivery_id: int) -> str:
    result = deliver(delivery_id, task_id=self.request.id or "")
    # In-process (eager) runs leave retries to the sweeper, or they would retry at once.
    if result.retry_in is not None and not self.request.is_eager:
        try:
            self.apply_async((delivery_id,), countdown=result.retry_in)
        except OperationalError:
            logger.warning("Could not schedule webhook #%s again; the sweeper will.", delivery_id)
    return result.outcome


@shared_task(acks_late=True, ignore_result=True)
def sweep_outbound_webhooks() -> int:
    return sweep(max_seconds=settings.CELERY_TASK_SOFT_TIME_LIMIT / 2)
