"""The customer area's URLs: the home page, /conta/pedidos/ and the signed /pedido/<token>/."""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from . import customer_views

urlpatterns = [
    path("", customer_views.home, name="home"),
    path(
        "conta/",
        RedirectView.as_view(pattern_name="customer_orders", permanent=False),
        name="customer_account",
    ),
    path("conta/pedidos/", customer_views.order_list, name="customer_orders"),
    path("conta/pedidos/<str:number>/", customer_views.order_detail, name="customer_order"),
    path("pedido/<str:token>/", customer_views.order_status_page, name="order_status_page"),
]
