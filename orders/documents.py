"""The buyer's CPF or CNPJ, the CEP and the UF: one home for their rules (issue #12, item 5).

Model validation, the admin, the API schema and the NF-e cross-check all read them from here, so
a document is normalised, checked, formatted and worded once. Values are stored normalised
(digits, upper-case letters, no punctuation) and shown formatted.

Since July 2026 a CNPJ may be alphanumeric: 12 characters [A-Z0-9] and two numeric check
digits. Its check digits are the same mod-11 sum as the NF-e key's (each character worth
ord(c) - 48, so a digit is worth itself), which is why `mod11_check_digit` lives here and
orders.nfe uses it.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# [0-9], not \d: in Python \d also matches non-ASCII digits such as '١'.
CPF_PATTERN = re.compile(r"[0-9]{11}")
CNPJ_PATTERN = re.compile(r"[A-Z0-9]{12}[0-9]{2}")
CEP_PATTERN = re.compile(r"[0-9]{8}")
# What people type around a document or a CEP: dots, dashes, slashes and spaces.
PUNCTUATION = re.compile(r"[\s./\-]")
# The printed shapes, for telling a typed document apart from other search terms.
FORMATTED_CPF = re.compile(r"[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}")
FORMATTED_CNPJ = re.compile(r"[A-Z0-9]{2}\.[A-Z0-9]{3}\.[A-Z0-9]{3}/[A-Z0-9]{4}-[0-9]{2}")


def mod11_check_digit(text: str, max_weight: int = 9) -> int:
    """Mod 11 over `text`, right to left, weights 2..max_weight repeating, each character
    worth ord(c) - 48; remainder 0 or 1 gives 0, else 11 - remainder.

    The NF-e key and the CNPJ use weights 2..9; the CPF's weights climb to 10 and 11 without
    repeating (max_weight=11 over its 9 and 10 digits).
    """
    cycle = max_weight - 1
    total = sum(
        (ord(char) - 48) * (2 + position % cycle) for position, char in enumerate(text[::-1])
    )
    remainder = total % 11
    return 0 if remainder < 2 else 11 - remainder


def normalize_document(raw: str) -> str:
    """A CPF or CNPJ as stored: no punctuation or spaces, letters upper-cased."""
    return PUNCTUATION.sub("", raw or "").upper()


def cpf_check_digits(first_9: str) -> str:
    first = mod11_check_digit(first_9, max_weight=11)
    return f"{first}{mod11_check_digit(f'{first_9}{first}', max_weight=11)}"


def cnpj_check_digits(first_12: str) -> str:
    first = mod11_check_digit(first_12)
    return f"{first}{mod11_check_digit(f'{first_12}{first}')}"


def is_valid_cpf(value: str) -> bool:
    return (
        bool(CPF_PATTERN.fullmatch(value))
        # 000.000.000-00, 111.111.111-11 … pass the sum but are no one's CPF.
        and len(set(value)) > 1
        and cpf_check_digits(value[:9]) == value[9:]
    )


def is_valid_cnpj(value: str) -> bool:
    return (
        bool(CNPJ_PATTERN.fullmatch(value))
        and len(set(value)) > 1
        and cnpj_check_digits(value[:12]) == value[12:]
    )


def validate_document(value: str) -> None:
    """Raise ValidationError, in Portuguese, unless `value` (normalised) is a valid CPF or
    CNPJ."""
    if len(value) == 11:
        if not CPF_PATTERN.fullmatch(value):
            raise ValidationError(_("O CPF deve ter 11 dígitos."), code="cpf_format")
        if not is_valid_cpf(value):
            raise ValidationError(
                _("CPF inválido: os dígitos verificadores não conferem."), code="cpf_check_digit"
            )
        return
    if len(value) == 14:
        if not CNPJ_PATTERN.fullmatch(value):
            raise ValidationError(
                _(
                    "O CNPJ deve ter 12 letras ou dígitos seguidos de 2 dígitos verificadores "
                    "(ex.: 12.ABC.345/01DE-35)."
                ),
                code="cnpj_format",
            )
        if not is_valid_cnpj(value):
            raise ValidationError(
                _("CNPJ inválido: os dígitos verificadores não conferem."),
                code="cnpj_check_digit",
            )
        return
    raise ValidationError(
        _("Informe um CPF (11 dígitos) ou um CNPJ (14 caracteres); foram informados %(n)d.")
        % {"n": len(value)},
        code="document_length",
    )


def clean_document(raw: str) -> str:
    """The normalised document, or "" for none; ValidationError when it is not valid."""
    value = normalize_document(raw)
    if value:
        validate_document(value)
    return value


def format_document(value: str) -> str:
    """000.000.000-00 for a CPF, 00.000.000/0000-00 (or 12.ABC.345/01DE-35) for a CNPJ; a
    value of another shape (an old row) as it is."""
    if len(value) == 11:
        return f"{value[:3]}.{value[3:6]}.{value[6:9]}-{value[9:]}"
    if len(value) == 14:
        return f"{value[:2]}.{value[2:5]}.{value[5:8]}/{value[8:12]}-{value[12:]}"
    return value


def document_kind(value: str) -> str:
    """ "CPF", "CNPJ" or "" — the label a document is shown with."""
    return {11: "CPF", 14: "CNPJ"}.get(len(value), "")


def document_search_term(term: str) -> str | None:
    """The normalised document a search term names, if it is shaped like one: a CPF or CNPJ
    typed with its punctuation, 11 digits, or 14 digits. None otherwise.

    Neither an order number (100001 onwards: 11 digits only after ten billion orders) nor an
    invoice number (at most 9 digits) has 11 or 14 digits, so those shapes are documents only.
    A raw 14-character alphanumeric CNPJ looks like a tracking code too: `is_alphanumeric_cnpj`
    tells the caller to look in both.
    """
    term = term.strip().upper()
    if FORMATTED_CPF.fullmatch(term) or FORMATTED_CNPJ.fullmatch(term):
        return normalize_document(term)
    if term.isascii() and term.isdigit() and len(term) in (11, 14):
        return term
    return None


def is_alphanumeric_cnpj(term: str) -> bool:
    """A term of 14 letters and digits whose check digits make it a valid CNPJ."""
    term = term.strip().upper()
    return not term.isdigit() and is_valid_cnpj(term)


# CEP


def normalize_postal_code(raw: str) -> str:
    return PUNCTUATION.sub("", raw or "")


def validate_postal_code(value: str) -> None:
    if not CEP_PATTERN.fullmatch(value):
        raise ValidationError(
            _("CEP inválido: use 8 dígitos, como 01310-100."), code="postal_code_format"
        )
    if value == "00000000":
        raise ValidationError(_("CEP inválido: 00000-000 não existe."), code="postal_code_zero")


def clean_postal_code(raw: str) -> str:
    value = normalize_postal_code(raw)
    if value:
        validate_postal_code(value)
    return value


def format_postal_code(value: str) -> str:
    """00000-000; a value of another shape (an old row) as it is."""
    return f"{value[:5]}-{value[5:]}" if CEP_PATTERN.fullmatch(value or "") else value


# UF


class State(models.TextChoices):
    """The 26 states and the Federal District, by their two-letter code."""

    AC = "AC", "Acre"
    AL = "AL", "Alagoas"
    AP = "AP", "Amapá"
    AM = "AM", "Amazonas"
    BA = "BA", "Bahia"
    CE = "CE", "Ceará"
    DF = "DF", "Distrito Federal"
    ES = "ES", "Espírito Santo"
    GO = "GO", "Goiás"
    MA = "MA", "Maranhão"
    MT = "MT", "Mato Grosso"
    MS = "MS", "Mato Grosso do Sul"
    MG = "MG", "Minas Gerais"
    PA = "PA", "Pará"
    PB = "PB", "Paraíba"
    PR = "PR", "Paraná"
    PE = "PE", "Pernambuco"
    PI = "PI", "Piauí"
    RJ = "RJ", "Rio de Janeiro"
    RN = "RN", "Rio Grande do Norte"
    RS = "RS", "Rio Grande do Sul"
    RO = "RO", "Rondônia"
    RR = "RR", "Roraima"
    SC = "SC", "Santa Catarina"
    SP = "SP", "São Paulo"
    SE = "SE", "Sergipe"
    TO = "TO", "Tocantins"


def clean_state(raw: str) -> str:
    value = (raw or "").strip().upper()
    if value and value not in State.values:
        raise ValidationError(
            _("UF inválida: “%(uf)s”. Use a sigla de um dos 26 estados ou DF (ex.: SP).")
            % {"uf": value[:10]},
            code="state",
        )
    return value


# Model fields: they normalise what they are given when the model is cleaned (full_clean),
# so whatever creates an order stores the same shape.


class _NormalizedCharField(models.CharField):
    def _normalize(self, value: str) -> str:
        raise NotImplementedError

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return self._normalize(value) if isinstance(value, str) else value


class DocumentField(_NormalizedCharField):
    """The buyer's CPF or CNPJ: normalised and validated on full_clean."""

    default_validators = [validate_document]

    def _normalize(self, value: str) -> str:
        return normalize_document(value)


class PostalCodeField(_NormalizedCharField):
    """A CEP: stored as 8 digits, validated on full_clean."""

    default_validators = [validate_postal_code]

    def _normalize(self, value: str) -> str:
        return normalize_postal_code(value)


class StateField(_NormalizedCharField):
    """A UF: upper-cased, one of State's 27 codes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("choices", State.choices)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": gettext_lazy(
                    "UF inválida: %(value)r. Use a sigla de um dos 26 estados ou DF (ex.: SP)."
                )
            },
        )
        super().__init__(*args, **kwargs)

    def _normalize(self, value: str) -> str:
        return value.strip().upper()


DOCUMENT_LABEL = gettext_lazy("CPF/CNPJ")
