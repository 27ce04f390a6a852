"""The order list: columns, search, filters, order, and a constant number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from orders.admin import pagination as admin_pagination
from orders.models import Order
from orders.statuses import OrderStatus
from tests.admin_urls import ORDER_LIST_URL
from tests.factories import OrderFactory, dispatch_fields, make_nfe_key


def bulk_orders(count: int, start: int = 500_000) -> None:
    """Many orders at once, bypassing the service: only the list's columns matter here."""
    now = timezone.now()
    statuses = list(OrderStatus)
    Order.objects.bulk_create(
        Order(
            number=str(start + i),
            customer_name=f"Cliente {i}",
            customer_email=f"cliente{i}@exemplo.com.br",
            status=statuses[i % len(statuses)],
            total=Decimal("100.00") + i,
            status_changed_at=now,
        )
        for i in range(count)
    )


def numbers_on_page(response) -> list[str]:
    return [order.number for order in response.context["cl"].result_list]


def test_list_shows_number_date_customer_total_badge_and_last_change(client, lojista):
    order = OrderFactory(status="aprovado", customer_name="Maria da Silva")
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL)

    text = response.content.decode()
    assert order.number in text
    assert "Maria da Silva" in text
    assert order.customer_email in text
    assert "R$ 218,70" in text
    assert 'class="jet-status jet-status--aprovado">' in text
    assert '<span class="jet-status__symbol" aria-hidden="true">✓</span> Aprovado</span>' in text
    for header in ["Pedido", "Data", "Cliente", "Total", "Status", "Última alteração"]:
        assert f">{header}<" in text or f">{header}</a>" in text


def test_list_is_newest_first(client, lojista):
    older = OrderFactory()
    newer = OrderFactory()
    Order.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL)

    assert numbers_on_page(response) == [newer.number, older.number]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("customer_name", "Joaquina"),
        ("customer_email", "joaquina@exemplo.com.br"),
        ("tracking_code", "AA123456785BR"),
        ("invoice_number", "1234"),
        ("nfe_key", make_nfe_key(1234)),
    ],
)
def test_search_finds_an_order_by(client, lojista, field, value):
    wanted = OrderFactory(
        status="despachado",
        customer_name="Joaquina Pereira",
        customer_email="joaquina@exemplo.com.br",
    )
    OrderFactory(status="aprovado", customer_name="Outro Cliente")
    client.force_login(lojista)
    # A search by order number lands on the order itself: tests/orders/test_admin_search.py.
    response = client.get(ORDER_LIST_URL, {"q": value})

    assert numbers_on_page(response) == [wanted.number]


def test_search_finds_an_nfe_key_pasted_with_spaces(client, lojista):
    wanted = OrderFactory(status="despachado")
    OrderFactory()
    client.force_login(lojista)
    key = make_nfe_key(1234)
    spaced = " ".join(key[i : i + 4] for i in range(0, 44, 4))

    response = client.get(ORDER_LIST_URL, {"q": spaced})

    assert numbers_on_page(response) == [wanted.number]


def test_filters_by_status_and_date(client, lojista):
    approved = OrderFactory(status="aprovado")
    OrderFactory(status="novo")
    old = OrderFactory(status="aprovado")
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    client.force_login(lojista)

    by_status = client.get(ORDER_LIST_URL, {"status__exact": "aprovado"})
    today = timezone.localdate()
    by_date = client.get(
        ORDER_LIST_URL,
        {
            "status__exact": "aprovado",
            "criado_de": (today - timedelta(days=7)).strftime("%d/%m/%Y"),
            "criado_ate": today.strftime("%d/%m/%Y"),
        },
    )

    assert set(numbers_on_page(by_status)) == {approved.number, old.number}
    assert numbers_on_page(by_date) == [approved.number]
    text = by_status.content.decode()
    assert "Por status" in text
    assert "Por data do pedido" in text
    assert "Últimos 7 dias" in text


def test_the_status_cannot_be_changed_from_the_list(client, lojista):
    order = OrderFactory()
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL)

    assert 'name="form-0-status"' not in response.content.decode()
    assert order.status == OrderStatus.NOVO


@pytest.mark.parametrize("size", [10, 1000])
def test_list_queries_stay_constant_from_10_to_1000_orders(
    client, lojista, django_assert_max_num_queries, size
):
    OrderFactory(status="despachado", items=None)
    bulk_orders(size)
    client.force_login(lojista)
    # session, user, 2 permission lookups, the status time limits (for the Atrasado badge),
    # the capped count, the page and the status counts (cached for 30 s,
    # tests/orders/test_admin_list_tools.py): 8, at any size
    cache.clear()
    with django_assert_max_num_queries(8):
        response = client.get(ORDER_LIST_URL)
    with django_assert_max_num_queries(8):
        client.get(ORDER_LIST_URL, {"q": "Cliente", "status__exact": "novo"})

    assert len(response.context["cl"].result_list) == min(size + 1, 50)


def test_a_huge_list_is_not_counted_in_full(client, lojista, monkeypatch):
    monkeypatch.setattr(admin_pagination.CappedCountPaginator, "count_cap", 20)
    bulk_orders(30)
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL)

    assert "Mais de 20 pedidos: use a busca ou os filtros" in response.content.decode()
    assert response.context["cl"].paginator.count == 21


def test_search_of_a_dispatched_order_shows_it_once(client, lojista):
    wanted = OrderFactory(status="despachado")
    Order.objects.filter(pk=wanted.pk).update(**dispatch_fields(1234))
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL, {"q": dispatch_fields(1234)["tracking_code"]})

    assert numbers_on_page(response) == [wanted.number]
