"""The body of our own signed notification format (design §5), checked field by field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .models import PaymentEventKind

PROVIDER = "jet"
TYPES = {f"payment.{kind.value}": kind for kind in PaymentEventKind}


class NotificationError(Exception):
    """The body is not a notification we understand; `detail` says why (Portuguese)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Notification:
    event_id: str
    kind: PaymentEventKind
    order_number: str
    payload: dict[str, Any]


def parse_notification(body: bytes) -> Notification:
    # RecursionError: a body of thousands of nested brackets is not JSON we accept either.
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise NotificationError(_("O corpo da notificação não é um JSON válido.")) from error
    if not isinstance(data, dict):
        raise NotificationError(_("O corpo da notificação deve ser um objeto JSON."))
    event_id = _identifier(data.get("id"), 200)
    if not event_id:
        raise NotificationError(_("Informe o id do evento (“id”)."))
    kind = TYPES.get(data.get("type")) if isinstance(data.get("type"), str) else None
    if kind is None:
        raise NotificationError(
            _("Tipo de evento desconhecido. Use um destes: %(types)s.")
            % {"types": ", ".join(TYPES)}
        )
    order_number = _identifier(data.get("order"), 20)
    if not order_number:
        raise NotificationError(_("Informe o número do pedido (“order”)."))
    created = data.get("created")
    if created is not None and not _is_unix_time(created):
        raise NotificationError(_("“created” deve ser um horário Unix em segundos."))
    # Only the checked fields are kept: the rest of a body is not ours to store.
    payload = {"id": event_id, "type": data["type"], "order": order_number, "created": created}
    return Notification(event_id=event_id, kind=kind, order_number=order_number, payload=payload)


def _identifier(value: Any, max_length: int) -> str:
    # Ids may arrive as JSON strings or numbers; anything else, or too long, is no id.
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    text = str(value).strip()
    if len(text) > max_length or "\x00" in text:
        return ""
    return text


def _is_unix_time(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12
