"""Who is trying to sign in, for django-axes' lockouts (reliability R23).

The client address is read as our own proxies wrote it: each trusted proxy appends the
address it received from to X-Forwarded-For, so with N proxies the client is the N-th entry
from the right. Anything further left was written by the client and is never trusted, so
rotating a spoofed header does not reset the counter.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()]
    if len(chain) < hops:
        # Fewer entries than proxies: the request did not come through the whole chain.
        return remote
    candidate = chain[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


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
