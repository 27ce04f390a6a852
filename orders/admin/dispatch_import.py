"""Despachar por planilha: upload → preview (errors at their cells) → confirm → progress → result.

The views are thin: the file is read by orders.dispatch_sheet, checked by
orders.dispatch_import and processed by a Celery task (orders.tasks), never in the request.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.dispatch_import import active_job, confirm, create_draft, file_hash, resume_if_stalled
from orders.dispatch_import_models import DispatchImport, ImportStatus, RowOutcome
from orders.dispatch_run import outcome_text, result_csv
from orders.dispatch_sheet import (
    CANONICAL_HEADERS,
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    read_sheet,
    template_csv,
    template_xlsx,
)
from orders.permissions import can_process

from .format import short_datetime

PREVIEW_PAGE_SIZE = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Planilha"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
        help_text=gettext_lazy("CSV (separado por ; ou ,) ou XLSX, até 5 MB e 5.000 linhas."),
        error_messages={"required": gettext_lazy("Escolha o arquivo da planilha.")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # Checked before reading, so a huge file is never held in memory.
        if upload.size > MAX_BYTES:
            raise ValidationError(_("O arquivo é grande demais: o máximo é 5 MB."))
        content = upload.read()
        self.sheet = read_sheet(upload.name, content)
        self.digest = file_hash(content)
        return upload


@admin.register(DispatchImport)
class DispatchImportAdmin(admin.ModelAdmin):
    list_display = ["created_col", "file_name", "created_by", "status", "total_rows"]
    list_display += ["changed", "skipped", "invalid", "failed"]
    list_filter = ["status"]
    list_select_related = ["created_by"]

    class Media:
        css = {"all": ["orders/admin.css", "orders/dispatch_import.css", "orders/admin-phone.css"]}

    # Whoever may process orders may dispatch them by spreadsheet; nobody edits a job.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_process(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_process(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_process(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        title = {"title": _("Despachos por planilha")}
        return super().changelist_view(request, title | (extra_context or {}))

    @admin.display(description=gettext_lazy("enviada em"), ordering="created_at")
    def created_col(self, job: DispatchImport) -> str:
        return short_datetime(job.created_at)

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("modelo.csv", wrap(self.template_csv_view), name="orders_dispatchimport_csv"),
            path("modelo.xlsx", wrap(self.template_xlsx_view), name="orders_dispatchimport_xlsx"),
            path(
                "<int:job_id>/confirmar/",
                wrap(self.confirm_view),
                name="orders_dispatchimport_confirm",
            ),
            path(
                "<int:job_id>/progresso/",
                wrap(self.progress_json_view),
                name="orders_dispatchimport_progress",
            ),
            path(
                "<int:job_id>/resultado.csv",
                wrap(self.result_view),
                name="orders_dispatchimport_result",
            ),
            *super().get_urls(),
        ]

    def _job(self, request: HttpRequest, job_id: Any) -> DispatchImport:
        if not can_process(request.user):
            raise PermissionDenied
        return get_object_or_404(DispatchImport, pk=job_id)

    def _context(self, request: HttpRequest, title: str, **extra: Any) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "media": self.media,
            "headers": [CANONICAL_HEADERS[name] for name in COLUMNS],
            **extra,
        }

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None):
        if not can_process(request.user):
            raise PermissionDenied
        form = UploadForm()
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                return self._upload(request, form)
        context = self._context(
            request,
            _("Despachar por planilha"),
            form=form,
            max_rows=f"{MAX_ROWS:,}".replace(",", "."),
        )
        return TemplateResponse(request, "admin/orders/dispatchimport/upload.html", context)

    def _upload(self, request: HttpRequest, form: UploadForm) -> HttpResponse:
        running = active_job(form.digest)
        if running is not None:
            messages.warning(
                request,
                _("Esta planilha já está sendo processada: acompanhe o andamento abaixo."),
            )
            return HttpResponseRedirect(self._change_url(running))
        upload = form.cleaned_data["file"]
        job = create_draft(form.sheet, user=request.user, file_name=upload.name, digest=form.digest)
        return HttpResponseRedirect(self._change_url(job))

    def _change_url(self, job: DispatchImport) -> str:
        return reverse("admin:orders_dispatchimport_change", args=[job.pk])

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ):
        job = self._job(request, object_id)
        if job.status == ImportStatus.DRAFT:
            return self._preview(request, job)
        resume_if_stalled(job)
        context = self._context(
            request,
            _("Andamento do despacho por planilha"),
            job=job,
            done=job.status == ImportStatus.DONE,
            not_changed=[
                (row, outcome_text(row))
                for row in job.rows.exclude(outcome=RowOutcome.CHANGED).order_by("line")[:100]
            ],
        )
        return TemplateResponse(request, "admin/orders/dispatchimport/progress.html", context)

    def _preview(self, request: HttpRequest, job: DispatchImport) -> HttpResponse:
        page = Paginator(_problems_first(job), PREVIEW_PAGE_SIZE).get_page(request.GET.get("p"))
        context = self._context(
            request,
            _("Conferir a planilha"),
            job=job,
            page=page,
            rows=[_preview_row(row) for row in page.object_list],
            columns=[(CANONICAL_HEADERS[name], job.columns.get(name, "")) for name in COLUMNS],
        )
        return TemplateResponse(request, "admin/orders/dispatchimport/preview.html", context)

    def confirm_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = self._job(request, job_id)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(job))
        followed = confirm(job, request.user)
        if followed.pk != job.pk:
            messages.warning(
                request, _("Esta planilha já está sendo processada: acompanhe o andamento abaixo.")
            )
        return HttpResponseRedirect(self._change_url(followed))

    def progress_json_view(self, request: HttpRequest, job_id: int) -> JsonResponse:
        job = self._job(request, job_id)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "percent": job.percent,
                "processed": job.processed,
                "to_process": job.to_process,
                "changed": job.changed,
                "skipped": job.skipped,
                "failed": job.failed,
                "done": job.status == ImportStatus.DONE,
            }
        )

    def result_view(self, request: HttpRequest, job_id: int) -> StreamingHttpResponse:
        job = self._job(request, job_id)
        response = StreamingHttpResponse(result_csv(job), content_type="text/csv; charset=utf-8")
        name = f"resultado-despacho-{job.pk}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def template_csv_view(self, request: HttpRequest) -> HttpResponse:
        return _download(request, template_csv(), "text/csv; charset=utf-8", "csv")

    def template_xlsx_view(self, request: HttpRequest) -> HttpResponse:
        return _download(request, template_xlsx(), XLSX_TYPE, "xlsx")


def _download(request: HttpRequest, content: bytes, content_type: str, ext: str) -> HttpResponse:
    if not can_process(request.user):
        raise PermissionDenied
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="modelo-despacho.{ext}"'
    return response


def _problems_first(job: DispatchImport) -> QuerySet:
    """Errors, then skipped lines, then warnings, then the lines that will simply work."""
    rank = Case(
        When(outcome=RowOutcome.INVALID, then=Value(0)),
        When(outcome=RowOutcome.SKIPPED, then=Value(1)),
        When(~Q(warnings=[]), then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return job.rows.annotate(rank=rank).order_by("rank", "line")


def _preview_row(row: Any) -> dict:
    return {
        "row": row,
        "cells": [
            {
                "name": name,
                # The column's name again, for the phone's stacked rows (data-label).
                "label": CANONICAL_HEADERS[name],
                "value": row.values.get(name, ""),
                "errors": row.errors.get(name, []),
            }
            for name in COLUMNS
        ],
    }
