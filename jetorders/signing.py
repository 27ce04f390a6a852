"""Our own signed format (design §5): `X-Jet-Signature: t=<unix>,v1=<hex>`.

The HMAC-SHA256 covers "<t>.<raw body>", like Stripe's scheme, so a body cannot be replayed
under a new timestamp. Several secrets may be valid at once while one is being rotated.

Shared by every app that signs or verifies this format (payment and carrier webhooks in, our
outbound webhooks out), so it lives below them all (docs/architecture.md, "The arrows").
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from django.utils.translation import gettext as _

TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """The notification is not provably from the gateway; `detail` says why (Portuguese)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def parse_signature_header(header: str, time_key: str = "t") -> tuple[str, list[str]]:
    """The timestamp and the v1 signatures of a "t=…,v1=…" header (v1 may repeat)."""
    timestamp, signatures = "", []
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == time_key:
            timestamp = value.strip()
        elif key == "v1":
            signatures.append(value.strip())
    return timestamp, signatures


def hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value a sender puts on `body`; used by our tests and by integrators."""
    return f"t={timestamp},v1={hmac_hex(secret, f'{timestamp}.'.encode() + body)}"


def any_signature_matches(
    secrets: Iterable[str], message: bytes, signatures: Iterable[str]
) -> bool:
    # Every pair is compared in constant time, and none is skipped on an early match, so the
    # time taken says nothing about which secret or how much of a signature matched.
    matched = False
    for secret in secrets:
        expected = hmac_hex(secret, message).encode()
        for signature in signatures:
            matched |= hmac.compare_digest(expected, signature.encode("utf-8", "replace"))
    return matched


def verify(header: str, body: bytes, secrets: list[str], now: float) -> int:
    """The signed timestamp, or SignatureError when the header does not prove `body`."""
    if not secrets:
        raise SignatureError(_("Webhook sem segredo configurado."))
    timestamp, signatures = parse_signature_header(header)
    if not _is_unix_time(timestamp) or not signatures:
        raise SignatureError(_("Assinatura ausente ou malformada."))
    check_timestamp(int(timestamp), now)
    if not any_signature_matches(secrets, f"{timestamp}.".encode() + body, signatures):
        raise SignatureError(_("Assinatura inválida."))
    return int(timestamp)


def check_timestamp(seconds: float, now: float) -> None:
    """SignatureError when a signed time is over TOLERANCE_SECONDS away from now, either way.

    The past bounds replays of a captured notification; the future, one signed ahead of time
    (a leaked secret, a sender's clock set forward) that would stay replayable for that long.
    """
    if now - seconds > TOLERANCE_SECONDS:
        raise SignatureError(
            _("Assinatura expirada: o horário da notificação está fora do limite.")
        )
    if seconds - now > TOLERANCE_SECONDS:
        raise SignatureError(
            _("Assinatura com horário no futuro: o horário da notificação está fora do limite.")
        )


def _is_unix_time(value: str) -> bool:
    # Bounded length: Python refuses to convert very long digit strings to int.
    return value.isascii() and value.isdigit() and len(value) <= 12
