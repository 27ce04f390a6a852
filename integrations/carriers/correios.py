"""Correios: the SRO tracking API ("rastro").

`GET {CORREIOS_API_URL}/srorastro/v1/objetos/{code}?resultado=T` with a Bearer token answers
`{"objetos": [{"codObjeto": ..., "eventos": [{"codigo", "tipo", "descricao", "dtHrCriado",
"unidade": {"endereco": {"cidade", "uf"}}}, ...]}]}`, newest event first. A pushed
notification has the same body.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

from orders.tracking_events import ScanKind

from .adapters import CarrierUnavailable, Scan, local_datetime

# Event codes whose tipo "01" is the plain meaning; other tipos are read from the description.
DELIVERY_CODES = frozenset({"BDE", "BDI", "BDR"})
CODE_KINDS = {
    "PO": ScanKind.POSTED,
    "RO": ScanKind.IN_TRANSIT,
    "DO": ScanKind.IN_TRANSIT,
    "OEC": ScanKind.OUT_FOR_DELIVERY,
}
RETURNED_WORDS = ("devolvido", "devolução", "devolucao", "remetente")
LOST_WORDS = ("extraviado", "roubado", "roubo", "extravio")


def scan_kind(code: str, tipo: str, description: str) -> ScanKind:
    """What a Correios event means for the order; exceptions are read from the description
    first, so "Objeto entregue ao remetente" is a return, never a delivery."""
    text = description.lower()
    if any(word in text for word in LOST_WORDS):
        return ScanKind.LOST
    if any(word in text for word in RETURNED_WORDS):
        return ScanKind.RETURNED
    if code in DELIVERY_CODES:
        return ScanKind.DELIVERED if tipo == "01" else ScanKind.OTHER
    return CODE_KINDS.get(code, ScanKind.OTHER)


def _text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _place(event: dict[str, Any]) -> str:
    unit = event.get("unidade") if isinstance(event.get("unidade"), dict) else {}
    address = unit.get("endereco") if isinstance(unit.get("endereco"), dict) else {}
    city, state = _text(address.get("cidade"), 100), _text(address.get("uf"), 2)
    return " / ".join(part for part in [city, state] if part)


def parse_event(event: Any) -> Scan:
    if not isinstance(event, dict) or not isinstance(event.get("codigo"), str):
        raise CarrierUnavailable("evento dos Correios sem código")
    code, tipo = _text(event["codigo"], 10), _text(event.get("tipo"), 5)
    description = _text(event.get("descricao"), 255)
    return Scan(
        code=f"{code}/{tipo}" if tipo else code,
        kind=scan_kind(code, tipo, description),
        description=description,
        place=_place(event),
        occurred_at=local_datetime(event.get("dtHrCriado")),
    )


def parse_objects(data: Any) -> dict[str, list[Scan]]:
    """{tracking code: scans} of an SRO answer; CarrierUnavailable when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("objetos"), list):
        raise CarrierUnavailable("resposta dos Correios sem 'objetos'")
    parcels: dict[str, list[Scan]] = {}
    for parcel in data["objetos"]:
        if not isinstance(parcel, dict) or not isinstance(parcel.get("codObjeto"), str):
            raise CarrierUnavailable("objeto dos Correios sem 'codObjeto'")
        events = parcel.get("eventos") or []
        if not isinstance(events, list):
            raise CarrierUnavailable("'eventos' dos Correios não é uma lista")
        parcels[parcel["codObjeto"].strip().upper()] = [parse_event(e) for e in events]
    return parcels


class Correios:
    slug = "correios"
    label = "Correios"

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url, self.token = base_url.rstrip("/"), token

    def track(self, tracking_code: str) -> list[Scan]:
        url = f"{self.base_url}/srorastro/v1/objetos/{quote(tracking_code)}"
        try:
            response = requests.get(
                url,
                params={"resultado": "T"},
                headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
                timeout=settings.CARRIER_API_TIMEOUT,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            raise CarrierUnavailable(f"Correios inacessível: {type(error).__name__}") from error
        if response.status_code != 200:
            raise CarrierUnavailable(f"Correios respondeu HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as error:
            raise CarrierUnavailable("Correios respondeu algo que não é JSON") from error
        return parse_objects(data).get(tracking_code.upper(), [])

    def parse_push(self, body: bytes) -> dict[str, list[Scan]]:
        try:
            return parse_objects(json.loads(body))
        except (ValueError, RecursionError) as error:
            raise CarrierUnavailable("corpo não é JSON") from error
