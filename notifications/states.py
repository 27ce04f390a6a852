"""One Portuguese word for where an e-mail is, from the row's sending status and delivery news.

The lojista reads one state, not two columns: "Enfileirado" until the provider accepted it,
then what the provider told us (delivered, bounced, marked as spam), or "Falhou" for good.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import CLAIMABLE, DeliveryState, EmailOutbox, OutboxStatus

QUEUED = "queued"
SENT = "sent"
DELIVERED = "delivered"
OPENED = "opened"
BOUNCED = "bounced"
COMPLAINED = "complained"
FAILED = "failed"

LABELS = {
    QUEUED: _("Enfileirado"),
    SENT: _("Enviado"),
    DELIVERED: _("Entregue"),
    OPENED: _("Entregue e aberto"),
    BOUNCED: _("Devolvido"),
    COMPLAINED: _("Marcado como spam"),
    FAILED: _("Falhou"),
}
# What each state means, for the e-mail's page.
EXPLANATIONS = {
    QUEUED: _("Aguardando envio. O sistema envia sozinho; não é preciso fazer nada."),
    SENT: _("O provedor de e-mail aceitou a mensagem; ainda não avisou se ela foi entregue."),
    DELIVERED: _("O servidor do cliente recebeu a mensagem."),
    OPENED: _("O servidor do cliente recebeu a mensagem e o cliente a abriu."),
    BOUNCED: _(
        "O servidor do cliente recusou a mensagem. Confira o endereço com o cliente; "
        "enviar de novo ao mesmo endereço provavelmente falhará de novo."
    ),
    COMPLAINED: _(
        "A mensagem foi entregue, mas o cliente a marcou como spam. O provedor pode parar "
        "de enviar para este endereço."
    ),
    FAILED: _("O envio desistiu. Veja o erro abaixo; depois de corrigir a causa, use “Reenviar”."),
}
_BY_DELIVERY = {
    DeliveryState.DELIVERED: DELIVERED,
    DeliveryState.OPENED: OPENED,
    DeliveryState.BOUNCED: BOUNCED,
    DeliveryState.COMPLAINED: COMPLAINED,
}


def state_of(row: EmailOutbox) -> str:
    if row.status == OutboxStatus.DEAD:
        return FAILED
    if row.status != OutboxStatus.SENT:
        return QUEUED
    return _BY_DELIVERY.get(row.delivery_state, SENT)


def label_of(row: EmailOutbox) -> str:
    return str(LABELS[state_of(row)])


def filter_for(state: str) -> Q:
    """The rows in `state`, for the admin list's filter."""
    sent = Q(status=OutboxStatus.SENT)
    if state == FAILED:
        return Q(status=OutboxStatus.DEAD)
    if state == QUEUED:
        return Q(status__in=[*CLAIMABLE, OutboxStatus.SENDING])
    if state == SENT:
        return sent & Q(delivery_state="")
    delivery = {value: key for key, value in _BY_DELIVERY.items()}.get(state)
    return sent & Q(delivery_state=delivery) if delivery else Q(pk__in=[])
