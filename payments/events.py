"""Recording a gateway's payment event once, and applying it through the one service.

The event row is inserted first, inside the same transaction as its effect, with the order
row locked before it (docs/reliability.md, R10's lock order). A repeated event id hits the
unique constraint and changes nothing (docs/reliability.md, R16); an event that no longer
applies is recorded with that outcome (docs/reliability.md, R17). Which event moves an order,
and when, is the order domain's rule (orders.rules.payment_target): this module only records
and applies.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from orders.actors import Actor
from orders.errors import OrderProcessingError
from orders.events import payment_event, publish
from orders.models import Order
from orders.rules import payment_applies, payment_target
from orders.services import order_process
from orders.statuses import OrderStatus

from .models import PaymentEvent, PaymentEventKind, PaymentEventOutcome

logger = logging.getLogger(__name__)


def record_payment_event(
    *,
    provider: str,
    label: str,
    event_id: str,
    kind: PaymentEventKind,
    order: Order,
    payload: dict[str, Any],
) -> tuple[PaymentEvent, bool]:
    """The stored event and whether it is new; a repeat returns the first copy, unchanged."""
    with transaction.atomic():
        locked = Order.objects.select_for_update(no_key=True).get(pk=order.pk)
        try:
            with transaction.atomic():
                event = PaymentEvent.objects.create(
                    provider=provider,
                    event_id=event_id,
                    kind=kind,
                    order=locked,
                    outcome=PaymentEventOutcome.IGNORED,
                    payload=payload,
                )
        except IntegrityError:
            duplicate = PaymentEvent.objects.get(provider=provider, event_id=event_id)
            return duplicate, False
        _apply(event, locked, Actor.gateway(label))
        event.save(update_fields=["outcome", "detail", "needs_attention", "status_change"])
        # Outbound webhooks, in this transaction (orders/events.py).
        publish(
            payment_event(
                locked,
                provider=provider,
                event_id=event_id,
                kind=event.kind,
                outcome=event.outcome,
                needs_attention=event.needs_attention,
            )
        )
    logger.info(
        "payment event %s %s (%s) for order %s: %s",
        provider,
        event_id,
        kind,
        locked.number,
        event.outcome,
    )
    return event, True


def _apply(event: PaymentEvent, order: Order, actor: Actor) -> None:
    kind = PaymentEventKind(event.kind)
    target = payment_target(kind)
    if target is None:
        # Refunds and chargebacks never move the status on their own: staff decide.
        event.outcome = PaymentEventOutcome.RECORDED
        event.needs_attention = True
        event.detail = _("%(kind)s: verifique o pedido e decida o que fazer.") % {
            "kind": kind.label
        }
        return
    if not payment_applies(kind, order.status):
        _ignore(event, order, _("O pagamento foi recusado depois que o pedido saiu da aprovação."))
        return
    fields = {}
    if kind == PaymentEventKind.REJECTED:
        fields["reason"] = _("Pagamento recusado pelo gateway")
    try:
        change = order_process(
            order,
            to_status=target,
            by=actor,
            fields=fields,
            note=_("Evento %(id)s do gateway %(provider)s.")
            % {"id": event.event_id, "provider": event.provider},
        )
    except OrderProcessingError as error:
        _ignore(event, order, error.message)
        return
    event.outcome = PaymentEventOutcome.APPLIED
    event.status_change = change
    event.detail = _("Pedido passou para %(s)s.") % {"s": change.get_to_status_display()}


def _ignore(event: PaymentEvent, order: Order, reason: str) -> None:
    event.outcome = PaymentEventOutcome.IGNORED
    event.detail = reason
    # A payment approved for an order that was cancelled, or refused after approval, means
    # money and order disagree: someone has to look.
    cancelled = order.status == OrderStatus.CANCELADO
    event.needs_attention = (event.kind == PaymentEventKind.APPROVED and cancelled) or (
        event.kind == PaymentEventKind.REJECTED and not cancelled
    )
