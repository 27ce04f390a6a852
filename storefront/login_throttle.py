"""Who is trying to sign in, for django-axes' lockouts (docs/reliability.md, R23).

The address comes from jetorders.clients.client_ip (settings.AXES_CLIENT_IP_CALLABLE), read
from our own proxies only, so rotating a spoofed header does not reset the counter.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


def login_name(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account being tried: the admin posts `username`, the customer login `login`
    (allauth authenticates it as `email`). Lower-cased, so case changes count together."""
    credentials = credentials or {}
    post = getattr(request, "POST", {}) if request is not None else {}
    for value in (
        credentials.get("username"),
        credentials.get("email"),
        post.get("login"),
        post.get("username"),
    ):
        if value:
            return str(value).strip().lower()
    return ""


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, minus its refusal of calls without a request: only shell,
    management and test code authenticates outside a request, and there is no one to throttle."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
