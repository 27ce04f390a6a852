"""Each status e-mail says what the customer needs: its status, its fields, a working link."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from notifications.models import EmailOutbox, OutboxStatus
from notifications.rendering import render_email
from orders.emails import email_catalog, email_states_for, status_email_context, template_name
from orders.links import order_from_status_token
from orders.services import order_create, order_process
from orders.statuses import CUSTOMER_DESCRIPTIONS, OrderStatus
from tests.factories import PATH_TO

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def provider_test_backend(settings):
    # Anymail's test backend gives each message a provider id, as a real ESP does
    # (docs/reliability.md, R29).
    settings.EMAIL_BACKEND = "tests.reliability.provider.ScriptedProviderBackend"


def sent_to(order, status: str):
    """The e-mail the customer got for `status`."""
    subject_start = {"novo": "Recebemos", "tracking": "Pedido nº"}.get(status, "")
    row = EmailOutbox.objects.get(template=template_name(status), to_email=order.customer_email)
    assert row.status == OutboxStatus.SENT, row.last_error
    matches = [m for m in mail.outbox if m.subject == row.subject]
    assert len(matches) == 1
    assert row.message_id == matches[0].anymail_status.message_id
    assert matches[0].subject.startswith(subject_start)
    return matches[0]


@pytest.mark.parametrize("status", list(OrderStatus))
def test_every_status_emails_the_customer_with_its_meaning(
    status, order_factory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_factory(status=status)

    message = sent_to(order, status)
    html = message.alternatives[0][0]
    description = str(CUSTOMER_DESCRIPTIONS[OrderStatus(status)])
    assert message.to == [order.customer_email]
    assert order.number in message.subject
    assert "\n" not in message.subject
    for body in (message.body, html):
        assert description in body
        assert "Camiseta básica" in body
        assert "R$ 218,70" in body  # the order's total, Brazilian format
    assert order.customer_name.split()[0] in message.body
    assert message.alternatives[0][1] == "text/html"


def test_the_dispatch_email_carries_invoice_tracking_and_the_carrier_link(
    order_factory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_factory(status="despachado")

    message = sent_to(order, "despachado")
    html = message.alternatives[0][0]
    carrier_link = "https://rastreamento.correios.com.br/app/index.php?objeto=AA123456785BR"
    assert "AA123456785BR" in message.subject
    for body in (message.body, html):
        assert "AA123456785BR" in body
        assert "Nota fiscal nº 1234" in body
        assert order.nfe_key in body
        assert "Correios" in body
        assert "SEDEX" in body
    assert carrier_link in message.body
    assert f'href="{carrier_link}"' in html.replace("&amp;", "&")


def test_the_email_link_opens_that_orders_status_page(
    order_factory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_factory(status="aprovado")
        order_factory(status="aprovado")  # another customer's order

    message = sent_to(order, "aprovado")
    token = re.search(r"/pedido/([^/\s\"]+)/", message.body).group(1)
    assert order_from_status_token(token) == order
    assert f"/pedido/{token}/" in message.alternatives[0][0]


def test_the_message_to_the_customer_and_the_cancel_reason_are_in_the_email(
    order_factory, lojista_actor, django_capture_on_commit_callbacks
):
    order = order_factory(status="aprovado")
    with django_capture_on_commit_callbacks(execute=True):
        order_process(
            order,
            to_status="cancelado",
            by=lojista_actor,
            fields={"reason": "Produto esgotado"},
            message="Sentimos muito!\nO estorno sai em até 5 dias.",
            note="interno: fornecedor atrasou",
        )

    message = sent_to(order, "cancelado")
    html = message.alternatives[0][0]
    assert "Motivo: Produto esgotado" in message.body
    assert "Sentimos muito!\nO estorno sai em até 5 dias." in message.body
    assert "Sentimos muito!<br>O estorno sai em até 5 dias." in html
    assert "fornecedor atrasou" not in message.body + html  # internal notes stay internal


def test_a_customer_name_with_markup_is_escaped_in_the_html(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_create(
            customer_name="<script>alert(1)</script>",
            customer_email="xss@exemplo.com.br",
            items=[{"description": "Caneca <b>", "quantity": 1, "unit_price": "10.00"}],
        )

    message = sent_to(order, "novo")
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Caneca &lt;b&gt;" in html


def test_the_context_holds_only_plain_values(order_factory):
    order = order_factory(status="despachado")
    change = order.status_changes.get(to_status="despachado")

    context = status_email_context(order, change)

    def plain(value) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return isinstance(value, str | int | float | bool) or value is None

    assert plain(context)
    assert context["codigo_rastreio"] == "AA123456785BR"


def test_every_status_has_default_templates_that_render():
    for spec in email_catalog():
        context = {name: f"<{name}>" for name in spec.variables} | {"itens": []}
        rendered = render_email(spec.name, context)
        assert rendered.subject
        assert rendered.text
        assert rendered.html


def test_the_timeline_can_show_each_changes_email_state(
    order_factory, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_factory(status="aprovado")
    novo, aprovado = order.status_changes.order_by("id")
    EmailOutbox.objects.filter(dedupe_key=f"order-status-change:{novo.pk}").update(
        delivery_state="delivered"
    )
    EmailOutbox.objects.filter(dedupe_key=f"order-status-change:{aprovado.pk}").update(
        status=OutboxStatus.DEAD
    )

    with django_assert_num_queries(1):
        states = email_states_for([novo.pk, aprovado.pk])

    assert states == {novo.pk: "Entregue", aprovado.pk: "Falhou"}


def test_the_factory_paths_match_the_emails(order_factory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_factory(status="tracking")
    templates = set(EmailOutbox.objects.values_list("template", flat=True))
    expected = {template_name(s) for s in ["novo", *PATH_TO[OrderStatus.TRACKING]]}
    assert templates == expected
    assert order.status == "tracking"
