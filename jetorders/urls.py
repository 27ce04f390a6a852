"""Every app's URLs in one place: jetorders wires the apps, none of them imports another's URLs."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path

from integrations.api import api as integration_api
from orders.admin.dashboard import admin_home

from .health import healthz, readyz
from .moved import MOVED_ADMIN_MODELS, moved_admin_page

admin.site.site_header = "JET Pedidos"
admin.site.site_title = "JET Pedidos"
admin.site.index_title = "Painel da loja"
# The order list needs the whole width; the panel's home page lists everything staff can open.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    # Liveness and readiness for the load balancer and the orchestrator (docs/deploy.md).
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Bookmarks from before payments and integrations had apps of their own.
    re_path(
        rf"^admin/orders/(?P<model>{'|'.join(MOVED_ADMIN_MODELS)})/(?P<rest>.*)$",
        moved_admin_page,
    ),
    # The admin's home is the Painel for staff who see orders (orders/admin/dashboard.py).
    path("admin/", admin.site.admin_view(admin_home)),
    path("admin/", admin.site.urls),
    # Delivery events from the e-mail provider (anymail), basic auth ANYMAIL_WEBHOOK_SECRET.
    path("webhooks/email/", include("anymail.urls")),
    # Payment gateways and the integration API (design §5).
    path("webhooks/pagamentos/", include("payments.urls")),
    # Carriers that push tracking scans (docs/integrations.md).
    path("webhooks/transportadoras/", include("integrations.carriers.urls")),
    path("api/v1/", integration_api.urls),
    # The customer area (home page, /conta/pedidos/, /pedido/<token>/), then the accounts.
    path("", include("storefront.urls")),
    path("conta/", include("allauth.urls")),
]
