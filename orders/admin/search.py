"""The order list's search box: one lookup for what the term looks like, so every search is
one index scan even on a million orders (instead of OR-ing every field, which scans them all).
"""

from __future__ import annotations

import re

from django.db.models import Q

from orders.documents import document_search_term, is_alphanumeric_cnpj
from orders.nfe import normalize_nfe_key

# A tracking code mixes letters and digits (Correios: AA123456789BR; other carriers vary).
TRACKING_CODE = re.compile(r"^(?=.*[A-Z])(?=.*\d)[A-Z0-9-]{8,50}$")


def order_search(term: str) -> Q:
    """The filter for a search term: e-mail, Chave NF-e, the buyer's CPF/CNPJ, order or
    invoice number, tracking code, else part of the customer's name."""
    term = term.strip()
    if "@" in term:
        # E-mails are stored lower-case (orders.services.order_create).
        return Q(customer_email=term.lower())
    key = normalize_nfe_key(term)
    # An NF-e key pasted from a DANFE comes in groups of four digits separated by spaces.
    if len(key) == 44:
        return Q(nfe_key=key)
    # Before the numbers: 11 or 14 digits (or a CPF/CNPJ with its dots and dashes) are never
    # an order number (100001 onwards) nor an invoice number (at most 9 digits).
    document = document_search_term(term)
    if document:
        return Q(buyer_document=document)
    if term.isascii() and term.isdigit():
        return Q(number=term) | Q(invoice_number=term.lstrip("0") or "0")
    code = term.upper().replace(" ", "")
    if TRACKING_CODE.match(code):
        # An alphanumeric CNPJ typed without punctuation has a tracking code's shape too: a
        # valid one is looked up in both indexed columns.
        if is_alphanumeric_cnpj(code):
            return Q(buyer_document=code) | Q(tracking_code=code)
        return Q(tracking_code=code)
    return Q(customer_name__icontains=term)
