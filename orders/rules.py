"""Which status change is allowed, for whom, and why not: the one place that decides.

The service calls `check_change` on the locked row; screens call `allowed_next_statuses` to
offer only what would succeed. Both read the same rules, so a screen never offers a change
that the service would refuse.
"""

from __future__ import annotations

from collections.abc import Collection

import django_fsm as fsm
from django.utils.translation import gettext as _

from .actors import Actor
from .errors import OrderProcessingError, RefusalCode
from .models import OVERRIDE, PROCESS, Order
from .statuses import OrderStatus, is_final

OVERRIDE_TRANSITION = "override_status"


def _label(status: str) -> str:
    return str(OrderStatus(status).label)


def _transition_name(order: Order, to_status: str) -> str | None:
    for transition in order.get_available_status_transitions():
        if transition.name != OVERRIDE_TRANSITION and transition.target == to_status:
            return transition.name
    return None


def _may(actor: Actor, permission: str) -> bool:
    # Gateways, integrations and the system make every change store staff may make, never
    # the support override (design §5).
    if not actor.is_person:
        return permission == PROCESS
    return actor.user.is_active and actor.user.has_perm(permission)


def check_change(order: Order, to_status: str, actor: Actor, used_statuses: Collection[str]) -> str:
    """The name of the transition that moves `order` to `to_status`, or OrderProcessingError."""
    if to_status not in OrderStatus.values:
        raise OrderProcessingError(
            RefusalCode.NOT_ALLOWED, _("Status desconhecido: “%(s)s”.") % {"s": to_status}
        )
    if not (_may(actor, PROCESS) or _may(actor, OVERRIDE)):
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
        if not _may(actor, OVERRIDE):
            raise OrderProcessingError(
                RefusalCode.FINAL_STATUS,
                _("O pedido está %(s)s, um status final. Somente o suporte da JET pode alterá-lo.")
                % {"s": _label(current)},
            )
        return OVERRIDE_TRANSITION
    if to_status in used_statuses:
        raise OrderProcessingError(
            RefusalCode.ALREADY_USED,
            _("O status %(s)s já foi usado neste pedido; cada status só pode ser usado uma vez.")
            % {"s": _label(to_status)},
        )
    name = _transition_name(order, to_status)
    if name is None:
        raise OrderProcessingError(
            RefusalCode.NOT_ALLOWED,
            _("Não é possível passar o pedido de %(a)s para %(b)s.")
            % {"a": _label(current), "b": _label(to_status)},
        )
    if actor.is_person and not fsm.has_transition_perm(getattr(order, name), actor.user):
        raise OrderProcessingError(
            RefusalCode.PERMISSION_DENIED, _("Você não tem permissão para processar pedidos.")
        )
    return name


def used_statuses(order: Order) -> set[str]:
    return set(order.status_changes.filter(revoked=False).values_list("to_status", flat=True))


def allowed_next_statuses(
    order: Order, actor: Actor, used: Collection[str] | None = None
) -> list[OrderStatus]:
    """The statuses `actor` may move `order` to now, in their usual order."""
    used = used_statuses(order) if used is None else used
    allowed = []
    for status in OrderStatus:
        try:
            check_change(order, status, actor, used)
        except OrderProcessingError:
            continue
        allowed.append(status)
    return allowed
