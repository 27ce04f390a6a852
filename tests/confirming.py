"""Posting an admin form the way the lojista does: through its confirmation step."""

from __future__ import annotations

from orders.admin.confirmation import CONFIRM_BUTTON, CONFIRM_DIGEST


def shown_confirmation(response):
    """The confirmation step the response shows, or None (a redirect, or a plain form)."""
    context = response.context
    if context is None or "confirmation" not in context:
        return None
    return context["confirmation"]


def post_confirmed(client, url: str, data: dict, **kwargs):
    """Post `data`; if a confirmation step comes back, confirm it as shown."""
    response = client.post(url, data, **kwargs)
    confirmation = shown_confirmation(response)
    if confirmation is None:
        return response
    confirmed = {**data, CONFIRM_DIGEST: confirmation.digest, CONFIRM_BUTTON: "Confirmar"}
    return client.post(url, confirmed, **kwargs)
