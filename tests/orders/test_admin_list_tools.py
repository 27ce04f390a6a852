"""The order list's tools: the "de / até" date filter, counts per status beside the status
filter, and the search by tracking code as people type it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from orders import status_counts as status_counts_module
from orders.admin.date_range import DateRange, DateRangeError, date_range_from
from orders.models import Order
from orders.statuses import OrderStatus
from tests.admin_urls import ORDER_LIST_URL
from tests.factories import OrderFactory
from tests.orders.test_admin_order_list import bulk_orders, numbers_on_page


@pytest.fixture(autouse=True)
def _fresh_counts():
    # Counts are cached for 30 s; each test counts its own orders.
    cache.clear()
    yield
    cache.clear()


def created_on(order: Order, day: str, hour: int = 12) -> None:
    day_, month, year = (int(part) for part in day.split("/"))
    when = timezone.make_aware(datetime.combine(date(year, month, day_), time(hour, 0)))
    Order.objects.filter(pk=order.pk).update(created_at=when)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_range_is_typed_as_brazilians_write_dates():
    assert date_range_from({"criado_de": "1/11/2026", "criado_ate": "30/11/2026"}) == DateRange(
        date(2026, 11, 1), date(2026, 11, 30)
    )
    assert date_range_from({"criado_de": "2026-11-01"}).start == date(2026, 11, 1)
    assert not date_range_from({})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"criado_de": "31/02/2026"}, "Data inicial inválida: “31/02/2026”"),
        ({"criado_ate": "amanhã"}, "Data final inválida: “amanhã”"),
        ({"criado_de": "10/11/2026", "criado_ate": "01/11/2026"}, "Período invertido"),
    ],
)
def test_a_bad_range_is_refused_in_portuguese(query, message):
    with pytest.raises(DateRangeError, match=message):
        date_range_from(query)


def test_the_range_includes_both_days_whole_in_the_store_time_zone(client, lojista):
    # given three orders: the evening before, the first day at 00:30, the last day at 23:50
    before, first, last = OrderFactory(), OrderFactory(), OrderFactory()
    created_on(before, "31/10/2026", hour=23)
    created_on(first, "01/11/2026", hour=0)
    created_on(last, "30/11/2026", hour=23)
    client.force_login(lojista)

    # when
    response = client.get(ORDER_LIST_URL, {"criado_de": "01/11/2026", "criado_ate": "30/11/2026"})

    # then
    assert numbers_on_page(response) == [last.number, first.number]
    text = response.content.decode()
    assert "Por data do pedido" in text
    assert 'value="01/11/2026"' in text


def test_only_one_end_of_the_range_may_be_given(client, lojista):
    old, new = OrderFactory(), OrderFactory()
    created_on(old, "01/01/2026")
    client.force_login(lojista)

    since = client.get(ORDER_LIST_URL, {"criado_de": "01/06/2026"})
    until = client.get(ORDER_LIST_URL, {"criado_ate": "01/06/2026"})

    assert numbers_on_page(since) == [new.number]
    assert numbers_on_page(until) == [old.number]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"criado_de": "32/13/2026"}, "Data inicial inválida"),
        ({"criado_de": "10/11/2026", "criado_ate": "01/11/2026"}, "Período invertido"),
        ({"criado_ate": "99/99/99999"}, "Data final inválida"),
    ],
)
def test_a_bad_range_shows_the_error_and_filters_nothing(client, lojista, query, message):
    orders = [OrderFactory(), OrderFactory()]
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL, {**query, "status__exact": "novo"})

    assert response.status_code == 200
    assert sorted(numbers_on_page(response)) == sorted(o.number for o in orders)
    errors = messages_of(response)
    assert len(errors) == 1
    assert message in errors[0]
    # The typed text stays in the box, next to the error, to be corrected.
    text = response.content.decode()
    assert 'aria-invalid="true"' in text
    assert f'value="{next(iter(query.values()))}"' in text


def test_the_quick_periods_set_the_range(client, lojista):
    client.force_login(lojista)
    today = timezone.localdate()

    response = client.get(ORDER_LIST_URL, {"q": "Maria"})

    text = response.content.decode()
    week = (today - timedelta(days=6)).strftime("%d/%m/%Y")
    assert f"criado_de={week.replace('/', '%2F')}" in text
    assert "Últimos 7 dias" in text
    # The form keeps the search when a range is typed.
    assert '<input type="hidden" name="q" value="Maria">' in text


def status_counts_on_page(response) -> dict[str, int]:
    spec = next(s for s in response.context["cl"].filter_specs if hasattr(s, "lookup_kwarg"))
    return {
        str(choice["display"]): choice["count"] for choice in spec.choices(response.context["cl"])
    }


def test_the_status_filter_shows_how_many_orders_each_status_has(client, lojista):
    OrderFactory(status="aprovado")
    OrderFactory(status="aprovado")
    OrderFactory(status="despachado")
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL, {"status__exact": "novo"})

    counts = status_counts_on_page(response)
    assert counts["Todos"] == 3
    assert counts["Aprovado"] == 2
    assert counts["Despachado"] == 1
    assert counts["Novo"] == 0
    text = response.content.decode()
    assert '<span>Aprovado</span> <span class="jet-count">2</span>' in text
    assert "Quantidade de todos os pedidos" in text


def test_the_counts_follow_the_chosen_period(client, lojista):
    old = OrderFactory(status="aprovado")
    created_on(old, "01/01/2026")
    OrderFactory(status="aprovado")
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL, {"criado_de": "01/06/2026"})

    assert status_counts_on_page(response)["Aprovado"] == 1
    assert "Quantidade no período escolhido" in response.content.decode()


def test_a_small_store_sees_exact_counts_on_every_view(client, lojista):
    OrderFactory(status="aprovado")
    client.force_login(lojista)
    client.get(ORDER_LIST_URL)
    OrderFactory(status="aprovado")

    response = client.get(ORDER_LIST_URL)

    assert status_counts_on_page(response)["Aprovado"] == 2
    assert "atualizada a cada" not in response.content.decode()


def test_a_big_store_counts_are_cached_briefly_not_counted_on_every_view(
    client, lojista, monkeypatch
):
    # A big store: as if 1 order were past the size where counting costs (EXACT_BELOW).
    monkeypatch.setattr(status_counts_module, "EXACT_BELOW", 1)
    OrderFactory(status="aprovado")
    client.force_login(lojista)
    client.get(ORDER_LIST_URL)
    # An order approved meanwhile is counted once the cache expires (30 s), not at once.
    OrderFactory(status="aprovado")

    response = client.get(ORDER_LIST_URL)

    assert status_counts_on_page(response)["Aprovado"] == 1
    assert "atualizada a cada 30 s" in response.content.decode()
    cache.clear()
    assert status_counts_on_page(client.get(ORDER_LIST_URL))["Aprovado"] == 2


@pytest.mark.parametrize("size", [10, 1000])
def test_the_list_with_counts_and_a_range_keeps_its_query_count(
    client, lojista, django_assert_max_num_queries, size, monkeypatch
):
    monkeypatch.setattr(status_counts_module, "EXACT_BELOW", 1)  # counted as a big store
    bulk_orders(size)
    client.force_login(lojista)
    query = {"criado_de": "01/01/2020", "criado_ate": "31/12/2030", "status__exact": "novo"}
    # session, user, 2 permission lookups, the status time limits (the Atrasado badge), the
    # capped count, the page and the counts: 8 at any size; 7 while the counts are cached.
    with django_assert_max_num_queries(8):
        first = client.get(ORDER_LIST_URL, query)
    with django_assert_max_num_queries(7):
        client.get(ORDER_LIST_URL, query)

    assert status_counts_on_page(first)["Novo"] == len(
        [i for i in range(size) if i % len(OrderStatus) == 0]
    )


@pytest.mark.parametrize(
    "typed", ["aa123456785br", "AA 123 456 785 BR", "  aa123456785BR ", "aa 123456785 br"]
)
def test_a_tracking_code_is_found_typed_in_lower_case_or_with_spaces(client, lojista, typed):
    wanted = OrderFactory(status="despachado")
    OrderFactory(status="aprovado")
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL, {"q": typed})

    assert wanted.tracking_code == "AA123456785BR"
    assert numbers_on_page(response) == [wanted.number]


@pytest.mark.parametrize(
    "query",
    [
        {"criado_de": "01/01/0001", "criado_ate": "31/12/9999"},
        {"criado_ate": "31/12/9999"},
        {"criado_de": "0000-01-01"},
        {"criado_de": "29/02/2028", "criado_ate": "29/02/2028"},
        {"criado_de": ["01/11/2026", "lixo"]},
    ],
)
def test_edge_dates_never_break_the_list(client, lojista, query):
    OrderFactory()
    client.force_login(lojista)

    response = client.get(ORDER_LIST_URL, query)

    assert response.status_code == 200
