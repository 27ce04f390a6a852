"""The returned-parcel badge and the "Requer atenção" filter on the order list, in Chromium,
on a desktop and on a 360 px phone (screenshots under /work/shots/tracking-gaps/)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.statuses import OrderStatus
from orders.tracking_events import ScanKind, TrackingEvent
from tests.e2e.conftest import admin_login
from tests.factories import OrderFactory, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("JET_SHOTS_DIR", "/tmp/jet-shots/tracking-gaps"))
PHONE = {"width": 360, "height": 780}


def flag(order, kind: ScanKind, description: str) -> None:
    TrackingEvent.objects.create(
        order=order,
        carrier="Correios",
        code="BDE/23" if kind == ScanKind.RETURNED else "FC/11",
        kind=kind,
        description=description,
        place="CAJAMAR / SP",
        occurred_at=timezone.now() - timedelta(hours=2),
        needs_attention=True,
    )


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_staff_find_the_returned_parcels_from_the_order_list(page, live_server):
    # given: three dispatched orders, one returned to the sender and one lost
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    calm = OrderFactory(status=OrderStatus.DESPACHADO, customer_name="Paulo Mendes")
    returned = OrderFactory(status=OrderStatus.DESPACHADO, customer_name="Marina Costa")
    lost = OrderFactory(status=OrderStatus.TRACKING, customer_name="Renato Alves")
    flag(returned, ScanKind.RETURNED, "Objeto devolvido ao remetente")
    flag(lost, ScanKind.LOST, "Objeto extraviado")
    admin_login(page, live_server, "lucia")

    # when: she opens the order list
    page.goto(f"{live_server.url}/admin/orders/order/")

    # then: the flagged orders carry the badge next to their status
    row = page.locator("#result_list tbody tr", has_text=returned.number)
    expect(row.locator(".jet-attention-badge")).to_have_text("Atenção: devolvido ao remetente")
    lost_row = page.locator("#result_list tbody tr", has_text=lost.number)
    expect(lost_row.locator(".jet-attention-badge")).to_have_text("Atenção: objeto extraviado")
    calm_row = page.locator("#result_list tbody tr", has_text=calm.number)
    expect(calm_row.locator(".jet-attention-badge")).to_have_count(0)
    shoot(page, "order-list-attention-desktop")

    # when: she filters by "Requer atenção"
    page.get_by_role("link", name="Requer atenção").click()

    # then: only the two flagged orders are listed
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    expect(page.locator("#result_list")).not_to_contain_text(calm.number)
    shoot(page, "order-list-attention-filter-desktop")

    # and on a phone the badge still reads whole
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/admin/orders/order/?atencao=sim")
    expect(page.locator(".jet-attention-badge").first).to_be_visible()
    shoot(page, "order-list-attention-filter-phone")
    page.goto(f"{live_server.url}/admin/orders/order/")
    shoot(page, "order-list-attention-phone")
