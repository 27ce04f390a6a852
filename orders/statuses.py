"""The order statuses (design §2) and what each one means to a customer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    NOVO = "novo", _("Novo")
    EM_APROVACAO = "em_aprovacao", _("Em aprovação")
    APROVADO = "aprovado", _("Aprovado")
    EM_PRODUCAO = "em_producao", _("Em produção")
    DESPACHADO = "despachado", _("Despachado")
    TRACKING = "tracking", _("Tracking")
    CONCLUIDO = "concluido", _("Concluído")
    CANCELADO = "cancelado", _("Cancelado")


FINAL_STATUSES = frozenset({OrderStatus.CONCLUIDO, OrderStatus.CANCELADO})

# The order in which statuses normally happen. A support override back to a status revokes
# the history from that point on, so the order can move forward again.
STATUS_SEQUENCE = list(OrderStatus)

CUSTOMER_DESCRIPTIONS = {
    OrderStatus.NOVO: _("Recebemos seu pedido e aguardamos a confirmação do pagamento."),
    OrderStatus.EM_APROVACAO: _("Seu pagamento está em análise."),
    OrderStatus.APROVADO: _("Seu pagamento foi aprovado e seu pedido será preparado."),
    OrderStatus.EM_PRODUCAO: _("Seu pedido está sendo produzido."),
    OrderStatus.DESPACHADO: _("Seu pedido foi despachado e está a caminho."),
    OrderStatus.TRACKING: _("Seu pedido está em trânsito até você."),
    OrderStatus.CONCLUIDO: _("Seu pedido foi entregue. Obrigado pela compra!"),
    OrderStatus.CANCELADO: _("Seu pedido foi cancelado."),
}


# What customers read where staff read the seed's name: "Tracking" is staff jargon.
CUSTOMER_LABELS = {OrderStatus.TRACKING: _("Em trânsito")}


# What staff read: the seed's name, with what it means beside it where the name is English.
STAFF_LABELS = {OrderStatus.TRACKING: _("Tracking (em trânsito)")}

# A symbol per status, beside its colour, so a badge still reads without colour (printed in
# black and white, or by someone who cannot tell the colours apart).
STATUS_SYMBOLS = {
    OrderStatus.NOVO: "○",
    OrderStatus.EM_APROVACAO: "◔",
    OrderStatus.APROVADO: "✓",
    OrderStatus.EM_PRODUCAO: "⚙",
    OrderStatus.DESPACHADO: "▣",
    OrderStatus.TRACKING: "➤",
    OrderStatus.CONCLUIDO: "⚑",
    OrderStatus.CANCELADO: "✕",
}


def staff_label(status: str) -> str:
    """The status's name as the admin shows it."""
    status = OrderStatus(status)
    return str(STAFF_LABELS.get(status, status.label))


def customer_label(status: str) -> str:
    """The status's name as the customer's pages and e-mails show it."""
    status = OrderStatus(status)
    return str(CUSTOMER_LABELS.get(status, status.label))


def is_final(status: str) -> bool:
    return status in FINAL_STATUSES


def sequence_index(status: str) -> int:
    return STATUS_SEQUENCE.index(OrderStatus(status))
