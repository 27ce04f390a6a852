"""The one domain error for a refused status change, with a code that says why."""

from __future__ import annotations

from enum import StrEnum


class RefusalCode(StrEnum):
    ALREADY_USED = "already_used"
    FINAL_STATUS = "final_status"
    NOT_ALLOWED = "not_allowed"
    PERMISSION_DENIED = "permission_denied"
    INVALID_FIELDS = "invalid_fields"
    # The caller saw the order in another status (a form left open while someone else acted).
    STALE = "stale"


class OrderProcessingError(Exception):
    """A status change was refused and nothing was changed.

    `message` is for people (Portuguese); `fields` maps a field name to its messages.
    """

    def __init__(
        self, code: RefusalCode, message: str, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
