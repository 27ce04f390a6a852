"""The single way anything changes an order's status (design §3), and order creation.

Every change takes the same steps: atomic → lock the order row → check against the locked row
→ the django-fsm transition (pure) → save the named fields and write the history row → queue
the customer's e-mail. Callers (admin, API, webhooks, shell) never touch `status` themselves.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import django_fsm as fsm
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .actors import Actor
from .emails import queue_correction_email, queue_status_email
from .errors import OrderProcessingError, RefusalCode
from .events import publish, status_changed
from .models import DispatchCorrection, Order, OrderItem, OrderStatusChange
from .rules import (
    OVERRIDE_TRANSITION,
    already_used,
    check_change,
    check_dispatch_correction,
    check_not_stale,
)
from .status_fields import DISPATCH_FIELDS, clean_status_fields
from .statuses import STATUS_SEQUENCE, OrderStatus, sequence_index

ORDER_NUMBER_OFFSET = 100_000

logger = logging.getLogger(__name__)


def order_process(
    order: Order,
    *,
    to_status: str,
    by: Actor,
    fields: dict[str, Any] | None = None,
    message: str = "",
    note: str = "",
    override_reason: str = "",
    expected_status: str | None = None,
    notify: bool = True,
) -> OrderStatusChange:
    """Move `order` to `to_status`; returns the history row (its `.order` is up to date).

    From a final status this is the support override, which needs `override_reason`.
    `expected_status` is the status the caller saw (a form opened earlier); if the order has
    moved on since, the change is refused as stale. Raises OrderProcessingError, and changes
    nothing, when the change is refused. Every change e-mails the customer; only a support
    override may skip it with `notify=False`.
    """
    try:
        return _process(
            order,
            to_status=to_status,
            by=by,
            fields=fields,
            message=message,
            note=note,
            override_reason=override_reason,
            expected_status=expected_status,
            notify=notify,
        )
    except IntegrityError as error:
        # Only the history's unique index can refuse: the status was used meanwhile. The
        # transaction (or, nested, its savepoint) is already rolled back.
        raise already_used(to_status) from error


def _process(
    order: Order,
    *,
    to_status: str,
    by: Actor,
    fields: dict[str, Any] | None,
    message: str,
    note: str,
    override_reason: str,
    expected_status: str | None,
    notify: bool,
) -> OrderStatusChange:
    # The statements of a change: lock (with the e-mail's items), UPDATE the order, INSERT
    # its history row, INSERT its e-mail; nothing else (tests/orders/test_statement_count.py).
    with transaction.atomic():
        locked = Order.objects.lock_for_change(order.pk)
        check_not_stale(locked, expected_status)
        transition_name = check_change(locked, to_status, by)
        is_override = transition_name == OVERRIDE_TRANSITION
        cleaned = _clean_fields(to_status, fields, is_override, override_reason)
        from_status = locked.status
        if is_override:
            locked.override_status(to_status, **cleaned)
        elif to_status == OrderStatus.DESPACHADO:
            # The only transition whose fields are kept on the order (staff search them).
            locked.dispatch(**cleaned)
        else:
            getattr(locked, transition_name)()
        locked.status_changed_at = timezone.now()
        _save_status(locked, with_dispatch_fields=to_status == OrderStatus.DESPACHADO)
        change = _record_change(
            locked,
            from_status=from_status,
            by=by,
            fields=cleaned,
            message=message,
            note=note,
            override_reason=override_reason.strip() if is_override else "",
        )
        if notify or not is_override:
            queue_status_email(change)
        publish(status_changed(change))
    # One structured line per change; with LOG_FORMAT=json the extras become keys.
    logger.info(
        "order %s: %s -> %s by %s",
        locked.number,
        from_status,
        change.to_status,
        by.kind.value,
        extra={
            "event": "status_change",
            "order": locked.number,
            "from_status": from_status,
            "to_status": change.to_status,
            "actor": by.kind.value,
        },
    )
    return change


def _clean_fields(
    to_status: str, fields: dict[str, Any] | None, is_override: bool, override_reason: str
) -> dict[str, Any]:
    data = dict(fields or {})
    if is_override:
        if not override_reason.strip():
            raise OrderProcessingError(
                RefusalCode.INVALID_FIELDS,
                _("Informe o motivo para alterar um pedido em status final."),
                {"override_reason": [_("Informe o motivo da alteração.")]},
            )
        if to_status == OrderStatus.CANCELADO and not data.get("reason"):
            data["reason"] = override_reason
    try:
        return clean_status_fields(to_status, data)
    except ValidationError as error:
        raise OrderProcessingError(
            RefusalCode.INVALID_FIELDS,
            _("Confira os dados do status %(s)s.") % {"s": OrderStatus(to_status).label},
            error.message_dict,
        ) from error


def _save_status(order: Order, *, with_dispatch_fields: bool) -> None:
    names = ["status", "status_changed_at", "updated_at"]
    if with_dispatch_fields:
        names += DISPATCH_FIELDS
    try:
        order.save(update_fields=names)
    except fsm.ConcurrentTransition as error:
        # Second line of defence behind the row lock (docs/reliability.md, R11).
        raise OrderProcessingError(
            RefusalCode.NOT_ALLOWED,
            _("O pedido foi alterado por outra pessoa. Recarregue a página e tente de novo."),
        ) from error


def _record_change(
    order: Order,
    *,
    from_status: str,
    by: Actor,
    fields: dict[str, Any],
    message: str,
    note: str,
    override_reason: str,
) -> OrderStatusChange:
    revoked_ids = _ids_to_revoke(order, from_status) if override_reason else []
    if revoked_ids:
        OrderStatusChange.objects.filter(id__in=revoked_ids).update(revoked=True)
    change = OrderStatusChange.objects.create(
        order=order,
        from_status=from_status,
        to_status=order.status,
        actor_kind=by.kind,
        actor_user=by.user,
        actor_label=by.label,
        fields=fields,
        message_to_customer=message.strip(),
        internal_note=note.strip(),
        is_override=bool(override_reason),
        override_reason=override_reason,
    )
    if revoked_ids:
        OrderStatusChange.objects.filter(id__in=revoked_ids).update(revoked_by=change)
    return change


def _ids_to_revoke(order: Order, left_status: str) -> list[int]:
    """An override back to a status revokes it and everything after it, and the final left."""
    start = sequence_index(order.status)
    statuses = {status for status in STATUS_SEQUENCE if sequence_index(status) >= start}
    statuses.add(left_status)
    rows = order.status_changes.filter(revoked=False, to_status__in=statuses)
    return list(rows.values_list("id", flat=True))


def order_correct_dispatch(
    order: Order,
    *,
    by: Actor,
    fields: dict[str, Any],
    notify: bool = True,
    note: str = "",
    message: str = "",
) -> DispatchCorrection:
    """Correct a dispatched order's dispatch data (a wrong tracking code, carrier…).

    Not a status change: the status and its history stay as they are; the correction is its
    own append-only row with each field's old and new value. `fields` not given keep their
    current value; the result is validated like a dispatch. Raises OrderProcessingError, and
    changes nothing, when refused or when nothing would change.
    """
    with transaction.atomic():
        locked = Order.objects.lock_for_change(order.pk)
        check_dispatch_correction(locked, by)
        current = {name: getattr(locked, name) or "" for name in DISPATCH_FIELDS}
        cleaned = _clean_fields(OrderStatus.DESPACHADO, current | dict(fields), False, "")
        new = {name: cleaned.get(name, "") for name in DISPATCH_FIELDS}
        changes = {name: [current[name], new[name]] for name in new if new[name] != current[name]}
        if not changes:
            raise OrderProcessingError(
                RefusalCode.INVALID_FIELDS,
                _("Nenhum dado do despacho mudou: nada foi corrigido."),
            )
        locked.set_dispatch_fields(new)
        locked.save(update_fields=[*DISPATCH_FIELDS, "updated_at"])
        correction = DispatchCorrection.objects.create(
            order=locked,
            status=locked.status,
            actor_kind=by.kind,
            actor_user=by.user,
            actor_label=by.label,
            changes=changes,
            message_to_customer=message.strip(),
            internal_note=note.strip(),
            notified=notify,
        )
        if notify:
            queue_correction_email(correction)
    return correction


def order_create(
    *,
    customer_name: str,
    customer_email: str,
    items: list[dict[str, Any]],
    shipping: dict[str, str] | None = None,
    shipping_cost: Decimal = Decimal("0"),
    by: Actor | None = None,
    customer: Any = None,
    buyer_document: str = "",
) -> Order:
    """Create an order in NOVO with its items and first history row.

    `buyer_document` (CPF or CNPJ) and the shipping CEP and UF may come formatted or not:
    full_clean stores them normalised and refuses invalid ones (orders.documents)."""
    if not items:
        raise ValidationError({"items": [_("O pedido precisa de pelo menos um item.")]})
    by = by or Actor.system()
    with transaction.atomic():
        order = Order(
            customer_name=customer_name,
            customer_email=customer_email.strip().lower(),
            customer=customer,
            buyer_document=buyer_document,
            shipping_cost=shipping_cost,
            **{f"shipping_{key}": value for key, value in (shipping or {}).items()},
        )
        order.full_clean(exclude=["status"])
        order.save()
        order_items = [OrderItem(order=order, **item) for item in items]
        for item in order_items:
            item.full_clean(exclude=["order"])
        OrderItem.objects.bulk_create(order_items)
        order.number = str(ORDER_NUMBER_OFFSET + order.pk)
        order.total = sum((i.line_total for i in order_items), Decimal("0")) + shipping_cost
        order.status_changed_at = order.created_at
        order.save(update_fields=["number", "total", "status_changed_at"])
        received = OrderStatusChange.objects.create(
            order=order,
            from_status="",
            to_status=OrderStatus.NOVO,
            actor_kind=by.kind,
            actor_user=by.user,
            actor_label=by.label,
        )
        queue_status_email(received)
        publish(status_changed(received))
    return order
