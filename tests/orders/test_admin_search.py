"""The search box looks a term up in the one indexed column its shape names, so a search costs
one index scan on a million orders (docs/performance.md)."""

from __future__ import annotations

import pytest

from orders.admin.search import order_search
from orders.models import Order
from tests.admin_urls import ORDER_LIST_URL, change_url
from tests.factories import OrderFactory, make_nfe_key


def where_clause(term: str) -> str:
    sql = str(Order.objects.filter(order_search(term)).query)
    return sql.split(" WHERE ", 1)[1]


@pytest.mark.parametrize(
    ("term", "column"),
    [
        ("Ana@Exemplo.com.br", '"customer_email" = ana@exemplo.com.br'),
        (make_nfe_key(1234), '"nfe_key" = '),
        ("aa123456785br", '"tracking_code" = AA123456785BR'),
        ("JD0123456789", '"tracking_code" = JD0123456789'),
    ],
    ids=["e-mail", "nfe-key", "correios-code", "other-carrier-code"],
)
def test_a_term_is_looked_up_in_the_one_column_its_shape_names(term, column):
    clause = where_clause(term)

    assert column in clause
    assert "customer_name" not in clause
    assert " OR " not in clause


def test_a_number_is_an_order_or_an_invoice_number():
    clause = where_clause("100042")

    assert '"number" = 100042' in clause
    assert '"invoice_number" = 100042' in clause
    assert "customer_name" not in clause


def test_anything_else_is_part_of_a_name():
    assert "customer_name" in where_clause("Joaquina")


@pytest.mark.django_db
def test_searching_an_order_number_lands_on_that_order(client, lojista):
    wanted = OrderFactory()
    OrderFactory()
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL, {"q": wanted.number})

    assert response.status_code == 302
    assert response.url == change_url(wanted)


@pytest.mark.django_db
def test_a_search_that_matches_several_orders_stays_a_list(client, lojista):
    # An invoice number that two orders share (two stores' series, a re-issued note).
    first = OrderFactory(status="despachado")
    second = OrderFactory(status="despachado")
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL, {"q": first.invoice_number})

    assert first.invoice_number == second.invoice_number
    assert response.status_code == 200
