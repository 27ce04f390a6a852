"""How long an order may stay in a status before it is late: StatusDeadline, edited by staff,
and the cutoffs that turn each limit into an indexed filter (Order.objects.late(now)).

A limit in calendar days is exact: 7 dias means 7 × 24 hours in the status. A limit in
working days counts whole days: an order that entered Aprovado on a Thursday with 2 dias
úteis has Friday and Monday (holidays and weekends skipped) and is late from Tuesday 00:00.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .statuses import FINAL_STATUSES, OrderStatus
from .working_days import earliest_on_time_day

# A final status never makes an order late: there is nothing left to do.
DEADLINE_STATUS_CHOICES = [
    (status.value, status.label) for status in OrderStatus if status not in FINAL_STATUSES
]


class StatusDeadline(models.Model):
    status = models.CharField(
        _("status"), max_length=20, choices=DEADLINE_STATUS_CHOICES, unique=True
    )
    limit_days = models.PositiveSmallIntegerField(
        _("prazo (dias)"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Depois desse prazo no status, o pedido aparece como atrasado."),
    )
    working_days = models.BooleanField(
        _("dias úteis"),
        default=False,
        help_text=_(
            "Conta só dias úteis: de segunda a sexta, sem os feriados nacionais. O dia em que "
            "o pedido entrou no status não conta."
        ),
    )
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)

    class Meta:
        verbose_name = _("prazo de status")
        verbose_name_plural = _("prazos dos status")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.limit_display}"

    @property
    def limit_display(self) -> str:
        if self.working_days:
            return ngettext("%(n)d dia útil", "%(n)d dias úteis", self.limit_days) % {
                "n": self.limit_days
            }
        return ngettext("%(n)d dia", "%(n)d dias", self.limit_days) % {"n": self.limit_days}

    def cutoff(self, now: datetime) -> datetime:
        """Orders that entered this status before the cutoff are late at `now`."""
        if not self.working_days:
            return now - timedelta(days=self.limit_days)
        # Working days are days of the store's calendar (TIME_ZONE, America/Sao_Paulo).
        first = earliest_on_time_day(timezone.localdate(now), self.limit_days)
        return timezone.make_aware(datetime.combine(first, time.min))


def status_cutoffs(
    now: datetime, deadlines: Iterable[StatusDeadline] | None = None
) -> dict[str, datetime]:
    """{status: cutoff} for every status with a limit; one query when not given the limits."""
    if deadlines is None:
        deadlines = StatusDeadline.objects.all()
    return {deadline.status: deadline.cutoff(now) for deadline in deadlines}


def late_condition(cutoffs: dict[str, datetime]) -> Q:
    """status = X AND status_changed_at < cutoff(X), OR-ed over the statuses: each branch is
    a range on the (status, status_changed_at) index."""
    condition = Q(pk__in=[])
    for status, cutoff in cutoffs.items():
        condition |= Q(status=status, status_changed_at__lt=cutoff)
    return condition


def is_late(status: str, entered_at: datetime | None, cutoffs: dict[str, datetime]) -> bool:
    cutoff = cutoffs.get(status)
    return cutoff is not None and entered_at is not None and entered_at < cutoff
