"""Despachar por planilha in the admin: who may, the upload's errors, the pages and downloads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from orders.dispatch_import_models import DispatchImport, ImportStatus
from orders.statuses import OrderStatus
from tests.factories import OrderFactory
from tests.orders.test_dispatch_import import csv_bytes, line

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:orders_dispatchimport_add")


def send(client, content: bytes, name: str = "despachos.csv"):
    return client.post(ADD_URL, {"file": SimpleUploadedFile(name, content)})


def test_only_users_who_process_orders_may_dispatch_by_spreadsheet(client, viewer, lojista):
    client.force_login(viewer)
    assert client.get(ADD_URL).status_code == 403
    assert client.get(reverse("admin:orders_dispatchimport_csv")).status_code == 403
    assert send(client, csv_bytes([])).status_code == 403
    assert not DispatchImport.objects.exists()
    # and the admin's home does not offer it to them
    assert "Despachos por planilha" not in client.get(reverse("admin:index")).text
    assert ADD_URL not in client.get(reverse("admin:orders_order_changelist")).text

    client.force_login(lojista)
    page = client.get(ADD_URL)
    assert page.status_code == 200
    assert "Despachar por planilha" in page.text
    assert "Despachos por planilha" in client.get(reverse("admin:index")).text
    # the order list leads there
    assert ADD_URL in client.get(reverse("admin:orders_order_changelist")).text


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"Pedido;Rastreio\n1;AA123456785BR\n", "x.csv", "Faltam colunas na planilha"),
        (b"PK\x03\x04garbage", "x.xlsx", "não é uma planilha XLSX válida"),
        (b"a" * (5 * 1024 * 1024 + 1), "x.csv", "o máximo é 5 MB"),
    ],
)
def test_a_bad_file_is_a_portuguese_error_and_changes_nothing(
    client, lojista, content, name, expected
):
    client.force_login(lojista)
    response = send(client, content, name)
    assert response.status_code == 200
    assert expected in response.text
    assert "Nada foi importado" in response.text
    assert not DispatchImport.objects.exists()


def test_upload_leads_to_a_preview_with_errors_at_their_cells_then_progress_and_result(
    client, lojista, django_capture_on_commit_callbacks
):
    good, no_carrier = (OrderFactory(status=OrderStatus.APROVADO) for _ in range(2))
    content = csv_bytes([line(good, 11), line("424242", 12), line(no_carrier, 13, carrier="")])
    client.force_login(lojista)

    response = send(client, content)
    job = DispatchImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:orders_dispatchimport_change", args=[job.pk])

    preview = client.get(response.url).text
    assert "1 pedido será despachado" in preview
    assert '<tr data-line="3" data-outcome="invalid"' in preview
    assert "Pedido não encontrado." in preview
    assert '<td data-column="carrier" class="jet-cell-error">' in preview
    assert "Despachar 1 pedido" in preview

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("admin:orders_dispatchimport_confirm", args=[job.pk]))
    assert confirmed.url == response.url
    good.refresh_from_db()
    assert good.status == OrderStatus.DESPACHADO

    progress = client.get(response.url).text
    assert 'value="100"' in progress
    assert "Baixar resultado (CSV)" in progress
    # Finished: no script and no refresh left on the page.
    assert "dispatch_progress.js" not in progress
    state = client.get(reverse("admin:orders_dispatchimport_progress", args=[job.pk])).json()
    assert state | {"status_label": ""} == {
        "status": "done", "status_label": "", "percent": 100, "processed": 1,
        "to_process": 1, "changed": 1, "skipped": 0, "failed": 0, "done": True,
    }  # fmt: skip

    result = client.get(reverse("admin:orders_dispatchimport_result", args=[job.pk]))
    assert (
        result["Content-Disposition"] == f'attachment; filename="resultado-despacho-{job.pk}.csv"'
    )
    text = b"".join(result.streaming_content).decode("utf-8-sig")
    assert f"2;Despachado;;{good.number}" in text
    assert "3;Com erro;Pedido: Pedido não encontrado.;424242" in text


def test_a_running_file_sent_again_points_to_its_job(client, lojista):
    order = OrderFactory(status=OrderStatus.APROVADO)
    content = csv_bytes([line(order, 21)])
    client.force_login(lojista)
    send(client, content)
    job = DispatchImport.objects.get()
    DispatchImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)

    response = send(client, content)

    assert response.url == reverse("admin:orders_dispatchimport_change", args=[job.pk])
    assert DispatchImport.objects.count() == 1
    page = client.get(response.url)
    assert "já está sendo processada" in page.text
    assert "dispatch_progress.js" in page.text


def test_the_templates_download(client, lojista):
    client.force_login(lojista)
    csv = client.get(reverse("admin:orders_dispatchimport_csv"))
    assert csv["Content-Disposition"] == 'attachment; filename="modelo-despacho.csv"'
    assert csv.content.decode("utf-8-sig").startswith("Pedido;Número da Nota Fiscal;Chave NF-e")
    xlsx = client.get(reverse("admin:orders_dispatchimport_xlsx"))
    header = [cell.value for cell in load_workbook(io.BytesIO(xlsx.content)).active[1]]
    assert header[0] == "Pedido"
    assert header[-1] == "Código de Rastreio"


def test_the_preview_and_progress_pages_read_a_constant_number_of_queries(client, lojista):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    orders = [OrderFactory(status=OrderStatus.APROVADO) for _ in range(30)]
    client.force_login(lojista)
    counts = []
    for size in (3, 30):
        send(client, csv_bytes([line(order, 40 + i) for i, order in enumerate(orders[:size])]))
        job = DispatchImport.objects.latest("id")
        url = reverse("admin:orders_dispatchimport_change", args=[job.pk])
        progress = reverse("admin:orders_dispatchimport_progress", args=[job.pk])
        with CaptureQueriesContext(connection) as preview:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as polled:
            assert client.get(progress).status_code == 200
        counts.append((len(preview), len(polled)))
    assert counts[0] == counts[1]
    # The session, the user, their permissions (user and groups) and the job.
    assert counts[1][1] <= 5
