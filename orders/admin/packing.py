"""The packing list ("Lista de separação"): one printed page per order, with its items and
quantities, the delivery address and the order number as a Code 128 barcode.

For one order (a link on its page) and for a selection (an action on the order list). The
orders and their items are read in two queries whatever the selection's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from orders.barcodes import code128_svg
from orders.models import Order

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# A selection prints at most this many orders at once: a page per order, and the ids travel in
# the URL (so the printed page can be reloaded and printed again).
MAX_PACKING_ORDERS = 200


def packing_list_url(order: Order) -> str:
    return reverse("admin:orders_order_packing_list", args=[order.pk])


def packing_urls(model_admin: ModelAdmin) -> list:
    """The two pages, for OrderAdmin.get_urls (before its "<object_id>/" catch-all)."""
    site = model_admin.admin_site

    def one(request: HttpRequest, object_id: str) -> HttpResponse:
        return packing_list_view(model_admin, request, object_id)

    def selection(request: HttpRequest) -> HttpResponse:
        return packing_selection_view(model_admin, request)

    return [
        path(
            "lista-de-separacao/",
            site.admin_view(selection),
            name="orders_order_packing_selection",
        ),
        path(
            "<path:object_id>/lista-de-separacao/",
            site.admin_view(one),
            name="orders_order_packing_list",
        ),
    ]


def packing_list_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    order = model_admin.get_object(request, unquote(object_id))
    if order is None:
        return model_admin._get_obj_does_not_exist_redirect(request, model_admin.opts, object_id)
    if not model_admin.has_view_permission(request, order):
        raise PermissionDenied
    back = reverse("admin:orders_order_change", args=[order.pk])
    return _render(request, _packing_orders(Order.objects.filter(pk=order.pk)), back)


def packing_selection_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    ids = _ids(request.GET.get("ids", ""))
    back = reverse("admin:orders_order_changelist")
    if not ids:
        messages.error(request, _("Selecione os pedidos para imprimir a lista de separação."))
        return HttpResponseRedirect(back)
    return _render(request, _packing_orders(Order.objects.filter(pk__in=ids)), back)


def _ids(raw: str) -> list[int]:
    """The order ids of ?ids=1,2,3; anything that is not one is ignored."""
    ids = [int(part) for part in raw.split(",") if part.isascii() and part.isdigit()]
    return ids[:MAX_PACKING_ORDERS]


def _packing_orders(queryset: QuerySet[Order]) -> list[dict[str, Any]]:
    orders = queryset.order_by("id").prefetch_related("items")
    return [_page(order) for order in orders]


def _page(order: Order) -> dict[str, Any]:
    items = list(order.items.all())
    return {
        "order": order,
        "barcode": code128_svg(
            order.number or str(order.pk), label=_("Pedido %(number)s") % {"number": order.number}
        ),
        "items": items,
        "units": sum(item.quantity for item in items),
        "address": order.shipping_address_lines,
    }


def _render(request: HttpRequest, pages: list[dict[str, Any]], back_url: str) -> HttpResponse:
    title = (
        _("Lista de separação — pedido %(number)s") % {"number": pages[0]["order"].number}
        if len(pages) == 1
        else _("Listas de separação — %(count)d pedidos") % {"count": len(pages)}
    )
    context = {"title": title, "pages": pages, "back_url": back_url}
    return TemplateResponse(request, "admin/orders/order/packing_list.html", context)


@admin.action(permissions=["view"], description=gettext_lazy("Imprimir lista de separação"))
def print_packing_lists(
    model_admin: ModelAdmin, request: HttpRequest, queryset: QuerySet[Order]
) -> HttpResponse | None:
    ids = list(queryset.order_by("id").values_list("pk", flat=True)[: MAX_PACKING_ORDERS + 1])
    if len(ids) > MAX_PACKING_ORDERS:
        messages.error(
            request,
            ngettext(
                "Selecione no máximo %(max)d pedido para imprimir de uma vez.",
                "Selecione no máximo %(max)d pedidos para imprimir de uma vez.",
                MAX_PACKING_ORDERS,
            )
            % {"max": MAX_PACKING_ORDERS},
        )
        return None
    url = reverse("admin:orders_order_packing_selection")
    return HttpResponseRedirect(f"{url}?ids={','.join(str(pk) for pk in ids)}")


PACKING_ACTIONS = [print_packing_lists]
