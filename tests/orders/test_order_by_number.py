"""/admin/orders/order/numero/<number>/: the lojista's order numbers, never confused with ids."""

from __future__ import annotations

from django.urls import reverse

from orders.models import Order
from tests.admin_urls import change_url
from tests.factories import OrderFactory


def by_number(number: str) -> str:
    return reverse("admin:orders_order_by_number", args=[number])


def test_a_number_redirects_to_the_order_page(client, lojista):
    order = OrderFactory()
    client.force_login(lojista)

    response = client.get(by_number(order.number))

    assert response.status_code == 302
    assert response["Location"] == change_url(order)
    assert by_number(order.number) == f"/admin/orders/order/numero/{order.number}/"


def test_numbers_and_ids_that_collide_are_never_reinterpreted(client, lojista):
    first, second = OrderFactory(customer_name="Ana Primeira"), OrderFactory()
    # The second order's number is the first order's id: the two URLs must disagree.
    Order.objects.filter(pk=second.pk).update(number=str(first.pk))
    client.force_login(lojista)

    by_id = client.get(change_url(first))
    number = client.get(by_number(str(first.pk)))

    assert "Ana Primeira" in by_id.content.decode()
    assert number["Location"] == change_url(second)


def test_an_unknown_number_is_a_404_page_in_portuguese(client, lojista):
    OrderFactory()
    client.force_login(lojista)

    for number in ["999999", "abc", "1" * 30]:
        response = client.get(by_number(number))
        text = response.content.decode()
        assert response.status_code == 404
        assert f"Não há pedido com o número “{number}”." in text
        assert "Pedido não encontrado" in text
        assert "Buscar" in text


def test_staff_without_the_order_view_permission_are_refused(client, db):
    from tests.factories import UserFactory

    order = OrderFactory()
    client.force_login(UserFactory(username="sem-acesso", is_staff=True))

    assert client.get(by_number(order.number)).status_code == 403


def test_the_order_page_links_to_its_address_by_number(client, lojista):
    order = OrderFactory()
    client.force_login(lojista)

    text = client.get(change_url(order)).content.decode()

    assert f'href="{by_number(order.number)}"' in text
    assert "Link pelo número" in text
