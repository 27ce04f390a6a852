"""What each status e-mail says: its context of plain values, its name and its variables.

`notifications` delivers; this module decides the content (design §3). The context holds only
strings, numbers and small dicts: store-edited templates must not reach model instances.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.catalog import EmailSpec
from notifications.outbox import delivery_states, queue_email

from .formatting import brl
from .links import order_status_url
from .models import DispatchCorrection, Order, OrderStatusChange
from .status_fields import DISPATCH_FIELDS, FIELD_LABELS, field_label
from .statuses import CUSTOMER_DESCRIPTIONS, OrderStatus, customer_label
from .tracking import tracking_url

COMMON_VARIABLES = {
    "numero_pedido": gettext_lazy("Número do pedido"),
    "nome_cliente": gettext_lazy("Nome do cliente"),
    "status": gettext_lazy("Nome do novo status"),
    "status_descricao": gettext_lazy("O que o status significa para o cliente"),
    "data": gettext_lazy("Data e hora da alteração"),
    "mensagem": gettext_lazy("Mensagem ao cliente escrita pela loja (pode estar vazia)"),
    "itens": gettext_lazy("Itens: cada um com descricao, quantidade, preco_unitario e total"),
    "frete": gettext_lazy("Valor do frete, formatado (R$)"),
    "total": gettext_lazy("Total do pedido, formatado (R$)"),
    "link_pedido": gettext_lazy("Link da página de acompanhamento do pedido"),
}
STATUS_VARIABLES = {
    OrderStatus.DESPACHADO: {
        "nota_fiscal": FIELD_LABELS["invoice_number"],
        "chave_nfe": FIELD_LABELS["nfe_key"],
        "transportadora": FIELD_LABELS["carrier"],
        "metodo_envio": FIELD_LABELS["shipping_method"],
        "codigo_rastreio": FIELD_LABELS["tracking_code"],
        "link_rastreio": gettext_lazy("Link de rastreio no site da transportadora"),
    },
    OrderStatus.CANCELADO: {"motivo_cancelamento": gettext_lazy("Motivo do cancelamento")},
}
# The e-mail variable each status field fills.
FIELD_VARIABLES = {
    "invoice_number": "nota_fiscal",
    "nfe_key": "chave_nfe",
    "carrier": "transportadora",
    "shipping_method": "metodo_envio",
    "tracking_code": "codigo_rastreio",
    "reason": "motivo_cancelamento",
}
# DESPACHADO's fields that the e-mail shows (the NF-e content and XML stay out of it).
DISPATCH_VARIABLES = [name for name in DISPATCH_FIELDS if name in FIELD_VARIABLES]
HTML_LAYOUT = "emails/pedido_layout.html"
TEXT_LAYOUT = "emails/pedido_layout.txt"

# The outbox's delivery state → what staff read on the order's timeline.
EMAIL_STATE_LABELS = {
    "queued": gettext_lazy("Na fila"),
    "sent": gettext_lazy("Enviado"),
    "delivered": gettext_lazy("Entregue"),
    "bounced": gettext_lazy("Devolvido"),
    "complained": gettext_lazy("Marcado como spam"),
    "failed": gettext_lazy("Falhou"),
}


# The e-mail sent when staff correct a dispatched order's dispatch data.
CORRECTION_TEMPLATE = "pedido_despacho_corrigido"
CORRECTION_VARIABLES = {
    **STATUS_VARIABLES[OrderStatus.DESPACHADO],
    "campos_corrigidos": gettext_lazy(
        "Dados corrigidos: cada um com campo, antes e depois (o que o cliente vê)"
    ),
}


def template_name(status: str) -> str:
    return f"pedido_{status}"


def dedupe_key(change: OrderStatusChange) -> str:
    # One e-mail per history row, ever: the row id is unique, so is the key
    # (docs/reliability.md, R1).
    return _dedupe_key(change.pk)


def _dedupe_key(change_id: int) -> str:
    return f"order-status-change:{change_id}"


def queue_status_email(change: OrderStatusChange) -> None:
    """Queue the customer's e-mail for this change, in the caller's transaction."""
    order = change.order
    queue_email(
        template=template_name(change.to_status),
        to=order.customer_email,
        context=status_email_context(order, change),
        dedupe_key=dedupe_key(change),
        related=order,
    )


def correction_dedupe_key(correction_id: int) -> str:
    return f"dispatch-correction:{correction_id}"


def queue_correction_email(correction: DispatchCorrection) -> None:
    """Queue the customer's e-mail about corrected dispatch data, in the caller's transaction."""
    order = correction.order
    queue_email(
        template=CORRECTION_TEMPLATE,
        to=order.customer_email,
        context=correction_email_context(order, correction),
        dedupe_key=correction_dedupe_key(correction.pk),
        related=order,
    )


def correction_email_context(order: Order, correction: DispatchCorrection | None) -> dict[str, Any]:
    """The order's dispatch data as it is now, and what changed (customer-facing fields only)."""
    context = status_email_context(order, None)
    if correction is not None:
        context["data"] = timezone.localtime(correction.created_at).strftime("%d/%m/%Y %H:%M")
        context["mensagem"] = correction.message_to_customer
    changes = correction.changes if correction else {}
    corrected = [
        {"campo": field_label(name), "antes": old, "depois": new}
        for name, (old, new) in changes.items()
        if name in DISPATCH_VARIABLES
    ]
    values = {name: getattr(order, name) for name in DISPATCH_VARIABLES}
    link = tracking_url(values["carrier"], values["tracking_code"])
    dispatch = {FIELD_VARIABLES[name]: value for name, value in values.items()}
    return context | dispatch | {"link_rastreio": link or "", "campos_corrigidos": corrected}


