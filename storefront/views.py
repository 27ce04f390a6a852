"""The customer area: the home page, the customer's orders, and the signed status page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from orders.links import StatusLinkExpired, order_from_status_token
from orders.models import Order
from orders.statuses import CUSTOMER_DESCRIPTIONS, OrderStatus, customer_label

from .page import order_page_context, prefetch_customer_details, with_customer_details

ORDERS_PER_PAGE = 20


@dataclass(frozen=True)
class OrderRow:
    order: Order
    label: str
    description: str


def customer_display(user: object) -> str:
    """How allauth names a customer: by e-mail, never by the username it generated."""
    return getattr(user, "email", "") or str(user)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "store/home.html")


@require_safe
@never_cache
@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    orders = Order.objects.visible_to_customer(request.user).only(
        "id", "number", "created_at", "total", "status"
    )
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("pagina"))
    rows = [
        OrderRow(
            order=order,
            label=customer_label(order.status),
            description=CUSTOMER_DESCRIPTIONS[OrderStatus(order.status)],
        )
        for order in page
    ]
    return render(request, "storefront/order_list.html", {"page": page, "rows": rows})


@require_safe
@never_cache
@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    # Another customer's order is a plain 404, exactly like a number that does not exist.
    orders = with_customer_details(Order.objects.visible_to_customer(request.user))
    order = get_object_or_404(orders, number=number)
    return render(request, "storefront/order_detail.html", order_page_context(order))


@require_safe
@never_cache
def order_status_page(request: HttpRequest, token: str) -> HttpResponse:
    """The page each status e-mail links to: the signed token alone opens it, no login."""
    try:
        order = order_from_status_token(token)
    except StatusLinkExpired:
        # 410 Gone: the link was real; the order is still one sign-in away.
        return render(request, "storefront/status_link_expired.html", status=410)
    if order is None:
        raise Http404
    prefetch_customer_details(order)
    context = {**order_page_context(order), "via_token": True}
    return render(request, "storefront/order_detail.html", context)
