"""Celery tasks of the order domain: a thin interface, ids in, one plain function called."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .dispatch_run import run
from .figures import refresh_snapshot
from .late_digest import send_late_orders_digest as queue_digest


@shared_task(bind=True, acks_late=True, ignore_result=True)
def process_dispatch_import(self, job_id: int) -> None:
    """Dispatch a spreadsheet's lines; a long file goes on in the next task, not past the
    time limit. In-process (no broker) it runs to the end at once, as nothing else would."""
    if self.request.is_eager:
        run(job_id)
        return
    if run(job_id, max_seconds=settings.CELERY_TASK_SOFT_TIME_LIMIT / 2):
        self.apply_async((job_id,))


@shared_task(ignore_result=True)
def refresh_dashboard() -> None:
    refresh_snapshot(timezone.now())


@shared_task(ignore_result=True)
def send_late_orders_digest() -> int:
    return queue_digest(timezone.now())
