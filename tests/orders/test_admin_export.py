""" "Exportar CSV" and "Exportar XLSX": the list on screen, as Excel in Portuguese reads it,
with nothing a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from orders.admin import export as export_module
from orders.documents import format_document
from orders.models import Order
from tests.admin_urls import ORDER_LIST_URL
from tests.factories import OrderFactory, UserFactory
from tests.orders.test_admin_order_list import numbers_on_page

CSV_URL = reverse("admin:orders_order_export_csv")
XLSX_URL = reverse("admin:orders_order_export_xlsx")
HEADER = [
    "Pedido",
    "Data do pedido",
    "Cliente",
    "E-mail",
    "CPF/CNPJ",
    "Status",
    "Total (R$)",
    "Itens",
    "Número da Nota Fiscal",
    "Chave NF-e",
    "Nome da Transportadora",
    "Código de Rastreio",
    "Última alteração",
]


def csv_rows(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


def local(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


@pytest.fixture
def store(db):
    """Three dispatched orders and two new ones, one of them with a four-digit total."""
    dispatched = [OrderFactory(status="despachado") for _ in range(3)]
    new = [OrderFactory(customer_name="Ana Souza"), OrderFactory()]
    Order.objects.filter(pk=new[0].pk).update(total=Decimal("1234.50"))
    return {"despachado": dispatched, "novo": new}


def test_the_csv_is_the_filtered_list_as_excel_in_portuguese_reads_it(client, lojista, store):
    client.force_login(lojista)
    query = {"status__exact": "despachado"}

    listed = numbers_on_page(client.get(ORDER_LIST_URL, query))
    response = client.get(CSV_URL, query)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="pedidos-')
    rows = csv_rows(response)
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == listed
    order = Order.objects.get(number=listed[0])
    assert rows[1] == [
        order.number,
        local(order.created_at),
        order.customer_name,
        order.customer_email,
        format_document(order.buyer_document),
        "Despachado",
        "218,70",
        "3",
        "1234",
        " ".join(order.nfe_key[i : i + 4] for i in range(0, 44, 4)),
        "Correios",
        "AA123456785BR",
        local(order.status_changed_at),
    ]


def test_the_xlsx_is_the_filtered_list_with_real_dates_and_numbers(client, lojista, store):
    client.force_login(lojista)
    query = {"status__exact": "despachado"}

    listed = numbers_on_page(client.get(ORDER_LIST_URL, query))
    response = client.get(XLSX_URL, query)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="pedidos-')
    rows = xlsx_rows(response)
    assert list(rows[0]) == HEADER
    assert [row[0] for row in rows[1:]] == listed
    order = Order.objects.get(number=listed[0])
    assert rows[1] == (
        order.number,
        timezone.localtime(order.created_at).replace(tzinfo=None, microsecond=0),
        order.customer_name,
        order.customer_email,
        format_document(order.buyer_document),
        "Despachado",
        218.7,
        3,
        "1234",
        order.nfe_key,
        "Correios",
        "AA123456785BR",
        timezone.localtime(order.status_changed_at).replace(tzinfo=None, microsecond=0),
    )


def test_csv_and_xlsx_follow_the_search_and_money_reads_with_a_comma(client, lojista, store):
    client.force_login(lojista)

    csv_export = csv_rows(client.get(CSV_URL, {"q": "Ana Souza"}))
    xlsx_export = xlsx_rows(client.get(XLSX_URL, {"q": "Ana Souza"}))

    number = store["novo"][0].number
    assert [row[0] for row in csv_export[1:]] == [number]
    assert csv_export[1][5:9] == ["Novo", "1234,50", "3", ""]
    assert [row[0] for row in xlsx_export[1:]] == [number]
    assert xlsx_export[1][6] == 1234.5


def test_the_whole_list_is_exported_newest_first(client, lojista, store):
    client.force_login(lojista)

    rows = csv_rows(client.get(CSV_URL))

    expected = list(Order.objects.order_by("-created_at", "-pk").values_list("number", flat=True))
    assert [row[0] for row in rows[1:]] == expected


FORMULAS = ["=HYPERLINK(\"http://mal.example\",\"Clique\")", "+55 11 99999-0000", "@SUM(1)",
            "-2+3", "\tTab", "=1+1"]  # fmt: skip


@pytest.mark.parametrize("name", FORMULAS)
def test_a_formula_looking_customer_name_is_exported_inert(client, lojista, name):
    OrderFactory(customer_name=name)
    client.force_login(lojista)

    csv_export = csv_rows(client.get(CSV_URL))
    xlsx_response = client.get(XLSX_URL)
    content = b"".join(xlsx_response.streaming_content)

    # CSV: a leading apostrophe, so Excel shows the text and runs nothing.
    assert csv_export[1][2] == f"'{name}"
    # XLSX: the very text, stored as a string, and no formula anywhere in the sheet.
    book = load_workbook(io.BytesIO(content))
    cell = book.active["C2"]
    assert cell.value == name
    assert cell.data_type == "s"
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml
    assert b"<f " not in sheet_xml


def test_control_characters_in_a_name_do_not_break_the_xlsx(client, lojista):
    OrderFactory(customer_name="Ana\x01 Souza")
    client.force_login(lojista)

    response = client.get(XLSX_URL)

    assert response.status_code == 200
    assert xlsx_rows(response)[1][2] == "Ana Souza"


def test_staff_who_may_view_orders_may_export(client, viewer, store):
    client.force_login(viewer)

    assert client.get(CSV_URL).status_code == 200
    assert client.get(XLSX_URL).status_code == 200
    assert "Exportar CSV" in client.get(ORDER_LIST_URL).content.decode()


def test_staff_who_may_not_view_orders_cannot_export(client, store):
    client.force_login(UserFactory(username="estagiario", is_staff=True))

    assert client.get(CSV_URL).status_code == 403
    assert client.get(XLSX_URL).status_code == 403


def test_no_one_signed_out_exports(client, store):
    response = client.get(CSV_URL)

    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_a_bad_range_exports_nothing_and_the_list_says_why(client, lojista, store):
    client.force_login(lojista)

    response = client.get(CSV_URL, {"criado_de": "31/02/2026"})

    assert response.status_code == 302
    assert response.url == f"{ORDER_LIST_URL}?criado_de=31%2F02%2F2026"
    page = client.get(response.url)
    assert [str(m) for m in page.context["messages"]] == [
        "Data inicial inválida: “31/02/2026”. Use o formato dd/mm/aaaa, por exemplo 05/11/2026."
    ]


def test_the_export_links_carry_the_list_filters(client, lojista, store):
    client.force_login(lojista)

    text = client.get(ORDER_LIST_URL, {"status__exact": "novo", "q": "Ana", "p": "1"}).content
    text = text.decode()

    assert f'href="{CSV_URL}?q=Ana&amp;status__exact=novo"' in text
    assert f'href="{XLSX_URL}?q=Ana&amp;status__exact=novo"' in text


def test_an_xlsx_too_big_to_build_in_a_request_is_built_by_a_worker(
    client, lojista, store, monkeypatch
):
    monkeypatch.setattr(export_module, "XLSX_MAX_ROWS", 2)
    client.force_login(lojista)

    response = client.get(XLSX_URL, {"status__exact": "despachado"})

    # A page that says how many orders and offers "Gerar planilha" (a POST): a link alone
    # never starts a background export (tests/orders/test_admin_export_job.py).
    assert response.status_code == 200
    assert "<strong>3 pedidos</strong>" in response.text
    assert "Gerar planilha" in response.text
    assert 'method="post"' in response.text


def test_separators_quotes_and_line_breaks_in_a_name_round_trip(client, lojista):
    name = 'Ana "Aninha"; Souza\nSegunda linha'
    OrderFactory(customer_name=name)
    client.force_login(lojista)

    rows = csv_rows(client.get(CSV_URL))

    assert len(rows) == 2
    assert rows[1][2] == name
    assert len(rows[1]) == len(HEADER)
