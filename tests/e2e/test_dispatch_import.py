"""Despachar por planilha in a real Chromium: upload, preview at each cell, confirm, progress
to 100 %, each good order dispatched with one e-mail, and the same file again changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from openpyxl import Workbook
from playwright.sync_api import expect

from notifications.models import EmailOutbox
from orders import dispatch_import
from orders.dispatch_import_models import DispatchImport, ImportStatus
from orders.emails import template_name
from orders.models import Order
from orders.statuses import OrderStatus
from tests.e2e.conftest import admin_login
from tests.e2e.test_csp import LISTEN
from tests.factories import OrderFactory, make_nfe_key, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/shots/bulk-dispatch")
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    cache.clear()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def carrier_sheet(lines: list[list[object]]) -> bytes:
    """A carrier's export: a title row, its own header names, an extra column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Objetos postados em 27/11/2026"])
    sheet.append(["Nº do pedido", "NF", "Chave de acesso", "Transportadora", "Serviço"])
    sheet.cell(row=2, column=6, value="Objeto")
    sheet.cell(row=2, column=7, value="Peso (kg)")
    for line in lines:
        sheet.append([*line, 0.4])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_line(order: Order, invoice: int, tracking: str = "AA123456785BR") -> list[object]:
    return [int(order.number), invoice, make_nfe_key(invoice), "Correios", "SEDEX", tracking]


