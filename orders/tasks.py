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


# A workbook cannot be written in parts (it is a zip): the task has a time limit of its own,
# long enough for XLSX_JOB_MAX_ROWS rows, instead of going on in a next task.
@shared_task(
    acks_late=True,
    ignore_result=True,
    time_limit=settings.XLSX_EXPORT_TIME_LIMIT,
    soft_time_limit=settings.XLSX_EXPORT_TIME_LIMIT - 30,
)
def build_xlsx_export(job_id: int) -> None:
    from .admin.export_build import build

    build(job_id)


@shared_task(ignore_result=True)
def purge_xlsx_exports() -> int:
    from .admin.export_build import purge_old_exports

    return purge_old_exports(timezone.now())


@shared_task(ignore_result=True)
def refresh_dashboard() -> None:
    refresh_snapshot(timezone.now())


@shared_task(ignore_result=True)
def send_late_orders_digest() -> int:
    return queue_digest(timezone.now())
