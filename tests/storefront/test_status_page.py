"""The signed status page each e-mail links to: /pedido/<token>/, no login needed."""

from __future__ import annotations

import pytest
from django.core import signing

from orders.links import SALT, order_status_path, order_status_token
from tests.factories import OrderFactory, dispatched_with_message_and_note

pytestmark = pytest.mark.django_db


def test_the_right_token_opens_the_order_without_login(client):
    order = OrderFactory(status="despachado")

    response = client.get(order_status_path(order))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Pedido nº {order.number}" in html
    assert "Seu pedido foi despachado e está a caminho." in html
    assert "AA123456785BR" in html
    assert "Rastrear entrega" in html
    # Search engines must never index a page opened by a secret link.
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-store" in response["Cache-Control"]


def test_the_link_carries_nothing_but_the_signed_token(client):
    order = OrderFactory(customer_email="carla@exemplo.com.br")

    path = order_status_path(order)

    assert path == f"/pedido/{order_status_token(order)}/"
    assert order.number not in path
    assert "carla" not in path


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(token.split(":")[0], "Mg", 1),
        lambda token: "nao-e-um-token",
        lambda token: signing.dumps(1, salt="outro-proposito"),
        lambda token: signing.dumps("1", salt=SALT),
    ],
    ids=["bad-signature", "other-id-same-signature", "garbage", "foreign-salt", "not-an-id"],
)
def test_a_tampered_or_foreign_token_is_a_404(client, tamper):
    order = OrderFactory()
    OrderFactory()

    response = client.get(f"/pedido/{tamper(order_status_token(order))}/")

    assert response.status_code == 404
    assert order.customer_name not in response.content.decode()


def test_a_token_for_an_order_that_no_longer_exists_is_a_404(client):
    token = signing.dumps(987654, salt=SALT)

    assert client.get(f"/pedido/{token}/").status_code == 404


def test_the_status_page_shows_no_internal_note(client, lojista_actor):
    order = dispatched_with_message_and_note(
        by=lojista_actor,
        message="Enviamos hoje pela manhã.",
        note="NOTA INTERNA: endereço conferido por telefone",
    )

    html = client.get(order_status_path(order)).content.decode()

    assert "Enviamos hoje pela manhã." in html
    assert "NOTA INTERNA" not in html
    assert "Lúcia" not in html


def test_the_status_page_needs_the_same_queries_however_long_the_history(
    client, django_assert_max_num_queries
):
    short = OrderFactory()
    # The order, its items, its history and its carrier scans.
    with django_assert_max_num_queries(4) as one:
        client.get(order_status_path(short))

    long = OrderFactory(status="concluido")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(order_status_path(long))

    assert "Seu pedido foi entregue." in response.content.decode()
