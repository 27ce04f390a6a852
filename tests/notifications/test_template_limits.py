"""Store-edited e-mail templates are bounded: nesting and size on save, iterations, value size
and time when rendered. A template bomb never ties up the admin or a worker."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.urls import reverse

from notifications import sandbox
from notifications.catalog import spec_for
from notifications.errors import TemplateTooCostly
from notifications.models import EmailOutbox, EmailTemplate, OutboxStatus
from notifications.rendering import render_email, render_sources, sources
from orders.actors import Actor
from orders.emails import preview_context
from orders.services import order_process

pytestmark = pytest.mark.django_db

# Four nested loops over the customer's name: 18 s to render before the limits existed.
BOMB = (
    "{% for a in nome_cliente %}{% for b in nome_cliente %}{% for c in nome_cliente %}"
    "{% for d in nome_cliente %}x{% endfor %}{% endfor %}{% endfor %}{% endfor %}"
)
# Two levels pass the nesting check; over a long message it is still 4,000,000 iterations.
WIDE_BOMB = "{% for a in mensagem %}{% for b in mensagem %}x{% endfor %}{% endfor %}"
# No loop at all: each urlencode triples the '%' signs (3**20 times the message).
FILTER_BOMB = "{{ mensagem" + "|urlencode" * 20 + " }}"
# What the admin's preview meets: a real order's customer name, 200 characters long.
NAME_BOMB = "{% for a in nome_cliente %}{% for b in nome_cliente %}x{% endfor %}{% endfor %}"
LONG_MESSAGE = "%" * 2000


@pytest.fixture
def store_client(client, lojista):
    client.force_login(lojista)
    return client


def change_url(template: EmailTemplate) -> str:
    return reverse("admin:notifications_emailtemplate_change", args=[template.pk])


def timed(func, *args, **kwargs):
    started = time.monotonic()
    result = func(*args, **kwargs)
    return result, time.monotonic() - started


def test_the_four_level_bomb_is_refused_on_save_in_well_under_a_second(store_client):
    template = EmailTemplate.objects.create(name="pedido_aprovado")
    data = {"subject": "Pedido {{ numero_pedido }}", "body_text": BOMB, "body_html": "<p>oi</p>"}

    response, seconds = timed(store_client.post, change_url(template), data)

    assert seconds < 0.5
    assert response.status_code == 200
    assert "O modelo tem laços aninhados demais (máximo 2)." in response.content.decode()
    template.refresh_from_db()
    assert template.body_text == ""


def test_two_nested_loops_are_fine(store_client, order_factory):
    order_factory(status="aprovado")
    template = EmailTemplate.objects.create(name="pedido_aprovado")
    body = (
        "{% for item in itens %}{% for letra in item.descricao %}{{ letra }}{% endfor %}"
        "{% endfor %}"
    )

    response = store_client.post(
        change_url(template), {"subject": "Oi", "body_text": body, "body_html": "<p>oi</p>"}
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body_text == body


def test_an_oversized_template_is_refused_on_save(store_client):
    template = EmailTemplate.objects.create(name="pedido_aprovado")

    response = store_client.post(
        change_url(template), {"subject": "Oi", "body_text": "x" * 20_001, "body_html": "oi"}
    )

    assert "O modelo é grande demais (máximo de 20000 caracteres)." in response.content.decode()


@pytest.mark.parametrize("bomb", [BOMB, WIDE_BOMB, FILTER_BOMB], ids=["deep", "wide", "filter"])
def test_a_bomb_stored_behind_the_admins_back_sends_the_default_email_in_time(
    order_factory, django_capture_on_commit_callbacks, bomb
):
    EmailTemplate.objects.create(name="pedido_em_producao", body_text=bomb, body_html=bomb)
    order = order_factory(status="aprovado", customer_name="Ana " * 50)

    with django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        order_process(order, to_status="em_producao", by=Actor.system(), message=LONG_MESSAGE)
        seconds = time.monotonic() - started

    assert seconds < sandbox.RENDER_TIME_LIMIT + 1
    row = EmailOutbox.objects.get(template="pedido_em_producao")
    assert row.status == OutboxStatus.SENT
    message = mail.outbox[-1]
    assert "Seu pedido está sendo produzido." in message.body  # the default text
    assert "xxxx" not in message.body


@pytest.mark.parametrize(
    ("bomb", "limit"),
    [
        (WIDE_BOMB, "O modelo repete trechos demais"),
        (FILTER_BOMB, "Um filtro gerou um texto longo demais"),
        (BOMB, "O modelo tem laços aninhados demais"),
    ],
    ids=["iterations", "value-size", "nesting"],
)
def test_the_store_template_itself_fails_cleanly_with_the_limit_named(order_factory, bomb, limit):
    order = order_factory(status="em_producao")
    EmailTemplate.objects.create(name="pedido_em_producao", body_html=bomb)
    context = {**preview_context("em_producao"), "mensagem": LONG_MESSAGE}
    assert order.number == context["numero_pedido"]

    with pytest.raises(TemplateTooCostly, match=limit):
        render_sources(spec_for("pedido_em_producao"), sources("pedido_em_producao"), context)


def test_the_wall_clock_limit_stops_a_slow_render(order_factory, monkeypatch):
    order_factory(status="em_producao")
    monkeypatch.setattr(sandbox, "RENDER_TIME_LIMIT", 0.0)
    EmailTemplate.objects.create(
        name="pedido_em_producao",
        body_html="{% for item in itens %}{{ item.descricao }}{% endfor %}",
    )

    with pytest.raises(TemplateTooCostly, match="demorou demais"):
        render_sources(
            spec_for("pedido_em_producao"),
            sources("pedido_em_producao"),
            preview_context("em_producao"),
        )


def test_a_limit_hit_inside_an_if_condition_still_stops_the_render(order_factory):
    # {% if %} swallows exceptions from its operands; the budget remembers the hit anyway.
    order_factory(status="em_producao")
    body = "{% if " + FILTER_BOMB[3:-3] + ' == "x" %}sim{% endif %}'
    EmailTemplate.objects.create(name="pedido_em_producao", body_html=body)
    context = {**preview_context("em_producao"), "mensagem": LONG_MESSAGE}

    with pytest.raises(TemplateTooCostly):
        render_sources(spec_for("pedido_em_producao"), sources("pedido_em_producao"), context)


def test_ordinary_templates_render_as_before(order_factory):
    order_factory(status="despachado", customer_name="Marina Costa")

    rendered = render_email("pedido_despachado", preview_context("despachado"))

    assert "Marina Costa" in rendered.text
    assert "AA123456785BR" in rendered.html


def test_the_change_page_responds_fast_with_a_bomb_stored(store_client, order_factory):
    order_factory(status="aprovado", customer_name="Ana " * 50)
    template = EmailTemplate.objects.create(name="pedido_aprovado", body_html=NAME_BOMB)

    response, seconds = timed(store_client.get, change_url(template))

    assert response.status_code == 200
    assert seconds < 0.5
    assert "Pré-visualizar" in response.content.decode()


def test_the_preview_on_request_names_the_limit_and_stays_within_it(store_client, order_factory):
    order_factory(status="aprovado", customer_name="Ana " * 50)
    template = EmailTemplate.objects.create(name="pedido_aprovado", body_html=NAME_BOMB)

    response, seconds = timed(store_client.get, change_url(template), {"previa": "1"})

    page = response.content.decode()
    assert seconds < sandbox.RENDER_TIME_LIMIT + 1
    assert "O modelo repete trechos demais" in page
    assert "os clientes recebem o e-mail padrão" in page


def test_saving_over_a_stored_bomb_is_never_blocked_by_rendering(store_client, order_factory):
    order_factory(status="aprovado", customer_name="Ana " * 50)
    template = EmailTemplate.objects.create(name="pedido_aprovado", body_html=NAME_BOMB)
    fixed = {"subject": "Oi {{ nome_cliente }}", "body_text": "Oi", "body_html": "<p>Oi</p>"}

    response, seconds = timed(store_client.post, change_url(template), fixed)

    assert response.status_code == 302
    assert seconds < 0.5
    template.refresh_from_db()
    assert template.body_html == "<p>Oi</p>"
