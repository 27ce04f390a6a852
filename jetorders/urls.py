from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from orders.api import api as integration_api
from orders.webhooks import mercadopago_webhook, payment_webhook

admin.site.site_header = "JET Pedidos"
admin.site.site_title = "JET Pedidos"
admin.site.index_title = "Painel da loja"
# The order list needs the whole width; the panel's home page lists everything staff can open.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    # Delivery events from the e-mail provider (anymail), basic auth ANYMAIL_WEBHOOK_SECRET.
    path("webhooks/email/", include("anymail.urls")),
    # Payment gateways and the integration API (design §5).
    path("webhooks/pagamentos/", payment_webhook, name="payment_webhook"),
    path("webhooks/pagamentos/mercadopago/", mercadopago_webhook, name="mercadopago_webhook"),
    path("api/v1/", integration_api.urls),
    # The customer area (home page, /conta/pedidos/, /pedido/<token>/), then the accounts.
    path("", include("orders.customer_urls")),
    path("conta/", include("allauth.urls")),
]
