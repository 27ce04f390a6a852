"""Which status change is allowed, for whom, and why not: the one place that decides.

The service calls `check_change` on the locked row; screens call `allowed_next_statuses` to
offer only what would succeed. Both read the same rules, so a screen never offers a change
that the service would refuse.
"""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _

from .actors import Actor
from .errors import OrderProcessingError, RefusalCode
from .models import Order
from .permissions import can_override, can_process
from .statuses import OrderStatus, is_final

OVERRIDE_TRANSITION = "override_status"


def _label(status: str) -> str:
    return str(OrderStatus(status).label)


def _sources(order: Order, to_status: str) -> str:
    """ "Despachado ou Tracking": the statuses an ordinary change to `to_status` starts from."""
    field = order._meta.get_field("status")
    sources = {
        transition.source
        for transition in field.get_all_transitions(type(order))
        if transition.name != OVERRIDE_TRANSITION and transition.target == to_status
    }
    labels = [_label(status) for status in OrderStatus if status in sources]
    return _(" ou ").join(labels) if labels else "—"


def _transition_name(order: Order, to_status: str) -> str | None:
    for transition in order.get_available_status_transitions():
        if transition.name != OVERRIDE_TRANSITION and transition.target == to_status:
            return transition.name
    return None


# Gateways, integrations and the system make every change store staff may make, never the
# support override (design §5).
def _may_process(actor: Actor) -> bool:
    return not actor.is_person or can_process(actor.user)


def _may_override(actor: Actor) -> bool:
    return actor.is_person and can_override(actor.user)


def check_not_stale(order: Order, expected_status: str | None) -> None:
    """Refuse a change decided on an order that has moved since (a form left open while
    someone else acted); `order` is the locked row, `expected_status` what the caller saw."""
    if expected_status is not None and order.status != expected_status:
        raise OrderProcessingError(
            RefusalCode.STALE,
            _(
                "Este pedido foi alterado por outra pessoa enquanto você preenchia o formulário: "
                "agora está %(s)s. Nada foi alterado; confira o andamento e escolha de novo."
            )
            % {"s": _label(order.status)},
        )


def check_change(
    order: Order, to_status: str, actor: Actor, used: Collection[str] | None = None
) -> str:
    """The name of the transition that moves `order` to `to_status`, or OrderProcessingError.

    `used` (the statuses the order has used) is read from the history only when a change is
    refused and the reason depends on it: the transitions only move forward, so an allowed
    one never reaches a used status, and the unique index on the history guards it anyway.
    """
    if to_status not in OrderStatus.values:
        raise OrderProcessingError(
            RefusalCode.NOT_ALLOWED, _("Status desconhecido: “%(s)s”.") % {"s": to_status}
        )
    if not (_may_process(actor) or _may_override(actor)):
        raise OrderProcessingError(
            RefusalCode.PERMISSION_DENIED, _("Você não tem permissão para processar pedidos.")
        )
    current = order.status
    if is_final(current):
        if to_status == current:
            raise OrderProcessingError(
                RefusalCode.ALREADY_USED,
                _("O pedido já está %(s)s.") % {"s": _label(current)},
            )
        if not _may_override(actor):
            raise OrderProcessingError(
                RefusalCode.FINAL_STATUS,
                _("O pedido está %(s)s, um status final. Somente o suporte da JET pode alterá-lo.")
                % {"s": _label(current)},
            )
        return OVERRIDE_TRANSITION
    name = _transition_name(order, to_status)
    if name is None:
        if to_status in (used_statuses(order) if used is None else used):
            raise already_used(to_status)
        raise OrderProcessingError(
            RefusalCode.NOT_ALLOWED,
            _("Não é possível passar o pedido de %(a)s para %(b)s: só a partir de %(from)s.")
            % {"a": _label(current), "b": _label(to_status), "from": _sources(order, to_status)},
        )
    if not _may_process(actor):
        raise OrderProcessingError(
            RefusalCode.PERMISSION_DENIED, _("Você não tem permissão para processar pedidos.")
        )
    return name


