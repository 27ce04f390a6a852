"""Melhor Envio: its shipment tracking endpoint, kept deliberately simple.

`POST {MELHORENVIO_API_URL}/api/v2/me/shipment/tracking` with `{"orders": [id]}` and a Bearer
token answers `{id: {"status": "posted" | "delivered" | "canceled" | ..., "tracking": ...,
"posted_at": ..., "delivered_at": ..., ...}}`. We send the dispatch's Código de Rastreio as the
id, and turn the current status into one scan dated by its `<status>_at` field: Melhor Envio
reports a state, not a scan history, so a parcel tracked this way shows at most one line per
state (docs/integrations.md).
"""

from __future__ import annotations

import json
from typing import Any

import requests
from django.conf import settings

from orders.tracking_events import ScanKind

from .adapters import CarrierUnavailable, Scan, local_datetime

STATUS_KINDS = {
    "posted": (ScanKind.POSTED, "Objeto postado"),
    "delivered": (ScanKind.DELIVERED, "Objeto entregue ao destinatário"),
    "undelivered": (ScanKind.RETURNED, "Objeto não entregue: devolvido ao remetente"),
    "canceled": (ScanKind.OTHER, "Envio cancelado no Melhor Envio"),
}
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def parse_shipments(data: Any) -> dict[str, list[Scan]]:
    if not isinstance(data, dict):
        raise CarrierUnavailable("resposta do Melhor Envio não é um objeto")
    parcels: dict[str, list[Scan]] = {}
    for key, shipment in data.items():
        if not isinstance(shipment, dict) or not isinstance(shipment.get("status"), str):
            raise CarrierUnavailable("envio do Melhor Envio sem 'status'")
        status = shipment["status"][:20]
        known = STATUS_KINDS.get(status)
        when = shipment.get(f"{status}_at")
        # A state without its date (released, pending…) is not a scan we can date: skipped.
        if known is None or not when:
            parcels[str(key).upper()] = []
            continue
        kind, description = known
        parcels[str(key).upper()] = [
            Scan(
                code=status,
                kind=kind,
                description=description,
                place="",
                occurred_at=local_datetime(when, DATE_FORMAT),
            )
        ]
    return parcels


class MelhorEnvio:
    slug = "melhorenvio"
    label = "Melhor Envio"

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url, self.token = base_url.rstrip("/"), token

    def track(self, tracking_code: str) -> list[Scan]:
        try:
            response = requests.post(
                f"{self.base_url}/api/v2/me/shipment/tracking",
                json={"orders": [tracking_code]},
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Accept": "application/json",
                    "User-Agent": "JET Pedidos",
                },
                timeout=settings.CARRIER_API_TIMEOUT,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            raise CarrierUnavailable(f"Melhor Envio inacessível: {type(error).__name__}") from error
        if response.status_code != 200:
            raise CarrierUnavailable(f"Melhor Envio respondeu HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as error:
            raise CarrierUnavailable("Melhor Envio respondeu algo que não é JSON") from error
        return parse_shipments(data).get(tracking_code.upper(), [])

    def parse_push(self, body: bytes) -> dict[str, list[Scan]]:
        try:
            return parse_shipments(json.loads(body))
        except (ValueError, RecursionError) as error:
            raise CarrierUnavailable("corpo não é JSON") from error
