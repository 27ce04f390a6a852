"""/admin/orders/order/numero/<number>/: the order the lojista knows by its number.

Order numbers and internal ids are both integers and collide above 100,000, so the id URL
(/admin/orders/order/<id>/change/) is never reinterpreted; this separate path is the one that
takes a number, and redirects to the order's page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# Longer than any order number (the column holds 20 characters): not looked up at all.
MAX_NUMBER_CHARS = 20


def order_by_number_view(
    model_admin: ModelAdmin, request: HttpRequest, number: str
) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    number = number.strip()
    order_id = None
    if 0 < len(number) <= MAX_NUMBER_CHARS:
        order_id = (
            model_admin.get_queryset(request)
            .filter(number=number)
            .values_list("pk", flat=True)
            .first()
        )
    if order_id is not None:
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order_id]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Pedido não encontrado"),
        "number": number,
        "search_url": reverse("admin:orders_order_changelist"),
    }
    return TemplateResponse(
        request, "admin/orders/order/number_not_found.html", context, status=404
    )


def number_url(number: str | None) -> str:
    """The order page's address by number, for staff to copy and share."""
    return reverse("admin:orders_order_by_number", args=[number]) if number else ""
