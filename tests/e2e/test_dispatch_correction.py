"""Correcting a dispatch in a real Chromium: the timeline, the customer's page and e-mail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from orders.models import Order
from orders.statuses import OrderStatus
from orders.tracking import correios_check_digit
from tests.e2e.conftest import admin_login
from tests.factories import OrderFactory, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/ux-shots")
PHONE = {"width": 360, "height": 780}


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_staff_correct_a_tracking_code_after_dispatch(page, live_server):
    # given a dispatched order whose tracking code was mistyped
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    order = OrderFactory(status=OrderStatus.DESPACHADO, customer_name="Marina Costa")
    new_code = f"PX87654321{correios_check_digit('87654321')}BR"
    mail.outbox.clear()
    admin_login(page, live_server, "lucia")

    # when Lúcia opens the order and corrects the code
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    page.get_by_role("link", name="Corrigir dados do despacho").click()
    expect(page.get_by_label("Código de Rastreio")).to_have_value("AA123456785BR")
    page.get_by_label("Código de Rastreio").fill(new_code)
    page.get_by_label("Observação interna").fill("Código digitado errado no despacho.")
    shoot(page, "correcao-01-form")
    page.set_viewport_size(PHONE)
    shoot(page, "correcao-01-form-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#jet-process-submit").click()

    # then the order page says so, and the timeline shows old → new, by whom
    expect(page.locator(".messagelist")).to_contain_text("Dados do despacho do pedido")
    row = page.locator("[data-correction]")
    expect(row).to_contain_text("Correção do despacho")
    expect(row).to_contain_text("AA123456785BR")
    expect(row).to_contain_text(new_code)
    expect(row).to_contain_text("por Lúcia Lojista")
    shoot(page, "correcao-02-andamento")
    page.set_viewport_size(PHONE)
    shoot(page, "correcao-02-andamento-360")

    # and "each status once" still holds: one Despachado in the history, status unchanged
    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    assert order.tracking_code == new_code
    assert order.status_changes.filter(to_status=OrderStatus.DESPACHADO).count() == 1

    # the customer's e-mail carries the new tracking link
    [message] = mail.outbox
    assert message.to == [order.customer_email]
    assert new_code in message.subject
    link = f"objeto={new_code}"
    assert link in message.body
    assert link in message.alternatives[0][0]

    # and the page the e-mail links to shows the new code and link
    status_page = re.search(r"https?://\S+/pedido/\S+/", message.body).group(0)
    page.goto(status_page.replace("http://127.0.0.1:8000", live_server.url))
    expect(page.locator("main")).to_contain_text(new_code)
    assert page.locator(f"a[href*='{link}']").count() == 1
    shoot(page, "correcao-03-cliente-360")


def test_a_viewer_has_no_correction_button(page, live_server, viewer):
    order = OrderFactory(status=OrderStatus.DESPACHADO)
    admin_login(page, live_server, viewer.username)
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    expect(page.locator("#andamento")).to_be_visible()
    expect(page.get_by_role("link", name="Corrigir dados do despacho")).to_have_count(0)
    assert Order.objects.get(pk=order.pk).tracking_code == "AA123456785BR"
