"""Mercado Pago: its `x-signature` scheme and the payment's status, fetched from its API.

The notification body is not signed, so nothing in it is trusted: the signed `data.id` (from
the query string) names the payment, and the status and order come from
GET /v1/payments/{id}, which also makes late or reordered notifications harmless
(docs/reliability.md, R17).
https://www.mercadopago.com.br/developers/pt/docs/your-integrations/notifications/webhooks
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from .models import PaymentEventKind
from .signing import (
    SignatureError,
    any_signature_matches,
    check_timestamp,
    parse_signature_header,
)

PROVIDER = "mercadopago"
LABEL = "Mercado Pago"
PAYMENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Design §2. `authorized` is a card authorised but not yet captured; `in_mediation` is a
# dispute the customer opened, which staff must look at like a chargeback.
STATUS_KINDS = {
    "pending": PaymentEventKind.IN_REVIEW,
    "in_process": PaymentEventKind.IN_REVIEW,
    "authorized": PaymentEventKind.IN_REVIEW,
    "approved": PaymentEventKind.APPROVED,
    "rejected": PaymentEventKind.REJECTED,
    "cancelled": PaymentEventKind.REJECTED,
    "refunded": PaymentEventKind.REFUNDED,
    "charged_back": PaymentEventKind.CHARGEBACK,
    "in_mediation": PaymentEventKind.CHARGEBACK,
}


class GatewayUnavailable(Exception):
    """Mercado Pago's API did not answer usefully; the notification should be retried."""


class PaymentNotFound(Exception):
    """Mercado Pago does not know the payment the notification names."""


@dataclass(frozen=True)
class Payment:
    id: str
    status: str
    external_reference: str
    raw: dict


def manifest(data_id: str, request_id: str, ts: str) -> str:
    """The signed template "id:…;request-id:…;ts:…;", without the segments that are absent."""
    if data_id.isalnum():
        data_id = data_id.lower()
    parts = [("id", data_id), ("request-id", request_id), ("ts", ts)]
    return "".join(f"{name}:{value};" for name, value in parts if value)


def verify(header: str, data_id: str, request_id: str, secrets: list[str], *, now: float) -> None:
    """SignatureError unless `header` signs this payment id and request id, recently."""
    if not secrets:
        raise SignatureError(_("Webhook sem segredo configurado."))
    ts, signatures = parse_signature_header(header, time_key="ts")
    if not signatures or not _is_ts(ts):
        raise SignatureError(_("Assinatura ausente ou malformada."))
    check_timestamp(ts_seconds(ts), now)
    message = manifest(data_id, request_id, ts).encode("utf-8", "replace")
    if not any_signature_matches(secrets, message, signatures):
        raise SignatureError(_("Assinatura inválida."))


def ts_seconds(ts: str) -> float:
    """The signed `ts` in seconds. Mercado Pago's docs show it in milliseconds in one place
    and in seconds in another: 13 digits are milliseconds (seconds reach 13 digits in 2286)."""
    return int(ts) / 1000 if len(ts) == 13 else int(ts)


def _is_ts(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 13


def fetch_payment(payment_id: str) -> Payment:
    """The payment as Mercado Pago has it now; GatewayUnavailable or PaymentNotFound."""
    url = f"{settings.MERCADOPAGO_API_URL.rstrip('/')}/v1/payments/{payment_id}"
    headers = {"Authorization": f"Bearer {settings.MERCADOPAGO_ACCESS_TOKEN}"}
    try:
        response = requests.get(url, headers=headers, timeout=settings.MERCADOPAGO_TIMEOUT)
    except requests.RequestException as error:
        raise GatewayUnavailable(str(error)) from error
    if response.status_code == 404:
        raise PaymentNotFound(payment_id)
    if response.status_code != 200:
        raise GatewayUnavailable(f"HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError as error:
        raise GatewayUnavailable("invalid JSON") from error
    if not isinstance(data, dict):
        raise GatewayUnavailable("unexpected JSON")
    return Payment(
        id=str(data.get("id") or payment_id),
        status=str(data.get("status") or ""),
        external_reference=str(data.get("external_reference") or ""),
        raw={key: data.get(key) for key in ("id", "status", "status_detail", "external_reference")},
    )
