"""The status filter of the order list, with how many orders are in each status beside it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext as _

from orders.status_counts import CACHE_SECONDS, counts_are_exact, status_counts
from orders.statuses import staff_label

from .date_range import safe_date_range


class StatusCountFilter(admin.ChoicesFieldListFilter):
    """Each status with its count (cached briefly: status_counts), over the chosen period."""

    template = "admin/orders/order/status_filter.html"

    def choices(self, changelist: Any):
        period = safe_date_range(self.request.GET)
        counts = status_counts(*period.bounds())
        scope = (
            _("Quantidade no período escolhido") if period else _("Quantidade de todos os pedidos")
        )
        if counts_are_exact(counts):
            self.caption = f"{scope}."
        else:
            self.caption = _("%(scope)s, atualizada a cada %(s)s s.") % {
                "scope": scope,
                "s": CACHE_SECONDS,
            }
        chosen = self.lookup_val or []
        yield {
            "selected": not chosen,
            "query_string": changelist.get_query_string(
                remove=[self.lookup_kwarg, self.lookup_kwarg_isnull]
            ),
            "display": _("Todos"),
            "count": sum(counts.values()),
        }
        for value, _label in self.field.flatchoices:
            yield {
                "selected": str(value) in chosen,
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg: value}, [self.lookup_kwarg_isnull]
                ),
                # The badges' words: "Tracking (em trânsito)".
                "display": staff_label(value),
                "count": counts.get(value, 0),
            }
