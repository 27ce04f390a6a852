"""The work of a background "Exportar XLSX" (export_job.py), run by a Celery task: rebuild the
list the lojista was looking at, write it with export.py's own rows and cells, store the file.

Memory stays flat: rows come from a server-side cursor (export_rows) and openpyxl's write-only
mode keeps them on disk; progress is one UPDATE every PROGRESS_EVERY rows.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.contrib import admin
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.export_jobs import ExportJob, ExportStatus
from orders.models import Order

from . import export

logger = logging.getLogger(__name__)

# Private: under MEDIA_ROOT, which no URL serves; only the download view reads it.
EXPORT_DIR = "exportacoes"
# A file is kept this long after it was asked for, then deleted (purge_old_exports).
KEEP_FOR = timedelta(hours=24)


class ExportRefused(Exception):
    """The list cannot be rebuilt for this job; the message says why, in Portuguese."""


def list_queryset(job: ExportJob) -> QuerySet:
    """The order list's queryset for the job's query string, as its creator would see it:
    the admin's own changelist on a made-up request, so filters and search are never copied."""
    user = job.created_by
    if user is None or not user.is_active:
        raise ExportRefused(_("O usuário que pediu a planilha não existe mais."))
    model_admin = admin.site.get_model_admin(Order)
    url = reverse("admin:orders_order_changelist")
    request = RequestFactory().get(f"{url}?{job.query}" if job.query else url)
    request.user = user
    if not model_admin.has_view_permission(request):
        raise ExportRefused(_("Quem pediu a planilha não pode mais ver os pedidos."))
    try:
        return model_admin.get_changelist_instance(request).queryset
    except Exception as error:
        raise ExportRefused(_("Os filtros da lista não são mais válidos.")) from error


def build(job_id: int) -> None:
    """Write the job's workbook to default_storage; the job ends DONE or FAILED."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, updated_at=timezone.now()
    )
    # Another task (a re-delivered message, a second kick) has it already.
    if not claimed:
        return
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        name, written = _write(job)
    except ExportRefused as refusal:
        _fail(job_id, str(refusal))
    except Exception:
        # Includes the soft time limit: the lojista sees it failed and may export again.
        logger.exception("XLSX export #%s failed.", job_id)
        _fail(job_id, _("Não foi possível gerar a planilha. Tente de novo ou use o CSV."))
    else:
        now = timezone.now()
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportStatus.DONE,
            file_name=name,
            rows_done=written,
            rows_total=written,
            finished_at=now,
            updated_at=now,
        )


def _write(job: ExportJob) -> tuple[str, int]:
    rows = islice(export.export_rows(list_queryset(job)), export.XLSX_JOB_MAX_ROWS)
    with tempfile.TemporaryFile(suffix=".xlsx") as output:
        written = export.write_xlsx(rows, output, progress=lambda n: _progress(job.pk, n))
        output.seek(0)
        # A random part: the name alone never leads to someone else's file.
        path = f"{EXPORT_DIR}/pedidos-{job.pk}-{secrets.token_hex(8)}.xlsx"
        return default_storage.save(path, File(output, name=path)), written


def _progress(job_id: int, rows_done: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(rows_done=rows_done, updated_at=timezone.now())


def _fail(job_id: int, message: str) -> None:
    now = timezone.now()
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.FAILED, error=message, finished_at=now, updated_at=now
    )


# A running job stores its progress every PROGRESS_EVERY rows (under a second): this long
# without one, its worker is gone (a deploy, a crash, the time limit).
RUNNING_STALL_SECONDS = 120


def queued_stall_seconds() -> int:
    return 2 * settings.CELERY_TASK_TIME_LIMIT


def follow_up_if_stalled(job: ExportJob) -> bool:
    """A queued job nobody took is handed to a worker again (a lost task message); a running
    one that stopped advancing is marked failed, so the page says so instead of waiting for
    ever. True when the job changed."""
    now = timezone.now()
    if job.status == ExportStatus.QUEUED:
        cutoff = now - timedelta(seconds=queued_stall_seconds())
        lost = ExportJob.objects.filter(pk=job.pk, status=job.status, updated_at__lt=cutoff)
        if lost.update(updated_at=now):
            from .export_job import kick

            kick(job.pk)
            return True
        return False
    if job.status == ExportStatus.RUNNING:
        cutoff = now - timedelta(seconds=RUNNING_STALL_SECONDS)
        lost = ExportJob.objects.filter(pk=job.pk, status=job.status, updated_at__lt=cutoff)
        message = _("A geração da planilha foi interrompida. Exporte de novo.")
        return bool(lost.update(status=ExportStatus.FAILED, error=message, finished_at=now))
    return False


def purge_old_exports(now: datetime) -> int:
    """Delete the files of exports asked for more than 24 h ago; returns how many."""
    old = ExportJob.objects.filter(created_at__lt=now - KEEP_FOR).exclude(file_name="")
    deleted = 0
    for job_id, name in old.values_list("pk", "file_name"):
        default_storage.delete(name)
        ExportJob.objects.filter(pk=job_id).update(file_name="")
        deleted += 1
    return deleted
