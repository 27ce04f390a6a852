"""The order page: the order read-only, the Processar pedido button and the timeline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.actors import Actor
from orders.models import OrderStatusChange
from orders.services import order_process
from orders.statuses import OrderStatus
from tests.admin_urls import change_url, process_url
from tests.factories import OrderFactory, PaymentEventFactory, dispatch_fields, make_nfe_key
from tests.orders.test_admin_order_list import bulk_orders


def test_order_page_shows_the_order_read_only(client, lojista):
    order = OrderFactory(status="despachado", customer_name="Ana Souza")
    client.force_login(lojista)

    response = client.get(change_url(order))

    text = response.content.decode()
    for expected in [
        "Ana Souza",
        order.customer_email,
        "Camiseta básica",
        "Boné bordado",
        "R$ 119,80",  # 2 × 59,90
        "R$ 218,70",
        "Rua das Flores, 123",
        "São Paulo / SP",
        "01001-000",
        "Dados do despacho",
        make_nfe_key(1234),
        "SEDEX",
        "rastrear na transportadora",
    ]:
        assert expected in text, expected
    assert 'name="status"' not in text
    assert '<select name="status"' not in text
    assert 'name="_save"' not in text


def test_dispatch_data_appears_only_once_it_exists(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)

    assert "Dados do despacho" not in client.get(change_url(order)).content.decode()


def test_posting_a_status_to_the_order_page_is_refused(client, lojista):
    order = OrderFactory(status="novo")
    client.force_login(lojista)

    response = client.post(change_url(order), {"status": "concluido"})

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.NOVO


def test_superuser_cannot_edit_the_status_either(admin_client):
    order = OrderFactory(status="novo")

    response = admin_client.post(change_url(order), {"status": "concluido"})

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.NOVO
    assert admin_client.get(reverse("admin:orders_order_add")).status_code == 403
    assert admin_client.post(reverse("admin:orders_order_delete", args=[order.pk])).status_code == (
        403
    )


def test_timeline_shows_every_change_with_who_did_it(client, lojista):
    order = OrderFactory(status="novo")
    order_process(order, to_status="em_aprovacao", by=Actor.gateway("Mercado Pago"))
    order_process(order, to_status="aprovado", by=Actor.integration("ERP Bling"))
    order_process(
        order,
        to_status="despachado",
        by=Actor.person(lojista),
        fields=dispatch_fields(),
        message="Chega na sexta!",
        note="Embalar com cuidado",
    )
    client.force_login(lojista)

    response = client.get(change_url(order))

    text = response.content.decode()
    timeline = text[text.index('id="andamento"') :]
    assert "Andamento do pedido" in text
    for expected in [
        "Novo",
        "por Sistema",
        "Em aprovação",
        "por Gateway de pagamento",
        "por Integração (ERP Bling)",
        "por Lúcia Lojista",
        "Despachado",
        "Chave NF-e",
        make_nfe_key(1234),
        "Nome da Transportadora",
        "Correios",
        "Mensagem ao cliente:",
        "Chega na sexta!",
        "Observação interna:",
        "Embalar com cuidado",
    ]:
        assert expected in timeline, expected
    assert [row.status for row in response.context["timeline"]] == [
        "novo",
        "em_aprovacao",
        "aprovado",
        "despachado",
    ]


def test_timeline_marks_overrides_and_revoked_rows(client, suporte):
    order = OrderFactory(status="cancelado")
    order_process(
        order, to_status="aprovado", by=Actor.person(suporte), override_reason="Estorno desfeito"
    )
    client.force_login(suporte)

    response = client.get(change_url(order))

    text = response.content.decode()
    assert "Alteração do suporte" in text
    assert "Motivo da alteração:" in text
    assert "Estorno desfeito" in text
    assert "jet-timeline-row--revoked" in text
    revoked = [row for row in response.context["timeline"] if row.revoked]
    assert [row.status for row in revoked] == ["cancelado"]
    assert "Revogado por uma alteração do suporte em" in text


@pytest.mark.parametrize(
    ("status", "user_fixture", "button", "notice"),
    [
        ("aprovado", "lojista", True, False),
        ("aprovado", "viewer", False, False),
        ("concluido", "lojista", False, True),
        ("cancelado", "suporte", True, False),
        ("aprovado", "suporte", True, False),
    ],
)
def test_processar_button_only_for_who_may_process_now(
    db, client, request, status, user_fixture, button, notice
):
    order = OrderFactory(status=status)
    client.force_login(request.getfixturevalue(user_fixture))

    text = client.get(change_url(order)).content.decode()

    assert (process_url(order) in text) is button
    assert ("Somente o suporte da JET pode alterá-lo" in text) is notice


def test_history_is_view_only_in_the_admin(admin_client):
    order = OrderFactory(status="aprovado")
    change = order.status_changes.first()

    delete = admin_client.post(
        reverse("admin:orders_orderstatuschange_delete", args=[change.pk]), {"post": "yes"}
    )
    edit = admin_client.post(
        reverse("admin:orders_orderstatuschange_change", args=[change.pk]), {"to_status": "novo"}
    )
    add = admin_client.get(reverse("admin:orders_orderstatuschange_add"))

    assert (delete.status_code, edit.status_code, add.status_code) == (403, 403, 403)
    assert OrderStatusChange.objects.filter(pk=change.pk, to_status=change.to_status).exists()


@pytest.mark.parametrize("size", [10, 1000])
def test_order_page_queries_stay_constant_from_10_to_1000_orders(
    client, lojista, django_assert_max_num_queries, size
):
    order = OrderFactory(status="despachado")
    bulk_orders(size)
    client.force_login(lojista)

    # session, user, 2 permission lookups, the order, its items, payment events, tracking
    # scans, history, dispatch corrections, the status time limits (the Atrasado badge).
    # One of them reads the e-mail state of every row.
    with django_assert_max_num_queries(12):
        response = client.get(change_url(order))

    assert response.status_code == 200


def test_a_chargeback_is_flagged_on_the_order_page(client, lojista):
    order = OrderFactory(status="aprovado")
    PaymentEventFactory(order=order, chargeback=True)
    client.force_login(lojista)

    text = client.get(change_url(order)).content.decode()

    assert "Eventos de pagamento" in text
    assert "Este pedido tem eventos de pagamento que requerem atenção" in text
    assert "Chargeback" in text
    assert "Contestação aberta pelo titular do cartão." in text
    assert "Requer atenção" in text


def test_orders_without_payment_events_show_no_payment_section(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)

    assert 'id="pagamentos"' not in client.get(change_url(order)).content.decode()


def test_timeline_shows_each_changes_email_state(
    client, lojista, django_capture_on_commit_callbacks
):
    from notifications.models import EmailOutbox, OutboxStatus

    # given an order whose creation e-mail went out and whose approval e-mail failed for good
    with django_capture_on_commit_callbacks(execute=True):
        order = OrderFactory(status="aprovado")
    approval = order.status_changes.get(to_status="aprovado")
    EmailOutbox.objects.filter(dedupe_key=f"order-status-change:{approval.pk}").update(
        status=OutboxStatus.DEAD
    )
    client.force_login(lojista)
    # when staff open the order
    text = client.get(change_url(order)).content.decode()
    # then the creation e-mail reads as sent and the approval's as failed
    timeline = text[text.index('id="andamento"') :]
    assert timeline.count("✉ Enviado") == 1
    assert "✉ Falhou" in timeline
