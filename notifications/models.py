"""The e-mail outbox: one row per e-mail to send, its attempts, editable templates, events."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalog import spec_for


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Na fila")
    SENDING = "sending", _("Enviando")
    RETRY = "retry", _("Aguardando nova tentativa")
    SENT = "sent", _("Enviado")
    DEAD = "dead", _("Falhou")


# The rows a worker may claim (with next_attempt_at due); SENDING is claimable once its lease ends.
CLAIMABLE = [OutboxStatus.PENDING, OutboxStatus.RETRY]


class DeliveryState(models.TextChoices):
    NONE = "", _("—")
    DELIVERED = "delivered", _("Entregue")
    OPENED = "opened", _("Aberto")
    BOUNCED = "bounced", _("Devolvido")
    COMPLAINED = "complained", _("Marcado como spam")


class EmailOutboxQuerySet(models.QuerySet):
    def due(self, now) -> EmailOutboxQuerySet:
        """Rows a sweeper should send now: waiting and due, or SENDING with an expired lease."""
        waiting = Q(status__in=CLAIMABLE, next_attempt_at__lte=now)
        abandoned = Q(status=OutboxStatus.SENDING, lease_until__lt=now)
        return self.filter(waiting | abandoned)

    def waiting(self) -> EmailOutboxQuerySet:
        return self.filter(status__in=[*CLAIMABLE, OutboxStatus.SENDING])


class EmailOutbox(models.Model):
    template = models.CharField(_("modelo"), max_length=100)
    to_email = models.EmailField(_("destinatário"))
    context = models.JSONField(_("dados do e-mail"), default=dict)
    # Written by the caller, unique: the same request can never be queued twice
    # (docs/reliability.md, R1).
    dedupe_key = models.CharField(_("chave de deduplicação"), max_length=200, unique=True)
    status = models.CharField(
        _("situação"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("tentativas"), default=0)
    next_attempt_at = models.DateTimeField(_("próxima tentativa"))
    lease_until = models.DateTimeField(_("reservado até"), null=True, blank=True)
    task_id = models.CharField(_("tarefa"), max_length=255, blank=True)
    subject = models.CharField(_("assunto"), max_length=255, blank=True)
    message_id = models.CharField(_("id no provedor"), max_length=255, blank=True, db_index=True)
    last_error = models.TextField(_("último erro"), blank=True)
    delivery_state = models.CharField(
        _("entrega"), max_length=12, choices=DeliveryState.choices, blank=True
    )
    created_at = models.DateTimeField(_("criado em"), auto_now_add=True)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)
    sent_at = models.DateTimeField(_("enviado em"), null=True, blank=True)
    # What the e-mail is about (an order, for the status e-mails), named by the caller the way
    # Django's admin LogEntry names an object: the outbox links to it without knowing its app.
    related_type = models.ForeignKey(
        ContentType,
        verbose_name=_("referente a (tipo)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    related_id = models.CharField(_("referente a (id)"), max_length=64, blank=True)
    related_label = models.CharField(_("referente a"), max_length=200, blank=True)
    # The parts exactly as sent, so the store sees what the customer got even after the
    # template is edited.
    sent_text = models.TextField(_("texto enviado"), blank=True)
    sent_html = models.TextField(_("HTML enviado"), blank=True)

    objects = EmailOutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("fila de e-mails")
        ordering = ["-created_at", "-id"]
        permissions = [("resend_email", _("Pode reenviar e-mails que falharam"))]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due"),
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
        ]

    def __str__(self) -> str:
        spec = spec_for(self.template)
        return f"{spec.label if spec else self.template} → {self.to_email}"


class AttemptOutcome(models.TextChoices):
    SENT = "sent", _("Enviado")
    TRANSIENT = "transient", _("Falha temporária")
    PERMANENT = "permanent", _("Falha permanente")
    GAVE_UP = "gave_up", _("Tentativas esgotadas")


class EmailAttempt(models.Model):
    outbox = models.ForeignKey(EmailOutbox, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("tentativa"))
    task_id = models.CharField(_("tarefa"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("início"))
    duration_ms = models.PositiveIntegerField(_("duração (ms)"), default=0)
    outcome = models.CharField(_("resultado"), max_length=10, choices=AttemptOutcome.choices)
    response = models.TextField(_("resposta do provedor"), blank=True)

    class Meta:
        verbose_name = _("tentativa de envio")
        verbose_name_plural = _("tentativas de envio")
        ordering = ["outbox", "number", "id"]

    def __str__(self) -> str:
        return f"#{self.outbox_id}.{self.number} {self.outcome}"


class EmailTemplate(models.Model):
    """The store's version of one e-mail; a blank part falls back to the default file."""

    name = models.CharField(_("e-mail"), max_length=100, unique=True)
    subject = models.CharField(_("assunto"), max_length=255, blank=True)
    body_text = models.TextField(_("texto"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)

    class Meta:
        verbose_name = _("modelo de e-mail")
        verbose_name_plural = _("modelos de e-mail")
        ordering = ["id"]

    def __str__(self) -> str:
        spec = spec_for(self.name)
        return str(spec.label) if spec else self.name


class EmailDeliveryEvent(models.Model):
    outbox = models.ForeignKey(EmailOutbox, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(_("evento"), max_length=30)
    event_id = models.CharField(_("id do evento"), max_length=255, blank=True)
    occurred_at = models.DateTimeField(_("quando"), null=True, blank=True)
    recipient = models.CharField(_("destinatário"), max_length=254, blank=True)
    description = models.TextField(_("descrição"), blank=True)
    created_at = models.DateTimeField(_("recebido em"), auto_now_add=True)

    class Meta:
        verbose_name = _("evento de entrega")
        verbose_name_plural = _("eventos de entrega")
        ordering = ["created_at", "id"]
        constraints = [
            # Providers resend webhooks; an event id we already have is recorded once.
            models.UniqueConstraint(
                fields=["event_id"], condition=~Q(event_id=""), name="uniq_delivery_event_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.outbox_id}"
