"""GET /api/v1/orders for ERPs that poll, and request bodies that refuse unknown fields."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order
from orders.statuses import OrderStatus
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders"


def get(client, token, **params):
    return client.get(URL, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [order["number"] for order in response.json()["results"]]


def test_the_list_pages_through_every_order_once_with_its_cursor(client, api_token):
    made = [OrderFactory().number for _ in range(5)]

    seen, cursor = [], None
    for _ in range(3):
        page = get(client, api_token, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += numbers(page)
        cursor = page.json()["next_cursor"]
    assert seen == made
    assert cursor is None


def test_a_poller_with_a_saved_cursor_gets_only_what_changed(client, api_token, lojista_actor):
    from orders.services import order_process

    first, second = OrderFactory(), OrderFactory()
    cursor = get(client, api_token, limit=1).json()["next_cursor"]
    page = get(client, api_token, limit=5, cursor=cursor)
    assert numbers(page) == [second.number]
    # when the first order changes, it comes again after the saved cursor
    order_process(first, to_status=OrderStatus.APROVADO, by=lojista_actor)

    assert numbers(get(client, api_token, cursor=cursor)) == [second.number, first.number]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "aprovado"}, ["approved"]),
        ({"customer_email": "ANA@exemplo.com.br"}, ["ana"]),
        ({"updated_since": "recent"}, ["recent"]),
    ],
    ids=["status", "customer-email", "updated-since"],
)
def test_the_list_filters(client, api_token, params, expected):
    made = {
        "approved": OrderFactory(status=OrderStatus.APROVADO),
        "ana": OrderFactory(customer_email="ana@exemplo.com.br"),
        "recent": OrderFactory(),
    }
    old = timezone.now() - timedelta(days=2)
    Order.objects.exclude(pk=made["recent"].pk).update(updated_at=old)
    if params.get("updated_since") == "recent":
        params = {"updated_since": (old + timedelta(days=1)).isoformat()}

    assert numbers(get(client, api_token, **params)) == [made[key].number for key in expected]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "nao-e-um-cursor"}, "cursor"),
        ({"status": "enviado"}, "status"),
        ({"updated_since": "0001-01-01T00:00:00+05:00"}, "updated_since"),
    ],
    ids=["cursor", "status", "before-year-one"],
)
def test_bad_filters_are_a_clear_400(client, api_token, params, field):
    response = get(client, api_token, **params)

    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_an_offset_postgresql_does_not_know_is_still_a_moment(client, api_token):
    # Python takes +21:26, PostgreSQL does not (found by the schema-driven fuzzer): it is
    # compared as the UTC instant it names.
    order = OrderFactory()

    response = get(client, api_token, updated_since="2000-01-01T08:17:08+21:26")

    assert numbers(response) == [order.number]


def test_the_list_costs_the_same_queries_for_many_orders(
    client, api_token, django_assert_max_num_queries
):
    OrderFactory()
    with django_assert_max_num_queries(3) as one:
        get(client, api_token)
    for _ in range(20):
        OrderFactory()

    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(numbers(get(client, api_token))) == 21


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/orders/{number}/status", {"status": "despachado", "dispatch": {"carrier": "X"}}),
        (
            "/api/v1/orders",
            {
                "customer_name": "Ana",
                "customer_email": "ana@exemplo.com.br",
                "total": "10.00",
                "items": [{"description": "Caneca", "quantity": 1, "unit_price": "10.00"}],
                "cupom": "BLACKFRIDAY",
            },
        ),
    ],
    ids=["status-with-a-wrapper", "order-with-an-unknown-field"],
)
def test_an_unknown_field_is_refused_never_ignored(client, api_token, path, body):
    order = OrderFactory(status=OrderStatus.APROVADO)

    response = client.post(
        path.format(number=order.number),
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token}",
    )

    assert response.status_code == 400
    unknown = "dispatch" if "dispatch" in body else "cupom"
    assert "Campo desconhecido" in response.json()["fields"][unknown][0]
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO
