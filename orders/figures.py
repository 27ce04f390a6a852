"""The dashboard's figures, each one query whatever the number of orders: counts per status,
orders and revenue per day, and the median time orders spend in each status.

The median is read from the status history: a stay in a status lasts from the row that put
the order in it to the order's next row (revoked rows included: the order really was there).
A stay counts in the window when it ended inside it; orders still in a status have no end yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import DashboardSnapshot, Order, OrderStatusChange
from .statuses import OrderStatus

WINDOW_DAYS = 30


@dataclass(frozen=True)
class DaySales:
    day: date
    orders: int
    revenue: Decimal


@dataclass(frozen=True)
class StatusTime:
    status: str
    median: timedelta
    stays: int


@dataclass(frozen=True)
class Figures:
    taken_at: datetime
    counts: dict[str, int]
    sales: list[DaySales]
    times: list[StatusTime]


def dashboard_figures(now: datetime) -> Figures:
    """The dashboard's figures in two small queries: the stored snapshot and the status
    changes since it was taken, which bring the counts per status up to `now`.

    A snapshot older than twice the refresh period (beat not running) or missing is
    recomputed here, at the cost of the full queries.
    """
    stored = DashboardSnapshot.objects.filter(pk=1).first()
    limit = timedelta(seconds=2 * settings.DASHBOARD_REFRESH_SECONDS)
    if stored is None or not (now - limit <= stored.taken_at <= now):
        figures = refresh_snapshot(now)
    else:
        figures = _decode(stored)
    return Figures(
        figures.taken_at,
        _changed_since(figures.counts, figures.taken_at),
        figures.sales,
        figures.times,
    )


def refresh_snapshot(now: datetime | None = None) -> Figures:
    """Compute the heavy figures and store them (Celery beat, every few minutes)."""
    now = now or timezone.now()
    figures = Figures(
        now, status_counts(), daily_sales(timezone.localdate(now)), median_time_in_status(now)
    )
    data = {
        "counts": figures.counts,
        "sales": [[s.day.isoformat(), s.orders, str(s.revenue)] for s in figures.sales],
        "times": [[t.status, t.median.total_seconds(), t.stays] for t in figures.times],
    }
    DashboardSnapshot.objects.update_or_create(pk=1, defaults={"taken_at": now, "data": data})
    return figures


def _decode(stored: DashboardSnapshot) -> Figures:
    data = stored.data
    return Figures(
        stored.taken_at,
        dict.fromkeys(OrderStatus.values, 0) | data.get("counts", {}),
        [DaySales(date.fromisoformat(d), n, Decimal(r)) for d, n, r in data.get("sales", [])],
        [StatusTime(st, timedelta(seconds=s), n) for st, s, n in data.get("times", [])],
    )


def _changed_since(counts: dict[str, int], taken_at: datetime) -> dict[str, int]:
    """Counts per status moved on by every change made after the snapshot: each change takes
    one order out of its old status and into its new one (a new order has no old status).
    The created_at index keeps this to the few minutes of changes since the refresh."""
    moves = (
        OrderStatusChange.objects.filter(created_at__gt=taken_at)
        .order_by()
        .values_list("from_status", "to_status")
        .annotate(n=Count("id"))
    )
    current = dict(counts)
    for from_status, to_status, n in moves:
        if from_status in current:
            current[from_status] -= n
        current[to_status] = current.get(to_status, 0) + n
    return current


def status_counts() -> dict[str, int]:
    """{status: orders}, every status present (0 when none): one GROUP BY on the status index."""
    rows = Order.objects.order_by().values_list("status").annotate(n=Count("id"))
    counts = dict.fromkeys(OrderStatus.values, 0)
    counts.update(dict(rows))
    return counts


def daily_sales(today: date, days: int = WINDOW_DAYS) -> list[DaySales]:
    """Orders placed and their value on each of the `days` days up to `today` (local dates),
    days without orders included."""
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    rows = (
        Order.objects.filter(created_at__gte=start)
        .order_by()
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(orders=Count("id"), revenue=Sum("total"))
        .values_list("day", "orders", "revenue")
    )
    found = {day: (orders, revenue) for day, orders, revenue in rows}
    sales = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        orders, revenue = found.get(day, (0, Decimal("0")))
        sales.append(DaySales(day, orders, Decimal(revenue or 0)))
    return sales


def median_time_in_status(now: datetime, days: int = WINDOW_DAYS) -> list[StatusTime]:
    """The median stay in each status among stays that ended in the last `days` days."""
    since = now - timedelta(days=days)
    table = OrderStatusChange._meta.db_table
    if connection.vendor == "postgresql":
        sql = _POSTGRES_MEDIAN.format(table=table)
    else:
        sql = _PORTABLE_MEDIAN.format(table=table, seconds=_SQLITE_SECONDS)
    with connection.cursor() as cursor:
        value = connection.ops.adapt_datetimefield_value(since)
        cursor.execute(sql, [value, value])
        rows = cursor.fetchall()
    found = {status: (seconds, stays) for status, seconds, stays in rows}
    return [
        # Whole seconds: SQLite's julianday arithmetic is a few microseconds off.
        StatusTime(status, timedelta(seconds=round(float(found[status][0]))), found[status][1])
        for status in OrderStatus.values
        if status in found
    ]


# Each stay: the status a row put the order in, and how long until the order's next row.
# Only orders with a change in the window are read (the created_at index), but all of their
# rows, so a stay that began before the window still has its start.
_STAYS = """
    SELECT status, {seconds} AS seconds, left_at FROM (
        SELECT h.to_status AS status, h.created_at AS entered_at,
               LEAD(h.created_at) OVER (
                   PARTITION BY h.order_id ORDER BY h.created_at, h.id
               ) AS left_at
        FROM {table} h
        WHERE h.order_id IN (SELECT order_id FROM {table} WHERE created_at >= %s)
    ) rows
    WHERE left_at >= %s
