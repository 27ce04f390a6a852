"""What the outbox admin shows of one e-mail: the message as the customer saw it, the error in
plain words, and the engineering details as small tables."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .catalog import spec_for
from .error_words import plain_words
from .errors import RenderError
from .models import EmailOutbox, OutboxStatus
from .rendering import render_email

# Delivery events that explain why an e-mail did not arrive.
TROUBLE_EVENTS = {"bounced", "rejected", "complained", "failed"}


@dataclass(frozen=True)
class ShownEmail:
    subject: str
    text: str
    html: str
    # Why this is not (or may not be) exactly what the customer got; "" when it is.
    note: str = ""
    error: str = ""
    heading: str = ""


def shown_email(row: EmailOutbox) -> ShownEmail:
    """The parts stored when it was sent; else rendered now, saying so."""
    sent = row.status == OutboxStatus.SENT
    heading = _("O e-mail como o cliente recebeu") if sent else _("O e-mail (ainda não enviado)")
    if sent and (row.sent_html or row.sent_text):
        return ShownEmail(row.subject, row.sent_text, row.sent_html, heading=heading)
    if sent:
        note = _(
            "Enviado antes de o sistema guardar cada e-mail: esta é uma reconstrução com o "
            "modelo atual, e pode diferir do que o cliente recebeu."
        )
    else:
        note = _("Ainda não enviado: prévia com o modelo atual.")
    try:
        rendered = render_email(row.template, row.context)
    except RenderError as error:
        problem = _("Não foi possível montar o e-mail: %s") % error
        return ShownEmail(row.subject, "", "", note, problem, heading)
    subject = row.subject or rendered.subject
    return ShownEmail(subject, rendered.text, rendered.html, note, "", heading)


def email_label(row: EmailOutbox) -> str:
    spec = spec_for(row.template)
    return str(spec.label) if spec else row.template


def related_link(row: EmailOutbox) -> SafeString | str:
    """A link to the admin page of what the e-mail is about (an order), or "—"."""
    if not row.related_type_id:
        return row.related_label or "—"
    # get_for_id is cached per process: no query per row of the list.
    kind = ContentType.objects.get_for_id(row.related_type_id)
    try:
        url = reverse(f"admin:{kind.app_label}_{kind.model}_change", args=[row.related_id])
    except NoReverseMatch:
        return row.related_label or "—"
    return format_html('<a href="{}">{}</a>', url, row.related_label or row.related_id)


def raw_error(row: EmailOutbox, events: list | None = None) -> str:
    """The sending error, else what the provider said when it bounced or was reported."""
    if row.last_error:
        return row.last_error
    trouble = [e for e in (events or []) if e.event_type in TROUBLE_EVENTS and e.description]
    return trouble[-1].description if trouble else ""


def error_block(raw: str) -> SafeString | str:
    """Plain words, with the original error folded underneath."""
    if not raw:
        return "—"
    return format_html(
        '<p class="jet-error-words">{}</p><details class="jet-raw-error"><summary>{}</summary>'
        "<pre>{}</pre></details>",
        plain_words(raw),
        _("Erro original (para o suporte)"),
        raw,
    )


def short_datetime(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else "—"


def context_json(row: EmailOutbox) -> SafeString:
    text = json.dumps(row.context, ensure_ascii=False, indent=2, sort_keys=True)
    return format_html('<pre class="jet-json">{}</pre>', text)


def attempts_table(attempts: list) -> SafeString | str:
    if not attempts:
        return "—"
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td><td>{}</td><td>{}</td></tr>",
        (
            (
                a.number,
                short_datetime(a.started_at),
                a.get_outcome_display(),
                a.duration_ms,
                a.response,
                a.task_id,
            )
            for a in attempts
        ),
    )
    return format_html(
        '<table class="jet-tech-table"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
        "<th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("nº"),
        _("início"),
        _("resultado"),
        _("duração"),
        _("resposta do provedor"),
        _("tarefa"),
        rows,
    )


def events_table(events: list) -> SafeString | str:
    if not events:
        return "—"
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                e.event_type,
                short_datetime(e.occurred_at or e.created_at),
                e.recipient,
                e.description,
            )
            for e in events
        ),
    )
    return format_html(
        '<table class="jet-tech-table"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
        "</tr></thead><tbody>{}</tbody></table>",
        _("evento"),
        _("quando"),
        _("destinatário"),
        _("descrição"),
        rows,
    )
