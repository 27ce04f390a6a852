"""The store edits its e-mails in the admin, safely: checked on save, previewed, testable."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import EmailOutbox, EmailTemplate, OutboxStatus
from orders.actors import Actor
from orders.services import order_process

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:notifications_emailtemplate_changelist"


@pytest.fixture
def store_client(client, lojista):
    lojista.email = "lucia@loja.com.br"
    lojista.save()
    client.force_login(lojista)
    return client


def open_template(client, name: str) -> EmailTemplate:
    assert client.get(reverse(CHANGELIST)).status_code == 200  # lists (and creates) every e-mail
    return EmailTemplate.objects.get(name=name)


def post_template(client, template: EmailTemplate, **parts: str):
    change = reverse("admin:notifications_emailtemplate_change", args=[template.pk])
    page = client.get(change)
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in ["subject", "body_text", "body_html"]}
    data |= parts
    return client.post(change, data)


def test_the_store_sees_every_status_email_with_its_variables(store_client, order_factory):
    order_factory(status="despachado")
    response = store_client.get(reverse(CHANGELIST))
    page = response.content.decode()
    for label in ["Pedido Novo", "Pedido Despachado", "Pedido Cancelado"]:
        assert label in page

    template = EmailTemplate.objects.get(name="pedido_despachado")
    url = reverse("admin:notifications_emailtemplate_change", args=[template.pk])
    change = store_client.get(url).content.decode()
    assert "Variáveis disponíveis" in change
    assert "codigo_rastreio" in change
    assert "Prévia com um pedido real" in change
    assert "Pré-visualizar" in change  # rendered only when asked for
    assert "AA123456785BR" not in change
    assert "Enviar um teste para mim" in change
    previewed = store_client.get(url, {"previa": "1"}).content.decode()
    assert "AA123456785BR" in previewed  # the preview is built on the real dispatched order


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{% load i18n %}Olá", "A tag {% load %} não é permitida"),
        ('{% include "/etc/passwd" %}', "A tag {% include %} não é permitida"),
        ("{% debug %}", "A tag {% debug %} não é permitida"),
        ('{% extends "admin/base.html" %}', "A tag {% extends %} não é permitida"),
        ("{{ order.customer.password }}", "A variável {{ order.customer.password }} não existe"),
        ("{{ settings.SECRET_KEY }}", "A variável {{ settings.SECRET_KEY }} não existe"),
        ("{{ nome_cliente|safe }}", "O filtro |safe não é permitido"),
        ("{{ nome_cliente.__class__ }}", "Erro de sintaxe no modelo"),
        ("{% if nome_cliente %}sem fim", "Erro de sintaxe no modelo"),
    ],
)
def test_unsafe_or_broken_templates_are_refused_on_save(store_client, source, message):
    template = open_template(store_client, "pedido_aprovado")

    response = post_template(store_client, template, body_html=source)

    assert response.status_code == 200
    assert message in response.content.decode()
    template.refresh_from_db()
    assert template.body_html == ""  # nothing saved


def test_an_edited_email_is_what_the_customer_gets(
    store_client, order_factory, django_capture_on_commit_callbacks
):
    template = open_template(store_client, "pedido_em_producao")
    response = post_template(
        store_client,
        template,
        subject="{{ nome_cliente }}, seu pedido {{ numero_pedido }} entrou em produção",
        body_text="Oi {{ nome_cliente }}! Estamos fazendo seus {{ itens|length }} itens.",
    )
    assert response.status_code == 302
    order = order_factory(status="aprovado", customer_name="Bia")

    with django_capture_on_commit_callbacks(execute=True):
        order_process(order, to_status="em_producao", by=Actor.system())

    message = mail.outbox[-1]
    assert message.subject == f"Bia, seu pedido {order.number} entrou em produção"
    assert message.body.startswith("Oi Bia! Estamos fazendo seus 2 itens.")
    assert "Seu pedido está sendo produzido." in message.alternatives[0][0]  # HTML: default


def test_a_subject_cannot_inject_headers(
    store_client, order_factory, django_capture_on_commit_callbacks
):
    template = open_template(store_client, "pedido_novo")
    post_template(store_client, template, subject="Pedido {{ nome_cliente }}")

    with django_capture_on_commit_callbacks(execute=True):
        order_factory(customer_name="a\r\nBcc: evil@x.com")

    message = mail.outbox[-1]
    assert "\r" not in message.subject
    assert "\n" not in message.subject
    assert message.bcc == []
    assert "Bcc:" not in message.message().as_string().split("\n\n", 1)[0].replace(
        message.subject, ""
    )


def test_send_me_a_test_emails_the_staff_member(
    store_client, order_factory, django_capture_on_commit_callbacks
):
    order_factory(status="aprovado")
    template = open_template(store_client, "pedido_aprovado")

    with django_capture_on_commit_callbacks(execute=True):
        response = store_client.post(
            reverse("admin:notifications_emailtemplate_send_test", args=[template.pk]),
            follow=True,
        )

    assert "E-mail de teste enviado para lucia@loja.com.br." in response.content.decode()
    assert mail.outbox[-1].to == ["lucia@loja.com.br"]
    assert "pagamento foi aprovado" in mail.outbox[-1].body


def test_staff_who_may_only_view_cannot_edit_or_send_tests(client, viewer):
    client.force_login(viewer)
    template = EmailTemplate.objects.create(name="pedido_novo")

    change = reverse("admin:notifications_emailtemplate_change", args=[template.pk])
    assert client.post(change, {"subject": "x"}).status_code == 403
    test_url = reverse("admin:notifications_emailtemplate_send_test", args=[template.pk])
    assert client.post(test_url).status_code == 403
    assert mail.outbox == []


def test_a_template_broken_behind_the_admins_back_fails_the_email_not_the_change(
    order_factory, django_capture_on_commit_callbacks
):
    EmailTemplate.objects.create(name="pedido_em_producao", body_html="{% load i18n %}")
    order = order_factory(status="aprovado")

    with django_capture_on_commit_callbacks(execute=True):
        change = order_process(order, to_status="em_producao", by=Actor.system())

    assert change.order.status == "em_producao"
    row = EmailOutbox.objects.get(template="pedido_em_producao")
    assert row.status == OutboxStatus.DEAD
    assert "{% load %}" in row.last_error
