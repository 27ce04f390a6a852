"""The order list shows and filters the orders whose parcel came back or got lost (issue 13:
"Atenção: devolvido ao remetente"), without a query more (orders/admin/attention.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Order
from orders.statuses import OrderStatus
from orders.tracking_events import ScanKind, TrackingEvent
from tests.admin_urls import ORDER_LIST_URL, change_url
from tests.factories import OrderFactory
from tests.orders.test_admin_order_list import bulk_orders, numbers_on_page

RETURNED_BADGE = "Atenção: devolvido ao remetente"
LOST_BADGE = "Atenção: objeto extraviado"


def scan(order, kind: ScanKind, *, minutes: int = 0, flagged: bool | None = None) -> TrackingEvent:
    return TrackingEvent.objects.create(
        order=order,
        carrier="Correios",
        code=f"{kind[:3].upper()}/{minutes:02d}",
        kind=kind,
        description=str(kind.label),
        occurred_at=timezone.now() - timedelta(hours=1) + timedelta(minutes=minutes),
        needs_attention=kind in (ScanKind.RETURNED, ScanKind.LOST) if flagged is None else flagged,
    )


@pytest.fixture
def orders():
    """A returned parcel, a lost one, one in transit, and a returned one staff resolved."""
    returned, lost, moving, resolved = (OrderFactory(status=OrderStatus.DESPACHADO) for _ in "1234")
    scan(returned, ScanKind.IN_TRANSIT)
    scan(returned, ScanKind.RETURNED, minutes=5)
    scan(lost, ScanKind.LOST)
    scan(moving, ScanKind.IN_TRANSIT)
    scan(resolved, ScanKind.RETURNED, flagged=False)
    return {"returned": returned, "lost": lost, "moving": moving, "resolved": resolved}


def rows(response) -> dict[str, str]:
    """Each listed order's number and its status cell's HTML."""
    text = response.content.decode()
    cells = {}
    for order in response.context["cl"].result_list:
        row = text[text.index(f'value="{order.pk}"') :]
        cell = row[row.index('class="field-status_col"') :]
        cells[order.number] = cell[: cell.index("</td>")]
    return cells


def test_the_list_flags_returned_and_lost_parcels_in_the_status_column(client, lojista, orders):
    client.force_login(lojista)

    cells = rows(client.get(ORDER_LIST_URL))

    assert RETURNED_BADGE in cells[orders["returned"].number]
    assert LOST_BADGE in cells[orders["lost"].number]
    for calm in ("moving", "resolved"):
        assert "Atenção" not in cells[orders[calm].number]
    assert "Despachado" in cells[orders["returned"].number]


def test_the_requer_atencao_filter_lists_only_the_flagged_orders(client, lojista, orders):
    client.force_login(lojista)

    page = client.get(ORDER_LIST_URL)
    assert "Requer atenção" in page.content.decode()
    filtered = client.get(ORDER_LIST_URL, {"atencao": "sim"})

    assert sorted(numbers_on_page(filtered)) == sorted(
        [orders["returned"].number, orders["lost"].number]
    )
    # Resolving the flag ("Marcar como resolvido") takes the order off the filtered list.
    TrackingEvent.objects.filter(order=orders["lost"]).update(needs_attention=False)
    again = client.get(ORDER_LIST_URL, {"atencao": "sim"})
    assert numbers_on_page(again) == [orders["returned"].number]


def test_the_order_page_shows_the_same_badge(client, lojista, orders):
    client.force_login(lojista)

    page = client.get(change_url(orders["returned"])).content.decode()

    assert RETURNED_BADGE in page


def queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(ORDER_LIST_URL, params).status_code == 200
    return len(captured.captured_queries)


def test_the_badge_and_filter_cost_no_query_more(client, lojista, orders):
    client.force_login(lojista)
    # Warm whatever the list caches (other filters may cache counts), then count.
    client.get(ORDER_LIST_URL)
    plain = queries(client)

    # The list's own budget is test_admin_order_list.py's; the flag adds nothing to it.
    assert queries(client, atencao="sim") == plain
    assert queries(client, atencao="sim", status__exact="despachado") == plain

    # and the same with 300 orders more, some of them with scans of their own
    bulk_orders(300)
    # Older than the flagged ones, so those stay on the first page.
    Order.objects.filter(number__gte="500000").update(created_at=timezone.now() - timedelta(days=2))
    for order in list(orders.values())[:2]:
        scan(order, ScanKind.OTHER, minutes=30)
    client.get(ORDER_LIST_URL)
    assert queries(client) == plain
    assert queries(client, atencao="sim") == plain
    page = client.get(ORDER_LIST_URL)
    assert page.content.decode().count(RETURNED_BADGE) == 1
    assert len(numbers_on_page(client.get(ORDER_LIST_URL, {"atencao": "sim"}))) == 2
