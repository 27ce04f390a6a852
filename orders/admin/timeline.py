"""The order's timeline ("Andamento do pedido") as plain rows for the admin template."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from orders.emails import EMAIL_STATE_LABELS, timeline_email_states
from orders.models import DispatchCorrection, OrderStatusChange
from orders.status_fields import field_label
from orders.statuses import OrderStatus, staff_label
from orders.tracking import tracking_url

# Fields long enough to be folded away unless someone opens them.
LONG_FIELDS = frozenset({"nfe_xml"})


@dataclass(frozen=True)
class FieldRow:
    label: str
    value: str
    is_long: bool = False
    url: str | None = None


@dataclass(frozen=True)
class CorrectedField:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TimelineRow:
    status: str
    status_label: str
    from_label: str
    created_at: datetime
    actor: str
    fields: list[FieldRow] = field(default_factory=list)
    message: str = ""
    note: str = ""
    is_override: bool = False
    override_reason: str = ""
    revoked: bool = False
    revoked_at: datetime | None = None
    email_state: str = ""
    # dd/mm/aaaa hh:mm in the store's time zone, formatted once here rather than per template
    # filter call.
    created_display: str = ""
    revoked_display: str = ""
    # A correction of the dispatch data (not a status change): each field old → new.
    is_correction: bool = False
    corrections: list[CorrectedField] = field(default_factory=list)

    @property
    def email_state_key(self) -> str:
        """ "sent", "failed"…, for the badge's colour."""
        return {str(label): key for key, label in EMAIL_STATE_LABELS.items()}.get(
            self.email_state, ""
        )


def _field_rows(values: dict) -> list[FieldRow]:
    rows = []
    for name, value in values.items():
        if value in ("", None):
            continue
        url = None
        if name == "tracking_code":
            url = tracking_url(str(values.get("carrier", "")), str(value))
        rows.append(FieldRow(field_label(name), str(value), name in LONG_FIELDS, url))
    return rows


def _label(status: str, labels: dict[str, str] | None = None) -> str:
    labels = labels if labels is not None else _labels()
    return labels.get(status, status or "—")


def _labels() -> dict[str, str]:
    # Translated once per page: a long history asks for the same eight labels many times.
    return {status.value: staff_label(status) for status in OrderStatus}


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def timeline(
    changes: Iterable[OrderStatusChange], corrections: Iterable[DispatchCorrection] = ()
) -> list[TimelineRow]:
    """Rows oldest first, each with its e-mail's state; a revoked row says when it was revoked;
    dispatch corrections in between, where they happened."""
    changes, corrections = list(changes), list(corrections)
    change_states, correction_states = timeline_email_states(
        [change.pk for change in changes], [c.pk for c in corrections if c.notified]
    )
    rows = _status_rows(changes, change_states) + _correction_rows(corrections, correction_states)
    # Stable: rows written in the same instant keep the order they were read in.
    return sorted(rows, key=lambda row: row.created_at)


def _correction_rows(
    corrections: list[DispatchCorrection], email_states: dict[int, str]
) -> list[TimelineRow]:
    labels = _labels()
    return [
        TimelineRow(
            status=correction.status,
            status_label=_label(correction.status, labels),
            from_label="",
            created_at=correction.created_at,
            created_display=_local(correction.created_at),
            actor=correction.actor_display,
            message=correction.message_to_customer,
            note=correction.internal_note,
            email_state=email_states.get(correction.pk, ""),
            is_correction=True,
            corrections=[
                CorrectedField(field_label(name), str(old or "—"), str(new or "—"))
                for name, (old, new) in correction.changes.items()
            ],
        )
        for correction in corrections
    ]


def _status_rows(
    changes: list[OrderStatusChange], email_states: dict[int, str]
) -> list[TimelineRow]:
    when = {change.pk: change.created_at for change in changes}
    labels = _labels()
    return [
        TimelineRow(
            status=change.to_status,
            status_label=_label(change.to_status, labels),
            from_label=_label(change.from_status, labels) if change.from_status else "",
            created_at=change.created_at,
            created_display=_local(change.created_at),
            actor=change.actor_display,
            fields=_field_rows(change.fields or {}),
            message=change.message_to_customer,
            note=change.internal_note,
            is_override=change.is_override,
            override_reason=change.override_reason,
            revoked=change.revoked,
            revoked_at=when.get(change.revoked_by_id),
            revoked_display=_local(when.get(change.revoked_by_id)),
            email_state=email_states.get(change.pk, ""),
        )
        for change in changes
    ]


def final_status_notice(status: str) -> str:
    return _(
        "Este pedido está %(s)s, um status final. Somente o suporte da JET pode alterá-lo."
    ) % {"s": _label(status)}
