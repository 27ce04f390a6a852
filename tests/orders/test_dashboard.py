"""The Painel: its figures agree with the database, it follows changes made after its
snapshot, and it costs the same handful of queries at 100 and at 10,000 orders."""

from __future__ import annotations

import random
import statistics
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import EmailOutbox, OutboxStatus
from orders.actors import Actor
from orders.figures import dashboard_figures, refresh_snapshot
from orders.models import DashboardSnapshot, Order, OrderItem, OrderStatusChange
from orders.services import order_process
from orders.statuses import OrderStatus
from tests.factories import PATH_TO, OrderFactory, PaymentEventFactory
from tests.orders.deadline_defaults import seed_default_deadlines

STATUSES = list(OrderStatus)


@pytest.fixture(autouse=True)
def _default_deadlines(request) -> None:
    # Only for tests that use the database; the limits as the migration seeds them.
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        seed_default_deadlines()


def generated_orders(count: int, seed: int = 12) -> list[Order]:
    """`count` orders through the real services, in every status, then with their history
    spread over the last 40 days (random stays of minutes to days)."""
    rng = random.Random(seed)
    now = timezone.now()
    orders = []
    for _ in range(count):
        order = OrderFactory(status=rng.choice(STATUSES))
        rows = list(order.status_changes.order_by("created_at", "id"))
        when = now - timedelta(days=rng.uniform(5, 40))
        Order.objects.filter(pk=order.pk).update(created_at=when)
        for row in rows:
            OrderStatusChange.objects.filter(pk=row.pk).update(created_at=when)
            when += timedelta(minutes=rng.randint(1, 60 * 24 * 4))
        orders.append(order)
    return orders


def expected_medians(now) -> dict[str, tuple[float, int]]:
    """The median stay per status, straight from the history rows, in Python."""
    since = now - timedelta(days=30)
    rows = defaultdict(list)
    for row in OrderStatusChange.objects.order_by("order_id", "created_at", "id"):
        rows[row.order_id].append(row)
    stays = defaultdict(list)
    for history in rows.values():
        for entered, left in zip(history, history[1:], strict=False):
            if left.created_at >= since:
                stays[entered.to_status].append(
                    (left.created_at - entered.created_at).total_seconds()
                )
    return {status: (statistics.median(s), len(s)) for status, s in stays.items()}


@pytest.mark.django_db
def test_dashboard_counts_and_times_agree_with_the_database():
    # given orders in every status with a history spread over 40 days
    generated_orders(40)
    now = timezone.now()

    # when
    figures = dashboard_figures(now)

    # then the counts are the table's
    assert figures.counts == {s.value: Order.objects.filter(status=s).count() for s in STATUSES}
    # and the median stays are the history's (PostgreSQL percentile_cont or SQLite's fallback)
    medians = {t.status: (t.median.total_seconds(), t.stays) for t in figures.times}
    expected = expected_medians(now)
    assert medians.keys() == expected.keys()
    for status, (seconds, stays) in expected.items():
        assert medians[status][0] == pytest.approx(seconds, abs=1)
        assert medians[status][1] == stays
    # and each of the 30 days has its orders and revenue
    local = Counter(timezone.localdate(o.created_at) for o in Order.objects.all())
    revenue = defaultdict(Decimal)
    for o in Order.objects.all():
        revenue[timezone.localdate(o.created_at)] += o.total
    assert len(figures.sales) == 30
    for day in figures.sales:
        assert day.orders == local.get(day.day, 0)
        assert day.revenue == revenue.get(day.day, Decimal("0"))


@pytest.mark.django_db
def test_the_median_of_an_even_number_of_stays_is_the_mean_of_the_middle_two():
    now = timezone.now()
    for minutes in [10, 20, 40, 1000]:
        order = OrderFactory(status="aprovado")
        novo, aprovado = order.status_changes.order_by("created_at", "id")
        start = now - timedelta(days=1)
        OrderStatusChange.objects.filter(pk=novo.pk).update(created_at=start)
        OrderStatusChange.objects.filter(pk=aprovado.pk).update(
            created_at=start + timedelta(minutes=minutes)
        )
    (novo_time,) = [t for t in refresh_snapshot(now).times if t.status == "novo"]
    assert novo_time.median == timedelta(minutes=30)
    assert novo_time.stays == 4


@pytest.mark.django_db
def test_counts_follow_changes_made_after_the_snapshot():
    # given a snapshot of three new orders
    orders = [OrderFactory(status="novo") for _ in range(3)]
    refresh_snapshot(timezone.now())

    # when one order is approved and another one arrives
    order_process(orders[0], to_status="aprovado", by=Actor.system())
    OrderFactory(status="novo")

    # then the dashboard counts them without recomputing the snapshot
    figures = dashboard_figures(timezone.now())
    assert figures.counts["novo"] == 3
    assert figures.counts["aprovado"] == 1
    assert DashboardSnapshot.objects.get().data["counts"]["novo"] == 3


