"""Where carriers push their tracking scans."""

from __future__ import annotations

from django.urls import path

from .views import carrier_webhook

urlpatterns = [path("<slug:carrier>/", carrier_webhook, name="carrier_webhook")]