"""
_POSTGRES_SECONDS = "EXTRACT(EPOCH FROM left_at - entered_at)"
_SQLITE_SECONDS = "(julianday(left_at) - julianday(entered_at)) * 86400.0"

_POSTGRES_MEDIAN = (
    "SELECT status, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds), COUNT(*) FROM ("
    + _STAYS.format(seconds=_POSTGRES_SECONDS, table="{table}")
    + ") stays GROUP BY status"
)
# Without percentile_cont (SQLite): number the stays of each status by length and average
# the middle one (odd count) or two (even count).
_PORTABLE_MEDIAN = (
    "SELECT status, AVG(seconds), MAX(total) FROM ("
    "  SELECT status, seconds,"
    "    ROW_NUMBER() OVER (PARTITION BY status ORDER BY seconds) AS n,"
    "    COUNT(*) OVER (PARTITION BY status) AS total"
    "  FROM (" + _STAYS + ") stays"
    ") ranked WHERE n IN ((total + 1) / 2, (total + 2) / 2) GROUP BY status"
)


# Past this many late orders in a status the dashboard says "1.000+": the count costs in
# proportion to what it counts, and a bigger exact number changes nothing for staff.
LATE_COUNT_CAP = 1000


def late_counts(cutoffs: dict[str, datetime]) -> dict[str, int]:
    """{status: late orders, at most LATE_COUNT_CAP + 1} for the statuses with a limit: one
    query, a UNION ALL of one capped range count per status, each reading only its slice of
    the (status, status_changed_at) index (an OR in one WHERE made PostgreSQL scan it all)."""
    if not cutoffs:
        return {}
    table = connection.ops.quote_name(Order._meta.db_table)
    branch = (
        f"SELECT %s, COUNT(*) FROM (SELECT 1 FROM {table} WHERE status = %s"
        f" AND status_changed_at < %s LIMIT {LATE_COUNT_CAP + 1}) capped"
    )
    sql = " UNION ALL ".join([branch] * len(cutoffs))
    params: list = []
    for status, cutoff in cutoffs.items():
        params += [status, status, connection.ops.adapt_datetimefield_value(cutoff)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {status: n for status, n in cursor.fetchall() if n}
