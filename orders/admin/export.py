""" "Exportar CSV" and "Exportar XLSX": the order list as it is on screen (same filters, search
and order), streamed so 100,000 orders never sit in memory at once.

The CSV is for Excel in Portuguese: `;` between fields, UTF-8 with a BOM, dates dd/mm/aaaa hh:mm
in the store's time zone, money as 1234,50. Cells that a spreadsheet would read as a formula
(=, +, -, @, tab, CR at the start) get a leading `'` in the CSV; in the XLSX every text is
written as a plain string, never as a formula. Choices explained in docs/performance.md.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from orders.documents import format_document
from orders.formatting import brl
from orders.models import OrderItem
from orders.status_fields import FIELD_LABELS
from orders.statuses import OrderStatus

from .date_range import DateRangeError, date_range_from

# Rows read from the database per round trip (a server-side cursor on PostgreSQL).
CHUNK_SIZE = 2_000
# CSV rows joined into one piece of the response: fewer, larger writes to the socket.
ROWS_PER_PIECE = 500
# An XLSX is built whole in a temporary file before it is sent (a zip cannot be streamed as
# it is written), at 2,000 to 4,000 rows a second here with openpyxl's pure-Python XML writer:
# more rows than this would come close to the web server's 30 s timeout.
XLSX_MAX_ROWS = 20_000
# Above XLSX_MAX_ROWS the workbook is built by a Celery task (export_job.py), up to this many
# rows: 200,000 take about 90 s there; more is a job for the CSV.
XLSX_JOB_MAX_ROWS = 200_000
# A background export stores its progress once per this many rows (one UPDATE).
PROGRESS_EVERY = 2_000
# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

FIELDS = [
    "number",
    "created_at",
    "customer_name",
    "customer_email",
    "buyer_document",
    "status",
    "total",
    "items_count",
    "invoice_number",
    "nfe_key",
    "carrier",
    "tracking_code",
    "status_changed_at",
]


def headers() -> list[str]:
    return [
        _("Pedido"),
        _("Data do pedido"),
        _("Cliente"),
        _("E-mail"),
        _("CPF/CNPJ"),
        _("Status"),
        _("Total (R$)"),
        _("Itens"),
        str(FIELD_LABELS["invoice_number"]),
        str(FIELD_LABELS["nfe_key"]),
        str(FIELD_LABELS["carrier"]),
        str(FIELD_LABELS["tracking_code"]),
        _("Última alteração"),
    ]


def export_rows(queryset: QuerySet) -> Iterator[tuple]:
    """The orders' exported values, read CHUNK_SIZE at a time; items = units ordered."""
    units = (
        OrderItem.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    rows = queryset.annotate(items_count=Coalesce(Subquery(units), 0)).values_list(*FIELDS)
    return rows.iterator(chunk_size=CHUNK_SIZE)


def inert(text: str) -> str:
    """Text a spreadsheet shows as typed: a formula-looking start gets a leading `'`."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


class _Labels:
    """What every row needs, looked up once per export: translating a status label or
    finding the time zone per row was most of the CSV's time."""

    def __init__(self) -> None:
        self.status = {status.value: str(status.label) for status in OrderStatus}
        self.zone = timezone.get_current_timezone()

    def local(self, value: datetime) -> datetime:
        return value.astimezone(self.zone)


def csv_cells(row: tuple, labels: _Labels) -> list[str]:
    (
        number,
        created,
        name,
        email,
        document,
        status,
        total,
        items,
        invoice,
        key,
        carrier,
        code,
        changed,
    ) = row
    return [
        inert(text)
        for text in [
            number or "",
            _csv_datetime(created, labels),
            name,
            email,
            format_document(document),
            labels.status[status],
            _csv_money(total),
            str(items),
            invoice,
            # Grouped as the DANFE prints it: as 44 bare digits Excel would show 3,5E+43.
            " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            carrier,
            code,
            _csv_datetime(changed, labels),
        ]
    ]


def _csv_datetime(value: datetime | None, labels: _Labels) -> str:
    return labels.local(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _csv_money(value: Decimal) -> str:
    # brl's digits and comma, without "R$ " and the thousands dots: Excel reads 1234,50.
    return brl(value).removeprefix("R$ ").replace(".", "")


class _Echo:
    """csv.writer writes each row here and gets the line back, to be streamed."""

    def write(self, line: str) -> str:
        return line


def csv_stream(rows: Iterable[tuple]) -> Iterator[str]:
    labels = _Labels()
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    # The BOM tells Excel the file is UTF-8 (else it reads "Concluído" as Windows-1252).
    yield "\ufeff" + writer.writerow(headers())
    piece = []
    for row in rows:
        piece.append(writer.writerow(csv_cells(row, labels)))
        if len(piece) == ROWS_PER_PIECE:
            yield "".join(piece)
            piece = []
    yield "".join(piece)


def xlsx_file(rows: Iterable[tuple]) -> Any:
    """A temporary file holding the workbook; openpyxl's write-only mode keeps rows on disk."""
    # Closed (and so deleted) by the FileResponse once sent.
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    write_xlsx(rows, output)
    output.seek(0)
    return output


def write_xlsx(
    rows: Iterable[tuple], output: Any, progress: Callable[[int], None] | None = None
) -> int:
    """Write the workbook to `output`; `progress(rows written)` every PROGRESS_EVERY rows.
    Returns how many rows were written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Pedidos"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_styled(sheet, title, font=bold) for title in headers()])
    labels = _Labels()
    written = 0
    for row in rows:
        sheet.append(xlsx_cells(sheet, row, labels))
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    book.save(output)
    return written


def xlsx_cells(sheet: Any, row: tuple, labels: _Labels) -> list:
    (
        number,
        created,
        name,
        email,
        document,
        status,
        total,
        items,
        invoice,
        key,
        carrier,
        code,
        changed,
    ) = row
    return [
        _text(sheet, number or ""),
        _when(sheet, created, labels),
        _text(sheet, name),
        _text(sheet, email),
        _text(sheet, format_document(document)),
        labels.status[status],
        _styled(sheet, total, number_format="#,##0.00"),
        items,
        _text(sheet, invoice),
        _text(sheet, key),
        _text(sheet, carrier),
        _text(sheet, code),
        _when(sheet, changed, labels),
    ]


def _styled(sheet: Any, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _text(sheet: Any, value: str) -> Any:
    # Control characters are not allowed in the file format: dropped, not a 500.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith("="):
        return value
    # openpyxl stores a text starting with "=" as a formula; this one stays a string.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _when(sheet: Any, value: datetime | None, labels: _Labels) -> Any:
    if value is None:
        return None
    # Excel has no time zones: the store's local time, without one (to the second).
    naive = labels.local(value).replace(tzinfo=None, microsecond=0)
    return _styled(sheet, naive, number_format="dd/mm/yyyy hh:mm")


def export_view(model_admin: Any, request: HttpRequest, kind: str) -> HttpResponse:
    """The list's orders as a CSV or XLSX download, for staff who may view orders."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    list_url = reverse("admin:orders_order_changelist")
    try:
        date_range_from(request.GET)
    except DateRangeError:
        # The list says what is wrong with the dates; nothing is exported meanwhile.
        return redirect(f"{list_url}?{request.GET.urlencode()}")
    try:
        changelist = model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        return redirect(f"{list_url}?{ERROR_FLAG}=1")
    queryset = changelist.queryset
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    if kind == "csv":
        response = StreamingHttpResponse(
            csv_stream(export_rows(queryset)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="pedidos-{stamp}.csv"'
        return response
    count = queryset[: XLSX_JOB_MAX_ROWS + 1].count()
    if count > XLSX_JOB_MAX_ROWS:
        messages.error(
            request,
            _(
                "A planilha XLSX aceita até %(max)s pedidos por vez. Escolha um período menor "
                "ou use “Exportar CSV”, que não tem limite."
            )
            % {"max": f"{XLSX_JOB_MAX_ROWS:,}".replace(",", ".")},
        )
        return redirect(f"{list_url}?{request.GET.urlencode()}")
    if count > XLSX_MAX_ROWS:
        # Too long for a request: a worker builds it while a page shows the progress. A job
        # is started only by the page's POST (CSRF-checked), never by a link another site
        # could make a signed-in lojista follow.
        from .export_job import confirm_export, start_export

        if request.method != "POST":
            return confirm_export(request, count)
        return start_export(request, count)
    return FileResponse(
        xlsx_file(export_rows(queryset)), as_attachment=True, filename=f"pedidos-{stamp}.xlsx"
    )
