""" "Exportar XLSX" above the limit on a real `celery -A jetorders worker` with Redis and
PostgreSQL: the web request only creates the job; the worker writes the file into the shared
MEDIA_ROOT and the creator downloads it."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from orders.admin import export as export_module
from orders.export_jobs import ExportJob, ExportStatus
from tests.factories import OrderFactory, staff_user
from tests.reliability.conftest import wait_for

XLSX_URL = reverse("admin:orders_order_export_xlsx")


def test_a_real_worker_builds_the_xlsx_the_request_only_queued(
    worker_factory, client, settings, tmp_path, monkeypatch
):
    # given a list of 30 dispatched orders over a limit of 10, and a worker sharing MEDIA_ROOT
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    monkeypatch.setattr(export_module, "XLSX_MAX_ROWS", 10)
    worker = worker_factory(MEDIA_ROOT=str(media))
    lojista = staff_user(username="lucia")
    dispatched = OrderFactory.create_batch(30, status="despachado")
    OrderFactory.create_batch(5)
    worker.start()
    client.force_login(lojista)

    # when she clicks "Exportar XLSX" then "Gerar planilha": the request returns with the job
    # still queued
    response = client.post(f"{XLSX_URL}?status__exact=despachado")
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("admin:orders_order_export_job", args=[job.pk])
    assert job.status == ExportStatus.QUEUED

    # then the worker writes it, and the download is the filtered list
    def finished() -> bool:
        return ExportJob.objects.get(pk=job.pk).finished

    wait_for(finished, 60, "the export to finish")
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.percent) == (ExportStatus.DONE, 30, 100), worker.log()
    download = client.get(reverse("admin:orders_order_export_job_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    numbers = {row[0] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert numbers == {order.number for order in dispatched}
