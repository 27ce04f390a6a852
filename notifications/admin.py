"""The outbox and the store's e-mail templates in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jetorders.admin_mixins import ViewOnlyAdminMixin

from . import states
from .admin_views import preview, send_test_view
from .catalog import catalog, spec_for
from .error_words import plain_words
from .forms import EmailTemplateForm
from .models import EmailOutbox, EmailTemplate, OutboxStatus
from .outbox import requeue
from .outbox_display import (
    attempts_table,
    context_json,
    email_label,
    error_block,
    events_table,
    raw_error,
    related_link,
    short_datetime,
    shown_email,
)
from .rendering import PARTS

PREVIEW_PARAM = "previa"


class StateFilter(admin.SimpleListFilter):
    title = _("situação")
    parameter_name = "situacao"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(key, str(label)) for key, label in states.LABELS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(states.filter_for(value)) if value else queryset


class EmailKindFilter(admin.SimpleListFilter):
    """The e-mails by their names in the store's words, not the template file names."""

    title = _("e-mail")
    parameter_name = "modelo"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(spec.name, str(spec.label)) for spec in catalog()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(template=value) if value else queryset


@admin.register(EmailOutbox)
class EmailOutboxAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The outbox for the lojista: which order, what the customer got, where it is, what went
    wrong in plain words, and "Reenviar". Engineering details are folded away."""

    list_display = ["created_col", "related_col", "to_email", "email_label", "state_col"]
    list_display += ["error_col"]
    list_display_links = ["created_col"]
    list_filter = [StateFilter, EmailKindFilter]
    search_fields = ["to_email", "related_label", "dedupe_key", "message_id"]
    search_help_text = _("Busque pelo e-mail do cliente ou pelo número do pedido.")
    date_hierarchy = "created_at"
    actions = ["resend"]
    change_form_template = "admin/notifications/emailoutbox/change_form.html"
    TECHNICAL = [
        "template",
        "dedupe_key",
        "task_id",
        "message_id",
        "attempts",
        "next_attempt_at",
        "lease_until",
        "context_col",
        "attempts_col",
        "events_col",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "related_col",
                    "to_email",
                    "email_label",
                    "subject",
                    "state_col",
                    "created_at",
                    "sent_at",
                    "error_detail",
                ]
            },
        ),
        # A "collapse" fieldset is a closed <details> in Django 5.1+.
        (_("Detalhes técnicos"), {"classes": ["collapse"], "fields": TECHNICAL}),
    ]
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]

    class Media:
        css = {"all": ["notifications/outbox.css"]}

    @admin.display(description=_("data"), ordering="created_at")
    def created_col(self, row: EmailOutbox) -> str:
        return short_datetime(row.created_at)

    @admin.display(description=_("pedido"))
    def related_col(self, row: EmailOutbox):
        return related_link(row)

    @admin.display(description=_("e-mail"))
    def email_label(self, row: EmailOutbox) -> str:
        return email_label(row)

    @admin.display(description=_("situação"), ordering="status")
    def state_col(self, row: EmailOutbox):
        state = states.state_of(row)
        return format_html(
            '<span class="jet-mail-state jet-mail-state--{}">{}</span>', state, states.LABELS[state]
        )

    @admin.display(description=_("erro"))
    def error_col(self, row: EmailOutbox):
        if not row.last_error:
            return "—"
        # Plain words in the list; the raw error on hover (and on the e-mail's page).
        return format_html(
            '<span title="{}">{}</span>', row.last_error, plain_words(row.last_error)
        )

    @admin.display(description=_("erro"))
    def error_detail(self, row: EmailOutbox):
        return error_block(raw_error(row, self._events(row)))

    @admin.display(description=_("dados do e-mail (JSON)"))
    def context_col(self, row: EmailOutbox):
        return context_json(row)

    @admin.display(description=_("tentativas de envio"))
    def attempts_col(self, row: EmailOutbox):
        return attempts_table(list(row.attempt_log.all()))

    @admin.display(description=_("eventos de entrega"))
    def events_col(self, row: EmailOutbox):
        return events_table(self._events(row))

    def _events(self, row: EmailOutbox) -> list:
        if not hasattr(row, "_events_cache"):
            row._events_cache = list(row.events.all())
        return row._events_cache

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        return super().changelist_view(
            request, {"title": _("Fila de e-mails"), **(extra_context or {})}
        )

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.resend_view)
        extra = [path("<path:object_id>/reenviar/", view, name="notifications_emailoutbox_resend")]
        return extra + super().get_urls()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        row = self.get_object(request, object_id)
        extra = {}
        if row is not None:
            extra = {
                "email": shown_email(row),
                "state_explanation": states.EXPLANATIONS[states.state_of(row)],
                "may_resend": row.status == OutboxStatus.DEAD
                and self.has_resend_permission(request),
                "title": email_label(row),
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def resend_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        if request.method != "POST" or not self.has_resend_permission(request):
            raise PermissionDenied
        row = get_object_or_404(EmailOutbox, pk=object_id)
        self.resend(request, EmailOutbox.objects.filter(pk=row.pk))
        return HttpResponseRedirect(
            reverse("admin:notifications_emailoutbox_change", args=[row.pk])
        )

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
