"""The confirmation step: warn before saving, not after.

A form whose data raises warnings (a Correios check digit that does not add up), or a
cancellation whose Motivo is e-mailed to the customer word for word, is shown again with what
deserves a second look and a "Confirmar mesmo assim" button. Nothing is saved or e-mailed until
that button is pressed. It works without JavaScript: the step is a plain re-rendered form.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from orders.emails import FIELD_VARIABLES
from orders.statuses import OrderStatus

# The submit button that confirms, and the hidden digest of what was shown when it was offered.
CONFIRM_BUTTON = "confirmar"
CONFIRM_DIGEST = "confirm_digest"

# What the customer reads: each field a status e-mail shows, and the message to the customer.
CUSTOMER_FIELDS = frozenset({*FIELD_VARIABLES, "message"})
# What only staff read: the NF-e content and XML, and the internal note.
INTERNAL_FIELDS = frozenset({"nfe_content", "nfe_xml", "nfe_xml_file", "note"})


@dataclass(frozen=True)
class Confirmation:
    """What the lojista must see before the change is made."""

    warnings: list[str] = field(default_factory=list)
    # (label, text) that go to the customer exactly as typed.
    customer_texts: list[tuple[str, str]] = field(default_factory=list)
    is_cancellation: bool = False
    digest: str = ""

    @property
    def title(self) -> str:
        if self.is_cancellation:
            return _("Confirme o cancelamento")
        return _("Confira os avisos antes de salvar")

    @property
    def button_label(self) -> str:
        if self.is_cancellation:
            return _("Confirmar cancelamento")
        return _("Confirmar mesmo assim")


def digest_of(*parts: Any) -> str:
    """A short fingerprint of what is being confirmed: values changed after the step was shown
    (another wrong code typed on it) need a new confirmation, not the old one."""
    blob = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def build_confirmation(
    *,
    warnings: list[str],
    to_status: str,
    notify: bool,
    reason: str,
    message: str,
    values: dict[str, Any],
) -> Confirmation | None:
    """The confirmation a change needs, or None when it can go ahead at once."""
    is_cancellation = to_status == OrderStatus.CANCELADO and notify
    texts: list[tuple[str, str]] = []
    if is_cancellation:
        texts.append((_("Motivo"), reason))
        if message:
            texts.append((_("Mensagem ao cliente"), message))
    if not warnings and not texts:
        return None
    return Confirmation(
        warnings=warnings,
        customer_texts=texts,
        is_cancellation=is_cancellation,
        digest=digest_of(warnings, texts, to_status, values),
    )


def is_confirmed(request: HttpRequest, confirmation: Confirmation | None) -> bool:
    """True when there is nothing to confirm, or this very confirmation was confirmed."""
    if confirmation is None:
        return True
    return (
        CONFIRM_BUTTON in request.POST
        and request.POST.get(CONFIRM_DIGEST, "") == confirmation.digest
    )


def audience_context() -> dict[str, frozenset[str]]:
    """For process_field.html: which fields say "vai no e-mail ao cliente" or "só a equipe"."""
    return {"customer_fields": CUSTOMER_FIELDS, "internal_fields": INTERNAL_FIELDS}
