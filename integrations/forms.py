"""The token form of the admin: staff choose what a token may do."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiScope, ApiToken
from .tokens import ordered_scopes


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Permissões"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Escolha pelo menos uma permissão; para desligar o token, revogue-o.")
        },
        help_text=_("O que uma integração com este token pode fazer na API."),
    )

    class Meta:
        model = ApiToken
        fields = ["scopes"]

    def clean_scopes(self) -> list[str]:
        return ordered_scopes(self.cleaned_data["scopes"])
