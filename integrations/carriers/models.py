"""When each dispatched order is polled next, and who is polling it now."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models import Order


class CarrierPoll(models.Model):
    """The polling schedule of one dispatched order (made by the poller, not by dispatch)."""

    order = models.OneToOneField(
        Order, verbose_name=_("pedido"), on_delete=models.CASCADE, related_name="carrier_poll"
    )
    next_poll_at = models.DateTimeField(_("próxima consulta"), db_index=True)
    # A poller claims the row until then; another poller takes it over only after.
    lease_until = models.DateTimeField(_("em consulta até"), null=True, blank=True)
    lease_token = models.CharField(max_length=64, blank=True, editable=False)
    failures = models.PositiveIntegerField(_("falhas seguidas"), default=0)
    last_polled_at = models.DateTimeField(_("última consulta"), null=True, blank=True)
    last_error = models.CharField(_("último erro"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("criado em"), auto_now_add=True)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)

    class Meta:
        verbose_name = _("consulta de rastreamento")
        verbose_name_plural = _("consultas de rastreamento")

    def __str__(self) -> str:
        return f"{self.order_id} @ {self.next_poll_at:%Y-%m-%d %H:%M}"
