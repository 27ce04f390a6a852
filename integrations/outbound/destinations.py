"""Where we may send a webhook: https only with DEBUG off, and never to a private, loopback,
link-local or otherwise non-public address (a staff member, or whoever steals their session,
must not make our servers call the cloud metadata service or the database).

The name is resolved once per attempt: the delivery connects to the address checked here
(pinning.py), so an answer that changes between the check and the connection (DNS rebinding)
cannot send it anywhere else.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeDestination(Exception):
    """Never send there; the message says why (Portuguese)."""


class UnresolvableDestination(Exception):
    """The host name does not resolve now: a transient failure, retried."""


@dataclass(frozen=True)
class Destination:
    """A checked URL and the addresses its host resolved to, in the resolver's order."""

    url: str
    hostname: str
    host_header: str
    addresses: list[str]


def check_url(url: str) -> Destination:
    """Raise UnsafeDestination unless `url` is a place we may POST to; resolve it once."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeDestination(_("Informe uma URL https:// completa.")) from error
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeDestination(_("Informe uma URL https:// completa."))
    if parts.scheme != "https" and not settings.DEBUG:
        raise UnsafeDestination(_("Somente URLs https:// são aceitas."))
    if parts.username or parts.password:
        raise UnsafeDestination(_("A URL não pode conter usuário ou senha."))
    addresses = resolve(parts.hostname, port or (443 if parts.scheme == "https" else 80))
    if not settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE:
        for address in addresses:
            if not is_public(address):
                raise UnsafeDestination(
                    _("O endereço %(a)s não é público: webhooks só vão para a internet.")
                    % {"a": address}
                )
    return Destination(url, parts.hostname, _host_header(parts.netloc), addresses)


def _host_header(netloc: str) -> str:
    """The URL's own "name[:port]" (brackets kept around an IPv6 literal), in ASCII: a name
    with accents goes in its IDNA form, as requests would write it."""
    host = netloc.rpartition("@")[2]
    if host.isascii():
        return host
    name, colon, port = host.rpartition(":") if "]" not in host else (host, "", "")
    if not colon or not port.isdigit():
        name, colon, port = host, "", ""
    return name.encode("idna").decode("ascii") + colon + port


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnresolvableDestination(
            _("Não foi possível resolver %(h)s.") % {"h": host}
        ) from error
    # The resolver's order (RFC 6724 preference), each address once.
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise UnresolvableDestination(_("Não foi possível resolver %(h)s.") % {"h": host})
    return addresses


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
