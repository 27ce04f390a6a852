"""Who may process (docs/reliability.md, R22): every route into processing × every role;
denials change nothing."""

from __future__ import annotations

import pytest
from django.contrib.admin import helpers

from notifications.models import EmailOutbox
from orders.admin.bulk import BULK_CONFIRM
from orders.models import OrderStatusChange
from orders.statuses import OrderStatus
from tests.admin_urls import ORDER_LIST_URL, process_url
from tests.factories import OrderFactory, UserFactory

ROLES = ["customer", "staff_without_permission", "viewer", "lojista", "suporte", "superuser"]
PROCESSORS = {"lojista", "suporte", "superuser"}
SUPPORT = {"suporte", "superuser"}


@pytest.fixture
def login(db, client, request):
    def as_role(role: str):
        users = {
            "customer": lambda: UserFactory(username="cliente"),
            "staff_without_permission": lambda: UserFactory(username="semperm", is_staff=True),
            "superuser": lambda: UserFactory(username="root", is_staff=True, is_superuser=True),
        }
        user = users[role]() if role in users else request.getfixturevalue(role)
        client.force_login(user)
        return client

    return as_role


def rows() -> tuple[int, int]:
    return OrderStatusChange.objects.count(), EmailOutbox.objects.count()


def expect_denied(response, role: str) -> None:
    if role == "customer":
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_opening_the_processing_form(login, role):
    order = OrderFactory(status="aprovado")

    response = login(role).get(process_url(order))

    if role in PROCESSORS:
        assert response.status_code == 200
        assert "Processar pedido" in response.content.decode()
    else:
        expect_denied(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_processing_an_open_order(login, role):
    order = OrderFactory(status="aprovado")
    before = rows()
    data = {"expected_status": "aprovado", "to_status": "em_producao"}

    response = login(role).post(process_url(order), data)

    order.refresh_from_db()
    if role in PROCESSORS:
        assert response.status_code == 302
        assert order.status == OrderStatus.EM_PRODUCAO
        assert rows() == (before[0] + 1, before[1] + 1)
    else:
        expect_denied(response, role)
        assert order.status == OrderStatus.APROVADO
        assert rows() == before


@pytest.mark.parametrize("role", ROLES)
def test_forged_post_of_a_status_not_offered_changes_nothing(login, role):
    order = OrderFactory(status="novo")
    before = rows()

    response = login(role).post(
        process_url(order), {"expected_status": "novo", "to_status": "concluido"}
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.NOVO
    assert rows() == before
    if role in PROCESSORS:
        assert "Este status não pode ser escolhido agora" in response.content.decode()
    else:
        expect_denied(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_final_status_override(login, role):
    order = OrderFactory(status="cancelado")
    before = rows()
    data = {
        "expected_status": "cancelado",
        "to_status": "aprovado",
        "override_reason": "Pagamento compensado",
        "notify": "on",
    }

    client = login(role)
    response = client.post(process_url(order), data)

    order.refresh_from_db()
    if role in SUPPORT:
        assert order.status == OrderStatus.APROVADO
        assert rows() == (before[0] + 1, before[1] + 1)
        return
    assert order.status == OrderStatus.CANCELADO
    assert rows() == before
    if role == "lojista":
        page = client.get(response["Location"]).content.decode()
        assert "Somente o suporte da JET pode alterá-lo" in page
    else:
        expect_denied(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_bulk_action(login, role):
    orders = [OrderFactory(status="aprovado") for _ in range(3)]
    before = rows()
    data = {
        "action": "process_to_em_producao",
        helpers.ACTION_CHECKBOX_NAME: [order.pk for order in orders],
        # The confirmation page's button (tests/orders/test_bulk_confirmation.py shows it).
        BULK_CONFIRM: "Sim",
    }

    response = login(role).post(ORDER_LIST_URL, data)

    statuses = {order.__class__.objects.get(pk=order.pk).status for order in orders}
    if role in PROCESSORS:
        assert statuses == {OrderStatus.EM_PRODUCAO}
        assert rows() == (before[0] + 3, before[1] + 3)
        return
    assert statuses == {OrderStatus.APROVADO}
    assert rows() == before
    if role != "viewer":
        expect_denied(response, role)


def test_viewer_is_not_offered_the_bulk_actions(login):
    OrderFactory()

    response = login("viewer").get(ORDER_LIST_URL)

    assert "process_to_" not in response.content.decode()
