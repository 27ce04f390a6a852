from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "JET Pedidos"
admin.site.site_title = "JET Pedidos"
admin.site.index_title = "Painel da loja"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The customer area (home page, /conta/pedidos/, /pedido/<token>/), then the accounts.
    path("", include("orders.customer_urls")),
    path("conta/", include("allauth.urls")),
]
