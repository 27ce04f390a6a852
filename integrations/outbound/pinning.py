"""POST to the address we checked, not to whatever the name resolves to a moment later.

`destinations.check_url` resolves an endpoint's host once and checks every address. If the
HTTP client resolved the name again to connect, a name that answers a public address to the
check and a private one to the connection (DNS rebinding) would reach our own network. So the
connection goes to the checked address, while the request keeps the name where the receiver
expects it: the Host header, TLS SNI and the certificate's hostname check.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .destinations import Destination

# Which certificate authorities we trust for receivers: the certifi bundle requests ships.
# The tests point it at their own authority to run a real TLS receiver on 127.0.0.1.
VERIFY: bool | str = True


class PinnedAdapter(HTTPAdapter):
    """Connects to `address` whatever the URL's host says; TLS still checks the name."""

    def __init__(self, address: str, hostname: str) -> None:
        self.address, self.hostname = address, hostname
        # No retries inside one attempt: our own backoff decides when to try again.
        super().__init__(max_retries=0)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        host_params["host"] = self.address
        if host_params["scheme"] == "https":
            # SNI and the certificate check use the name, not the address we connect to.
            pool_kwargs["server_hostname"] = self.hostname
        return host_params, pool_kwargs


def post(
    destination: Destination, body: bytes, *, headers: dict[str, str], timeout: Any
) -> requests.Response:
    """POST `body` to the destination's URL over a connection to its checked address."""
    with requests.Session() as session:
        # No proxy from the environment: a proxy would resolve the name again itself.
        session.trust_env = False
        adapter = PinnedAdapter(destination.addresses[0], destination.hostname)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session.post(
            destination.url,
            data=body,
            headers={"Host": destination.host_header, **headers},
            timeout=timeout,
            allow_redirects=False,
            verify=VERIFY,
        )
