"""API tokens and the idempotency keys of orders created through the API."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models import Order


class ApiScope(models.TextChoices):
    """What a token may do; each API endpoint needs one (integrations/api.py)."""

    ORDERS_READ = "orders:read", _("Consultar pedidos")
    ORDERS_CREATE = "orders:create", _("Criar pedidos")
    ORDERS_STATUS = "orders:status", _("Alterar o status de pedidos")


def all_scopes() -> list[str]:
    """Every scope: the default of a new token, and what tokens from before scopes got."""
    return [scope.value for scope in ApiScope]


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token of the integration API; only its SHA-256 is stored."""

    name = models.CharField(_("nome"), max_length=100)
    prefix = models.CharField(_("início do token"), max_length=16, db_index=True)
    key_hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("criado em"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revogado em"), null=True, blank=True)
    # A list of ApiScope values. JSON rather than a PostgreSQL array, so SQLite runs it too.
    scopes = models.JSONField(_("permissões"), default=all_scopes)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        # Tables keep the names they had when the API lived in the orders app.
        db_table = "orders_apitoken"
        verbose_name = _("token da API")
        verbose_name_plural = _("tokens da API")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def has_scope(self, scope: str) -> bool:
        return isinstance(self.scopes, list) and scope in self.scopes


class ApiOrderCreation(models.Model):
    """An order created through the API under an Idempotency-Key: a retry gets the same order."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("chave de idempotência"), max_length=100)
    request_hash = models.CharField(_("hash da requisição"), max_length=64)
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("criado em"), auto_now_add=True)

    class Meta:
        db_table = "orders_apiordercreation"
        verbose_name = _("criação de pedido pela API")
        verbose_name_plural = _("criações de pedido pela API")
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="uniq_api_idempotency_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.order_id}"


# The carrier-tracking and outbound-webhook models live in their packages; imported here so
# Django finds them with the app's others.
from .carriers.models import CarrierPoll  # noqa: E402, F401
from .outbound.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
