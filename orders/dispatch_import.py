"""Dispatch by spreadsheet, before anything changes: the preview and its confirmation.

Every line is checked with the rules a dispatch through "Processar pedido" meets: the
dispatch form of status_fields.py for the fields and rules.check_change for the order's
status. A line whose order is already dispatched is skipped, never an error, so sending the
same file again changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .actors import Actor
from .dispatch_import_models import (
    ACTIVE_STATUSES,
    DispatchImport,
    DispatchImportRow,
    ImportStatus,
    RowOutcome,
)
from .dispatch_sheet import COLUMNS, Sheet
from .errors import OrderProcessingError
from .models import Order, OrderStatusChange
from .rules import check_change
from .status_fields import DispatchFieldsForm
from .statuses import OrderStatus, is_final

logger = logging.getLogger(__name__)

DISPATCHED_OR_LATER = frozenset(
    {OrderStatus.DESPACHADO, OrderStatus.TRACKING, OrderStatus.CONCLUIDO}
)
# Drafts nobody confirmed are dropped when the next file arrives.
DRAFT_MAX_AGE = timedelta(days=1)


def already_dispatched_message() -> str:
    return _("já despachado — será ignorado")


def file_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def order_number(text: str) -> str:
    """ "#100001" (Shopify, Nuvemshop) and " 100001 " are the order 100001."""
    return text.strip().lstrip("#").strip()


def is_already_dispatched(status: str, used: set[str]) -> bool:
    return status in DISPATCHED_OR_LATER or OrderStatus.DESPACHADO in used


def final_status_message(order: Order) -> str:
    # An override needs a reason and a look at the order: never in bulk (admin/bulk.py).
    return _("O pedido está %(s)s, um status final: altere-o no próprio pedido.") % {
        "s": order.get_status_display()
    }


def dispatch_values(values: dict[str, str]) -> dict[str, str]:
    """The line's values as the dispatch form and order_process take them."""
    return {name: values.get(name, "") for name in COLUMNS if name != "order_number"}


def active_job(digest: str) -> DispatchImport | None:
    return DispatchImport.objects.filter(file_hash=digest, status__in=ACTIVE_STATUSES).first()


def create_draft(sheet: Sheet, *, user: Any, file_name: str, digest: str) -> DispatchImport:
    """Validate every line and store them as a draft the user confirms after the preview."""
    rows = validate_rows(sheet, Actor.person(user))
    counts = defaultdict(int)
    for row in rows:
        counts[row.outcome] += 1
    old = timezone.now() - DRAFT_MAX_AGE
    with transaction.atomic():
        DispatchImport.objects.filter(status=ImportStatus.DRAFT, created_at__lt=old).delete()
        job = DispatchImport.objects.create(
            created_by=user,
            file_name=file_name[:255],
            file_hash=digest,
            columns=sheet.columns,
            total_rows=len(rows),
            to_process=counts[RowOutcome.PENDING],
            skipped=counts[RowOutcome.SKIPPED],
            invalid=counts[RowOutcome.INVALID],
        )
        for row in rows:
            row.job = job
        DispatchImportRow.objects.bulk_create(rows, batch_size=1000)
    return job


def validate_rows(sheet: Sheet, actor: Actor) -> list[DispatchImportRow]:
    """One unsaved row per line, each with its errors per column, warnings and outcome.

    Two queries whatever the number of lines: the orders, and their statuses used so far.
    """
    numbers = {order_number(row.values["order_number"]) for row in sheet.rows}
    orders = {
        order.number: order
        for order in Order.objects.filter(number__in=numbers - {""}).only("id", "number", "status")
    }
    used: dict[int, set[str]] = defaultdict(set)
    history = OrderStatusChange.objects.filter(
        order_id__in=[order.pk for order in orders.values()], revoked=False
    ).values_list("order_id", "to_status")
    for order_id, status in history:
        used[order_id].add(status)
    repeated = _repeated_lines(sheet)
    rows = []
    for line in sheet.rows:
        number = order_number(line.values["order_number"])
        order = orders.get(number)
        row = DispatchImportRow(
            line=line.line, order_number=number[:60], order=order, values=line.values
        )
        _check_fields(row, line.problems)
        _check_order(row, order, used[order.pk] if order else set(), actor)
        _check_repeated(row, repeated.get(number, []))
        rows.append(row)
    return rows


