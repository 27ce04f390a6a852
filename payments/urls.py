"""Where the payment gateways post their notifications (design §5)."""

from __future__ import annotations

from django.urls import path

from .views import mercadopago_webhook, payment_webhook

urlpatterns = [
    path("", payment_webhook, name="payment_webhook"),
    path("mercadopago/", mercadopago_webhook, name="mercadopago_webhook"),
]
