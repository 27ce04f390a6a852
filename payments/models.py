"""Payment events: each gateway notification, stored once, with what it did to the order."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models import Order, OrderStatusChange


class PaymentEventKind(models.TextChoices):
    IN_REVIEW = "in_review", _("Pagamento em análise")
    APPROVED = "approved", _("Pagamento aprovado")
    REJECTED = "rejected", _("Pagamento recusado")
    REFUNDED = "refunded", _("Pagamento estornado")
    CHARGEBACK = "chargeback", _("Chargeback")


class PaymentEventOutcome(models.TextChoices):
    APPLIED = "applied", _("Status alterado")
    IGNORED = "ignored", _("Não se aplica mais (nada alterado)")
    RECORDED = "recorded", _("Registrado para a equipe (nada alterado)")


class PaymentEvent(models.Model):
    """One gateway notification, stored once per (provider, event id) before it is applied."""

    provider = models.CharField(_("gateway"), max_length=40)
    event_id = models.CharField(_("id do evento"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=20, choices=PaymentEventKind.choices)
    order = models.ForeignKey(
        Order,
        verbose_name=_("pedido"),
        on_delete=models.PROTECT,
        related_name="payment_events",
    )
    outcome = models.CharField(_("resultado"), max_length=20, choices=PaymentEventOutcome.choices)
    detail = models.TextField(_("detalhe"), blank=True)
    needs_attention = models.BooleanField(_("requer atenção"), default=False)
    status_change = models.ForeignKey(
        OrderStatusChange,
        verbose_name=_("alteração de status"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payload = models.JSONField(_("notificação"), default=dict, blank=True)
    created_at = models.DateTimeField(_("recebido em"), auto_now_add=True)

    class Meta:
        # The table keeps the name it had when payments lived in the orders app.
        db_table = "orders_paymentevent"
        verbose_name = _("evento de pagamento")
        verbose_name_plural = _("eventos de pagamento")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A gateway repeats notifications; the second copy must find the first
            # (docs/reliability.md, R16).
            models.UniqueConstraint(fields=["provider", "event_id"], name="uniq_payment_event"),
        ]
        indexes = [
            models.Index(fields=["needs_attention", "-created_at"], name="payment_event_attention"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}: {self.get_kind_display()}"
