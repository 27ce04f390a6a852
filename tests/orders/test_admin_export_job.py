""" "Exportar XLSX" above XLSX_MAX_ROWS: a job, a worker writes the file, a progress page, and
"Baixar planilha" only for whoever asked for it (issue 12)."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from orders import tasks
from orders.admin import export as export_module
from orders.admin import export_build
from orders.export_jobs import ExportJob, ExportStatus
from tests.admin_urls import ORDER_LIST_URL
from tests.factories import OrderFactory, UserFactory
from tests.orders.test_admin_export import HEADER, XLSX_URL, xlsx_rows
from tests.orders.test_admin_order_list import numbers_on_page

QUERY = {"status__exact": "despachado"}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def store(db):
    """Three dispatched orders and two new ones, as in test_admin_export."""
    return {
        "despachado": OrderFactory.create_batch(3, status="despachado"),
        "novo": [OrderFactory(customer_name="Ana Souza"), OrderFactory()],
    }


@pytest.fixture
def over_the_limit(monkeypatch):
    monkeypatch.setattr(export_module, "XLSX_MAX_ROWS", 2)


def page_url(job: ExportJob, name: str = "export_job") -> str:
    return reverse(f"admin:orders_order_{name}", args=[job.pk])


def book_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def export_in_background(client, django_capture_on_commit_callbacks, query=QUERY) -> ExportJob:
    # The list's link shows a confirmation; only its POST ("Gerar planilha") starts a job.
    assert "Gerar planilha" in client.get(XLSX_URL, query).text
    assert not ExportJob.objects.exists()
    url = f"{XLSX_URL}?{urlencode(query)}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url(job)
    return job


def test_above_the_limit_the_click_creates_a_job_whose_file_is_the_filtered_list(
    client, lojista, store, over_the_limit, django_capture_on_commit_callbacks, monkeypatch
):
    # given the list filtered to 3 dispatched orders, over a limit of 2
    client.force_login(lojista)
    listed = numbers_on_page(client.get(ORDER_LIST_URL, QUERY))

    # when the lojista clicks "Exportar XLSX" (the task runs in-process, as without a broker)
    job = export_in_background(client, django_capture_on_commit_callbacks)

    # then the job kept the filters, the progress says 100 % and the file is the list
    job.refresh_from_db()
    assert job.created_by == lojista
    assert job.query == "status__exact=despachado"
    assert job.status == ExportStatus.DONE
    assert job.file_name.startswith("exportacoes/")
    progress = client.get(page_url(job, "export_job_progress")).json()
    assert progress["percent"] == 100
    assert progress["done"] is True
    assert progress["status_label"] == "Pronta"
    assert progress["rows_done"] == progress["rows_total"] == "3"

    page = client.get(page_url(job)).content.decode()
    assert "Baixar planilha" in page
    response = client.get(page_url(job, "export_job_download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="pedidos-')
    rows = xlsx_rows(response)
    assert list(rows[0]) == HEADER
    assert [row[0] for row in rows[1:]] == listed
    # Cell for cell what the in-request export gives for the same list.
    monkeypatch.setattr(export_module, "XLSX_MAX_ROWS", 20_000)
    assert rows == xlsx_rows(client.get(XLSX_URL, QUERY))


def test_the_search_is_applied_too(
    client, lojista, store, over_the_limit, django_capture_on_commit_callbacks
):
    OrderFactory.create_batch(3, customer_name="Bia Ramos")
    client.force_login(lojista)

    job = export_in_background(client, django_capture_on_commit_callbacks, {"q": "Bia Ramos"})

    content = b"".join(client.get(page_url(job, "export_job_download")).streaming_content)
    assert {row[2] for row in book_rows(content)[1:]} == {"Bia Ramos"}
    assert len(book_rows(content)) == 4


def test_the_download_is_refused_to_another_staff_user_and_served_to_a_superuser(
    client, lojista, viewer, store, over_the_limit, django_capture_on_commit_callbacks
):
    client.force_login(lojista)
    job = export_in_background(client, django_capture_on_commit_callbacks)

    client.force_login(viewer)
    for name in ["export_job", "export_job_progress", "export_job_download"]:
        assert client.get(page_url(job, name)).status_code == 403

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(page_url(job, "export_job_download")).status_code == 200


def test_above_the_cap_nothing_is_queued_and_the_message_points_to_the_csv(
    client, lojista, store, over_the_limit, monkeypatch
):
    monkeypatch.setattr(export_module, "XLSX_JOB_MAX_ROWS", 2)
    client.force_login(lojista)

    response = client.get(XLSX_URL, QUERY, follow=True)

    assert response.redirect_chain[0][0] == f"{ORDER_LIST_URL}?status__exact=despachado"
    [message] = [str(m) for m in response.context["messages"]]
    assert "até 2 pedidos" in message
    assert "Exportar CSV" in message
    assert not ExportJob.objects.exists()


def test_progress_is_one_update_every_n_rows(lojista, store, monkeypatch):
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 2)
    job = ExportJob.objects.create(created_by=lojista, query="", rows_total=5)
    seen = []
    original = export_build._progress

    def spy(job_id: int, rows_done: int) -> None:
        original(job_id, rows_done)
        seen.append(ExportJob.objects.get(pk=job_id).percent)

    monkeypatch.setattr(export_build, "_progress", spy)

    with CaptureQueriesContext(connection) as queries:
        export_build.build(job.pk)

    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "orders_exportjob"')]
    # Claimed, rows 2 and 4, done: the 5 orders never cost an UPDATE each.
    assert len(updates) == 4
    assert seen == [40, 80]
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.percent) == (ExportStatus.DONE, 5, 100)


def test_a_second_task_for_the_same_job_does_nothing(lojista, store):
    job = ExportJob.objects.create(created_by=lojista, rows_total=5)
    export_build.build(job.pk)
    job.refresh_from_db()
    first = job.file_name

    export_build.build(job.pk)

    job.refresh_from_db()
    assert job.file_name == first
    assert default_storage.listdir("exportacoes")[1] == [first.split("/")[1]]


def test_a_user_who_lost_the_permission_gets_no_file_and_the_page_says_why(client, viewer, store):
    job = ExportJob.objects.create(created_by=viewer, query="status__exact=novo", rows_total=2)
    viewer.user_permissions.clear()

    export_build.build(job.pk)

    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.file_name == ""
    assert job.error == "Quem pediu a planilha não pode mais ver os pedidos."


def test_a_failed_job_shows_its_error_and_no_download(client, lojista):
    job = ExportJob.objects.create(
        created_by=lojista,
        status=ExportStatus.FAILED,
        error="Os filtros da lista não são mais válidos.",
    )
    client.force_login(lojista)

    page = client.get(page_url(job)).content.decode()

    assert "Os filtros da lista não são mais válidos." in page
    assert "Baixar planilha" not in page
    assert client.get(page_url(job, "export_job_download")).status_code == 302


def test_a_job_lost_by_its_worker_is_marked_failed_on_the_page(client, lojista):
    job = ExportJob.objects.create(created_by=lojista, status=ExportStatus.RUNNING)
    long_ago = timezone.now() - timedelta(seconds=export_build.RUNNING_STALL_SECONDS + 1)
    ExportJob.objects.filter(pk=job.pk).update(updated_at=long_ago)
    client.force_login(lojista)

    page = client.get(page_url(job)).content.decode()

    assert "A geração da planilha foi interrompida. Exporte de novo." in page
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.FAILED


def test_a_running_job_that_advances_is_left_alone(client, lojista):
    job = ExportJob.objects.create(created_by=lojista, status=ExportStatus.RUNNING)
    client.force_login(lojista)

    client.get(page_url(job))

    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.RUNNING


def test_a_queued_job_whose_message_was_lost_is_handed_over_again(client, lojista, store):
    job = ExportJob.objects.create(created_by=lojista, query="status__exact=novo", rows_total=2)
    long_ago = timezone.now() - timedelta(seconds=export_build.queued_stall_seconds() + 1)
    ExportJob.objects.filter(pk=job.pk).update(updated_at=long_ago)
    client.force_login(lojista)

    page = client.get(page_url(job)).content.decode()

    job.refresh_from_db()
    assert (job.status, job.rows_done) == (ExportStatus.DONE, 2)
    assert "Baixar planilha" in page


def test_files_older_than_24_hours_are_deleted_and_the_download_says_so(client, lojista):
    name = default_storage.save("exportacoes/pedidos-antiga.xlsx", ContentFile(b"x"))
    job = ExportJob.objects.create(created_by=lojista, status=ExportStatus.DONE, file_name=name)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=25))
    recent = default_storage.save("exportacoes/pedidos-nova.xlsx", ContentFile(b"y"))
    ExportJob.objects.create(created_by=lojista, status=ExportStatus.DONE, file_name=recent)

    # The hourly beat task (and every new background export) purges.
    assert tasks.purge_xlsx_exports() == 1

    assert not default_storage.exists(name)
    assert default_storage.exists(recent)
    client.force_login(lojista)
    response = client.get(page_url(job, "export_job_download"), follow=True)
    assert "Esta planilha expirou (guardamos por 24 horas). Exporte de novo." in (
        response.content.decode()
    )


def test_the_task_has_a_time_limit_long_enough_for_the_cap(settings):
    assert tasks.build_xlsx_export.time_limit == settings.XLSX_EXPORT_TIME_LIMIT
    assert tasks.build_xlsx_export.soft_time_limit < tasks.build_xlsx_export.time_limit
    assert settings.XLSX_EXPORT_TIME_LIMIT < settings.CELERY_VISIBILITY_TIMEOUT
