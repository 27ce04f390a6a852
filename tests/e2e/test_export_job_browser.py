""" "Exportar XLSX" over the limit in a real Chromium: the click opens a progress page that
follows the worker to 100 % by itself, then "Baixar planilha" gives the filtered list."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from orders.admin import export as export_module
from orders.admin import export_job
from orders.export_jobs import ExportJob, ExportStatus
from orders.models import Order
from tests.e2e.conftest import admin_login
from tests.e2e.test_csp import LISTEN
from tests.factories import OrderFactory, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/shots/xlsx-job")


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_big_xlsx_export_follows_its_progress_and_downloads(
    page, live_server, monkeypatch, settings, tmp_path
):
    # given a list of 3 dispatched orders (and 2 others), over a limit of 2 per request
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(export_module, "XLSX_MAX_ROWS", 2)
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    dispatched = OrderFactory.create_batch(3, status="despachado")
    OrderFactory.create_batch(2)
    page.add_init_script(LISTEN)
    admin_login(page, live_server, "lucia")
    page.goto(f"{live_server.url}/admin/orders/order/?status__exact=despachado")

    # when she clicks "Exportar XLSX", with the worker held back at first
    held: list[int] = []
    real_kick = export_job.kick
    monkeypatch.setattr(export_job, "kick", held.append)
    page.get_by_role("link", name="Exportar XLSX").click()
    expect(page.locator("#content-main")).to_contain_text("A lista tem 3 pedidos")
    page.get_by_role("button", name="Gerar planilha").click()

    # then a progress page says it is waiting
    expect(page.locator("#jet-dispatch-status")).to_have_text("Na fila")
    expect(page.locator("#jet-dispatch-bar")).to_have_attribute("value", "0")
    expect(page.locator("#jet-dispatch-percent")).to_contain_text("0 de 3 pedidos escritos")
    shoot(page, "01-na-fila")

    # and follows the worker by itself: part way, then done
    [job_id] = held
    ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.RUNNING, rows_done=2)
    expect(page.locator("#jet-dispatch-bar")).to_have_attribute("value", "66")
    expect(page.locator("#jet-dispatch-status")).to_have_text("Gerando")
    shoot(page, "02-gerando")
    ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.QUEUED, rows_done=0)
    real_kick(job_id)
    expect(page.locator("#jet-dispatch-bar")).to_have_attribute("value", "100")
    expect(page.locator("#jet-dispatch-status")).to_have_text("Pronta")
    expect(page.locator("#jet-export-done")).to_contain_text("Pronto.")
    shoot(page, "03-pronta")
    page.set_viewport_size({"width": 360, "height": 780})
    shoot(page, "03-pronta-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    # and "Baixar planilha" gives exactly the filtered list
    with page.expect_download() as download:
        page.get_by_role("link", name="Baixar planilha").click()
    assert download.value.suggested_filename.startswith("pedidos-")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    newest_first = Order.objects.filter(pk__in=[o.pk for o in dispatched]).order_by("-created_at")
    assert numbers == [order.number for order in newest_first]

    # and nothing the page did broke the Content-Security-Policy
    assert page.evaluate("window.__cspViolations") == []
