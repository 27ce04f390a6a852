"""Endpoints staff register, one delivery row per event and endpoint, and each attempt."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.events import EVENT_KINDS
from orders.models import Order


def new_secret() -> str:
    return f"whsec_{secrets.token_hex(32)}"


class WebhookEndpoint(models.Model):
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("descrição"), max_length=200, blank=True)
    # Shown to staff so the receiver can verify our X-Jet-Signature.
    secret = models.CharField(_("segredo"), max_length=100, default=new_secret)
    events = models.JSONField(_("eventos"), default=list)
    is_active = models.BooleanField(_("ativo"), default=True)
    created_at = models.DateTimeField(_("criado em"), auto_now_add=True)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)

    class Meta:
        verbose_name = _("endpoint de webhook")
        verbose_name_plural = _("endpoints de webhook")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description or self.url

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .endpoints import forget

        super().save(*args, **kwargs)
        forget()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        from .endpoints import forget

        result = super().delete(*args, **kwargs)
        forget()
        return result

    def clean(self) -> None:
        from .destinations import UnresolvableDestination, UnsafeDestination, check_url

        unknown = set(self.events or []) - set(EVENT_KINDS)
        if unknown:
            raise ValidationError({"events": _("Eventos desconhecidos: %s") % sorted(unknown)})
        try:
            check_url(self.url)
        except (UnsafeDestination, UnresolvableDestination) as error:
            raise ValidationError({"url": str(error)}) from error


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pendente")
    SENDING = "sending", _("Enviando")
    RETRY = "retry", _("Aguardando nova tentativa")
    SENT = "sent", _("Entregue")
    DEAD = "dead", _("Falhou")


# A delivery in one of these holds back the later events of its order to its endpoint.
WAITING = [DeliveryStatus.PENDING, DeliveryStatus.RETRY, DeliveryStatus.SENDING]


class WebhookDelivery(models.Model):
    """One event for one endpoint, written in the transaction that made the event."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    order = models.ForeignKey(
        Order, verbose_name=_("pedido"), on_delete=models.PROTECT, related_name="+"
    )
    event_id = models.CharField(_("id do evento"), max_length=40)
    kind = models.CharField(_("evento"), max_length=40)
    payload = models.JSONField(_("conteúdo"))
    status = models.CharField(
        _("situação"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("tentativas"), default=0)
    next_attempt_at = models.DateTimeField(_("próxima tentativa"))
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    task_id = models.CharField(max_length=255, blank=True, editable=False)
    last_status_code = models.PositiveIntegerField(_("último HTTP"), null=True, blank=True)
    last_error = models.TextField(_("último erro"), blank=True)
    sent_at = models.DateTimeField(_("entregue em"), null=True, blank=True)
    created_at = models.DateTimeField(_("criado em"), auto_now_add=True)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)

    class Meta:
        verbose_name = _("entrega de webhook")
        verbose_name_plural = _("entregas de webhook")
        ordering = ["-id"]
        permissions = [("resend_webhook", _("Pode reenviar webhooks"))]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="uniq_webhook_event"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due"),
            models.Index(fields=["endpoint", "order", "id"], name="webhook_order_line"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.endpoint_id} ({self.event_id})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField(_("tentativa"))
    started_at = models.DateTimeField(_("início"))
    duration_ms = models.PositiveIntegerField(_("latência (ms)"), default=0)
    status_code = models.PositiveIntegerField(_("HTTP"), null=True, blank=True)
    error = models.TextField(_("erro"), blank=True)

    class Meta:
        verbose_name = _("tentativa de entrega")
        verbose_name_plural = _("tentativas de entrega")
        ordering = ["number", "id"]

    def __str__(self) -> str:
        return f"#{self.number}: {self.status_code or self.error[:40]}"
