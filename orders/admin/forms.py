"""The "Processar pedido" form: the new status, that status's fields, message and note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.errors import OrderProcessingError
from orders.models import Order
from orders.nfe import MAX_XML_BYTES
from orders.status_fields import CancelFieldsForm, DispatchFieldsForm
from orders.statuses import OrderStatus, is_final, staff_label

from .confirmation import Confirmation, build_confirmation


def read_xml_upload(upload: UploadedFile) -> str:
    """The text of an uploaded NF-e XML file, or ValidationError in Portuguese."""
    if upload.size and upload.size > MAX_XML_BYTES:
        raise ValidationError(_("O arquivo XML é grande demais (máximo 1 MB)."))
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("O arquivo não é um XML de NF-e em UTF-8.")) from error


class AdminDispatchFieldsForm(DispatchFieldsForm):
    """DispatchFieldsForm plus an upload of the NF-e XML, read as if it had been pasted."""

    nfe_xml_file = forms.FileField(
        label=gettext_lazy("Arquivo XML da NF-e"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,text/xml,application/xml"}),
        help_text=gettext_lazy(
            "Ou envie o arquivo .xml da nota: a chave e o número são lidos dele e conferidos."
        ),
    )

    def clean(self) -> dict[str, Any]:
        upload = self.cleaned_data.get("nfe_xml_file")
        if upload:
            try:
                text = read_xml_upload(upload)
            except ValidationError as error:
                self.add_error("nfe_xml_file", error)
            else:
                pasted = (self.cleaned_data.get("nfe_xml") or "").strip()
                if pasted and pasted != text.strip():
                    self.add_error(
                        "nfe_xml_file",
                        _("Envie o arquivo ou cole o XML, não os dois com conteúdos diferentes."),
                    )
                else:
                    self.cleaned_data["nfe_xml"] = text
        return super().clean()

    def keep_upload_as_text(self) -> None:
        """Shown again (a confirmation step), a file input comes back empty: carry the XML read
        from the file as pasted text, with the key and number it filled in."""
        if not self.is_bound or not self.cleaned_data.get("nfe_xml_file"):
            return
        data = self.data.copy()
        for name in ("nfe_xml", "nfe_key", "invoice_number"):
            data[self.add_prefix(name)] = self.cleaned_data.get(name, "")
        self.data = data


ADMIN_FIELD_FORMS: dict[str, type[forms.Form]] = {
    OrderStatus.DESPACHADO: AdminDispatchFieldsForm,
    OrderStatus.CANCELADO: CancelFieldsForm,
}


class ProcessOrderForm(forms.Form):
    # The status the form was opened with: a different status on submit means it is stale.
    expected_status = forms.CharField(widget=forms.HiddenInput)
    to_status = forms.ChoiceField(
        label=gettext_lazy("Novo status"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Escolha o novo status."),
            "invalid_choice": gettext_lazy(
                "Este status não pode ser escolhido agora para este pedido."
            ),
        },
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Motivo"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Obrigatório: por que um pedido finalizado está sendo alterado."),
    )
    message = forms.CharField(
        label=gettext_lazy("Mensagem ao cliente"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Opcional. Vai no e-mail e no andamento que o cliente vê."),
    )
    note = forms.CharField(
        label=gettext_lazy("Observação interna"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Opcional. Só a equipe vê."),
    )

    notify = forms.BooleanField(
        label=gettext_lazy("Enviar e-mail ao cliente"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Desmarque para corrigir o pedido sem avisar o cliente."),
    )

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        order: Order,
        allowed: list[OrderStatus],
    ) -> None:
        super().__init__(data, files, initial={"expected_status": order.status})
        self.order = order
        self.is_override = is_final(order.status)
        self.fields["to_status"].choices = [(s.value, staff_label(s)) for s in allowed]
        if self.is_override:
            self.fields["override_reason"].required = True
            self.fields["override_reason"].error_messages["required"] = _(
                "Informe o motivo da alteração."
            )
        else:
            # Every ordinary change e-mails the customer; only an override may stay silent.
            del self.fields["override_reason"]
            del self.fields["notify"]
        # Only the chosen status's fields are bound, so the others show no errors.
        chosen = data.get("to_status") if data is not None else None
        self.status_forms = {
            status: ADMIN_FIELD_FORMS[status](
                *((data, files) if status == chosen else ()), prefix=status
            )
            for status in allowed
            # In an override the cancellation's reason is the override's Motivo.
            if status in ADMIN_FIELD_FORMS
            and not (self.is_override and status == OrderStatus.CANCELADO)
        }

    @property
    def chosen_fields_form(self) -> forms.Form | None:
        """The bound fields form of the status the user picked, if it carries fields."""
        return self.status_forms.get(self.data.get("to_status", "")) if self.is_bound else None

    def is_valid(self) -> bool:
        # Both are checked, so every error shows at once, not one round trip at a time.
        valid = super().is_valid()
        fields_form = self.chosen_fields_form
        return (fields_form is None or fields_form.is_valid()) and valid

    def status_fields(self) -> dict[str, Any]:
        """The chosen status's fields, as the service takes them."""
        fields_form = self.chosen_fields_form
        if fields_form is None:
            return {}
        values = dict(fields_form.cleaned_data)
        values.pop("nfe_xml_file", None)
        return {name: value for name, value in values.items() if value not in ("", None)}

    def warnings(self) -> list[str]:
        fields_form = self.chosen_fields_form
        if not hasattr(fields_form, "warnings"):
            return []
        return fields_form.warnings(buyer_document=self.order.buyer_document)

    def confirmation(self) -> Confirmation | None:
        """What to show before this valid form is applied: its warnings, and a cancellation's
        Motivo that the customer will read word for word."""
        data = self.cleaned_data
        fields = self.status_fields()
        return build_confirmation(
            warnings=self.warnings(),
            to_status=data["to_status"],
            notify=data.get("notify", True),
            # In an override to Cancelado the override's Motivo is the cancellation's reason.
            reason=fields.get("reason") or data.get("override_reason", ""),
            message=data["message"],
            values={**fields, "override_reason": data.get("override_reason", "")},
        )

    def add_refusal(self, error: OrderProcessingError) -> None:
        """Show a refusal from the service next to the fields it names."""
        self.add_error(None, error.message)
        fields_form = self.chosen_fields_form
        for name, messages in error.fields.items():
            if fields_form is not None and name in fields_form.fields:
                fields_form.add_error(name, messages)
            elif name in self.fields:
                self.add_error(name, messages)
            else:
                self.add_error(None, messages)

    @property
    def has_any_errors(self) -> bool:
        chosen = self.chosen_fields_form
        return bool(self.errors) or bool(chosen is not None and chosen.errors)
