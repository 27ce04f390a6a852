"""Where we may send a webhook: https only with DEBUG off, and never to a private, loopback,
link-local or otherwise non-public address (a staff member, or whoever steals their session,
must not make our servers call the cloud metadata service or the database)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeDestination(Exception):
    """Never send there; the message says why (Portuguese)."""


class UnresolvableDestination(Exception):
    """The host name does not resolve now: a transient failure, retried."""


def check_url(url: str) -> None:
    """Raise UnsafeDestination unless `url` is a place we may POST to."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeDestination(_("Informe uma URL https:// completa."))
    if parts.scheme != "https" and not settings.DEBUG:
        raise UnsafeDestination(_("Somente URLs https:// são aceitas."))
    if parts.username or parts.password:
        raise UnsafeDestination(_("A URL não pode conter usuário ou senha."))
    if settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE:
        return
    for address in resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)):
        if not is_public(address):
            raise UnsafeDestination(
                _("O endereço %(a)s não é público: webhooks só vão para a internet.")
                % {"a": address}
            )


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnresolvableDestination(
            _("Não foi possível resolver %(h)s.") % {"h": host}
        ) from error
    return sorted({info[4][0] for info in infos})


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
