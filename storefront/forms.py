"""allauth's account forms, worded the way the store writes (“E-mail”, not “Email”)."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import AddEmailForm, LoginForm, ResetPasswordForm, SignupForm
from django import forms
from django.utils.translation import gettext_lazy as _


def _email_field(form: forms.Form, name: str = "email") -> None:
    form.fields[name].label = _("E-mail")
    form.fields[name].widget.attrs["placeholder"] = _("seu@email.com.br")


class CustomerLoginForm(LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _email_field(self, "login")
        self.fields["password"].widget.attrs["placeholder"] = ""
        if "remember" in self.fields:
            self.fields["remember"].label = _("Manter conectado neste aparelho")


class CustomerSignupForm(SignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _email_field(self)
        self.fields["email"].help_text = _("Use o mesmo e-mail das suas compras.")
        self.fields["password1"].widget.attrs["placeholder"] = ""
        self.fields["password2"].label = _("Confirme a senha")
        self.fields["password2"].widget.attrs["placeholder"] = ""


class CustomerAddEmailForm(AddEmailForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _email_field(self)


class CustomerResetPasswordForm(ResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _email_field(self)
