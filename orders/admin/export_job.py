""" "Exportar XLSX" above XLSX_MAX_ROWS: the click creates an ExportJob and opens its progress
page; a Celery task writes the file (export_build.py); "Baixar planilha" serves it to whoever
asked for it (or a superuser). Views are thin: permission, fetch, render.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.export_jobs import ExportJob, ExportStatus
from orders.models import Order

from .export_build import follow_up_if_stalled, purge_old_exports
from .format import short_datetime

logger = logging.getLogger(__name__)


def start_export(request: HttpRequest, count: int) -> HttpResponse:
    """Create the job for the list's current filters and hand it to a worker after commit."""
    # Old files go on every new export too, so nothing piles up where beat does not run.
    purge_old_exports(timezone.now())
    with transaction.atomic():
        job = ExportJob.objects.create(
            created_by=request.user, query=request.GET.urlencode(), rows_total=count
        )
        transaction.on_commit(lambda: kick(job.pk), robust=True)
    return redirect("admin:orders_order_export_job", job_id=job.pk)


def confirm_export(request: HttpRequest, count: int) -> HttpResponse:
    """Say how big the file will be and that a worker builds it; "Gerar planilha" POSTs."""
    opts = Order._meta
    return TemplateResponse(
        request,
        "admin/orders/order/export_confirm.html",
        {
            **admin.site.each_context(request),
            "opts": opts,
            "title": _("Exportar XLSX"),
            "count": f"{count:,}".replace(",", "."),
            "list_url": f"{reverse('admin:orders_order_changelist')}?{request.GET.urlencode()}",
            "action_url": f"{request.path}?{request.GET.urlencode()}",
        },
    )


def kick(job_id: int) -> None:
    """Hand the job to a worker; without a broker it runs here, after the commit."""
    from kombu.exceptions import OperationalError

    from orders.tasks import build_xlsx_export

    try:
        build_xlsx_export.apply_async((job_id,), retry=False)
    except OperationalError:
        # Stays queued; opening its progress page hands it over again.
        logger.warning("XLSX export #%s stays queued: the task broker is unreachable.", job_id)


def export_job_urls(model_admin: Any) -> list:
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "exportar/xlsx/<int:job_id>/",
            wrap(progress_page),
            name="orders_order_export_job",
        ),
        path(
            "exportar/xlsx/<int:job_id>/progresso/",
            wrap(progress_json),
            name="orders_order_export_job_progress",
        ),
        path(
            "exportar/xlsx/<int:job_id>/baixar/",
            wrap(download),
            name="orders_order_export_job_download",
        ),
    ]


def _job(request: HttpRequest, job_id: int) -> ExportJob:
    """The job, for its creator or a superuser only: the file holds customers' data."""
    job = get_object_or_404(ExportJob, pk=job_id)
    user = request.user
    if not (user.is_superuser or (job.created_by_id == user.pk and user.is_staff)):
        raise PermissionDenied
    return job


def progress_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if follow_up_if_stalled(job):
        job.refresh_from_db()
    opts = Order._meta
    list_url = reverse("admin:orders_order_changelist")
    context = {
        **admin.site.each_context(request),
        "opts": opts,
        "title": _("Exportação XLSX"),
        "job": job,
        "done": job.finished,
        "ok": job.status == ExportStatus.DONE,
        "asked_at": short_datetime(job.created_at),
        "list_url": f"{list_url}?{job.query}" if job.query else list_url,
        "expired": job.status == ExportStatus.DONE and not job.file_name,
        "rows_done": _thousands(job.rows_done),
        "rows_total": _thousands(job.rows_total),
    }
    return TemplateResponse(request, "admin/orders/order/export_progress.html", context)


def progress_json(request: HttpRequest, job_id: int) -> JsonResponse:
    job = _job(request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "percent": job.percent,
            "rows_done": _thousands(job.rows_done),
            "rows_total": _thousands(job.rows_total),
            "done": job.finished,
        }
    )


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if job.status != ExportStatus.DONE:
        return redirect("admin:orders_order_export_job", job_id=job.pk)
    if not job.file_name or not default_storage.exists(job.file_name):
        messages.error(
            request, _("Esta planilha expirou (guardamos por 24 horas). Exporte de novo.")
        )
        return redirect("admin:orders_order_export_job", job_id=job.pk)
    stamp = timezone.localtime(job.created_at).strftime("%Y-%m-%d-%H%M")
    return FileResponse(
        default_storage.open(job.file_name, "rb"),
        as_attachment=True,
        filename=f"pedidos-{stamp}.xlsx",
    )
