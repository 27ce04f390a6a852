"""Late orders: each status's limit, working days without weekends and national holidays,
and Order.objects.late(now) agreeing with the rule."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from orders.deadlines import StatusDeadline
from orders.models import Order
from orders.statuses import OrderStatus
from orders.working_days import add_working_days, is_working_day
from tests.factories import OrderFactory
from tests.orders.deadline_defaults import seed_default_deadlines

SP = ZoneInfo("America/Sao_Paulo")


@pytest.fixture(autouse=True)
def _default_deadlines(request) -> None:
    # Only for tests that use the database; the limits as the migration seeds them.
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        seed_default_deadlines()


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SP)


def test_christmas_friday_and_the_weekend_are_not_working_days():
    # Thursday 24/12/2026 is a working day (Véspera de Natal is not a national holiday);
    # Friday 25/12 is Christmas.
    assert is_working_day(date(2026, 12, 24))
    assert not is_working_day(date(2026, 12, 25))
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 29)


def test_tiradentes_is_a_holiday_and_carnaval_is_not_a_national_one():
    assert not is_working_day(date(2026, 4, 21))  # Tiradentes, a Tuesday
    assert add_working_days(date(2026, 4, 20), 1) == date(2026, 4, 22)
    # Carnaval (16-17/02/2026) is only an optional day in `holidays`: it counts as working.
    assert is_working_day(date(2026, 2, 16))
    assert is_working_day(date(2026, 2, 17))


def test_the_year_boundary_skips_new_years_day_and_the_weekend():
    # 31/12/2026 (Thursday) works; 01/01/2027 is a holiday; 02-03/01 a weekend.
    assert is_working_day(date(2026, 12, 31))
    assert add_working_days(date(2026, 12, 30), 1) == date(2026, 12, 31)
    assert add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def working_deadline(days: int = 2) -> StatusDeadline:
    return StatusDeadline(status=OrderStatus.APROVADO, limit_days=days, working_days=True)


@pytest.mark.parametrize(
    ("entered", "on_time_until", "late_from"),
    [
        # Approved on Thursday before Christmas: Friday is Natal, so Monday and Tuesday are
        # its two working days; late on Wednesday.
        ("2026-12-24", "2026-12-29T23:59", "2026-12-30T00:00"),
        # Approved on 30/12: 31/12 and, past the holiday and the weekend, Monday 04/01.
        ("2026-12-30", "2027-01-04T23:59", "2027-01-05T00:00"),
        # Approved on the Monday before Tiradentes (Tuesday): Wednesday and Thursday.
        ("2026-04-20", "2026-04-23T23:59", "2026-04-24T00:00"),
        # Approved on a Saturday: Monday and Tuesday.
        ("2026-11-21", "2026-11-24T23:59", "2026-11-25T00:00"),
    ],
)
def test_working_day_cutoff_makes_an_order_late_the_day_after_its_last_day(
    entered, on_time_until, late_from
):
    deadline = working_deadline(2)
    entered_at = at(entered, 18)
    on_time = datetime.fromisoformat(on_time_until).replace(tzinfo=SP)
    late = datetime.fromisoformat(late_from).replace(tzinfo=SP)

    assert not entered_at < deadline.cutoff(on_time)
    assert entered_at < deadline.cutoff(late)


def test_calendar_days_are_exact_hours():
    deadline = StatusDeadline(status=OrderStatus.EM_PRODUCAO, limit_days=7, working_days=False)
    now = at("2026-11-27", 10)
    assert deadline.cutoff(now) == now - timedelta(days=7)
    assert deadline.limit_display == "7 dias"
    assert working_deadline(1).limit_display == "1 dia útil"


def test_the_migration_seeds_the_default_limits(db):
    StatusDeadline.objects.all().delete()
    seed_default_deadlines()
    limits = {d.status: (d.limit_days, d.working_days) for d in StatusDeadline.objects.all()}
    assert limits == {
        OrderStatus.APROVADO: (2, True),
        OrderStatus.EM_PRODUCAO: (7, False),
        OrderStatus.DESPACHADO: (15, False),
    }


def entered(order: Order, when: datetime) -> Order:
    Order.objects.filter(pk=order.pk).update(status_changed_at=when)
    return order


@pytest.mark.django_db
def test_late_finds_exactly_the_orders_past_their_limit():
    # given the default limits and orders on either side of each cutoff
    now = at("2026-12-30", 9)  # a Wednesday
    approved_thursday = entered(OrderFactory(status="aprovado"), at("2026-12-24", 18))
    approved_monday = entered(OrderFactory(status="aprovado"), at("2026-12-28", 8))
    producing_8_days = entered(OrderFactory(status="em_producao"), now - timedelta(days=8))
    producing_6_days = entered(OrderFactory(status="em_producao"), now - timedelta(days=6))
    dispatched_16_days = entered(OrderFactory(status="despachado"), now - timedelta(days=16))
    # no limit for NOVO, and a final status is never late
    entered(OrderFactory(status="novo"), now - timedelta(days=90))
    entered(OrderFactory(status="concluido"), now - timedelta(days=90))

    # when
    late = set(Order.objects.late(now).values_list("pk", flat=True))

    # then
    assert late == {approved_thursday.pk, producing_8_days.pk, dispatched_16_days.pk}
    assert approved_monday.pk not in late
    assert producing_6_days.pk not in late


@pytest.mark.django_db
def test_staff_changing_a_limit_changes_what_is_late():
    now = at("2026-12-30", 9)
    order = entered(OrderFactory(status="em_producao"), now - timedelta(days=8))
    assert Order.objects.late(now).filter(pk=order.pk).exists()

    StatusDeadline.objects.filter(status="em_producao").update(limit_days=10)

    assert not Order.objects.late(now).filter(pk=order.pk).exists()


@pytest.mark.django_db
def test_late_without_any_limit_is_empty_without_a_query(django_assert_num_queries):
    StatusDeadline.objects.all().delete()
    OrderFactory(status="aprovado")
    with django_assert_num_queries(1):  # the limits; the empty filter never reaches the DB
        assert list(Order.objects.late(at("2027-06-01"))) == []


@pytest.mark.django_db
def test_the_migration_backfill_fills_when_each_order_entered_its_status():
    # Orders loaded in bulk (no service) have no status_changed_at: the late filter would
    # never see them. The migration's backfill takes it from the history.
    from django.apps import apps

    from tests.orders.deadline_defaults import MIGRATION as migration

    order = OrderFactory(status="aprovado")
    approved_at = order.status_changes.get(to_status="aprovado").created_at
    Order.objects.filter(pk=order.pk).update(status_changed_at=None)

    migration.backfill_status_changed_at(apps, None)

    order.refresh_from_db()
    assert order.status_changed_at == approved_at


@pytest.mark.django_db
def test_staff_edit_a_limit_in_the_admin_and_a_bad_one_is_refused_in_portuguese(client, lojista):
    client.force_login(lojista)
    deadline = StatusDeadline.objects.get(status="em_producao")
    url = f"/admin/orders/statusdeadline/{deadline.pk}/change/"

    refused = client.post(url, {"status": "em_producao", "limit_days": "0"})
    assert refused.status_code == 200
    assert "Certifique-se que este valor seja maior ou igual a 1." in refused.content.decode()
    deadline.refresh_from_db()
    assert deadline.limit_days == 7

    client.post(url, {"status": "em_producao", "limit_days": "5", "working_days": "on"})
    deadline.refresh_from_db()
    assert (deadline.limit_days, deadline.working_days) == (5, True)
