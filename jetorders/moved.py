"""Old addresses that still work: admin pages of models that moved to another app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect

# Payment events and API tokens lived in the orders app until the apps were split.
MOVED_ADMIN_MODELS = {"paymentevent": "payments", "apitoken": "integrations"}


def moved_admin_page(request: HttpRequest, model: str, rest: str) -> HttpResponsePermanentRedirect:
    """/admin/orders/<model>/<rest> → the same page under the model's new app, query kept."""
    target = f"/admin/{MOVED_ADMIN_MODELS[model]}/{model}/{rest}"
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
