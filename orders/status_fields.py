"""The fields each status carries (design §2): their names, labels and validation, in one home.

Admin forms, the API, the service, the e-mails and the timelines all read them from here, so a
field is named, labelled and checked once, with the same Portuguese message everywhere.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .nfe import (
    invoice_number_from_key,
    normalize_nfe_key,
    parse_nfe_xml,
    recipient_document_warning,
    validate_nfe_key,
)
from .statuses import OrderStatus
from .tracking import correios_code_problem, is_correios

# DESPACHADO's fields, in the order the form, the e-mail and the pages show them. They are
# also columns of Order, so staff can search them.
DISPATCH_FIELDS = (
    "invoice_number",
    "nfe_key",
    "carrier",
    "shipping_method",
    "tracking_code",
    "nfe_content",
    "nfe_xml",
)
CANCEL_FIELDS = ("reason",)
FIELD_LABELS = {
    "invoice_number": gettext_lazy("Número da Nota Fiscal"),
    "nfe_key": gettext_lazy("Chave NF-e"),
    "carrier": gettext_lazy("Nome da Transportadora"),
    "shipping_method": gettext_lazy("Método de envio"),
    "tracking_code": gettext_lazy("Código de Rastreio"),
    "nfe_content": gettext_lazy("Conteúdo NF-e"),
    "nfe_xml": gettext_lazy("Código do XML"),
    "reason": gettext_lazy("Motivo"),
}
STATUS_FIELDS = {OrderStatus.DESPACHADO: DISPATCH_FIELDS, OrderStatus.CANCELADO: CANCEL_FIELDS}
ALL_STATUS_FIELDS = (*DISPATCH_FIELDS, *CANCEL_FIELDS)
# ASCII digits only: str.isdigit() also accepts '١٢٣' (Arabic-Indic) and '²', which int()
# either reads as a different-looking number or refuses with a ValueError.
ASCII_DIGITS = re.compile(r"[0-9]+")


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


class DispatchFieldsForm(forms.Form):
    invoice_number = forms.CharField(
        label=FIELD_LABELS["invoice_number"], max_length=9, required=False
    )
    nfe_key = forms.CharField(label=FIELD_LABELS["nfe_key"], max_length=60, required=False)
    carrier = forms.CharField(label=FIELD_LABELS["carrier"], max_length=100)
    shipping_method = forms.CharField(label=FIELD_LABELS["shipping_method"], max_length=100)
    tracking_code = forms.CharField(
        label=FIELD_LABELS["tracking_code"], max_length=50, required=False
    )
    nfe_content = forms.CharField(
        label=FIELD_LABELS["nfe_content"],
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    nfe_xml = forms.CharField(
        label=FIELD_LABELS["nfe_xml"],
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy(
            "Cole o XML da NF-e para preencher a chave e o número da nota automaticamente."
        ),
    )

    # The recipient's CPF/CNPJ read from the XML, for warnings(); "" without an XML.
    xml_recipient_document = ""

    def clean_invoice_number(self) -> str:
        value = self.cleaned_data["invoice_number"].strip().lstrip("0") or ""
        if value and not ASCII_DIGITS.fullmatch(value):
            raise ValidationError(_("O número da nota fiscal deve ter apenas dígitos (0 a 9)."))
        return value

    def clean_nfe_key(self) -> str:
        return normalize_nfe_key(self.cleaned_data["nfe_key"])

    def clean_tracking_code(self) -> str:
        return self.cleaned_data["tracking_code"].strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        xml = (data.get("nfe_xml") or "").strip()
        if xml:
            self._fill_from_xml(data, xml)
        key = data.get("nfe_key", "")
        number = data.get("invoice_number", "")
        if "nfe_key" not in self.errors:
            if not key:
                self.add_error("nfe_key", _("Informe a Chave NF-e (ou cole o XML da nota)."))
            else:
                try:
                    validate_nfe_key(key)
                except ValidationError as error:
                    self.add_error("nfe_key", error)
        if "invoice_number" not in self.errors and not number:
            self.add_error("invoice_number", _("Informe o número da nota fiscal."))
        if not self.errors and invoice_number_from_key(key) != int(number):
            self.add_error(
                "invoice_number",
                _("O número da nota (%(number)s) não confere com o da Chave NF-e (%(key)s).")
                % {"number": number, "key": invoice_number_from_key(key)},
            )
        return data

    def _fill_from_xml(self, data: dict[str, Any], xml: str) -> None:
        try:
            parsed = parse_nfe_xml(xml)
        except ValidationError as error:
            self.add_error("nfe_xml", error)
            return
        self.xml_recipient_document = parsed.recipient_document
        parsed_number = parsed.invoice_number.lstrip("0")
        if not ASCII_DIGITS.fullmatch(parsed_number):
            self.add_error("nfe_xml", _("O número da nota (nNF) no XML deve ter apenas dígitos."))
            return
        if data.get("nfe_key") and data["nfe_key"] != parsed.key:
            self.add_error("nfe_xml", _("A chave do XML não confere com a Chave NF-e informada."))
        if data.get("invoice_number") and data["invoice_number"] != parsed_number:
            self.add_error("nfe_xml", _("O número da nota no XML não confere com o informado."))
        data["nfe_key"] = data.get("nfe_key") or parsed.key
        data["invoice_number"] = data.get("invoice_number") or parsed_number

    def warnings(self, *, buyer_document: str = "") -> list[str]:
        """Things that look wrong but never block a dispatch. `buyer_document`: the order's
        CPF/CNPJ, checked against the XML's recipient."""
        found = []
        code = self.cleaned_data.get("tracking_code", "")
        if code and is_correios(self.cleaned_data.get("carrier", "")):
            found.append(correios_code_problem(code))
        found.append(recipient_document_warning(buyer_document, self.xml_recipient_document))
        return [warning for warning in found if warning]


class CancelFieldsForm(forms.Form):
    reason = forms.CharField(
        label=FIELD_LABELS["reason"],
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("O cliente lê este texto no e-mail, exatamente como escrito."),
    )


STATUS_FIELD_FORMS: dict[str, type[forms.Form]] = {
    OrderStatus.DESPACHADO: DispatchFieldsForm,
    OrderStatus.CANCELADO: CancelFieldsForm,
}


def clean_status_fields(to_status: str, data: dict[str, Any] | None) -> dict[str, Any]:
    """Validated fields of a status, without empty values; ValidationError names each field."""
    form_class = STATUS_FIELD_FORMS.get(to_status)
    if form_class is None:
        return {}
    form = form_class(data or {})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return {name: value for name, value in form.cleaned_data.items() if value not in ("", None)}


def dispatch_checks(data: dict[str, Any]) -> dict[str, Any]:
    """The dispatch rules run on a form still being typed: the warnings (never block) and the
    problems of the fields already filled in (they would block the save), field by field.

    Empty fields are not reported: "informe a chave" while the lojista is still typing the
    carrier would be noise; the save itself still requires them.
    """
    typed = {name: str(data.get(name) or "") for name in DISPATCH_FIELDS}
    filled = {name for name, value in typed.items() if value.strip()}
    # The cross-checks (key against invoice number) run only on an otherwise valid form: an
    # empty carrier or method must not hide them while the lojista types the key.
    placeholders = {name: "-" for name in ("carrier", "shipping_method") if name not in filled}
    form = DispatchFieldsForm(typed | placeholders)
    form.is_valid()
    problems = {
        name: [str(message) for message in messages]
        for name, messages in form.errors.items()
        if name in filled
    }
    return {
        "warnings": form.warnings(),
        "problems": problems,
        "labels": {name: field_label(name) for name in problems},
    }