def upload(page, live_server, content: bytes) -> None:
    page.goto(f"{live_server.url}/admin/orders/dispatchimport/add/")
    page.set_input_files(
        "#id_file", files=[{"name": "objetos.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    page.get_by_role("button", name="Conferir planilha").click()


def cell(page, line: int, column: str):
    return page.locator(f'#jet-dispatch-preview tr[data-line="{line}"] td[data-column="{column}"]')


def dispatch_emails(order: Order) -> int:
    template = template_name(OrderStatus.DESPACHADO)
    return EmailOutbox.objects.filter(template=template, to_email=order.customer_email).count()


def test_staff_dispatch_orders_from_a_carrier_spreadsheet(page, live_server, monkeypatch):
    # given orders waiting for dispatch, one already dispatched, and Lúcia signed in
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    good = [OrderFactory(status=OrderStatus.APROVADO) for _ in range(3)]
    good.append(OrderFactory(status=OrderStatus.EM_PRODUCAO))
    dispatched = OrderFactory(status=OrderStatus.DESPACHADO)
    new = OrderFactory(status=OrderStatus.NOVO)
    wrong_key = OrderFactory(status=OrderStatus.APROVADO)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.add_init_script(LISTEN)
    admin_login(page, live_server, "lucia")

    # the carrier's spreadsheet: good lines, bad lines and an order already dispatched
    bad_key = make_nfe_key(905)[:-1] + ("1" if make_nfe_key(905)[-1] == "0" else "0")
    content = carrier_sheet(
        [
            good_line(good[0], 901),  # line 3
            good_line(good[1], 902, tracking="AA123456789BR"),  # 4: check digit warns
            good_line(dispatched, 903),  # 5
            good_line(new, 904),  # 6: not paid yet
            [int(wrong_key.number), 905, bad_key, "Correios", "SEDEX", ""],  # 7
            [777777, 906, make_nfe_key(906), "Correios", "PAC", ""],  # 8: unknown order
            good_line(good[2], 907),  # 9
            [int(good[3].number), 908, make_nfe_key(908), "Jadlog", ".Package", "JD0012345"],
        ]
    )

    # when she opens "Despachar por planilha" and sends the file
    page.goto(f"{live_server.url}/admin/orders/dispatchimport/add/")
    expect(page.get_by_role("link", name="Excel (.xlsx)")).to_be_visible()
    shoot(page, "01-envio")
    upload(page, live_server, content)

    # then the preview shows each problem at its cell, and what will happen to each line
    expect(page.locator("#jet-dispatch-summary")).to_contain_text("4 pedidos serão despachados")
    expect(page.locator("#jet-dispatch-summary")).to_contain_text("3 linhas com erro")
    expect(cell(page, 6, "order_number")).to_contain_text("só a partir de Aprovado ou Em produção")
    expect(cell(page, 6, "order_number")).to_have_class("jet-cell-error")
    expect(cell(page, 7, "nfe_key")).to_contain_text("dígito verificador")
    expect(cell(page, 7, "nfe_key")).to_have_class("jet-cell-error")
    expect(cell(page, 7, "carrier")).not_to_have_class("jet-cell-error")
    expect(cell(page, 8, "order_number")).to_contain_text("Pedido não encontrado.")
    expect(cell(page, 5, "outcome")).to_contain_text("Já despachado — será ignorado")
    expect(cell(page, 4, "outcome")).to_contain_text("Aviso: O dígito verificador do código")
    expect(cell(page, 3, "outcome")).to_contain_text("Será despachado")
    shoot(page, "02-conferencia")
    page.set_viewport_size(PHONE)
    shoot(page, "02-conferencia-360")
    page.set_viewport_size(DESKTOP)
    assert Order.objects.filter(status=OrderStatus.DESPACHADO).count() == 1

    # when she confirms, with the job held back so the page shows it waiting
    held: list[int] = []
    real_kick = dispatch_import.kick
    monkeypatch.setattr(dispatch_import, "kick", held.append)
    page.get_by_role("button", name="Despachar 4 pedidos").click()
    expect(page.locator("#jet-dispatch-bar")).to_have_attribute("value", "0")
    expect(page.locator("#jet-dispatch-status")).to_have_text("Na fila")
    shoot(page, "03-andamento")

    # and the worker picks it up: the page follows it to 100 % by itself
    [job_id] = held
    real_kick(job_id)
    expect(page.locator("#jet-dispatch-bar")).to_have_attribute("value", "100")
    expect(page.locator("#jet-dispatch-done")).to_contain_text("Pronto.")
    expect(page.locator("#jet-dispatch-status")).to_have_text("Concluída")
    expect(page.locator("#jet-dispatch-not-changed")).to_contain_text("já despachado")
    shoot(page, "04-concluido")

    # then each good order is Despachado, by Lúcia, with one e-mail
    for order in good:
        order.refresh_from_db()
        assert order.status == OrderStatus.DESPACHADO
        assert order.status_changes.get(to_status="despachado").actor_label == "Lúcia Lojista"
        assert dispatch_emails(order) == 1
    for order in (new, wrong_key):
        assert Order.objects.get(pk=order.pk).status == order.status
        assert dispatch_emails(order) == 0
    assert dispatch_emails(dispatched) == 1
    job = DispatchImport.objects.get(pk=job_id)
    assert (job.status, job.changed, job.skipped, job.invalid) == (ImportStatus.DONE, 4, 1, 3)

    # and the result file can be downloaded
    with page.expect_download() as download:
        page.locator("#jet-dispatch-result").click()
    result = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert f"3;Despachado;;{good[0].number}" in result

    # when the same file is sent again, nothing changes
    changes = {o.pk: o.status_changes.count() for o in Order.objects.all()}
    emails = EmailOutbox.objects.count()
    upload(page, live_server, content)
    expect(page.locator("#jet-dispatch-summary")).to_contain_text("0 pedidos serão despachados")
    expect(page.locator("#jet-dispatch-summary")).to_contain_text("5 linhas ignoradas")
    expect(page.get_by_text("Nenhuma linha pode ser despachada")).to_be_visible()
    shoot(page, "05-mesma-planilha")
    page.goto(f"{live_server.url}/admin/orders/dispatchimport/")
    expect(page.locator("#result_list")).to_contain_text("objetos.xlsx")
    shoot(page, "06-lista")
    assert {o.pk: o.status_changes.count() for o in Order.objects.all()} == changes
    assert EmailOutbox.objects.count() == emails

    # and nothing the pages did broke the Content-Security-Policy
    assert page.evaluate("window.__cspViolations") == []
    assert not [text for text in console if "Content Security Policy" in text]