def already_used(status: str) -> OrderProcessingError:
    return OrderProcessingError(
        RefusalCode.ALREADY_USED,
        _("O status %(s)s já foi usado neste pedido; cada status só pode ser usado uma vez.")
        % {"s": _label(status)},
    )


def used_statuses(order: Order) -> set[str]:
    return set(order.status_changes.filter(revoked=False).values_list("to_status", flat=True))


def refused_statuses(
    order: Order, actor: Actor, used: Collection[str] | None = None
) -> list[tuple[OrderStatus, str]]:
    """Every other status `actor` may not move `order` to now, each with the service's own
    words for why (already used, needs another status first, final — only support…)."""
    used = used_statuses(order) if used is None else used
    refused = []
    for status in OrderStatus:
        if status == order.status:
            continue
        try:
            check_change(order, status, actor, used)
        except OrderProcessingError as error:
            refused.append((status, error.message))
            continue
        if status in used and not is_final(order.status):
            refused.append((status, already_used(status).message))
    return refused


def allowed_next_statuses(
    order: Order, actor: Actor, used: Collection[str] | None = None
) -> list[OrderStatus]:
    """The statuses `actor` may move `order` to now, in their usual order."""
    used = used_statuses(order) if used is None else used
    allowed = []
    for status in OrderStatus:
        if status in used and not is_final(order.status):
            continue
        try:
            check_change(order, status, actor, used)
        except OrderProcessingError:
            continue
        allowed.append(status)
    return allowed


# Orders whose dispatch data may be corrected by staff; support may also correct a delivered one.
CORRECTABLE = frozenset({OrderStatus.DESPACHADO, OrderStatus.TRACKING})


def check_dispatch_correction(order: Order, actor: Actor) -> None:
    """Refuse (OrderProcessingError) a correction of `order`'s dispatch data by `actor`."""
    if not (_may_process(actor) or _may_override(actor)):
        raise OrderProcessingError(
            RefusalCode.PERMISSION_DENIED, _("Você não tem permissão para processar pedidos.")
        )
    if order.status in CORRECTABLE:
        return
    if order.status == OrderStatus.CONCLUIDO:
        if _may_override(actor):
            return
        raise OrderProcessingError(
            RefusalCode.FINAL_STATUS,
            _(
                "O pedido está Concluído, um status final. Somente o suporte da JET pode "
                "corrigir os dados do despacho."
            ),
        )
    raise OrderProcessingError(
        RefusalCode.NOT_ALLOWED,
        _(
            "O pedido está %(s)s: só um pedido Despachado ou em Tracking tem dados de "
            "despacho para corrigir."
        )
        % {"s": _label(order.status)},
    )


def may_correct_dispatch(order: Order, actor: Actor) -> bool:
    try:
        check_dispatch_correction(order, actor)
    except OrderProcessingError:
        return False
    return True


# Payment gateways (design §2): which payment event moves an order, and to what. Refunds and
# chargebacks move nothing on their own; staff decide.
PAYMENT_TARGETS = {
    "in_review": OrderStatus.EM_APROVACAO,
    "approved": OrderStatus.APROVADO,
    "rejected": OrderStatus.CANCELADO,
}
# A rejection cancels only an order still waiting for its payment.
REJECTABLE = frozenset({OrderStatus.NOVO, OrderStatus.EM_APROVACAO})


def payment_target(kind: str) -> OrderStatus | None:
    """The status a payment event of `kind` moves an order to, or None for "never on its own"."""
    return PAYMENT_TARGETS.get(kind)


def payment_applies(kind: str, current_status: str) -> bool:
    """Whether a payment event of `kind` may still move an order now in `current_status`."""
    if kind == "rejected":
        return current_status in REJECTABLE
    return payment_target(kind) is not None
