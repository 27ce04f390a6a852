"""Admin pages around an edited e-mail: its preview on a real order and "send me a test"."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from .catalog import spec_for
from .errors import RenderError, TemplateTooCostly
from .models import EmailTemplate
from .outbox import queue_email
from .rendering import render_sources, sources

CHANGE = "notifications.change_emailtemplate"


def preview(template: EmailTemplate) -> dict[str, Any]:
    """What the saved e-mail looks like on a real order, or why it cannot be shown.

    Rendered as sent, in the sandbox and within its limits, but without the fallback to the
    default templates: the store sees its own template's problem.
    """
    spec = spec_for(template.name)
    context = spec.preview() if spec else {}
    if spec is None or not context:
        return {"error": _("Ainda não há pedidos para mostrar a prévia.")}
    try:
        rendered = render_sources(spec, sources(template.name), context)
    except TemplateTooCostly as error:
        return {
            "error": _(
                "O modelo não pôde ser renderizado: %(e)s Enquanto isso, os clientes recebem "
                "o e-mail padrão."
            )
            % {"e": error}
        }
    except RenderError as error:
        return {"error": _("O modelo não pôde ser renderizado: %(e)s") % {"e": error}}
    return {"subject": rendered.subject, "text": rendered.text, "html": rendered.html}


def send_test_view(request: HttpRequest, object_id: str) -> HttpResponseRedirect:
    if request.method != "POST" or not request.user.has_perm(CHANGE):
        raise PermissionDenied
    template = get_object_or_404(EmailTemplate, pk=object_id)
    back = HttpResponseRedirect(
        reverse("admin:notifications_emailtemplate_change", args=[template.pk])
    )
    spec = spec_for(template.name)
    context = spec.preview() if spec else {}
    if not request.user.email:
        messages.error(request, _("Cadastre um e-mail no seu usuário para receber o teste."))
        return back
    if not context:
        messages.error(request, _("Ainda não há pedidos para montar o e-mail de teste."))
        return back
    queue_email(
        template=template.name,
        to=request.user.email,
        context=context,
        dedupe_key=f"test:{template.name}:{uuid.uuid4().hex}",
    )
    messages.success(
        request, _("E-mail de teste enviado para %(email)s.") % {"email": request.user.email}
    )
    return back
