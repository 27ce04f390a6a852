"""The order list's tools in a real Chromium: a "de / até" range, the counts per status, and
"Exportar CSV" downloading exactly the filtered list."""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime, time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order
from tests.e2e.conftest import admin_login
from tests.factories import OrderFactory, staff_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("LIST_TOOLS_SHOTS", "/tmp/ux-shots"))
PHONE = {"width": 360, "height": 780}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def created_on(order: Order, day: datetime) -> None:
    when = timezone.make_aware(datetime.combine(day.date(), time(10, 30)))
    Order.objects.filter(pk=order.pk).update(created_at=when)


def test_staff_filter_a_period_see_counts_and_export_it_as_csv(page, live_server):
    # given approved orders in October and November, and a new one in November
    cache.clear()
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    october = OrderFactory(status="aprovado", customer_name="Otávio Outubro")
    november = [OrderFactory(status="aprovado", customer_name=f"Nina {n}") for n in range(2)]
    fresh = OrderFactory(customer_name="Nora Novo")
    created_on(october, datetime(2026, 10, 15))  # noqa: DTZ001 (a date, made aware above)
    for order in [*november, fresh]:
        created_on(order, datetime(2026, 11, 10))  # noqa: DTZ001
    admin_login(page, live_server, "lucia")

    # when Lúcia types a range with the dates inverted
    page.goto(f"{live_server.url}/admin/orders/order/")
    page.get_by_role("textbox", name="De", exact=True).fill("30/11/2026")
    page.get_by_role("textbox", name="Até", exact=True).fill("01/11/2026")
    page.get_by_role("button", name="Filtrar período").click()

    # then she is told why, in Portuguese, and the list is not filtered
    expect(page.locator(".messagelist")).to_contain_text("Período invertido")
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    expect(page.locator("#jet-date-range-error")).to_contain_text("Troque as datas de lugar")
    shoot(page, "lista-periodo-invertido")
    page.set_viewport_size(PHONE)
    shoot(page, "lista-periodo-invertido-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    # when she fixes it and picks Aprovado
    page.get_by_role("textbox", name="De", exact=True).fill("01/11/2026")
    page.get_by_role("textbox", name="Até", exact=True).fill("30/11/2026")
    page.get_by_role("button", name="Filtrar período").click()
    status_filter = page.locator("#changelist-filter .jet-status-counts")
    expect(status_filter.get_by_role("link", name="Aprovado")).to_contain_text("2")
    expect(status_filter.get_by_role("link", name="Novo")).to_contain_text("1")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    shoot(page, "lista-periodo-contagens")
    page.set_viewport_size(PHONE)
    shoot(page, "lista-periodo-contagens-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    status_filter.get_by_role("link", name="Aprovado").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)

    # and exports the list she is looking at
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exportar CSV").click()
    download = download_info.value

    # then the file is the two November approvals, as Excel in Portuguese reads them
    assert download.suggested_filename.startswith("pedidos-")
    assert download.suggested_filename.endswith(".csv")
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["Pedido", "Data do pedido", "Cliente", "E-mail", "CPF/CNPJ", "Status"]
    assert sorted(row[2] for row in rows[1:]) == ["Nina 0", "Nina 1"]
    assert {row[1] for row in rows[1:]} == {"10/11/2026 10:30"}
    assert {row[5] for row in rows[1:]} == {"Aprovado"}
