"""A URLconf with one view that always fails, for the server-error tests."""

from __future__ import annotations

from django.urls import path


def broken_view(request):
    raise RuntimeError("falha de teste no servidor")


urlpatterns = [path("quebrado/", broken_view)]
