"""The outbox in Chromium, as the lojista uses it: the list, one e-mail as sent, "Reenviar"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from notifications.models import EmailOutbox, OutboxStatus
from tests.e2e.conftest import admin_login
from tests.factories import OrderFactory, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_lojista_reads_an_email_and_resends_a_failed_one(page, live_server, screenshot):
    staff_user(username="lucia", first_name="Lúcia")
    order = OrderFactory(status="despachado", customer_name="Marina Costa")
    other = OrderFactory(status="aprovado", customer_name="Rafael Lima")
    failed = EmailOutbox.objects.get(to_email=other.customer_email, template="pedido_aprovado")
    EmailOutbox.objects.filter(pk=failed.pk).update(
        status=OutboxStatus.DEAD,
        last_error="SMTPRecipientsRefused: {'x': (550, b'5.1.1 User unknown')}",
    )
    bounced = EmailOutbox.objects.get(to_email=order.customer_email, template="pedido_novo")
    EmailOutbox.objects.filter(pk=bounced.pk).update(delivery_state="complained")
    admin_login(page, live_server, "lucia")

    page.goto(f"{live_server.url}/admin/notifications/emailoutbox/")
    results = page.locator("#result_list")
    expect(results).to_contain_text("Falhou")
    expect(results).to_contain_text("Marcado como spam")
    expect(results).to_contain_text("O endereço do cliente não existe")
    expect(results.get_by_role("link", name=f"Pedido {order.number}").first).to_be_visible()
    screenshot("outbox-01-lista")

    # The dispatch e-mail, as Marina got it.
    dispatch = EmailOutbox.objects.get(to_email=order.customer_email, template="pedido_despachado")
    page.goto(f"{live_server.url}/admin/notifications/emailoutbox/{dispatch.pk}/change/")
    frame = page.frame_locator("iframe[title='E-mail enviado']")
    expect(frame.locator("body")).to_contain_text("Marina Costa")
    expect(frame.locator("body")).to_contain_text("AA123456785BR")
    expect(page.get_by_text("Detalhes técnicos")).to_be_visible()
    expect(page.get_by_text(dispatch.dedupe_key)).to_be_hidden()  # folded away
    screenshot("outbox-02-email")
    summary = page.locator("summary", has_text="Detalhes técnicos")
    # Scrolled first: the e-mail's frame loading above it moves it while Playwright aims.
    summary.scroll_into_view_if_needed()
    summary.click()
    expect(page.get_by_text(dispatch.dedupe_key)).to_be_visible()
    link = page.get_by_role("link", name=f"Pedido {order.number}")
    expect(link).to_have_attribute("href", f"/admin/orders/order/{order.pk}/change/")
    link.scroll_into_view_if_needed()
    link.click()
    expect(page).to_have_url(re.compile(rf"/admin/orders/order/{order.pk}/change/$"))

    # The failed one: plain words, then "Reenviar".
    page.goto(f"{live_server.url}/admin/notifications/emailoutbox/{failed.pk}/change/")
    expect(page.locator(".jet-error-words")).to_contain_text("não existe ou não aceita e-mails")
    screenshot("outbox-03-falhou")
    page.get_by_role("button", name="Reenviar").click()
    expect(page.locator(".messagelist")).to_contain_text("1 e-mail voltou para a fila.")
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.SENT
    expect(page.locator(".jet-mail-state")).to_have_text("Enviado")
