"""What every carrier adapter does, and which adapter tracks an order.

An adapter turns a carrier's answer into `Scan`s: it fetches one parcel's scans (`track`,
for polling) and reads a pushed notification (`parse_push`). Which scan moves an order is
decided once, in apply.py, from each scan's `kind`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.utils import timezone

from orders.tracking import is_correios
from orders.tracking_events import ScanKind


@dataclass(frozen=True)
class Scan:
    code: str
    kind: ScanKind
    description: str
    place: str
    occurred_at: datetime


class CarrierUnavailable(Exception):
    """The carrier could not be asked, or answered something we cannot read: try later."""


class CarrierAdapter(Protocol):
    slug: str
    label: str

    def track(self, tracking_code: str) -> list[Scan]: ...

    def parse_push(self, body: bytes) -> dict[str, list[Scan]]: ...


def local_datetime(value: object, fmt: str | None = None) -> datetime:
    """An aware datetime from a carrier's text; without an offset it is Brazilian local time."""
    if not isinstance(value, str) or not value:
        raise CarrierUnavailable("data do evento ausente")
    try:
        # Naive on purpose: a carrier's local time is made aware just below.
        parsed = datetime.strptime(value, fmt) if fmt else datetime.fromisoformat(value)  # noqa: DTZ007
    except ValueError as error:
        raise CarrierUnavailable(f"data do evento inválida: {value[:40]!r}") from error
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def configured_adapters() -> dict[str, CarrierAdapter]:
    """Adapters whose URL and token are set: without them tracking is simply off."""
    from .correios import Correios
    from .melhorenvio import MelhorEnvio

    adapters: dict[str, CarrierAdapter] = {}
    if settings.CORREIOS_API_URL and settings.CORREIOS_TOKEN:
        adapters[Correios.slug] = Correios(settings.CORREIOS_API_URL, settings.CORREIOS_TOKEN)
    if settings.MELHORENVIO_API_URL and settings.MELHORENVIO_TOKEN:
        adapters[MelhorEnvio.slug] = MelhorEnvio(
            settings.MELHORENVIO_API_URL, settings.MELHORENVIO_TOKEN
        )
    return adapters


def adapter_for(carrier: str) -> CarrierAdapter | None:
    """Correios parcels through the Correios API; any other carrier through Melhor Envio."""
    adapters = configured_adapters()
    if is_correios(carrier):
        return adapters.get("correios")
    return adapters.get("melhorenvio")


def tracking_enabled() -> bool:
    return bool(configured_adapters())
