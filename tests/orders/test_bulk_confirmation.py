"""A bulk action first shows what it will do and how many customers it will e-mail."""

from __future__ import annotations

from django.contrib.admin import helpers

from notifications.models import EmailOutbox
from orders.admin.bulk import BULK_CONFIRM
from orders.models import Order, OrderStatusChange
from orders.statuses import OrderStatus
from tests.admin_urls import ORDER_LIST_URL
from tests.factories import OrderFactory


def choose(action: str, orders) -> dict:
    """What the list posts when the lojista picks an action and presses "Ir"."""
    return {
        "action": action,
        "index": "0",
        helpers.ACTION_CHECKBOX_NAME: [order.pk for order in orders],
    }


def test_the_confirmation_counts_the_customers_and_changes_nothing(client, lojista):
    approved = [OrderFactory(status="aprovado") for _ in range(3)]
    same_customer = OrderFactory(status="aprovado", customer_email=approved[0].customer_email)
    new = OrderFactory(status="novo")
    client.force_login(lojista)
    before = (OrderStatusChange.objects.count(), EmailOutbox.objects.count())

    response = client.post(
        ORDER_LIST_URL, choose("process_to_em_producao", [*approved, new, same_customer])
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Passar 4 pedidos para Em produção?" in text
    assert "3 clientes receberão um e-mail sobre a mudança." in text
    assert "(um e-mail por pedido: 4 no total)" in text
    assert "Nada foi alterado e nenhum e-mail foi enviado ainda." in text
    assert "1 pedido não será alterado" in text
    assert (
        f"{new.number}</strong> — Não é possível passar o pedido de Novo para Em produção: "
        "só a partir de Aprovado. Abra o pedido e leve-o antes ao status indicado, ou tire-o "
        "da seleção."
    ) in text
    assert 'value="Sim, passar 4 pedidos para Em produção"' in text
    assert (OrderStatusChange.objects.count(), EmailOutbox.objects.count()) == before
    assert set(Order.objects.values_list("status", flat=True)) == {"aprovado", "novo"}


def test_confirming_performs_the_action_on_the_same_selection(client, lojista):
    approved = [OrderFactory(status="aprovado") for _ in range(2)]
    client.force_login(lojista)
    shown = client.post(ORDER_LIST_URL, choose("process_to_em_producao", approved))
    assert shown.status_code == 200

    # The confirmation page's form, as the browser sends it.
    data = {
        "action": "process_to_em_producao",
        "select_across": "0",
        helpers.ACTION_CHECKBOX_NAME: [str(o.pk) for o in approved],
        BULK_CONFIRM: "Sim, passar 2 pedidos para Em produção",
    }
    response = client.post(ORDER_LIST_URL, data, follow=True)

    assert "2 pedidos passaram para Em produção; cada cliente receberá um e-mail." in (
        response.content.decode()
    )
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.EM_PRODUCAO}


def test_nothing_applicable_offers_no_confirm_button_and_says_what_to_do(client, lojista):
    done = OrderFactory(status="concluido")
    used = OrderFactory(status="em_producao")
    client.force_login(lojista)

    response = client.post(ORDER_LIST_URL, choose("process_to_em_producao", [done, used]))

    text = response.content.decode()
    assert "Nenhum dos pedidos selecionados pode passar para Em produção agora" in text
    assert 'name="confirmar_lote"' not in text
    assert f"{done.number}</strong> — o pedido está em status final" in text
    assert "Tire-o da seleção: ele já passou por esse status." in text


def test_the_confirmation_page_keeps_its_queries_bounded(
    client, lojista, django_assert_max_num_queries
):
    orders = [OrderFactory(status="aprovado") for _ in range(10)]
    client.force_login(lojista)

    # Session, user, permissions, the selection; none per order that will change.
    with django_assert_max_num_queries(12):
        client.post(ORDER_LIST_URL, choose("process_to_em_producao", orders))
