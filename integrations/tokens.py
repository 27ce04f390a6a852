"""Bearer tokens of the integration API: issued once, stored only as a SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from .models import ApiToken, all_scopes

PREFIX = "jet_"
# Recording every call's time would add a write per call; once a minute is enough to see use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def issue_token(name: str, scopes: Iterable[str] | None = None) -> tuple[ApiToken, str]:
    """A new token named `name` and its secret, which is shown this once and never stored.

    `scopes` (ApiScope values) default to all of them.
    """
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        prefix=raw[:12],
        key_hash=hash_token(raw),
        scopes=ordered_scopes(all_scopes() if scopes is None else scopes),
    )
    return token, raw


def ordered_scopes(scopes: Iterable[str]) -> list[str]:
    """Known scopes only, each once, in ApiScope's order."""
    wanted = set(scopes)
    return [scope for scope in all_scopes() if scope in wanted]


def authenticate_token(raw: str) -> ApiToken | None:
    """The active token `raw` is, or None (unknown, malformed or revoked)."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    # The secret has 256 bits of entropy, so looking its hash up leaks nothing useful.
    token = ApiToken.objects.active().filter(key_hash=hash_token(raw)).first()
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
