"""Dispatch by spreadsheet, the job itself: each pending line through order_process.

One small transaction per line (the line is claimed, the order dispatched, the line marked),
so a worker lost mid-job leaves every line either done or pending, and the job resumes where
it stopped. The counters are read back from the lines after each batch: always the truth.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from .actors import Actor
from .dispatch_import import (
    already_dispatched_message,
    dispatch_values,
    final_status_message,
    is_already_dispatched,
)
from .dispatch_import_models import DispatchImport, DispatchImportRow, ImportStatus, RowOutcome
from .dispatch_sheet import COLUMNS, column_label
from .errors import OrderProcessingError
from .rules import used_statuses
from .services import order_process
from .status_fields import field_label
from .statuses import OrderStatus, is_final

logger = logging.getLogger(__name__)

BATCH_SIZE = 50


def run(job_id: int, *, max_seconds: float | None = None) -> bool:
    """Process the job's pending lines; True when some remain because time ran out."""
    job = DispatchImport.objects.select_related("created_by").get(pk=job_id)
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return False
    DispatchImport.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, updated_at=timezone.now()
    )
    actor = Actor.person(job.created_by) if job.created_by else None
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    while True:
        batch = job.rows.filter(outcome=RowOutcome.PENDING).select_related("order")
        for row in batch.order_by("line")[:BATCH_SIZE]:
            _process_safely(job, row, actor)
            # Checked after every line: a task never runs into its hard time limit.
            if deadline is not None and time.monotonic() > deadline:
                return _update_counts(job) > 0
        if not _update_counts(job):
            return False


def _process_safely(job: DispatchImport, row: DispatchImportRow, actor: Actor | None) -> None:
    try:
        _process(job, row, actor)
    except Exception:
        # One broken line must not stop the other 4,999: it is marked and the job goes on.
        logger.exception("Dispatch import #%s, line %s failed.", job.pk, row.line)
        DispatchImportRow.objects.filter(pk=row.pk, outcome=RowOutcome.PENDING).update(
            outcome=RowOutcome.FAILED,
            message=_("Erro inesperado ao processar esta linha; tente de novo no pedido."),
            processed_at=timezone.now(),
        )


def _process(job: DispatchImport, row: DispatchImportRow, actor: Actor | None) -> None:
    with transaction.atomic():
        # Claimed first: a second task on the same job (a re-delivered message) skips it.
        claimed = DispatchImportRow.objects.select_for_update(skip_locked=True).filter(
            pk=row.pk, outcome=RowOutcome.PENDING
        )
        if not list(claimed.values_list("pk", flat=True)):
            return
        if actor is None:
            row.outcome = RowOutcome.FAILED
            row.message = _("O usuário que confirmou a planilha não existe mais.")
        else:
            row.outcome, row.message = _dispatch(job, row, actor)
        row.processed_at = timezone.now()
        row.save(update_fields=["outcome", "message", "processed_at"])


def _dispatch(job: DispatchImport, row: DispatchImportRow, actor: Actor) -> tuple[str, str]:
    note = _("Despachado pela planilha “%(file)s” (envio nº %(job)d, linha %(line)d).") % {
        "file": job.file_name,
        "job": job.pk,
        "line": row.line,
    }
    try:
        order_process(
            row.order,
            to_status=OrderStatus.DESPACHADO,
            by=actor,
            fields=dispatch_values(row.values),
            note=note,
        )
    except OrderProcessingError as error:
        row.order.refresh_from_db(fields=["status"])
        if is_already_dispatched(row.order.status, used_statuses(row.order)):
            return RowOutcome.SKIPPED, already_dispatched_message()
        if is_final(row.order.status):
            # Cancelled since the preview. For support the service asked for an override's
            # reason; a spreadsheet never overrides (as in the preview), so say it plainly.
            return RowOutcome.FAILED, final_status_message(row.order)
        return RowOutcome.FAILED, _refusal_text(error)
    return RowOutcome.CHANGED, ""


def _refusal_text(error: OrderProcessingError) -> str:
    details = [
        f"{field_label(name)}: {' '.join(str(m) for m in messages)}"
        for name, messages in error.fields.items()
    ]
    return " ".join([error.message, *details])


def _update_counts(job: DispatchImport) -> int:
    """Store the job's counters, read from its lines; DONE when none is pending. Returns how
    many are pending."""
    rows = job.rows.order_by().values_list("outcome").annotate(count=Count("id"))
    counts = dict(rows)
    pending = counts.get(RowOutcome.PENDING, 0)
    now = timezone.now()
    values = {
        "processed": job.to_process - pending,
        "changed": counts.get(RowOutcome.CHANGED, 0),
        "skipped": counts.get(RowOutcome.SKIPPED, 0),
        "failed": counts.get(RowOutcome.FAILED, 0),
        "updated_at": now,
    }
    if not pending:
        values |= {"status": ImportStatus.DONE, "finished_at": now}
    DispatchImport.objects.filter(pk=job.pk).update(**values)
    return pending


def _inert(text: str) -> str:
    """A cell Excel would run as a formula (=, +, -, @) is written as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def outcome_text(row: DispatchImportRow) -> str:
    """Why a line ended as it did, in the past: the preview's "— será ignorado" is dropped."""
    if row.outcome == RowOutcome.SKIPPED:
        return row.message.split(" — ", 1)[0]
    if row.message:
        return row.message
    if row.errors:
        return "; ".join(
            f"{column_label(name)}: {' '.join(messages)}" for name, messages in row.errors.items()
        )
    return "; ".join(_("Aviso: %(w)s") % {"w": warning} for warning in row.warnings)


def result_csv(job: DispatchImport) -> Iterator[bytes]:
    """The result file, a line per spreadsheet line: what changed, what was skipped and why."""
    header = [_("Linha"), _("Resultado"), _("Motivo"), *(column_label(name) for name in COLUMNS)]
    yield "\ufeff".encode()
    yield _csv_line(header)
    for row in job.rows.order_by("line").iterator(chunk_size=500):
        cells = [str(row.line), str(row.get_outcome_display()), outcome_text(row)]
        cells += [row.values.get(name, "") for name in COLUMNS]
        yield _csv_line([_inert(cell) for cell in cells])


def _csv_line(cells: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow(cells)
    return buffer.getvalue().encode("utf-8")
