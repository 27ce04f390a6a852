"""The packing list ("Lista de separação"): for one order and for a selection, each order on
its own printed page with its items, quantities, address and number as a Code 128 barcode,
read in a constant number of queries, with no inline script (the CSP forbids them)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from orders.admin.packing import packing_list_url
from tests.admin_urls import ORDER_LIST_URL, change_url
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

SELECTION_URL = reverse("admin:orders_order_packing_selection")


def items(n: int) -> list[dict]:
    return [
        {
            "sku": f"SKU-{n}-{i}",
            "description": f"Produto {n}.{i}",
            "quantity": i + n,
            "unit_price": Decimal("10.00"),
        }
        for i in range(1, 3)
    ]


def pages(html: str) -> list[str]:
    return re.findall(r'<article class="jet-packing".*?</article>', html, flags=re.S)


def assert_page_shows(page: str, order) -> None:
    assert f"Pedido {order.number}" in page
    assert f'<svg role="img" aria-label="Pedido {order.number}" class="jet-barcode"' in page
    assert "<rect" in page
    for item in order.items.all():
        assert item.description in page
        assert item.sku in page
        assert f'<td class="jet-qty">{item.quantity}</td>' in page
    for line in order.shipping_address_lines:
        assert line in page
    assert order.buyer_document_display in page


def test_one_orders_packing_list_has_its_items_address_and_barcode(client, lojista):
    order = OrderFactory(items=items(1))
    client.force_login(lojista)

    response = client.get(packing_list_url(order))

    assert response.status_code == 200
    html = response.content.decode()
    [page] = pages(html)
    assert_page_shows(page, order)
    assert "Lista de separação" in page
    assert "Rua das Flores, 123" in page
    assert "CEP 01001-000" in page
    assert "5 unidades a separar" in page


def test_the_order_page_links_to_its_packing_list(client, lojista):
    order = OrderFactory()
    client.force_login(lojista)

    html = client.get(change_url(order)).content.decode()

    assert f'href="{packing_list_url(order)}"' in html
    assert "Imprimir lista de separação" in html


def test_the_list_action_prints_the_selection_one_page_per_order(client, lojista):
    chosen = [OrderFactory(items=items(n)) for n in (1, 2, 3)]
    OrderFactory(customer_name="Não Selecionado")
    client.force_login(lojista)

    response = client.post(
        ORDER_LIST_URL,
        {"action": "print_packing_lists", helpers.ACTION_CHECKBOX_NAME: [o.pk for o in chosen]},
        follow=True,
    )

    assert response.redirect_chain[-1][0].startswith(SELECTION_URL)
    html = response.content.decode()
    found = pages(html)
    assert len(found) == 3
    for page, order in zip(found, chosen, strict=True):
        assert_page_shows(page, order)
    assert "Não Selecionado" not in html


def test_each_order_breaks_onto_its_own_printed_page():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("orders/packing.css")).read_text(encoding="utf-8")

    print_rules = css.split("@media print", 1)[1]
    assert "break-after: page" in print_rules
    assert "page-break-after: always" in print_rules
    assert ".jet-packing-toolbar { display: none; }" in print_rules


def test_a_selection_costs_the_same_queries_for_2_or_12_orders(
    client, lojista, django_assert_max_num_queries
):
    orders = [OrderFactory(items=items(n)) for n in range(12)]
    client.force_login(lojista)

    def url(chosen) -> str:
        return f"{SELECTION_URL}?ids={','.join(str(o.pk) for o in chosen)}"

    client.get(url(orders[:1]))  # warm the session and permission caches
    with django_assert_max_num_queries(6) as few:
        small = client.get(url(orders[:2]))
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        large = client.get(url(orders))

    assert len(pages(small.content.decode())) == 2
    assert len(pages(large.content.decode())) == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_no_inline_script_on_the_printed_page(client, lojista):
    order = OrderFactory()
    client.force_login(lojista)

    html = client.get(packing_list_url(order)).content.decode()

    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    assert all(" src=" in tag for tag in scripts)
    assert "onclick" not in html


def test_ids_that_are_not_orders_are_ignored_and_none_is_a_message(client, lojista):
    order = OrderFactory()
    client.force_login(lojista)

    response = client.get(SELECTION_URL, {"ids": f"{order.pk},abc,,-1,999999"})
    empty = client.get(SELECTION_URL, {"ids": "abc"}, follow=True)

    assert len(pages(response.content.decode())) == 1
    assert "Selecione os pedidos para imprimir a lista de separação." in empty.content.decode()


def test_who_may_not_see_orders_may_not_print_them(client):
    from tests.factories import UserFactory

    order = OrderFactory()
    client.force_login(UserFactory(is_staff=True))

    assert client.get(packing_list_url(order)).status_code == 403
    assert client.get(SELECTION_URL, {"ids": order.pk}).status_code == 403


def test_a_selection_too_large_to_print_at_once_says_so(client, lojista, monkeypatch):
    from orders.admin import packing

    monkeypatch.setattr(packing, "MAX_PACKING_ORDERS", 2)
    chosen = [OrderFactory() for _ in range(3)]
    client.force_login(lojista)

    response = client.post(
        ORDER_LIST_URL,
        {"action": "print_packing_lists", helpers.ACTION_CHECKBOX_NAME: [o.pk for o in chosen]},
        follow=True,
    )

    assert response.redirect_chain[-1][0].startswith(ORDER_LIST_URL)
    assert "Selecione no máximo 2 pedidos para imprimir de uma vez." in response.content.decode()
