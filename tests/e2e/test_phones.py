"""A customer on a 360 px phone, and the lojista checking orders on one: nothing scrolls
sideways, tables and cards fit the screen, and the status is always in view."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from orders.links import order_status_path
from tests.e2e.conftest import SCREENSHOTS, admin_login
from tests.factories import OrderFactory, staff_user, verified_customer

PHONE = {"width": 360, "height": 740}
PASSWORD = "senha-de-teste-123"
# Long, unbroken content is what pushes a narrow page wider than the screen.
LONG_ITEMS = [
    {
        "description": "Kit presente camiseta de algodão orgânico estampada + caneca esmaltada",
        "quantity": 12,
        "unit_price": Decimal("1249.90"),
    },
    {"description": "Boné bordado", "quantity": 1, "unit_price": Decimal("79.00")},
]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_rate_limits"),
]

OVERFLOW = """
() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll(
      "table, .card, .module, #changelist, .results, .badge, .jet-status, main, header, footer")]
    .filter((el) => el.getClientRects().length)
    .map((el) => [el.tagName + "." + (el.className || ""), el.getBoundingClientRect().right])
    .filter(([, right]) => right > width + 0.5);
  return {width, scrollWidth: document.documentElement.scrollWidth, wide};
}
"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="pt-BR", viewport=PHONE, device_scale_factor=1)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_fits(page, where: str, badge: str) -> None:
    """No sideways scrolling, every table and card inside 360 px, the status badge in view."""
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= PHONE["width"], f"{where}: page is {found['scrollWidth']}px"
    assert found["wide"] == [], f"{where}: wider than the phone: {found['wide']}"
    badges = page.locator(badge)
    assert badges.count() > 0, f"{where}: no status badge"
    for index in range(badges.count()):
        box = badges.nth(index).bounding_box()
        assert box is not None, f"{where}: a status badge is hidden"
        assert box["x"] >= 0, where
        assert box["x"] + box["width"] <= PHONE["width"], f"{where}: status badge cut off"


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/conta/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url("**/conta/pedidos/")


def test_the_customer_pages_fit_a_360px_phone(phone, live_server):
    email = "mariana.albuquerque.vasconcelos@exemplo.com.br"
    verified_customer(email)
    order = OrderFactory(status="despachado", customer_email=email, items=LONG_ITEMS)
    OrderFactory(status="em_aprovacao", customer_email=email)
    OrderFactory(status="cancelado", customer_email=email)

    phone.goto(f"{live_server.url}/")
    shoot(phone, "phone-360-home")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    sign_in(phone, live_server, email)
    shoot(phone, "phone-360-meus-pedidos")
    assert_fits(phone, "/conta/pedidos/", ".jet-status")

    phone.goto(f"{live_server.url}/conta/pedidos/{order.number}/")
    shoot(phone, "phone-360-pedido")
    assert_fits(phone, "/conta/pedidos/<número>/", ".order-head .jet-status")
    # The items read as stacked rows: each value with its column's name beside it.
    labels = phone.locator("table.items tbody tr").first.evaluate(
        "row => [...row.cells].map((cell) => getComputedStyle(cell, '::before').content)"
    )
    assert labels[1:] == ['"Qtd."', '"Preço"', '"Subtotal"']
    assert phone.locator("table.items thead").bounding_box()["width"] <= 1  # read aloud only

    Client().logout()
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}{order_status_path(order)}")
    shoot(phone, "phone-360-pagina-de-status")
    assert_fits(phone, "/pedido/<token>/", ".order-head .jet-status")


def test_the_admin_order_list_fits_a_360px_phone(phone, live_server):
    staff_user(username="lucia", first_name="Lúcia")
    for status in ["novo", "aprovado", "despachado", "cancelado", "em_producao"]:
        OrderFactory(
            status=status,
            customer_name="Maria Aparecida dos Santos Albuquerque",
            customer_email="maria.aparecida.albuquerque@exemplo.com.br",
        )
    admin_login(phone, live_server, "lucia")

    phone.goto(f"{live_server.url}/admin/orders/order/")
    shoot(phone, "phone-360-admin-pedidos")
    assert_fits(phone, "admin order list", "#result_list .jet-status")
    rows = phone.locator("#result_list tbody tr")
    assert rows.count() == 5
    # Number, customer and status are what a phone shows; the secondary columns step aside.
    row = rows.first.inner_text()
    assert "Maria Aparecida" in row
    assert phone.locator("#result_list th.column-total_col").is_hidden()
