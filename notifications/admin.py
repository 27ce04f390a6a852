"""The outbox and the store's e-mail templates in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jetorders.admin_mixins import ViewOnlyAdminMixin

from .admin_views import preview, send_test_view
from .catalog import catalog, spec_for
from .forms import EmailTemplateForm
from .models import EmailAttempt, EmailDeliveryEvent, EmailOutbox, EmailTemplate, OutboxStatus
from .outbox import requeue
from .rendering import PARTS

PREVIEW_PARAM = "previa"


class ReadOnlyInline(ViewOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class EmailAttemptInline(ReadOnlyInline):
    model = EmailAttempt
    fields = ["number", "started_at", "duration_ms", "outcome", "response", "task_id"]
    readonly_fields = fields


class EmailDeliveryEventInline(ReadOnlyInline):
    model = EmailDeliveryEvent
    fields = ["event_type", "occurred_at", "recipient", "description"]
    readonly_fields = fields


@admin.register(EmailOutbox)
class EmailOutboxAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The outbox is written by the system only: staff look, and re-send what failed."""

    list_display = ["to_email", "email_label", "status", "attempts", "short_error", "created_at"]
    list_filter = ["status", "delivery_state", "template"]
    search_fields = ["to_email", "dedupe_key", "message_id"]
    date_hierarchy = "created_at"
    inlines = [EmailAttemptInline, EmailDeliveryEventInline]
    actions = ["resend"]
    readonly_fields = [
        "template",
        "to_email",
        "status",
        "attempts",
        "subject",
        "dedupe_key",
        "next_attempt_at",
        "lease_until",
        "task_id",
        "message_id",
        "delivery_state",
        "last_error",
        "created_at",
        "sent_at",
        "context",
    ]
    fields = readonly_fields

    @admin.display(description=_("e-mail"))
    def email_label(self, row: EmailOutbox) -> str:
        spec = spec_for(row.template)
        return str(spec.label) if spec else row.template

    @admin.display(description=_("último erro"))
    def short_error(self, row: EmailOutbox) -> str:
        return (row.last_error[:45] + "…") if len(row.last_error) > 45 else row.last_error

    @admin.action(description=_("Reenviar os e-mails que falharam"), permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[EmailOutbox]) -> None:
        count = requeue(queryset)
        skipped = queryset.exclude(status=OutboxStatus.DEAD).count() if not count else 0
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(n)d e-mail voltou para a fila.", "%(n)d e-mails voltaram para a fila.", count
                )
                % {"n": count},
                messages.SUCCESS,
            )
        if skipped or not count:
            self.message_user(
                request,
                _("Só e-mails com a situação “Falhou” podem ser reenviados."),
                messages.WARNING,
            )

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.resend_email")


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    form = EmailTemplateForm
    list_display = ["label", "customized", "edited_at"]
    list_display_links = ["label"]
    change_form_template = "admin/notifications/emailtemplate/change_form.html"

    @admin.display(description=_("e-mail"))
    def label(self, template: EmailTemplate) -> str:
        return str(template)

    @admin.display(description=_("conteúdo"))
    def customized(self, template: EmailTemplate) -> str:
        edited = [part for part in PARTS if getattr(template, part)]
        return str(_("Personalizado")) if edited else str(_("Padrão"))

    @admin.display(description=_("última edição"))
    def edited_at(self, template: EmailTemplate):
        customized = any(getattr(template, part) for part in PARTS)
        return template.updated_at if customized else "—"

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(send_test_view)
        extra = [
            path("<path:object_id>/testar/", view, name="notifications_emailtemplate_send_test")
        ]
        return extra + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: Any = None):
        # One row per e-mail the system sends, so each can be opened and edited.
        for spec in catalog():
            EmailTemplate.objects.get_or_create(name=spec.name)
        return super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        template = self.get_object(request, object_id)
        spec = spec_for(template.name) if template else None
        # Only when asked for ("Pré-visualizar"), and never on a POST: saving a template must
        # not wait on rendering the one being replaced.
        wants_preview = request.method == "GET" and PREVIEW_PARAM in request.GET
        extra = {
            "variables": sorted((spec.variables if spec else {}).items()),
            "preview": preview(template) if template and wants_preview else None,
            "preview_param": PREVIEW_PARAM,
            "may_send_test": request.user.has_perm("notifications.change_emailtemplate"),
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
