"""The payment webhooks' `X-Jet-Signature` scheme; the code lives in jetorders/signing.py,
shared with the carrier webhooks and our outbound webhooks."""

from __future__ import annotations

from jetorders.signing import (
    TOLERANCE_SECONDS,
    SignatureError,
    any_signature_matches,
    check_timestamp,
    hmac_hex,
    parse_signature_header,
    sign,
    verify,
)

__all__ = [
    "TOLERANCE_SECONDS",
    "SignatureError",
    "any_signature_matches",
    "check_timestamp",
    "hmac_hex",
    "parse_signature_header",
    "sign",
    "verify",
]
