"""Admin for payment events: staff look at what the gateways said and clear the flag; the
order page shows each order's events (a section added to the orders admin)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from orders.admin.panels import DashboardPanel, add_dashboard_panel
from orders.admin.sections import OrderPageSection, add_order_page_section
from orders.models import Order

from .models import PaymentEvent, PaymentEventKind

# An order page shows at most this many events; a real order has a handful.
ORDER_PAGE_EVENTS = 50


def order_payment_events(order: Order) -> dict[str, Any]:
    """The order page's payment section: refunds and chargebacks never move the status, so
    staff must see them before acting."""
    events = list(PaymentEvent.objects.filter(order=order)[:ORDER_PAGE_EVENTS])
    if not events:
        return {}
    context: dict[str, Any] = {"events": events}
    if any(event.needs_attention for event in events):
        context["notice"] = format_html(
            '<a href="#pagamentos">{}</a>',
            _(
                "Este pedido tem eventos de pagamento que requerem atenção (estorno ou "
                "chargeback). Confira antes de processá-lo."
            ),
        )
    return context


add_order_page_section(
    OrderPageSection(
        template="admin/payments/order_payment_events.html", context=order_payment_events
    )
)


def attention_panel() -> dict[str, Any]:
    """The dashboard's payment panel: refunds and chargebacks staff have not resolved yet,
    counted by kind in one query on the needs-attention index."""
    counts = dict(
        PaymentEvent.objects.filter(needs_attention=True)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    url = reverse("admin:payments_paymentevent_changelist")
    rows = [
        (_("Chargebacks"), counts.pop(PaymentEventKind.CHARGEBACK, 0), PaymentEventKind.CHARGEBACK),
        (_("Estornos"), counts.pop(PaymentEventKind.REFUNDED, 0), PaymentEventKind.REFUNDED),
    ]
    return {
        "rows": [
            {
                "label": label,
                "count": n,
                "url": f"{url}?needs_attention__exact=1&kind__exact={kind}",
            }
            for label, n, kind in rows
        ],
        "others": sum(counts.values()),
        "all_url": f"{url}?needs_attention__exact=1",
    }


add_dashboard_panel(
    DashboardPanel(template="admin/payments/dashboard_panel.html", context=attention_panel)
)


@admin.register(PaymentEvent)
class PaymentEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "order", "provider", "kind", "outcome", "needs_attention"]
    list_filter = ["needs_attention", "outcome", "kind", "provider"]
    search_fields = ["order__number", "event_id"]
    list_select_related = ["order"]
    date_hierarchy = "created_at"
    actions = ["mark_resolved"]
    fields = [
        "created_at",
        "provider",
        "event_id",
        "kind",
        "order",
        "outcome",
        "detail",
        "needs_attention",
        "status_change",
        "payload",
    ]
    # Staff only clear the flag; what the gateway said stays as it was received.
    readonly_fields = [name for name in fields if name != "needs_attention"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PaymentEvent | None = None) -> bool:
        # The record of what a gateway told us is kept, like the status history.
        return False

    @admin.action(
        description=gettext_lazy("Marcar como resolvido (não requer mais atenção)"),
        permissions=["change"],
    )
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[PaymentEvent]) -> None:
        count = queryset.filter(needs_attention=True).update(needs_attention=False)
        self.message_user(
            request,
            ngettext(
                "%d evento marcado como resolvido.", "%d eventos marcados como resolvidos.", count
            )
            % count,
            messages.SUCCESS,
        )
