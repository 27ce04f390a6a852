"""A second, independent proof of two guards that one test each used to carry.

- A bad Correios check digit warns and never blocks a dispatch: admin form and API.
- Only the support override may skip the customer's e-mail: an ordinary change asked to be
  silent (the service's notify=False, or a Lojista's form posted with notify unchecked) still
  queues it.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from integrations.tokens import issue_token
from notifications.models import EmailOutbox
from orders.emails import dedupe_key
from orders.services import order_process
from orders.statuses import OrderStatus
from orders.tracking import correios_code_problem
from tests.confirming import post_confirmed, shown_confirmation
from tests.factories import OrderFactory, dispatch_fields

pytestmark = pytest.mark.django_db

# The right check digit for serial 12345678 is 5; 0 is wrong (the format itself is fine).
BAD_CHECK_DIGIT = "AA123456780BR"


def admin_post(client, order, to_status: str, form: dict | None = None, **fields):
    data = {"expected_status": order.status, "to_status": to_status, "message": "", "note": ""}
    data |= {f"{to_status}-{name}": value for name, value in fields.items()}
    data |= form or {}
    url = reverse("admin:orders_order_process", args=[order.pk])
    return client.post(url, data, follow=True)


def test_the_code_really_has_a_bad_check_digit():
    assert correios_code_problem(BAD_CHECK_DIGIT) == (
        "O dígito verificador do código dos Correios não confere."
    )


def test_a_bad_correios_check_digit_never_blocks_a_dispatch_in_the_admin(client, lojista):
    order = OrderFactory(status="em_producao")
    client.force_login(lojista)

    fields = dispatch_fields(77, tracking_code=BAD_CHECK_DIGIT)
    data = {"expected_status": order.status, "to_status": "despachado", "message": "", "note": ""}
    data |= {f"despachado-{name}": value for name, value in fields.items()}
    url = reverse("admin:orders_order_process", args=[order.pk])

    # Warned before saving (a confirmation step), then saved once confirmed: never blocked.
    assert shown_confirmation(client.post(url, data)) is not None
    response = post_confirmed(client, url, data, follow=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    assert order.tracking_code == BAD_CHECK_DIGIT
    assert response.redirect_chain[-1][0] == reverse("admin:orders_order_change", args=[order.pk])
    messages = [str(m) for m in response.context["messages"]]
    assert "O dígito verificador do código dos Correios não confere." in messages


def test_a_bad_correios_check_digit_never_blocks_a_dispatch_through_the_api(client):
    cache.clear()
    order = OrderFactory(status="aprovado")
    token = issue_token("Transportadora")[1]
    body = {"status": "despachado", **dispatch_fields(78, tracking_code=BAD_CHECK_DIGIT)}

    response = client.post(
        f"/api/v1/orders/{order.number}/status",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "despachado"
    order.refresh_from_db()
    assert (order.status, order.tracking_code) == (OrderStatus.DESPACHADO, BAD_CHECK_DIGIT)


def test_an_ordinary_change_asked_to_be_silent_still_emails_the_customer(lojista_actor):
    order = OrderFactory(status="aprovado")

    change = order_process(order, to_status="em_producao", by=lojista_actor, notify=False)

    row = EmailOutbox.objects.get(dedupe_key=dedupe_key(change))
    assert row.to_email == order.customer_email
    assert row.template == "pedido_em_producao"


def test_a_lojista_posting_notify_unchecked_still_emails_the_customer(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)

    # A browser leaves an unchecked box out of the POST; a crafted one may send it empty.
    response = admin_post(client, order, "em_producao")
    other = OrderFactory(status="aprovado")
    admin_post(client, other, "em_producao", {"notify": ""})

    for changed in (order, other):
        change = changed.status_changes.get(to_status="em_producao")
        assert EmailOutbox.objects.filter(dedupe_key=dedupe_key(change)).exists()
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "O cliente receberá um e-mail com a atualização." in messages
    assert "não foi avisado" not in messages