def _check_fields(row: DispatchImportRow, problems: dict[str, str]) -> None:
    errors = {name: [message] for name, message in problems.items()}
    form = DispatchFieldsForm(dispatch_values(row.values))
    if form.is_valid():
        row.warnings = form.warnings()
    for name, messages in form.errors.items():
        if name not in errors:
            errors[name] = list(messages)
    row.errors = errors


def _check_order(row: DispatchImportRow, order: Order | None, used: set[str], actor: Actor) -> None:
    if not row.order_number:
        row.errors["order_number"] = [_("Informe o número do pedido.")]
    elif order is None:
        row.errors["order_number"] = [_("Pedido não encontrado.")]
    elif is_already_dispatched(order.status, used):
        # Nothing will happen to this line, so what else is wrong with it does not matter.
        row.outcome, row.message = RowOutcome.SKIPPED, already_dispatched_message()
        row.errors, row.warnings = {}, []
        return
    elif is_final(order.status):
        row.errors["order_number"] = [final_status_message(order)]
    else:
        try:
            check_change(order, OrderStatus.DESPACHADO, actor, used)
        except OrderProcessingError as error:
            row.errors["order_number"] = [error.message]
    row.outcome = RowOutcome.INVALID if row.errors else RowOutcome.PENDING


def _repeated_lines(sheet: Sheet) -> dict[str, list[tuple[int, dict[str, str]]]]:
    lines = defaultdict(list)
    for row in sheet.rows:
        number = order_number(row.values["order_number"])
        if number:
            lines[number].append((row.line, row.values))
    return {number: found for number, found in lines.items() if len(found) > 1}


def _check_repeated(row: DispatchImportRow, others: list[tuple[int, dict[str, str]]]) -> None:
    if not others or row.outcome == RowOutcome.SKIPPED:
        return
    first_line, first_values = others[0]
    if all(values == first_values for _line, values in others):
        if row.line != first_line:
            row.outcome = RowOutcome.SKIPPED
            row.message = _("linha repetida (igual à linha %(line)d) — será ignorada") % {
                "line": first_line
            }
            row.errors, row.warnings = {}, []
        return
    # The same order with different data: which line is right is for staff to say.
    lines = ", ".join(str(line) for line, _values in others)
    row.errors.setdefault("order_number", []).append(
        _("O pedido aparece nas linhas %(lines)s com dados diferentes: deixe uma só.")
        % {"lines": lines}
    )
    row.outcome = RowOutcome.INVALID


def confirm(job: DispatchImport, user: Any) -> DispatchImport:
    """Queue a draft (once: a second click or a second tab finds it queued already).

    Returns the job to follow: this one, or the one already running the same file.
    """
    try:
        with transaction.atomic():
            locked = DispatchImport.objects.select_for_update().get(pk=job.pk)
            if locked.status != ImportStatus.DRAFT:
                return locked
            running = active_job(locked.file_hash)
            if running is not None:
                return running
            now = timezone.now()
            locked.created_by, locked.confirmed_at = user, now
            if locked.to_process:
                locked.status = ImportStatus.QUEUED
                transaction.on_commit(lambda: kick(locked.pk), robust=True)
            else:
                locked.status, locked.finished_at = ImportStatus.DONE, now
            locked.save()
            return locked
    except IntegrityError:
        # Another draft of the same file was confirmed at the same moment.
        return active_job(job.file_hash) or job


def kick(job_id: int) -> None:
    """Hand the job to a worker; without a broker it runs here, after the commit."""
    from kombu.exceptions import OperationalError

    from .tasks import process_dispatch_import

    try:
        process_dispatch_import.apply_async((job_id,), retry=False)
    except OperationalError:
        # The job stays queued; opening its progress page hands it over again.
        logger.warning("Dispatch import #%s stays queued: the task broker is unreachable.", job_id)


def stall_seconds() -> int:
    return 2 * settings.CELERY_TASK_TIME_LIMIT


def resume_if_stalled(job: DispatchImport) -> bool:
    """Hand a job nobody has advanced for a while to a worker again (a lost task message)."""
    if job.status not in ACTIVE_STATUSES:
        return False
    cutoff = timezone.now() - timedelta(seconds=stall_seconds())
    touched = DispatchImport.objects.filter(pk=job.pk, updated_at__lt=cutoff).update(
        updated_at=timezone.now()
    )
    if touched:
        kick(job.pk)
    return bool(touched)
