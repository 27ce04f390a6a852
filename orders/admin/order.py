"""The staff panel for orders: the list, the read-only order page and the way into processing.

Orders are never added, edited or deleted here: they come from checkout or the API, and their
status changes only through "Processar pedido" (processing.py), which calls the one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jetorders.admin_mixins import ViewOnlyAdminMixin
from orders.actors import Actor
from orders.formatting import brl
from orders.models import Order, OrderItem, OrderStatusChange
from orders.permissions import can_override, can_process, may_open_processing
from orders.rules import allowed_next_statuses, may_correct_dispatch
from orders.status_fields import DISPATCH_FIELDS, FIELD_LABELS
from orders.statuses import is_final
from orders.tracking import tracking_url

from .attention import NeedsAttentionFilter, attention_badge, with_attention
from .bulk import BULK_ACTIONS
from .by_number import number_url, order_by_number_view
from .checks import check_dispatch_view
from .correction import correct_dispatch_view
from .date_range import CreatedRangeFilter
from .export import export_view
from .export_job import export_job_urls
from .format import short_datetime, status_badge, two_line_datetime
from .late import LateFilter, late_badge, with_late_flag
from .packing import PACKING_ACTIONS, packing_list_url, packing_urls
from .pagination import CappedCountPaginator
from .processing import process_order_view
from .search import order_search
from .sections import order_page_sections
from .status_filter import StatusCountFilter
from .timeline import final_status_notice, timeline


class OrderItemInline(ViewOnlyAdminMixin, admin.TabularInline):
    model = OrderItem
    fields = ["sku", "description", "quantity", "unit_price_brl", "line_total_brl"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("preço unitário"))
    def unit_price_brl(self, item: OrderItem) -> str:
        return brl(item.unit_price)

    @admin.display(description=_("subtotal"))
    def line_total_brl(self, item: OrderItem) -> str:
        return brl(item.line_total)

    # Items are part of the order: whoever may see the order sees them, nobody edits them.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("orders.view_order")


# The dispatch fields as the order page shows them: two with a display of their own.
DISPATCH_DISPLAY = [
    {"tracking_code": "tracking_display", "nfe_xml": "nfe_xml_display"}.get(name, name)
    for name in DISPATCH_FIELDS
]


@admin.register(Order)
class OrderAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number_col", "created_col", "customer_col", "total_col", "status_col"]
    list_display += ["changed_col"]
    list_display_links = ["number_col"]
    # Counts beside each status (cached, status_filter.py); "de / até" dates (date_range.py).
    list_filter = [("status", StatusCountFilter), LateFilter, CreatedRangeFilter]
    # What the box searches is decided by the term's shape (search.py); the names here only
    # make the admin show the box.
    search_fields = ["number", "customer_name", "customer_email", "tracking_code", "nfe_key"]
    search_fields += ["buyer_document"]
    search_help_text = _(
        "Busque por número do pedido ou da nota fiscal, e-mail completo do cliente, CPF/CNPJ "
        "(com ou sem pontuação), código de rastreio, Chave NF-e ou parte do nome do cliente."
    )
    list_per_page = 50
    # Newest first; the changelist adds "-pk" itself to break ties.
    ordering = ["-created_at"]
    # No COUNT(*) of the whole table on every page view (R-performance of the hot page).
    show_full_result_count = False
    # Facet counts are one COUNT per filter choice on every page view: never on this table.
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    actions = [*BULK_ACTIONS, *PACKING_ACTIONS]
    inlines = [OrderItemInline]
    # Returned or lost parcels: "Requer atenção" (attention.py).
    list_filter += [NeedsAttentionFilter]
    readonly_fields = [
        "number",
        "status_col",
        "created_at_display",
        "changed_at_display",
        "total_col",
        "customer_name",
        "customer_email",
        "buyer_document_col",
        "address_display",
        "shipping_cost_col",
        *DISPATCH_DISPLAY,
    ]

    class Media:
        css = {
            "all": [
                "orders/status.css",
                "orders/admin.css",
                "orders/list-tools.css",
                "orders/admin-phone.css",
            ]
        }

    def get_fieldsets(self, request: HttpRequest, obj: Order | None = None) -> list:
        fieldsets = [
            (
                _("Pedido"),
                {
                    "fields": [
                        "number",
                        "status_col",
                        "created_at_display",
                        "changed_at_display",
                        "total_col",
                    ]
                },
            ),
            (_("Cliente"), {"fields": ["customer_name", "customer_email", "buyer_document_col"]}),
            (_("Entrega"), {"fields": ["address_display", "shipping_cost_col"]}),
        ]
        if obj is not None and (obj.nfe_key or obj.carrier):
            fieldsets.append((_("Dados do despacho"), {"fields": DISPATCH_DISPLAY}))
        return fieldsets

    # Orders come from checkout or the API (no add/change/delete here); the status changes
    # only through "Processar pedido", which calls the service.
    def has_process_permission(self, request: HttpRequest) -> bool:
        return can_process(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Late orders carry a badge in the list and on their page (late.py); the returned or
        # lost-parcel flag is read from its partial index with the page (attention.py).
        return with_attention(with_late_flag(super().get_queryset(request), request))

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        found = self._the_one_order_searched(request)
        if found is not None:
            return HttpResponseRedirect(reverse("admin:orders_order_change", args=[found]))
        context = {
            "title": _("Pedidos"),
            "can_dispatch_by_sheet": can_process(request.user),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def _the_one_order_searched(self, request: HttpRequest) -> int | None:
        """The id of the order whose number was searched: the lojista who types an order
        number wants that order, not a list of one (invoice numbers and keys stay lists)."""
        term = request.GET.get("q", "").strip()
        if set(request.GET) != {"q"} or not (term.isascii() and term.isdigit()):
            return None
        ids = list(self.get_queryset(request).filter(number=term).values_list("pk", flat=True))
        return ids[0] if len(ids) == 1 else None

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.process_view)
        correct = self.admin_site.admin_view(self.correct_dispatch_view)
        export = self.admin_site.admin_view(self.export_view)
        by_number = self.admin_site.admin_view(self.order_by_number_view)
        check = self.admin_site.admin_view(check_dispatch_view)
        # Before the defaults: their "<object_id>/" catch-all would swallow this path.
        return [
            path("numero/<str:number>/", by_number, name="orders_order_by_number"),
            path("verificar-despacho/", check, name="orders_order_check_dispatch"),
            path("<path:object_id>/processar/", view, name="orders_order_process"),
            path(
                "<path:object_id>/corrigir-despacho/",
                correct,
                name="orders_order_correct_dispatch",
            ),
            *packing_urls(self),
            path("exportar/csv/", export, {"kind": "csv"}, name="orders_order_export_csv"),
            path("exportar/xlsx/", export, {"kind": "xlsx"}, name="orders_order_export_xlsx"),
            *export_job_urls(self),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest, kind: str):
        return export_view(self, request, kind)

    def process_view(self, request: HttpRequest, object_id: str):
        return process_order_view(self, request, object_id)

    def correct_dispatch_view(self, request: HttpRequest, object_id: str):
        return correct_dispatch_view(self, request, object_id)

    def order_by_number_view(self, request: HttpRequest, number: str):
        return order_by_number_view(self, request, number)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if not search_term.strip():
            return queryset, False
        return queryset.filter(order_search(search_term)), False

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict,
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Order | None = None,
    ):
        if obj is not None:
            context.update(self._order_page_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _order_page_context(self, request: HttpRequest, order: Order) -> dict:
        changes = list(order.status_changes.all())
        corrections = list(order.dispatch_corrections.all())
        used = {change.to_status for change in changes if not change.revoked}
        allowed = []
        user = request.user
        if may_open_processing(user):
            allowed = allowed_next_statuses(order, Actor.person(user), used)
        # Store staff who could otherwise process are told why there is no button.
        final_notice = ""
        if is_final(order.status) and can_process(user) and not can_override(user):
            final_notice = final_status_notice(order.status)
        sections = order_page_sections(order)
        return {
            "timeline": timeline(changes, corrections),
            "sections": sections,
            "section_notices": [
                context["notice"] for _t, context in sections if "notice" in context
            ],
            "process_url": reverse("admin:orders_order_process", args=[order.pk])
            if allowed
            else "",
            "correct_url": reverse("admin:orders_order_correct_dispatch", args=[order.pk])
            if may_open_processing(user) and may_correct_dispatch(order, Actor.person(user))
            else "",
            "final_notice": final_notice,
            "is_override": is_final(order.status),
            "packing_url": packing_list_url(order),
            "number_url": number_url(order.number),
        }

    def action_checkbox(self, order: Order) -> str:
        # The same checkbox Django renders, without a template render per row (a quarter of
        # the list's time at 50 rows).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            order.pk,
            _("Selecionar o pedido %(number)s") % {"number": order.number or order.pk},
        )

    @admin.display(description=_("pedido"), ordering="id")
    def number_col(self, order: Order) -> str:
        return order.number or "—"

    @admin.display(description=_("data"), ordering="created_at")
    def created_col(self, order: Order) -> str:
        return two_line_datetime(order.created_at)

    @admin.display(description=_("cliente"), ordering="customer_name")
    def customer_col(self, order: Order) -> str:
        return format_html(
            '{}<br><span class="jet-muted">{}</span>', order.customer_name, order.customer_email
        )

    @admin.display(description=_("total"), ordering="total")
    def total_col(self, order: Order) -> str:
        return brl(order.total)

    @admin.display(description=_("status"), ordering="status")
    def status_col(self, order: Order) -> str:
        badge = status_badge(order.status) + late_badge(order)
        return badge + attention_badge(getattr(order, "attention_kind", None))

    @admin.display(description=_("última alteração"), ordering="status_changed_at")
    def changed_col(self, order: Order) -> str:
        return two_line_datetime(order.status_changed_at)

    @admin.display(description=_("data"))
    def created_at_display(self, order: Order) -> str:
        return short_datetime(order.created_at)

    @admin.display(description=_("última alteração"))
    def changed_at_display(self, order: Order) -> str:
        return short_datetime(order.status_changed_at)

    @admin.display(description=_("frete"))
    def shipping_cost_col(self, order: Order) -> str:
        return brl(order.shipping_cost)

    @admin.display(description=_("CPF/CNPJ"))
    def buyer_document_col(self, order: Order) -> str:
        return order.buyer_document_display or "—"

    @admin.display(description=_("endereço de entrega"))
    def address_display(self, order: Order) -> str:
        lines = order.shipping_address_lines
        if not lines:
            return "—"
        return format_html("<br>".join(["{}"] * len(lines)), *lines)

    @admin.display(description=FIELD_LABELS["tracking_code"])
    def tracking_display(self, order: Order) -> str:
        url = tracking_url(order.carrier, order.tracking_code)
        if url:
            return format_html(
                '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
                order.tracking_code,
                url,
                _("rastrear na transportadora"),
            )
        return order.tracking_code or "—"

    @admin.display(description=FIELD_LABELS["nfe_xml"])
    def nfe_xml_display(self, order: Order) -> str:
        if not order.nfe_xml:
            return "—"
        return format_html(
            "<details><summary>{}</summary><pre class='jet-xml'>{}</pre></details>",
            _("mostrar XML"),
            order.nfe_xml,
        )


@admin.register(OrderStatusChange)
class OrderStatusChangeAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The history is append-only (docs/reliability.md, R14): it can be looked at, never
    added, edited or deleted."""

    list_display = ["order", "from_status", "to_status", "created_at", "actor_label", "revoked"]
    list_filter = ["to_status", "is_override", "revoked"]
    list_select_related = ["order"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    def get_model_perms(self, request: HttpRequest) -> dict:
        # Kept out of the menu: staff read the history on each order's page.
        return {}
