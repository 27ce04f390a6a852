"""The subject and the text part are plain text, never HTML-escaped; the HTML part is escaped."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import EmailTemplate
from orders.actors import Actor
from orders.services import order_process

pytestmark = pytest.mark.django_db

NAME = "D'Ávila <3 Sant'Anna & Filhos"
MESSAGE = "Chega amanhã, D'Ávila & cia. <3"


def process_with_message(order_factory, capture) -> mail.EmailMessage:
    order = order_factory(status="aprovado", customer_name=NAME)
    with capture(execute=True):
        order_process(order, to_status="em_producao", by=Actor.system(), message=MESSAGE)
    return mail.outbox[-1]


def html_of(message) -> str:
    return message.alternatives[0][0]


def test_the_default_templates_keep_names_and_messages_verbatim_in_text(
    order_factory, django_capture_on_commit_callbacks
):
    message = process_with_message(order_factory, django_capture_on_commit_callbacks)

    assert f"Olá, {NAME}!" in message.body
    assert MESSAGE in message.body
    assert "&#x27;" not in message.body
    assert "&amp;" not in message.body
    assert "&lt;" not in message.body
    html = html_of(message)
    assert "D&#x27;Ávila &lt;3 Sant&#x27;Anna &amp; Filhos" in html
    assert NAME not in html
    assert "<3" not in html


def test_a_store_edited_subject_and_text_keep_them_verbatim_too(
    order_factory, django_capture_on_commit_callbacks
):
    EmailTemplate.objects.create(
        name="pedido_em_producao",
        subject="{{ nome_cliente }}: pedido {{ numero_pedido }} em produção",
        body_text="Oi {{ nome_cliente }}! Recado: {{ mensagem }}",
        body_html="<p>Oi {{ nome_cliente }}! Recado: {{ mensagem }}</p>",
    )

    message = process_with_message(order_factory, django_capture_on_commit_callbacks)

    assert message.subject.startswith(f"{NAME}: pedido ")
    assert message.body.startswith(f"Oi {NAME}! Recado: {MESSAGE}")
    html = html_of(message)
    assert "<p>Oi D&#x27;Ávila &lt;3 Sant&#x27;Anna &amp; Filhos! Recado: Chega" in html
    # The subject is escaped where it lands in the HTML layout's <title>.
    assert "<title>D&#x27;Ávila &lt;3" in html
