"""What the carrier said about a dispatched order: one row per scan.

The scans belong to the order domain (not to the carrier integration) because the admin order
page and the customer's order page both show them, and the customer area may not import the
integrations app. A scan never changes the status by itself: the carrier integration decides
which scans move an order and calls `order_process` (docs/integrations.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ScanKind(models.TextChoices):
    POSTED = "posted", _("Postado")
    IN_TRANSIT = "in_transit", _("Em trânsito")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Saiu para entrega")
    DELIVERED = "delivered", _("Entregue")
    RETURNED = "returned", _("Devolvido ao remetente")
    LOST = "lost", _("Extraviado")
    OTHER = "other", _("Outro")


# Scans that mean the parcel will not reach the customer: staff must look, nothing moves.
EXCEPTION_KINDS = frozenset({ScanKind.RETURNED, ScanKind.LOST})


class TrackingEventQuerySet(models.QuerySet):
    def needing_attention(self) -> TrackingEventQuerySet:
        return self.filter(needs_attention=True)


class TrackingEvent(models.Model):
    """One carrier scan of an order's parcel; the same scan twice is one row."""

    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("pedido"),
        on_delete=models.PROTECT,
        related_name="tracking_events",
    )
    carrier = models.CharField(_("transportadora"), max_length=50)
    code = models.CharField(_("código do evento"), max_length=20)
    kind = models.CharField(_("tipo"), max_length=20, choices=ScanKind.choices)
    description = models.CharField(_("descrição"), max_length=255)
    place = models.CharField(_("local"), max_length=150, blank=True)
    occurred_at = models.DateTimeField(_("quando"))
    needs_attention = models.BooleanField(_("requer atenção"), default=False)
    # The status change this scan caused, if any (the first "in transit", the "delivered").
    status_change = models.ForeignKey(
        "orders.OrderStatusChange",
        verbose_name=_("alteração de status"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recebido em"), auto_now_add=True)

    objects = TrackingEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("evento de rastreamento")
        verbose_name_plural = _("rastreamento")
        ordering = ["occurred_at", "id"]
        constraints = [
            # A repeated scan (polled twice, or pushed and polled) changes nothing.
            models.UniqueConstraint(
                fields=["order", "code", "occurred_at"], name="uniq_tracking_scan"
            ),
        ]
        indexes = [
            models.Index(
                fields=["order"], condition=Q(needs_attention=True), name="tracking_attention"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.code} {self.description}"
