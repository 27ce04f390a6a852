"""The store's e-mail editor: each part is checked on save, never at send time
(docs/reliability.md, R24)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .catalog import spec_for
from .models import EmailTemplate
from .rendering import PARTS, default_source
from .safety import template_problems


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["subject", "body_text", "body_html"]
        widgets = {
            "subject": forms.TextInput(attrs={"size": 90}),
            "body_text": forms.Textarea(attrs={"rows": 14, "cols": 100}),
            "body_html": forms.Textarea(attrs={"rows": 22, "cols": 100}),
        }
        help_texts = {
            "subject": _("Uma linha só. Quebras de linha são removidas no envio."),
            "body_text": _("Versão em texto simples, para programas de e-mail sem HTML."),
            "body_html": _(
                "O conteúdo da mensagem; o cabeçalho, o resumo do pedido e o botão "
                "“Acompanhar meu pedido” são acrescentados automaticamente."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A blank part means "the default": show the default text so the store edits from it.
        for part in PARTS:
            if not getattr(self.instance, part, ""):
                self.initial[part] = default_source(self.instance.name, part)
            self.fields[part].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        spec = spec_for(self.instance.name)
        variables = spec.variables if spec else {}
        for part in PARTS:
            source = data.get(part) or ""
            for problem in template_problems(source, variables):
                self.add_error(part, problem)
            # Keeping the default text stores nothing, so later default updates still apply.
            if source.strip() == default_source(self.instance.name, part).strip():
                data[part] = ""
        return data
