"""Who is calling: the client's address as our own proxies saw it.

Each trusted proxy appends the address it received from to X-Forwarded-For, so with N proxies
(settings.NUM_PROXIES) the client is the N-th entry from the right. Anything further left was
written by the client and is never trusted, so rotating a spoofed header gains nothing. Login
throttling and every rate limit key on this one function.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.NUM_PROXIES
    if hops <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()]
    if len(chain) < hops:
        # Fewer entries than proxies: the request did not come through the whole chain.
        return remote
    try:
        return str(ipaddress.ip_address(chain[-hops]))
    except ValueError:
        return remote
