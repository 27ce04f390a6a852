"""A spreadsheet of dispatches (issue 12, item 4): the job and one row per line of the file.

An upload is stored as a draft with every line already validated (the preview). Confirming
queues it; a Celery task then moves each pending line through `order_process`, one small
transaction per line, so the job can stop and resume anywhere without doing a line twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    DRAFT = "draft", _("Pré-visualização")
    QUEUED = "queued", _("Na fila")
    RUNNING = "running", _("Processando")
    DONE = "done", _("Concluída")


# A job in one of these is "in progress": the same file may not start a second one.
ACTIVE_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING)


class RowOutcome(models.TextChoices):
    PENDING = "pending", _("Será despachado")
    CHANGED = "changed", _("Despachado")
    SKIPPED = "skipped", _("Ignorado")
    INVALID = "invalid", _("Com erro")
    FAILED = "failed", _("Recusado")


class DispatchImport(models.Model):
    created_at = models.DateTimeField(_("enviada em"), auto_now_add=True)
    updated_at = models.DateTimeField(_("atualizada em"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enviada por"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField(_("arquivo"), max_length=255)
    # SHA-256 of the uploaded bytes: the same file cannot run twice at once.
    file_hash = models.CharField(_("SHA-256 do arquivo"), max_length=64, db_index=True)
    # {field name: the header as written in the file}, shown on the preview.
    columns = models.JSONField(_("colunas reconhecidas"), default=dict)
    status = models.CharField(
        _("situação"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.DRAFT
    )
    total_rows = models.PositiveIntegerField(_("linhas"), default=0)
    to_process = models.PositiveIntegerField(_("a despachar"), default=0)
    processed = models.PositiveIntegerField(_("processadas"), default=0)
    changed = models.PositiveIntegerField(_("despachados"), default=0)
    skipped = models.PositiveIntegerField(_("ignorados"), default=0)
    invalid = models.PositiveIntegerField(_("com erro"), default=0)
    failed = models.PositiveIntegerField(_("recusados"), default=0)
    confirmed_at = models.DateTimeField(_("confirmada em"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminada em"), null=True, blank=True)

    class Meta:
        verbose_name = _("despacho por planilha")
        verbose_name_plural = _("despachos por planilha")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["file_hash"],
                condition=Q(status__in=["queued", "running"]),
                name="uniq_active_dispatch_import_file",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE or not self.to_process:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, self.processed * 100 // self.to_process)


class DispatchImportRow(models.Model):
    job = models.ForeignKey(DispatchImport, on_delete=models.CASCADE, related_name="rows")
    # The line in the spreadsheet (the header is line 1), as staff see it in Excel.
    line = models.PositiveIntegerField(_("linha"))
    order_number = models.CharField(_("pedido"), max_length=60, blank=True)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The dispatch fields as read from the file, by field name.
    values = models.JSONField(_("valores"), default=dict)
    # {column: [messages]}: what blocks the line, shown at its cell.
    errors = models.JSONField(_("erros"), default=dict)
    warnings = models.JSONField(_("avisos"), default=list)
    outcome = models.CharField(
        _("resultado"), max_length=10, choices=RowOutcome.choices, default=RowOutcome.PENDING
    )
    message = models.TextField(_("motivo"), blank=True)
    processed_at = models.DateTimeField(_("processada em"), null=True, blank=True)

    class Meta:
        verbose_name = _("linha do despacho por planilha")
        verbose_name_plural = _("linhas do despacho por planilha")
        ordering = ["job", "line"]
        indexes = [models.Index(fields=["job", "outcome", "line"], name="dispatch_import_row_todo")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.line}"
