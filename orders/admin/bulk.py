"""Bulk processing from the order list: each order through the service, one at a time."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from orders.actors import Actor
from orders.errors import OrderProcessingError
from orders.models import Order
from orders.services import order_process
from orders.statuses import OrderStatus, is_final

# The statuses that carry no fields, so a bulk change needs nothing but the choice.
BULK_STATUSES = [
    OrderStatus.EM_APROVACAO,
    OrderStatus.APROVADO,
    OrderStatus.EM_PRODUCAO,
    OrderStatus.TRACKING,
    OrderStatus.CONCLUIDO,
]


def bulk_process(request: HttpRequest, queryset: QuerySet[Order], to_status: str) -> None:
    actor = Actor.person(request.user)
    changed, refused = 0, []
    for order in queryset.order_by("id"):
        if is_final(order.status):
            # An override needs a reason and a look at the order: never in bulk.
            refused.append((order, _("o pedido está em status final; altere-o no próprio pedido")))
            continue
        try:
            order_process(order, to_status=to_status, by=actor)
        except OrderProcessingError as error:
            refused.append((order, error.message))
        else:
            changed += 1
    label = OrderStatus(to_status).label
    if changed:
        text = ngettext(
            "%(count)d pedido passou para %(s)s; o cliente receberá um e-mail.",
            "%(count)d pedidos passaram para %(s)s; cada cliente receberá um e-mail.",
            changed,
        )
        messages.success(request, text % {"count": changed, "s": label})
    if refused:
        text = ngettext(
            "%(count)d pedido não foi alterado: %(list)s",
            "%(count)d pedidos não foram alterados: %(list)s",
            len(refused),
        )
        details = "; ".join(f"{order.number} — {reason}" for order, reason in refused)
        messages.error(request, text % {"count": len(refused), "list": details})


def bulk_action(to_status: OrderStatus) -> Callable:
    @admin.action(
        permissions=["process"],
        description=format_lazy("{} {}", gettext_lazy("Passar selecionados para"), to_status.label),
    )
    def action(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        bulk_process(request, queryset, to_status)

    action.__name__ = f"process_to_{to_status.value}"
    return action


BULK_ACTIONS = [bulk_action(status) for status in BULK_STATUSES]
