"""The Content-Security-Policy holds in a real Chromium: every page works and nothing is
blocked (no `securitypolicyviolation` event, no CSP error in the console)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from playwright.sync_api import expect

from jetorders.security import CONTENT_SECURITY_POLICY
from notifications.models import EmailTemplate
from tests.e2e.conftest import admin_login
from tests.factories import OrderFactory, UserFactory, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "senha-de-teste-123"
# Runs in every document, frames included, before the page's own scripts.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${document.URL}`
  );
});
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violations and console errors while the test drives it."""
    cache.clear()
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(message.text) if message.type == "error" else None,
    )
    page.add_init_script(LISTEN)
    page.console_errors = console
    return page


def open_page(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url


def violations(page) -> list[str]:
    found = []
    for frame in page.frames:
        try:
            found += frame.evaluate("window.__cspViolations || []")
        except Exception:  # A sandboxed frame (the e-mail preview) runs no script at all.
            continue
    return found


def assert_clean(page, where: str) -> None:
    page.wait_for_load_state("networkidle")
    assert violations(page) == [], where
    csp_errors = [text for text in page.console_errors if "Content Security Policy" in text]
    assert csp_errors == [], where


def test_admin_customer_and_api_pages_run_under_the_policy(watched, live_server):
    page, base = watched, live_server.url
    staff_user(username="lucia", first_name="Lúcia", email="lucia@loja.com.br")
    order = OrderFactory(status="aprovado", customer_email="julia@exemplo.com.br")
    OrderFactory(status="despachado")
    julia = UserFactory(username="julia", email="julia@exemplo.com.br", password=PASSWORD)
    EmailAddress.objects.create(user=julia, email=julia.email, verified=True, primary=True)
    template = EmailTemplate.objects.create(name="pedido_despachado")

    # The admin: list, order page, and the processing form with its script at work.
    admin_login(page, live_server, "lucia")
    open_page(page, f"{base}/admin/orders/order/")
    assert_clean(page, "order list")
    open_page(page, f"{base}/admin/orders/order/{order.pk}/change/")
    expect(page.locator("#andamento")).to_contain_text("Andamento do pedido")
    assert_clean(page, "order page")
    open_page(page, f"{base}/admin/orders/order/{order.pk}/processar/")
    expect(page.locator("[data-status-fields=despachado]")).to_be_hidden()
    page.get_by_label("Despachado").check()
    expect(page.locator("[data-status-fields=despachado]")).to_be_visible()  # process.js ran
    assert_clean(page, "processing form")

    # The e-mail editor's preview: the message in a sandboxed srcdoc frame.
    open_page(page, f"{base}/admin/notifications/emailtemplate/{template.pk}/change/?previa=1")
    preview = page.frame_locator("iframe[title='Prévia do e-mail']")
    expect(preview.locator("body")).to_contain_text("AA123456785BR")
    assert_clean(page, "e-mail preview")

    # The customer's order page, signed in through the real form.
    page.context.clear_cookies()
    page.goto(f"{base}/conta/login/")
    page.fill("input[name=login]", "julia@exemplo.com.br")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url("**/conta/pedidos/")
    open_page(page, f"{base}/conta/pedidos/{order.number}/")
    expect(page.locator("h1")).to_contain_text(f"Pedido nº {order.number}")
    assert_clean(page, "customer order page")

    # The API docs: swagger-ui from our own static files, rendered.
    open_page(page, f"{base}/api/v1/docs")
    expect(page.locator("#swagger-ui")).to_contain_text("JET Pedidos")
    expect(page.locator("#swagger-ui")).to_contain_text("/api/v1/orders")
    assert_clean(page, "API docs")
