"""NF-e (Nota Fiscal eletrônica) access key and XML checks (design §2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .documents import document_kind, format_document, mod11_check_digit, normalize_document

# Since July 2026 the CNPJ inside the key may hold letters (the alphanumeric CNPJ).
# [0-9], not \d: in Python \d also matches non-ASCII digits such as '١'.
NFE_KEY_PATTERN = re.compile(r"[0-9]{6}[A-Z0-9]{12}[0-9]{26}")
# IBGE codes of the 26 states and the Federal District.
IBGE_STATE_CODES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 21, 22, 23, 24, 25, 26, 27, 28, 29, 31, 32, 33, 35}
    | {41, 42, 43, 50, 51, 52, 53}
)
NFE_MODELS = frozenset({"55", "65"})
NFE_NAMESPACE = "{http://www.portalfiscal.inf.br/nfe}"
MAX_XML_BYTES = 1_000_000


def nfe_check_digit(first_43: str) -> int:
    """Mod 11 over the first 43 characters, right to left, weights 2..9; letters worth ord-48
    (the same sum as the CNPJ's check digits, orders.documents)."""
    return mod11_check_digit(first_43)


def normalize_nfe_key(raw: str) -> str:
    """Drop the spaces and dots people paste from a DANFE; letters upper-cased."""
    return re.sub(r"[\s.\-/]", "", raw or "").upper()


def invoice_number_from_key(key: str) -> int:
    return int(key[25:34])


def validate_nfe_key(key: str) -> None:
    """Raise ValidationError saying exactly what is wrong with a normalized key."""
    if len(key) != 44:
        raise ValidationError(
            _("A Chave NF-e deve ter 44 caracteres (informados: %(count)d).") % {"count": len(key)},
            code="nfe_length",
        )
    if not NFE_KEY_PATTERN.fullmatch(key):
        raise ValidationError(
            _("A Chave NF-e só pode ter dígitos (e letras no CNPJ, posições 7 a 18)."),
            code="nfe_format",
        )
    if int(key[:2]) not in IBGE_STATE_CODES:
        raise ValidationError(
            _("A Chave NF-e começa com %(code)s, que não é um código de UF do IBGE.")
            % {"code": key[:2]},
            code="nfe_state",
        )
    if key[20:22] not in NFE_MODELS:
        raise ValidationError(
            _("O modelo da Chave NF-e é %(model)s; são aceitos 55 (NF-e) e 65 (NFC-e).")
            % {"model": key[20:22]},
            code="nfe_model",
        )
    if nfe_check_digit(key[:43]) != int(key[43]):
        raise ValidationError(
            _("O dígito verificador da Chave NF-e não confere. Confira a chave digitada."),
            code="nfe_check_digit",
        )


@dataclass(frozen=True)
class NfeXmlData:
    key: str
    invoice_number: str
    # The recipient's (dest) CPF or CNPJ, normalised; "" when the XML has none (an NFC-e to
    # an unnamed buyer, a foreign buyer).
    recipient_document: str = ""


def parse_nfe_xml(xml: str) -> NfeXmlData:
    """Read the access key and invoice number from an NF-e (or nfeProc) XML document."""
    if len(xml.encode()) > MAX_XML_BYTES:
        raise ValidationError(_("O XML da NF-e é grande demais (máximo 1 MB)."), code="xml_size")
    try:
        root = ElementTree.fromstring(xml.strip())
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        raise ValidationError(_("O XML da NF-e não pôde ser lido."), code="xml_invalid") from exc
    inf_nfe = root.find(f".//{NFE_NAMESPACE}infNFe")
    if inf_nfe is None:
        inf_nfe = root.find(".//infNFe") if root.tag != "infNFe" else root
    if inf_nfe is None:
        raise ValidationError(
            _("O XML informado não é de uma NF-e (falta o elemento infNFe)."), code="xml_not_nfe"
        )
    element_id = (inf_nfe.get("Id") or "").strip()
    number = inf_nfe.find(f"{NFE_NAMESPACE}ide/{NFE_NAMESPACE}nNF")
    if number is None:
        number = inf_nfe.find("ide/nNF")
    if not element_id.startswith("NFe") or number is None or not (number.text or "").strip():
        raise ValidationError(
            _("O XML da NF-e não traz a chave (Id) ou o número (nNF)."), code="xml_incomplete"
        )
    return NfeXmlData(
        key=element_id[3:].upper(),
        invoice_number=number.text.strip(),
        recipient_document=_recipient_document(inf_nfe),
    )


def _recipient_document(inf_nfe) -> str:
    for tag in ("CNPJ", "CPF"):
        found = inf_nfe.find(f"{NFE_NAMESPACE}dest/{NFE_NAMESPACE}{tag}")
        if found is None:
            found = inf_nfe.find(f"dest/{tag}")
        if found is not None and (found.text or "").strip():
            return normalize_document(found.text)[:20]
    return ""


def recipient_document_warning(order_document: str, xml_document: str) -> str:
    """A warning when the order names its buyer's CPF/CNPJ and the XML's recipient is someone
    else; "" when they agree or either is missing. Never blocks: the invoice may rightly go to
    a company buying for a person, and staff decide."""
    if not order_document or not xml_document or order_document == xml_document:
        return ""
    return _(
        "O destinatário da NF-e (%(xml_kind)s %(xml)s) não é o comprador do pedido "
        "(%(order_kind)s %(order)s). Confira se a nota é deste pedido."
    ) % {
        "xml_kind": document_kind(xml_document) or _("documento"),
        "xml": format_document(xml_document),
        "order_kind": document_kind(order_document) or _("documento"),
        "order": format_document(order_document),
    }
