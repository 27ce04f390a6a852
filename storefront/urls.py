"""The customer area's URLs: the home page, /conta/pedidos/ and the signed /pedido/<token>/."""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "conta/",
        RedirectView.as_view(pattern_name="customer_orders", permanent=False),
        name="customer_account",
    ),
    path("conta/pedidos/", views.order_list, name="customer_orders"),
    path("conta/pedidos/<str:number>/", views.order_detail, name="customer_order"),
    path("pedido/<str:token>/", views.order_status_page, name="order_status_page"),
]
