"""A customer, in a real Chromium: signs up, confirms the e-mail, signs in, follows an order."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from orders.links import order_status_path
from tests.factories import OrderFactory, dispatched_with_message_and_note

PASSWORD = "Jabuticaba-azul-2026"
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_rate_limits"),
]


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


def test_a_customer_signs_up_verifies_signs_in_and_follows_only_their_order(
    page, live_server, screenshot, lojista_actor
):
    # given Julia's order, dispatched with a message, and someone else's order
    order = dispatched_with_message_and_note(
        customer_email="julia@exemplo.com.br",
        by=lojista_actor,
        message="Seu pedido saiu hoje pelos Correios.",
        note="NOTA INTERNA: embalagem reforçada",
    )
    other = OrderFactory(customer_email="marcos@exemplo.com.br")

    # when Julia creates her account from the home page
    page.goto(f"{live_server.url}/")
    screenshot("customer-home")
    page.get_by_role("link", name="Criar conta").first.click()
    page.fill("input[name=email]", "julia@exemplo.com.br")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    screenshot("customer-signup")
    page.get_by_role("button", name="Criar conta").click()
    page.wait_for_url("**/conta/confirm-email/")
    screenshot("customer-verification-sent")

    # she is not signed in yet: her orders are out of reach
    page.goto(f"{live_server.url}/conta/pedidos/")
    assert "/conta/login/" in page.url

    # she confirms the address from the e-mail
    message = mail.outbox[-1]
    assert message.to == ["julia@exemplo.com.br"]
    link = re.search(r"https?://\S+/conta/confirm-email/\S+", message.body).group(0)
    page.goto(link)
    screenshot("customer-confirm-email")
    page.get_by_role("button", name="Confirmar").click()
    page.wait_for_url("**/conta/login/**")

    # she signs in and lands on her orders
    page.fill("input[name=login]", "julia@exemplo.com.br")
    page.fill("input[name=password]", PASSWORD)
    screenshot("customer-login")
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url("**/conta/pedidos/")
    body = page.locator("main").inner_text()
    assert f"Pedido nº {order.number}" in body
    assert other.number not in body
    screenshot("customer-orders")

    # then she opens the order: timeline, message, dispatch data and the tracking link
    page.get_by_role("link", name=re.compile(f"Pedido nº {order.number}")).click()
    page.wait_for_url(f"**/conta/pedidos/{order.number}/")
    timeline = page.locator("section", has=page.locator("#timeline-title")).inner_text()
    assert "Despachado" in timeline
    assert "Seu pedido saiu hoje pelos Correios." in timeline
    assert "NOTA INTERNA" not in page.content()
    assert page.locator("[aria-current=step]").inner_text().startswith("Despachado")
    tracking = page.get_by_role("link", name="Rastrear entrega")
    assert tracking.get_attribute("href").endswith("objeto=AA123456785BR")
    screenshot("customer-order")
    page.set_viewport_size(PHONE)
    screenshot("customer-order-phone")
    page.goto(f"{live_server.url}/conta/pedidos/")
    screenshot("customer-orders-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # and someone else's order number is simply not found
    response = page.goto(f"{live_server.url}/conta/pedidos/{other.number}/")
    assert response.status == 404
    assert "Página não encontrada" in page.locator("main").inner_text()
    assert other.customer_name not in page.content()
    screenshot("customer-404")


def test_the_e_mail_link_opens_the_order_without_signing_in(page, live_server, screenshot):
    order = OrderFactory(customer_email="lia@exemplo.com.br", status="cancelado")

    page.goto(f"{live_server.url}{order_status_path(order)}")

    assert f"Pedido nº {order.number}" in page.locator("h1").inner_text()
    assert page.locator(".progress__step--cancelled").inner_text().startswith("Cancelado")
    screenshot("customer-status-page")
    page.set_viewport_size(PHONE)
    screenshot("customer-status-page-phone")
    tampered = order_status_path(order).replace("/pedido/", "/pedido/x")
    assert page.goto(f"{live_server.url}{tampered}").status == 404
