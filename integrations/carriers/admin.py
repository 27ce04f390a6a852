"""The carrier scans in the admin: a "Rastreamento" section on each order's page, and a list
of scans where staff find the returned or lost parcels and clear the flag."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from orders.admin.sections import OrderPageSection, add_order_page_section
from orders.models import Order
from orders.tracking_events import ScanKind, TrackingEvent

# An order page shows at most this many scans; a parcel has a few dozen at most.
ORDER_PAGE_SCANS = 100


def order_tracking_events(order: Order) -> dict[str, Any]:
    scans = order.tracking_events.select_related("status_change").order_by("-occurred_at", "-id")
    scans = list(scans[:ORDER_PAGE_SCANS])
    if not scans:
        return {}
    context: dict[str, Any] = {"scans": scans}
    flagged = [scan for scan in scans if scan.needs_attention]
    if flagged:
        what = (
            _("devolvido ao remetente")
            if flagged[0].kind == ScanKind.RETURNED
            else _("objeto extraviado")
        )
        context["notice"] = format_html(
            '<a href="#rastreamento">{} {}</a>',
            _("Atenção: %(what)s.") % {"what": what},
            _("A transportadora informou um problema na entrega; o pedido não muda sozinho."),
        )
    return context


add_order_page_section(
    OrderPageSection(
        template="admin/integrations/order_tracking_events.html", context=order_tracking_events
    )
)


@admin.register(TrackingEvent)
class TrackingEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "order", "carrier", "kind", "description", "needs_attention"]
    list_filter = ["needs_attention", "kind", "carrier"]
    search_fields = ["order__number", "order__tracking_code"]
    list_select_related = ["order"]
    actions = ["mark_resolved"]
    fields = [
        "order",
        "carrier",
        "code",
        "kind",
        "description",
        "place",
        "occurred_at",
        "created_at",
        "status_change",
        "needs_attention",
    ]
    # Staff only clear the flag; what the carrier said stays as it was received.
    readonly_fields = [name for name in fields if name != "needs_attention"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(
        description=gettext_lazy("Marcar como resolvido (não requer mais atenção)"),
        permissions=["change"],
    )
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[TrackingEvent]) -> None:
        count = queryset.filter(needs_attention=True).update(needs_attention=False)
        self.message_user(
            request,
            ngettext(
                "%d evento marcado como resolvido.", "%d eventos marcados como resolvidos.", count
            )
            % count,
            messages.SUCCESS,
        )
