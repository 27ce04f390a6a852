"""The e-mails as people see them: the customer's inbox and the store's editor, in Chromium."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from notifications.models import EmailOutbox
from orders.statuses import OrderStatus
from tests.e2e.conftest import SCREENSHOTS, admin_login
from tests.factories import OrderFactory, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def inbox_page(browser):
    """A phone-sized page to open e-mails in, the way most customers read them."""
    context = browser.new_context(locale="pt-BR", viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def test_every_status_email_reads_well_on_a_phone(inbox_page):
    OrderFactory(status="concluido", customer_name="Marina Costa")
    OrderFactory(status="em_producao", customer_name="Rafael Lima")
    OrderFactory(status="em_aprovacao", customer_name="Júlia Rocha")
    OrderFactory(status="cancelado", customer_name="Pedro Alves")

    shown = set()
    for row in EmailOutbox.objects.order_by("id"):
        [message] = [m for m in mail.outbox if m.subject == row.subject]
        inbox_page.set_content(message.alternatives[0][0])
        expect(inbox_page.get_by_role("link", name="Acompanhar meu pedido")).to_be_visible()
        expect(inbox_page.locator("body")).to_contain_text("Total")
        if row.template == "pedido_despachado":
            expect(inbox_page.get_by_text("AA123456785BR")).to_be_visible()
            link = inbox_page.get_by_role("link", name="Rastrear a entrega (Correios)")
            expect(link).to_have_attribute("href", re_correios())
        # Nothing wider than the phone: no sideways scrolling.
        width = inbox_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{row.template} is {width}px wide"
        if row.template not in shown:
            inbox_page.screenshot(path=str(shot_path(f"email-{row.template}")), full_page=True)
            shown.add(row.template)
    assert len(shown) == len(OrderStatus)


def test_the_store_edits_an_email_and_sees_the_preview(page, live_server, screenshot):
    staff_user(username="lucia", first_name="Lúcia", email="lucia@loja.com.br")
    OrderFactory(status="despachado", customer_name="Marina Costa")
    admin_login(page, live_server, "lucia")

    page.goto(f"{live_server.url}/admin/notifications/emailtemplate/")
    screenshot("email-admin-01-lista")
    page.get_by_role("link", name="Pedido Despachado").click()
    # The preview renders only when asked for, never while saving.
    expect(page.locator("iframe[title='Prévia do e-mail']")).to_have_count(0)
    page.get_by_role("link", name="Pré-visualizar").click()
    preview = page.frame_locator("iframe[title='Prévia do e-mail']")
    expect(preview.locator("body")).to_contain_text("Marina Costa")
    expect(preview.locator("body")).to_contain_text("AA123456785BR")
    screenshot("email-admin-02-editor")
    page.locator("#email-preview").screenshot(path=str(shot_path("email-admin-02-previa")))

    page.fill("#id_subject", "{% load i18n %}Seu pedido saiu")
    page.get_by_role("button", name="Salvar e continuar editando").click()
    expect(page.locator(".errorlist")).to_contain_text("A tag {% load %} não é permitida")
    screenshot("email-admin-03-erro")

    page.fill("#id_subject", "{{ nome_cliente }}, seu pedido {{ numero_pedido }} saiu!")
    # Saved, then back on the page as it was opened: with the preview, now of the new version.
    page.get_by_role("button", name="Salvar e continuar editando").click()
    expect(page.locator("#email-preview")).to_contain_text("Marina Costa, seu pedido")
    page.get_by_role("button", name="Enviar um teste para mim").click()
    expect(page.locator(".messagelist")).to_contain_text("E-mail de teste enviado para")
    assert mail.outbox[-1].to == ["lucia@loja.com.br"]
    assert mail.outbox[-1].subject.startswith("Marina Costa, seu pedido")


def re_correios():
    return re.compile(r"^https://rastreamento\.correios\.com\.br/.*AA123456785BR$")


def shot_path(name: str):
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_support_finds_a_failed_email_and_sends_it_again(page, live_server, screenshot):
    staff_user(username="lucia", first_name="Lúcia")
    order = OrderFactory(status="aprovado", customer_name="Marina Costa")
    failed = EmailOutbox.objects.get(template="pedido_aprovado")
    EmailOutbox.objects.filter(pk=failed.pk).update(
        status="dead", last_error="AnymailAPIError: 400 endereço recusado pelo provedor"
    )
    mail.outbox.clear()
    admin_login(page, live_server, "lucia")

    page.goto(f"{live_server.url}/admin/notifications/emailoutbox/")
    page.get_by_role("link", name="Falhou").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(order.customer_email)
    # In plain words; the provider's own words on hover and on the e-mail's page.
    expect(rows.first).to_contain_text("O endereço do cliente não existe ou não aceita e-mails")
    expect(rows.first.locator("[title*='endereço recusado']")).to_have_count(1)
    screenshot("email-admin-04-falhou")

    rows.first.locator("input[type=checkbox]").check()
    page.select_option("select[name=action]", "resend")
    page.get_by_role("button", name="Ir").click()
    expect(page.locator(".messagelist")).to_contain_text("1 e-mail voltou para a fila.")
    screenshot("email-admin-05-reenviado")
    assert [m.to for m in mail.outbox] == [[order.customer_email]]
