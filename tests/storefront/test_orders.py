"""The customer area's order list and order page: what a customer sees, and only their own."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from orders.services import order_process
from orders.statuses import CUSTOMER_DESCRIPTIONS, OrderStatus
from tests.factories import (
    OrderFactory,
    dispatch_fields,
    dispatched_with_message_and_note,
    verified_customer,
)

pytestmark = pytest.mark.django_db


def timeline_html(html: str) -> str:
    return html.split('id="timeline-title"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def ana(client):
    user = verified_customer("ana@exemplo.com.br")
    client.force_login(user)
    return user


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    order = OrderFactory()

    for url in [reverse("customer_orders"), reverse("customer_order", args=[order.number])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/conta/login/?next=")


def test_the_list_shows_the_customers_orders_newest_first_with_what_each_status_means(client, ana):
    older = OrderFactory(customer_email="ana@exemplo.com.br", status="aprovado")
    newer = OrderFactory(customer_email="ana@exemplo.com.br", status="despachado")
    OrderFactory(customer_email="bruno@exemplo.com.br")

    html = client.get(reverse("customer_orders")).content.decode()

    numbers = re.findall(r"Pedido nº (\d+)", html)
    assert numbers == [newer.number, older.number]
    assert str(CUSTOMER_DESCRIPTIONS[OrderStatus.DESPACHADO]) in html
    assert str(CUSTOMER_DESCRIPTIONS[OrderStatus.APROVADO]) in html
    assert "R$ 218,70" in html  # 2 × 59,90 + 79,00 + 19,90 of shipping
    assert f"Feito em {timezone.localtime(newer.created_at):%d/%m/%Y}" in html


def test_a_customer_without_orders_is_told_how_orders_show_up(client, ana):
    html = client.get(reverse("customer_orders")).content.decode()

    assert "Nenhum pedido encontrado" in html
    assert "Meus e-mails" in html


def test_orders_linked_to_the_account_show_whatever_their_email(client, ana):
    order = OrderFactory(customer_email="outro@exemplo.com.br", customer=ana)

    response = client.get(reverse("customer_order", args=[order.number]))

    assert response.status_code == 200


def test_the_order_page_shows_items_totals_address_progress_and_dispatch(client, ana):
    order = OrderFactory(customer_email="ana@exemplo.com.br", status="despachado")

    html = client.get(reverse("customer_order", args=[order.number])).content.decode()

    assert f"Pedido nº {order.number}" in html
    assert "Camiseta básica" in html
    assert "R$ 119,80" in html  # the shirts' line total
    assert "R$ 19,90" in html  # shipping
    assert "R$ 218,70" in html
    assert "Rua das Flores, 123" in html
    assert "01001-000" in html
    steps = re.findall(r'progress__step--(\w+)"[^>]*>.*?progress__label">([^<]+)<', html, re.S)
    assert steps == [
        ("done", "Novo"),
        ("done", "Aprovado"),
        ("current", "Despachado"),
        ("todo", "Concluído"),
    ]
    fields = dispatch_fields()
    assert fields["invoice_number"] in html
    assert " ".join(re.findall(".{4}", fields["nfe_key"])) in html
    assert "Correios" in html
    assert "SEDEX" in html
    assert 'href="https://rastreamento.correios.com.br/app/index.php?objeto=AA123456785BR"' in html


def test_no_dispatch_block_before_the_order_is_dispatched(client, ana):
    order = OrderFactory(customer_email="ana@exemplo.com.br", status="aprovado")

    html = client.get(reverse("customer_order", args=[order.number])).content.decode()

    assert "Código de rastreio" not in html
    assert "Rastrear entrega" not in html


def test_a_cancelled_order_shows_as_cancelled_with_no_steps_ahead(client, ana):
    order = OrderFactory(customer_email="ana@exemplo.com.br", status="cancelado")

    html = client.get(reverse("customer_order", args=[order.number])).content.decode()

    steps = re.findall(r'progress__step--(\w+)"[^>]*>.*?progress__label">([^<]+)<', html, re.S)
    assert steps == [("done", "Novo"), ("cancelled", "Cancelado")]
    assert "Seu pedido foi cancelado." in html


def test_the_timeline_shows_messages_to_the_customer_never_staff_only_data(
    client, ana, lojista_actor, suporte_actor
):
    # given an order with a message, an internal note and a support override
    order = dispatched_with_message_and_note(
        customer_email="ana@exemplo.com.br",
        by=lojista_actor,
        message="Seu pacote saiu hoje, bom proveito!",
        note="NOTA INTERNA: cliente reclamou no SAC",
    )
    order_process(order, to_status=OrderStatus.CONCLUIDO, by=lojista_actor)
    order_process(
        order,
        to_status=OrderStatus.TRACKING,
        by=suporte_actor,
        override_reason="MOTIVO DO SUPORTE: entrega não confirmada",
        message="Sua entrega ainda está a caminho.",
    )

    # when the customer opens the order
    html = client.get(reverse("customer_order", args=[order.number])).content.decode()

    # then they see the messages, and none of the staff-only data
    timeline = timeline_html(html)
    assert "Seu pacote saiu hoje, bom proveito!" in timeline
    assert "Sua entrega ainda está a caminho." in timeline
    labels = re.findall(r"<strong>([^<]+)</strong>", timeline)
    # Concluído was revoked; customers read "Em trânsito" where staff read "Tracking".
    assert labels == ["Em trânsito", "Despachado", "Aprovado", "Novo"]
    for secret in ["NOTA INTERNA", "MOTIVO DO SUPORTE", "Lúcia", "Lojista", "Sérgio", "Suporte"]:
        assert secret not in html


def test_every_order_of_another_customer_is_a_404(client, ana):
    # given Ana's own order and Bruno's orders, by id and by number
    own = OrderFactory(customer_email="ana@exemplo.com.br")
    bruno = verified_customer("bruno@exemplo.com.br")
    others = [
        OrderFactory(customer_email="bruno@exemplo.com.br"),
        OrderFactory(customer_email="bruno@exemplo.com.br", status="despachado"),
        OrderFactory(customer_email="sem-conta@exemplo.com.br", customer=bruno),
    ]
    every_reference = {str(o.pk) for o in Order.objects.all()}
    every_reference |= {o.number for o in Order.objects.all()}

    # when Ana asks for every one of them
    seen = {
        reference
        for reference in every_reference
        if client.get(reverse("customer_order", args=[reference])).status_code == 200
    }

    # then only her own order opens, and Bruno's are 404 like numbers that do not exist
    assert seen == {own.number}
    for other in others:
        response = client.get(reverse("customer_order", args=[other.number]))
        assert response.status_code == 404
        assert other.customer_name not in response.content.decode()
    assert client.get(reverse("customer_order", args=["999999999"])).status_code == 404


def test_the_list_needs_the_same_queries_however_many_orders(
    client, ana, django_assert_max_num_queries
):
    OrderFactory(customer_email="ana@exemplo.com.br")
    with django_assert_max_num_queries(5) as one:
        client.get(reverse("customer_orders"))

    for status in ["aprovado", "despachado", "concluido", "cancelado", "tracking"]:
        OrderFactory(customer_email="ana@exemplo.com.br", status=status)
    OrderFactory(customer=ana, customer_email="outro@exemplo.com.br")
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("customer_orders")).content.decode()

    assert html.count("order-card__link") == 7


def test_the_order_page_needs_the_same_queries_however_long_its_history(
    client, ana, django_assert_max_num_queries
):
    short = OrderFactory(customer_email="ana@exemplo.com.br")
    # The order, its items, its history and its carrier scans, plus session and account.
    with django_assert_max_num_queries(7) as one:
        client.get(reverse("customer_order", args=[short.number]))

    long = OrderFactory(
        customer_email="ana@exemplo.com.br",
        status="concluido",
        items=[
            {"description": f"Produto {n}", "quantity": n, "unit_price": "10.00"}
            for n in range(1, 9)
        ],
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("customer_order", args=[long.number])).content.decode()

    assert "Produto 8" in html
    assert timeline_html(html).count('<li class="timeline__entry') == 5


def test_long_lists_are_paged_and_a_bad_page_number_still_answers(client, ana, monkeypatch):
    monkeypatch.setattr("storefront.views.ORDERS_PER_PAGE", 2)
    orders = [OrderFactory(customer_email="ana@exemplo.com.br") for _ in range(3)]

    first = client.get(reverse("customer_orders")).content.decode()
    second = client.get(reverse("customer_orders"), {"pagina": "2"}).content.decode()

    assert re.findall(r"Pedido nº (\d+)", first) == [orders[2].number, orders[1].number]
    assert re.findall(r"Pedido nº (\d+)", second) == [orders[0].number]
    assert "Página 1 de 2" in first
    for bad in ["abc", "999", "-1"]:
        response = client.get(reverse("customer_orders"), {"pagina": bad})
        assert response.status_code == 200


def test_dispatch_data_of_a_dispatch_that_support_revoked_is_not_shown(client, ana, suporte_actor):
    order = OrderFactory(customer_email="ana@exemplo.com.br", status="concluido")
    order_process(
        order,
        to_status=OrderStatus.APROVADO,
        by=suporte_actor,
        override_reason="Pedido devolvido à expedição",
    )

    html = client.get(reverse("customer_order", args=[order.number])).content.decode()

    assert "Rastrear entrega" not in html
    assert "AA123456785BR" not in html
    assert re.findall(r"<strong>([^<]+)</strong>", timeline_html(html)) == ["Aprovado", "Novo"]


def test_a_message_to_the_customer_is_shown_as_text_never_as_html(client, ana, lojista_actor):
    order = OrderFactory(customer_email="ana@exemplo.com.br")
    order_process(
        order,
        to_status=OrderStatus.APROVADO,
        by=lojista_actor,
        message='<script>alert("x")</script>\nSegunda linha',
    )

    html = client.get(reverse("customer_order", args=[order.number])).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>Segunda linha" in html
