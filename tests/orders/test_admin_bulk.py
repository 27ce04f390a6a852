"""Bulk processing from the list: each order through the service, with an honest report."""

from __future__ import annotations

from django.contrib.admin import helpers

from orders.admin.bulk import BULK_CONFIRM
from orders.models import Order
from orders.statuses import OrderStatus
from tests.admin_urls import ORDER_LIST_URL
from tests.factories import OrderFactory


def run_action(client, action: str, orders):
    """The action as the lojista runs it: chosen on the list, then confirmed."""
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [order.pk for order in orders]}
    confirmation = client.post(ORDER_LIST_URL, {**data, "index": "0"})
    assert confirmation.status_code == 200
    assert "data-bulk-confirmation" in confirmation.content.decode()
    return client.post(ORDER_LIST_URL, {**data, BULK_CONFIRM: "Sim"}, follow=True)


def test_bulk_reports_what_changed_and_what_could_not_and_why(client, suporte):
    approved = [OrderFactory(status="aprovado"), OrderFactory(status="aprovado")]
    new = OrderFactory(status="novo")
    done = OrderFactory(status="concluido")
    client.force_login(suporte)

    response = run_action(client, "process_to_em_producao", [*approved, new, done])

    text = response.content.decode()
    assert "2 pedidos passaram para Em produção; cada cliente receberá um e-mail." in text
    assert "2 pedidos não foram alterados:" in text
    refusal = "Não é possível passar o pedido de Novo para Em produção: só a partir de Aprovado."
    assert f"{new.number} — {refusal}" in text
    assert f"{done.number} — o pedido está em status final" in text
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert [statuses[o.pk] for o in approved] == [OrderStatus.EM_PRODUCAO] * 2
    assert statuses[new.pk] == OrderStatus.NOVO
    assert statuses[done.pk] == OrderStatus.CONCLUIDO


def test_bulk_offers_only_statuses_without_fields(client, lojista):
    OrderFactory()
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL)

    choices = [value for value, _ in response.context["action_form"].fields["action"].choices]
    # Other actions (printing, exporting) change no status and are not counted here.
    assert [choice for choice in choices if choice.startswith("process_to_")] == [
        "process_to_em_aprovacao",
        "process_to_aprovado",
        "process_to_em_producao",
        "process_to_tracking",
        "process_to_concluido",
    ]
    assert "Passar selecionados para Aprovado" in response.content.decode()


def test_bulk_never_uses_a_status_twice(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)

    response = run_action(client, "process_to_aprovado", [order])

    assert "1 pedido não foi alterado:" in response.content.decode()
    assert order.status_changes.filter(to_status="aprovado").count() == 1
