"""The order list's "requer atenção" flag: a carrier said the parcel went back to the sender or
was lost (orders/tracking_events.py), and nothing will move the order until staff look.

Both the badge and the filter read the partial index `tracking_attention` (only flagged
scans are in it): the badge is one subquery per listed row, the filter one EXISTS, and the
list stays at its constant number of queries (tests/orders/test_admin_order_attention.py).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.tracking_events import ScanKind, TrackingEvent


def _flagged_scans() -> QuerySet[TrackingEvent]:
    return TrackingEvent.objects.filter(order=OuterRef("pk"), needs_attention=True)


def with_attention(queryset: QuerySet) -> QuerySet:
    """Each order with `attention_kind`: the kind of its latest flagged scan, or None."""
    latest = _flagged_scans().order_by("-occurred_at", "-id").values("kind")[:1]
    return queryset.annotate(attention_kind=Subquery(latest))


def attention_badge(kind: str | None) -> SafeString:
    if not kind:
        return SafeString("")
    what = _("devolvido ao remetente") if kind == ScanKind.RETURNED else _("objeto extraviado")
    return format_html(
        '<span class="jet-attention-badge" title="{}">{}</span>',
        _("A transportadora informou um problema na entrega; o pedido não muda sozinho."),
        _("Atenção: %(what)s") % {"what": what},
    )


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = gettext_lazy("entrega")
    parameter_name = "atencao"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("sim", gettext_lazy("Requer atenção"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "sim":
            return queryset.filter(Exists(_flagged_scans()))
        return queryset
