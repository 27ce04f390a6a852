"""An "Exportar XLSX" too big for a request (issue 12): built by a Celery task, followed on a
progress page and downloaded by whoever asked for it.

The job keeps the list's query string (filters, search, order), so the task rebuilds the very
list the lojista was looking at; the file lives in default_storage under a private path (MEDIA
is never served publicly) and is deleted 24 h after it was asked for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Na fila")
    RUNNING = "running", _("Gerando")
    DONE = "done", _("Pronta")
    FAILED = "failed", _("Falhou")


class ExportJob(models.Model):
    created_at = models.DateTimeField(_("pedida em"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("atualizada em"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pedida por"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The order list's query string, as in the address bar: ?status__exact=novo&q=Ana…
    query = models.TextField(_("filtros da lista"), blank=True)
    status = models.CharField(
        _("situação"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("linhas escritas"), default=0)
    rows_total = models.PositiveIntegerField(_("linhas"), default=0)
    # The path in default_storage; empty until the file is written, and again once deleted.
    file_name = models.CharField(_("arquivo"), max_length=255, blank=True)
    finished_at = models.DateTimeField(_("terminada em"), null=True, blank=True)
    error = models.TextField(_("erro"), blank=True)

    class Meta:
        verbose_name = _("exportação XLSX")
        verbose_name_plural = _("exportações XLSX")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        # 100 % only once the file is saved, not when the last row is written.
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
