"""The Painel and the late orders in a real Chromium, on a desktop and on a 360 px phone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order
from tests.e2e.conftest import admin_login
from tests.factories import OrderFactory, PaymentEventFactory, staff_user
from tests.orders.deadline_defaults import seed_default_deadlines
from tests.orders.test_dashboard import generated_orders

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/shots/store-day")


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_painel_and_the_late_badge(page, live_server):
    # given a store with orders in every status, some late, and a chargeback
    seed_default_deadlines()
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    generated_orders(30)
    late = OrderFactory(status="em_producao", customer_name="Marina Atrasada")
    Order.objects.filter(pk=late.pk).update(status_changed_at=timezone.now() - timedelta(days=9))
    PaymentEventFactory(chargeback=True)
    admin_login(page, live_server, "lucia")

    # the admin's home is the Painel
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("h1")).to_have_text("Painel")
    expect(page.locator(".jet-card--late .jet-card-count")).not_to_have_text("0")
    page.get_by_text("Ver como tabela").click()
    shoot(page, "painel-desktop")
    page.set_viewport_size({"width": 360, "height": 800})
    shoot(page, "painel-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    # the late card opens the list filtered to the late orders, each with its badge
    page.locator(".jet-card--late .jet-card-link").click()
    expect(page.locator("#result_list")).to_contain_text("Marina Atrasada")
    expect(page.locator("#result_list .jet-late").first).to_have_text("Atrasado")
    shoot(page, "lista-atrasados")
    page.goto(f"{live_server.url}/admin/orders/order/")
    expect(page.locator("#result_list .jet-late").first).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 800})
    shoot(page, "lista-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    # and the order page says it is late too
    page.goto(f"{live_server.url}/admin/orders/order/{late.pk}/change/")
    expect(page.locator(".jet-late")).to_have_text("Atrasado")
    shoot(page, "pedido-atrasado")