def status_email_context(order: Order, change: OrderStatusChange | None) -> dict[str, Any]:
    status = OrderStatus(change.to_status if change else order.status)
    when = timezone.localtime(change.created_at if change else timezone.now())
    context: dict[str, Any] = {
        "numero_pedido": order.number or "",
        "nome_cliente": order.customer_name,
        "status": customer_label(status),
        "status_descricao": str(CUSTOMER_DESCRIPTIONS[status]),
        "data": when.strftime("%d/%m/%Y %H:%M"),
        "mensagem": change.message_to_customer if change else "",
        "itens": items_context(order),
        "frete": brl(order.shipping_cost),
        "total": brl(order.total),
        "link_pedido": order_status_url(order),
    }
    return context | _status_fields(status, order, change.fields if change else {})


def items_context(order: Order) -> list[dict[str, Any]]:
    """The order's items for an e-mail, from `items_for_email` when the lock query brought
    them (orders.models.OrderQuerySet.locked_for_change), else from the database."""
    rows = getattr(order, "items_for_email", None)
    if rows is None:
        rows = order.items.values("id", "description", "quantity", "unit_price")
    context = []
    for row in sorted(rows, key=lambda row: row["id"]):
        price = Decimal(str(row["unit_price"]))
        context.append(
            {
                "descricao": row["description"],
                "quantidade": row["quantity"],
                "preco_unitario": brl(price),
                "total": brl(price * row["quantity"]),
            }
        )
    return context


def _status_fields(status: str, order: Order, fields: dict[str, Any]) -> dict[str, Any]:
    if status == OrderStatus.DESPACHADO:
        # The change's own fields, else the order's (a preview of a status not yet used).
        values = {name: fields.get(name, getattr(order, name)) for name in DISPATCH_VARIABLES}
        context = {FIELD_VARIABLES[name]: value for name, value in values.items()}
        link = tracking_url(values["carrier"], values["tracking_code"])
        return context | {"link_rastreio": link or ""}
    if status == OrderStatus.CANCELADO:
        return {FIELD_VARIABLES["reason"]: fields.get("reason", "")}
    return {}


def email_catalog() -> list[EmailSpec]:
    """Every status e-mail, for the outbox (settings.NOTIFICATIONS_CATALOG) and the admin."""
    return [
        EmailSpec(
            name=template_name(status),
            label=_("Pedido %(status)s") % {"status": status.label},
            variables={**COMMON_VARIABLES, **STATUS_VARIABLES.get(status, {})},
            html_layout=HTML_LAYOUT,
            text_layout=TEXT_LAYOUT,
            preview=partial(preview_context, status),
        )
        for status in OrderStatus
    ] + [
        EmailSpec(
            name=CORRECTION_TEMPLATE,
            label=_("Dados do despacho corrigidos"),
            variables={**COMMON_VARIABLES, **CORRECTION_VARIABLES},
            html_layout=HTML_LAYOUT,
            text_layout=TEXT_LAYOUT,
            preview=correction_preview_context,
        ),
        _late_digest_spec(),
    ]


def _late_digest_spec() -> EmailSpec:
    # The daily digest of late orders goes to staff, not customers (orders/late_digest.py).
    from . import late_digest

    return EmailSpec(
        name=late_digest.TEMPLATE,
        label=_("Pedidos atrasados (resumo diário para a equipe)"),
        variables=late_digest.VARIABLES,
        preview=late_digest.preview_context,
    )


def correction_preview_context() -> dict[str, Any]:
    """The latest correction's e-mail, else the latest dispatched order's data."""
    correction = (
        DispatchCorrection.objects.select_related("order").order_by("-created_at", "-id").first()
    )
    if correction:
        return correction_email_context(correction.order, correction)
    order = Order.objects.exclude(carrier="").order_by("-created_at", "-id").first()
    return correction_email_context(order, None) if order else {}


def preview_context(status: str) -> dict[str, Any]:
    """The context of a real order: the latest change to `status`, else the latest order."""
    change = (
        OrderStatusChange.objects.filter(to_status=status, revoked=False)
        .select_related("order")
        .order_by("-created_at", "-id")
        .first()
    )
    if change:
        return status_email_context(change.order, change)
    order = Order.objects.order_by("-created_at", "-id").first()
    if order is None:
        return {}
    context = status_email_context(order, None)
    fallback = OrderStatus(status)
    return (
        context
        | {
            "status": customer_label(fallback),
            "status_descricao": str(CUSTOMER_DESCRIPTIONS[fallback]),
        }
        | _status_fields(fallback, order, {})
    )


def email_states_for(change_ids: list[int]) -> dict[int, str]:
    """{change id: e-mail state label} for the admin timeline, in one query."""
    return timeline_email_states(change_ids, [])[0]


def timeline_email_states(
    change_ids: list[int], correction_ids: list[int]
) -> tuple[dict[int, str], dict[int, str]]:
    """The e-mail state labels of status changes and of dispatch corrections, in one query."""
    change_keys = {_dedupe_key(pk): pk for pk in change_ids}
    correction_keys = {correction_dedupe_key(pk): pk for pk in correction_ids}
    states = delivery_states([*change_keys, *correction_keys])
    labels = {key: str(EMAIL_STATE_LABELS[state]) for key, state in states.items()}
    return (
        {pk: labels[key] for key, pk in change_keys.items() if key in labels},
        {pk: labels[key] for key, pk in correction_keys.items() if key in labels},
    )
