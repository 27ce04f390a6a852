"""The daily e-mail to staff listing late orders, through the outbox like every e-mail.

Sent once a day (the dedupe key carries the date and the address: a second run the same day
queues nothing) and only when some order is late. Recipients: LATE_DIGEST_RECIPIENTS, else
every active staff user who may process orders.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from notifications.outbox import queue_email

from .deadlines import StatusDeadline, status_cutoffs
from .models import Order
from .permissions import PROCESS_CODENAME

TEMPLATE = "pedidos_atrasados"
# The e-mail lists the longest-late orders; the link opens the whole list.
MAX_LISTED = 100
VARIABLES = {
    "data": gettext_lazy("Data do resumo (dd/mm/aaaa)"),
    "total": gettext_lazy("Quantos pedidos estão atrasados"),
    "pedidos": gettext_lazy(
        "Pedidos atrasados: cada um com numero, cliente, status, desde, prazo e link"
    ),
    "mais": gettext_lazy("Quantos atrasados ficaram fora da lista (0 se nenhum)"),
    "link_lista": gettext_lazy("Link da lista de pedidos atrasados no painel"),
}


def recipients() -> list[str]:
    if settings.LATE_DIGEST_RECIPIENTS:
        return list(dict.fromkeys(settings.LATE_DIGEST_RECIPIENTS))
    permission = Permission.objects.filter(
        content_type__app_label="orders", codename=PROCESS_CODENAME
    )
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=permission)
            | Q(groups__permissions__in=permission)
        )
        .distinct()
        .order_by("email")
    )
    return list(dict.fromkeys(email.lower() for email in users.values_list("email", flat=True)))


def dedupe_key(day: str, address: str) -> str:
    return f"late-orders-digest:{day}:{address.lower()}"


def send_late_orders_digest(now: datetime) -> int:
    """Queue today's digest for each recipient when orders are late (a second run the same
    day queues nothing new); returns how many recipients it was for."""
    context = digest_context(now)
    if context is None:
        return 0
    day = timezone.localdate(now).isoformat()
    addresses = recipients()
    with transaction.atomic():
        for address in addresses:
            # Already queued today for this address: the outbox keeps the first one.
            queue_email(
                template=TEMPLATE, to=address, context=context, dedupe_key=dedupe_key(day, address)
            )
    return len(addresses)


def digest_context(now: datetime) -> dict[str, Any] | None:
    """The digest's plain-value context, or None when nothing is late."""
    deadlines = {d.status: d for d in StatusDeadline.objects.all()}
    cutoffs = status_cutoffs(now, deadlines.values())
    late = Order.objects.late(now, cutoffs)
    # Longest in its status first: those are the most urgent.
    orders = list(late.order_by("status_changed_at", "id")[: MAX_LISTED + 1])
    if not orders:
        return None
    total = len(orders) if len(orders) <= MAX_LISTED else late.count()
    listed = orders[:MAX_LISTED]
    return {
        "data": timezone.localdate(now).strftime("%d/%m/%Y"),
        "total": total,
        "pedidos": [_line(order, deadlines) for order in listed],
        "mais": total - len(listed),
        "link_lista": f"{settings.SITE_URL}{reverse('admin:orders_order_changelist')}?atrasado=sim",
    }


def _line(order: Order, deadlines: dict[str, StatusDeadline]) -> dict[str, str]:
    return {
        "numero": order.number or str(order.pk),
        "cliente": order.customer_name,
        "status": order.get_status_display(),
        "desde": timezone.localtime(order.status_changed_at).strftime("%d/%m/%Y %H:%M"),
        "prazo": deadlines[order.status].limit_display,
        "link": f"{settings.SITE_URL}{reverse('admin:orders_order_change', args=[order.pk])}",
    }


def preview_context() -> dict[str, Any]:
    """For the e-mail editor: today's digest, or an empty one when nothing is late."""
    now = timezone.now()
    return digest_context(now) or {
        "data": timezone.localdate(now).strftime("%d/%m/%Y"),
        "total": 0,
        "pedidos": [],
        "mais": 0,
        "link_lista": f"{settings.SITE_URL}{reverse('admin:orders_order_changelist')}?atrasado=sim",
    }