@pytest.mark.django_db
def test_a_stale_snapshot_is_recomputed(settings):
    OrderFactory(status="novo")
    old = timezone.now() - timedelta(seconds=3 * settings.DASHBOARD_REFRESH_SECONDS)
    DashboardSnapshot.objects.create(pk=1, taken_at=old, data={"counts": {"novo": 99}})
    assert dashboard_figures(timezone.now()).counts["novo"] == 1


@pytest.mark.django_db
def test_the_painel_is_the_admin_home_for_order_staff(client, lojista):
    # given a chargeback, a failed e-mail and a late order
    PaymentEventFactory(chargeback=True)
    EmailOutbox.objects.filter(pk=EmailOutbox.objects.first().pk).update(status=OutboxStatus.DEAD)
    late = OrderFactory(status="em_producao")
    Order.objects.filter(pk=late.pk).update(status_changed_at=timezone.now() - timedelta(days=8))
    client.force_login(lojista)

    page = client.get("/admin/").content.decode()

    assert "<h1>Painel</h1>" in page
    assert "Pedidos por status" in page
    assert "/admin/orders/order/?status__exact=em_producao&amp;atrasado=sim" in page
    assert "1 atrasado" in page
    assert "Chargebacks" in page
    assert "kind__exact=chargeback" in page
    assert "falhou" in page
    assert "Tempo em cada status" in page
    assert "<svg" in page
    assert "Ver como tabela" in page
    # Money in reais, dates dd/mm/aaaa.
    assert f"{timezone.localdate():%d/%m/%Y}" in page
    assert "R$ " in page
    # The rest of the panel is still reachable from the home page.
    assert "/admin/notifications/emailoutbox/" in page


@pytest.mark.django_db
def test_staff_who_do_not_see_orders_keep_the_normal_index(client):
    from tests.factories import UserFactory

    user = UserFactory(username="ti", is_staff=True)
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "Pedidos por status" not in page
    assert client.get("/admin/", follow=False).status_code == 200


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def bulk_orders(count: int) -> None:
    """`count` orders with a three-row history each, in bulk (factories take ~10 ms an order)."""
    now = timezone.now()
    rng = random.Random(count)
    made = Order.objects.bulk_create(
        Order(
            customer_name=f"Cliente {n}",
            customer_email=f"c{n}@exemplo.com.br",
            total=Decimal("99.90"),
            status=rng.choice(STATUSES),
            status_changed_at=now - timedelta(days=rng.uniform(0, 20)),
        )
        for n in range(count)
    )
    Order.objects.filter(pk__in=[o.pk for o in made]).update(created_at=now - timedelta(days=10))
    OrderItem.objects.bulk_create(
        OrderItem(order=o, description="Caneca", quantity=1, unit_price=Decimal("99.90"))
        for o in made
    )
    history = []
    for order in made:
        for step, to_status in enumerate(["novo", *PATH_TO[order.status]]):
            history.append(
                OrderStatusChange(
                    order=order,
                    from_status="" if step == 0 else "novo",
                    to_status=to_status,
                    actor_kind="system",
                )
            )
    OrderStatusChange.objects.bulk_create(history)
    OrderStatusChange.objects.filter(order__in=made).update(
        created_at=now - timedelta(days=rng.uniform(1, 20))
    )


def dashboard_queries(client) -> tuple[int, int]:
    """Queries of a view that recomputes the snapshot, then of one that reads it."""
    DashboardSnapshot.objects.all().delete()
    with CaptureQueriesContext(connection) as fresh:
        assert client.get("/admin/").status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert client.get("/admin/").status_code == 200
    return len(fresh), len(cached)


@pytest.mark.django_db
def test_dashboard_query_count_is_the_same_at_100_and_10000_orders(
    postgres, client, lojista, django_assert_max_num_queries
):
    client.force_login(lojista)
    client.get("/admin/")  # the session and permission caches warm up once

    bulk_orders(100)
    at_100 = dashboard_queries(client)
    bulk_orders(9_900)
    assert Order.objects.count() == 10_000
    at_10000 = dashboard_queries(client)

    assert at_100 == at_10000
    # Session, user, permissions; limits, late counts, snapshot, changes since, e-mails,
    # payments: the page reading the snapshot.
    with django_assert_max_num_queries(12):
        client.get("/admin/")
