"""Printing in a real Chromium: the packing list for one order and for a selection, printed
with print media (one page per order, no toolbar), and the order page on paper without the
admin around it but with its timeline."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from orders.statuses import OrderStatus
from tests.e2e.conftest import admin_login
from tests.factories import OrderFactory, make_cnpj, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/work/shots/buyer-doc")
PHONE = {"width": 360, "height": 780}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def pdf_pages(page, name: str) -> int:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(SHOTS / f"{name}.pdf"), format="A4", print_background=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return errors


@pytest.fixture
def orders():
    first = OrderFactory(
        status=OrderStatus.DESPACHADO,
        customer_name="Ateliê Ponto Azul Ltda",
        buyer_document=make_cnpj(),
        items=[
            {
                "sku": "ALM-BORD",
                "description": "Almofada bordada à mão",
                "quantity": 3,
                "unit_price": Decimal("129.90"),
            },
            {
                "sku": "ECO-BAG",
                "description": "Ecobag de lona",
                "quantity": 10,
                "unit_price": Decimal("39.90"),
            },
        ],
    )
    second = OrderFactory(
        status=OrderStatus.APROVADO,
        customer_name="Camila Ferreira",
        items=[
            {
                "sku": "CAN-PER-01",
                "description": "Caneca personalizada com nome",
                "quantity": 2,
                "unit_price": Decimal("49.90"),
            },
        ],
    )
    return [first, second]


def test_one_orders_packing_list_prints_on_one_page(page, live_server, orders):
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    order = orders[0]
    errors = csp_errors(page)
    admin_login(page, live_server, "lucia")

    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    page.get_by_role("link", name="Imprimir lista de separação").click()

    expect(page.get_by_role("heading", name=f"Pedido {order.number}")).to_be_visible()
    expect(page.get_by_role("img", name=f"Pedido {order.number}")).to_be_visible()
    expect(page.get_by_role("button", name="Imprimir")).to_be_visible()  # print.js ran
    sheet = page.locator("article.jet-packing")
    expect(sheet).to_contain_text("CNPJ 12.ABC.345/0001-")
    expect(sheet).to_contain_text("Almofada bordada à mão")
    expect(sheet).to_contain_text("CEP 01001-000")
    shoot(page, "packing-one-screen")
    page.set_viewport_size(PHONE)
    shoot(page, "packing-one-screen-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.emulate_media(media="print")
    expect(page.locator(".jet-packing-toolbar")).to_be_hidden()
    shoot(page, "packing-one-print")
    assert pdf_pages(page, "packing-one") == 1
    assert errors == []


def test_a_selection_prints_one_page_per_order(page, live_server, orders):
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    errors = csp_errors(page)
    admin_login(page, live_server, "lucia")

    page.goto(f"{live_server.url}/admin/orders/order/")
    for order in orders:
        page.get_by_label(f"Selecionar o pedido {order.number}").check()
    page.locator("select[name=action]").select_option("print_packing_lists")
    page.locator("button[name=index]").click()

    sheets = page.locator("article.jet-packing")
    expect(sheets).to_have_count(2)
    for sheet, order in zip(sheets.all(), orders, strict=True):
        expect(sheet).to_contain_text(f"Pedido {order.number}")
        for item in order.items.all():
            expect(sheet).to_contain_text(item.description)
    page.emulate_media(media="print")
    shoot(page, "packing-selection-print")
    assert pdf_pages(page, "packing-selection") == 2
    assert errors == []


def test_the_order_page_prints_without_the_admin_chrome_but_with_its_timeline(
    page, live_server, orders
):
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    order = orders[0]
    admin_login(page, live_server, "lucia")
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    expect(page.locator("#header")).to_be_visible()

    page.emulate_media(media="print")

    expect(page.locator("#header")).to_be_hidden()
    expect(page.locator(".object-tools")).to_be_hidden()
    expect(page.locator("#nav-sidebar")).to_be_hidden()
    expect(page.locator("#andamento")).to_be_visible()
    expect(page.get_by_text("CNPJ 12.ABC.345/0001-")).to_be_visible()
    shoot(page, "order-page-print")
    pdf_pages(page, "order-page")


def test_staff_find_an_order_by_its_buyers_cpf_typed_with_punctuation(page, live_server, orders):
    from orders.documents import format_document

    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    wanted = orders[1]
    admin_login(page, live_server, "lucia")

    page.goto(f"{live_server.url}/admin/orders/order/")
    expect(page.locator("#changelist-search")).to_contain_text("CPF/CNPJ")
    page.locator("#searchbar").fill(format_document(wanted.buyer_document))
    page.locator("#searchbar").press("Enter")

    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Camila Ferreira")
    shoot(page, "order-list-search-cpf")
    page.set_viewport_size(PHONE)
    shoot(page, "order-list-search-cpf-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    rows.first.get_by_role("link", name=wanted.number).click()
    expect(page.get_by_text(f"CPF {format_document(wanted.buyer_document)}")).to_be_visible()
    expect(page.get_by_role("link", name="Imprimir lista de separação")).to_be_visible()
    shoot(page, "order-page-screen")


def test_the_customer_page_shows_the_cep_formatted_on_a_phone(page, live_server, orders):
    from orders.links import order_status_path

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{order_status_path(orders[1])}")

    expect(page.get_by_text("CEP 01001-000")).to_be_visible()
    shoot(page, "customer-order-360")
