"""The dashboard's heavy figures, computed every few minutes instead of on every view.

Counting a million orders by status, or the median stay in each status over 30 days of
history, takes from a tenth of a second to over a second; the dashboard is opened all day.
A Celery beat task (orders.tasks.refresh_dashboard) stores them here; the dashboard reads
this one row and adds what changed since (orders/figures.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardSnapshot(models.Model):
    # One row: the latest figures (primary key 1), replaced on each refresh.
    taken_at = models.DateTimeField(_("calculado em"))
    # {"counts": {status: n}, "sales": [[date, orders, revenue]], "times": [[status, s, n]]}
    data = models.JSONField(_("números"), default=dict)

    class Meta:
        verbose_name = _("números do painel")
        verbose_name_plural = _("números do painel")

    def __str__(self) -> str:
        return str(self.taken_at)
