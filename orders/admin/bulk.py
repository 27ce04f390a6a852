"""Bulk processing from the order list: each order through the service, one at a time.

A bulk action e-mails every customer whose order changes, so it first shows a confirmation
page: how many orders will change, how many customers will be e-mailed, and which orders will
not change and what to do about them. Nothing happens until the lojista confirms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from orders.actors import Actor
from orders.errors import OrderProcessingError, RefusalCode
from orders.models import Order
from orders.rules import check_change
from orders.services import order_process
from orders.statuses import OrderStatus, is_final

from .format import status_badge

# The statuses that carry no fields, so a bulk change needs nothing but the choice.
BULK_STATUSES = [
    OrderStatus.EM_APROVACAO,
    OrderStatus.APROVADO,
    OrderStatus.EM_PRODUCAO,
    OrderStatus.TRACKING,
    OrderStatus.CONCLUIDO,
]
# The button of the confirmation page: present only when the lojista confirmed.
BULK_CONFIRM = "confirmar_lote"
# Orders listed one by one on the confirmation page; the counts always cover them all.
PREVIEW_ROWS = 100

# What to do instead, after the service's own reason, for each kind of refusal.
WHAT_TO_DO = {
    RefusalCode.ALREADY_USED: gettext_lazy("Tire-o da seleção: ele já passou por esse status."),
    RefusalCode.NOT_ALLOWED: gettext_lazy(
        "Abra o pedido e leve-o antes ao status indicado, ou tire-o da seleção."
    ),
    RefusalCode.FINAL_STATUS: gettext_lazy(
        "Tire-o da seleção; só o suporte altera um pedido finalizado, no próprio pedido."
    ),
    RefusalCode.PERMISSION_DENIED: gettext_lazy(
        "Peça a quem tem a permissão de processar pedidos."
    ),
}


def _final_refusal() -> str:
    # An override needs a reason and a look at the order: never in bulk.
    return _("o pedido está em status final; altere-o no próprio pedido")


def refusal_text(error: OrderProcessingError) -> str:
    """The service's reason, followed by what to do instead."""
    hint = WHAT_TO_DO.get(error.code)
    return f"{error.message} {hint}" if hint else error.message


@dataclass(frozen=True)
class BulkPreview:
    will_change: list[Order]
    refused: list[tuple[Order, str]]

    @property
    def customers(self) -> int:
        return len({order.customer_email.lower() for order in self.will_change})


def bulk_preview(queryset: QuerySet[Order], to_status: str, actor: Actor) -> BulkPreview:
    """Which selected orders the change would apply to, by the service's own rules."""
    will_change, refused = [], []
    for order in queryset.order_by("id"):
        if is_final(order.status):
            refused.append((order, _final_refusal()))
            continue
        try:
            check_change(order, to_status, actor)
        except OrderProcessingError as error:
            refused.append((order, refusal_text(error)))
        else:
            will_change.append(order)
    return BulkPreview(will_change, refused)


def bulk_process(request: HttpRequest, queryset: QuerySet[Order], to_status: str) -> None:
    actor = Actor.person(request.user)
    changed, refused = 0, []
    for order in queryset.order_by("id"):
        if is_final(order.status):
            refused.append((order, _final_refusal()))
            continue
        try:
            order_process(order, to_status=to_status, by=actor)
        except OrderProcessingError as error:
            refused.append((order, refusal_text(error)))
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


def bulk_confirmation(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Order],
    to_status: OrderStatus,
    action_name: str,
) -> HttpResponse:
    """The page that says what the action will do, before it does anything."""
    preview = bulk_preview(queryset, to_status, Actor.person(request.user))
    count = len(preview.will_change)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Confirmar alteração em lote"),
        "to_label": to_status.label,
        "to_badge": status_badge(to_status),
        "preview": preview,
        "count": count,
        "customers": preview.customers,
        "rows": [(o, status_badge(o.status)) for o in preview.will_change[:PREVIEW_ROWS]],
        "more": max(0, count - PREVIEW_ROWS),
        "refused": preview.refused[:PREVIEW_ROWS],
        "refused_more": max(0, len(preview.refused) - PREVIEW_ROWS),
        "action_name": action_name,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "confirm_name": BULK_CONFIRM,
        "form_url": request.get_full_path(),
    }
    return TemplateResponse(request, "admin/orders/order/bulk_confirm.html", context)


def bulk_action(to_status: OrderStatus) -> Callable:
    name = f"process_to_{to_status.value}"

    @admin.action(
        permissions=["process"],
        description=format_lazy("{} {}", gettext_lazy("Passar selecionados para"), to_status.label),
    )
    def action(
        model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        if BULK_CONFIRM not in request.POST:
            return bulk_confirmation(model_admin, request, queryset, to_status, name)
        bulk_process(request, queryset, to_status)
        return None

    action.__name__ = name
    return action


BULK_ACTIONS = [bulk_action(status) for status in BULK_STATUSES]
