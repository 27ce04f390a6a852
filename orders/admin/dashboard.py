"""The Painel: the admin's home for staff who see orders (others keep Django's index).

What waits in each status (and how much of it is late), orders and revenue per day, how long
orders stay in each status, e-mails stuck or failed, and the panels other apps add (payments:
refunds and chargebacks). A fixed handful of small queries at any number of orders: the heavy
figures come from a snapshot refreshed by beat (orders/figures.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.outbox import queue_summary
from orders.deadlines import StatusDeadline, status_cutoffs
from orders.figures import LATE_COUNT_CAP, WINDOW_DAYS, Figures, dashboard_figures, late_counts
from orders.formatting import brl
from orders.statuses import FINAL_STATUSES, OrderStatus

from .charts import bar_chart, whole_reais
from .format import short_datetime
from .late import LATE_PARAM
from .panels import dashboard_panels

DASHBOARD_PERMISSION = "orders.view_order"


def admin_home(request: HttpRequest) -> HttpResponse:
    """/admin/: the Painel for staff who see orders, Django's index for everyone else."""
    if not request.user.has_perm(DASHBOARD_PERMISSION):
        return admin.site.index(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Painel"),
        "subtitle": None,
        "app_list": admin.site.get_app_list(request),
        **dashboard_context(timezone.now()),
    }
    return TemplateResponse(request, "admin/orders/dashboard.html", context)


def dashboard_context(now: datetime) -> dict[str, Any]:
    deadlines = {deadline.status: deadline for deadline in StatusDeadline.objects.all()}
    cutoffs = status_cutoffs(now, deadlines.values())
    late = late_counts(cutoffs)
    figures = dashboard_figures(now)
    orders_url = reverse("admin:orders_order_changelist")
    outbox = queue_summary()
    outbox_url = reverse("admin:notifications_emailoutbox_changelist")
    return {
        "taken_at": short_datetime(figures.taken_at),
        "statuses": _status_cards(figures, late, deadlines, orders_url),
        "late_total": _capped(
            sum(late.values()), over=any(n > LATE_COUNT_CAP for n in late.values())
        ),
        "late_any": bool(late),
        "late_url": f"{orders_url}?{LATE_PARAM}=sim",
        "deadlines_url": reverse("admin:orders_statusdeadline_changelist"),
        "window_days": WINDOW_DAYS,
        **_sales(figures),
        "times": _times(figures, deadlines),
        "outbox": {
            "waiting": outbox["waiting"],
            "failed": outbox["failed"],
            "oldest": short_datetime(outbox["oldest_waiting_at"])
            if outbox["oldest_waiting_at"]
            else "",
            "waiting_url": f"{outbox_url}?status__in=pending,retry,sending",
            "failed_url": f"{outbox_url}?status__exact=dead",
        },
        "panels": dashboard_panels(),
    }


def _status_cards(
    figures: Figures, late: dict[str, int], deadlines: dict, orders_url: str
) -> list[dict[str, Any]]:
    cards = []
    for status in OrderStatus:
        deadline = deadlines.get(status.value)
        cards.append(
            {
                "status": status.value,
                "label": status.label,
                "count": figures.counts.get(status.value, 0),
                "url": f"{orders_url}?status__exact={status.value}",
                "late": late.get(status.value, 0),
                "late_display": _capped(late.get(status.value, 0)),
                "late_url": f"{orders_url}?status__exact={status.value}&{LATE_PARAM}=sim",
                "deadline": deadline.limit_display if deadline else "",
                "final": status in FINAL_STATUSES,
            }
        )
    return cards


def _sales(figures: Figures) -> dict[str, Any]:
    days = figures.sales
    orders_chart = bar_chart([(d.day.strftime("%d/%m"), d.orders, _int(d.orders)) for d in days])
    revenue_chart = bar_chart(
        [(d.day.strftime("%d/%m"), d.revenue, whole_reais(d.revenue)) for d in days]
    )
    return {
        "orders_chart": orders_chart,
        "revenue_chart": revenue_chart,
        "sales_rows": [
            {
                "day": d.day.strftime("%d/%m/%Y"),
                "weekday": _WEEKDAYS[d.day.weekday()],
                "orders": _int(d.orders),
                "revenue": brl(d.revenue),
            }
            for d in reversed(days)
        ],
        "sales_total_orders": _int(sum(d.orders for d in days)),
        "sales_total_revenue": brl(sum((d.revenue for d in days), start=0)),
    }


def _times(figures: Figures, deadlines: dict) -> list[dict[str, Any]]:
    longest = max((t.median for t in figures.times), default=timedelta(0))
    rows = []
    for time in figures.times:
        if time.status in FINAL_STATUSES:
            continue
        deadline = deadlines.get(time.status)
        share = time.median / longest if longest else 0
        rows.append(
            {
                "label": OrderStatus(time.status).label,
                "median": duration(time.median),
                "stays": _int(time.stays),
                "width": round(max(share * 100, 0.5), 1),
                "deadline": deadline.limit_display if deadline else "",
            }
        )
    return rows


_WEEKDAYS = ["seg", "ter", "qua", "qui", "sex", "sáb", "dom"]


def _capped(value: int, *, over: bool = False) -> str:
    """The late count as staff read it: 1.000+ past the cap (figures.LATE_COUNT_CAP)."""
    if over or value > LATE_COUNT_CAP:
        return f"{_int(min(value, LATE_COUNT_CAP))}+"
    return _int(value)


def _int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def duration(value: timedelta) -> str:
    """2 d 4 h, 5 h 12 min, 8 min, menos de 1 min."""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return _("menos de 1 min")
