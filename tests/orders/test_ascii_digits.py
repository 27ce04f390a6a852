"""Where a number is meant, only ASCII digits 0-9 pass.

'١٢٣' and '²' look like digits to str.isdigit() and to regex \\d, but are not what an invoice
number, an NF-e key or a tracking code holds.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from integrations.tokens import issue_token
from orders.nfe import validate_nfe_key
from orders.status_fields import clean_status_fields
from orders.tracking import correios_code_problem
from tests.factories import OrderFactory, dispatch_fields, make_nfe_key

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
NFE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<NFe xmlns="http://www.portalfiscal.inf.br/nfe"><infNFe Id="NFe{key}" versao="4.00">
<ide><nNF>{number}</nNF></ide></infNFe></NFe>"""


def refused_fields(data: dict) -> dict:
    with pytest.raises(ValidationError) as error:
        clean_status_fields("despachado", data)
    return error.value.message_dict


@pytest.mark.parametrize("number", ["1234".translate(ARABIC_INDIC), "12³4", "１２３４"])
def test_an_invoice_number_in_other_digits_is_refused(number):
    errors = refused_fields({**dispatch_fields(1234), "invoice_number": number})

    assert errors["invoice_number"] == ["O número da nota fiscal deve ter apenas dígitos (0 a 9)."]


def test_an_nfe_key_with_a_non_ascii_digit_is_refused_even_when_its_value_checks_out():
    key = make_nfe_key(1234)
    # The check digit written in Arabic-Indic: int() reads it as the right value.
    lookalike = key[:43] + key[43].translate(ARABIC_INDIC)

    with pytest.raises(ValidationError) as error:
        validate_nfe_key(lookalike)

    assert error.value.code == "nfe_format"


def test_an_nfe_xml_whose_number_is_not_ascii_is_refused():
    key = make_nfe_key(1234)
    xml = NFE_XML.format(key=key, number="1234".translate(ARABIC_INDIC))

    errors = refused_fields(
        {**dispatch_fields(1234), "invoice_number": "", "nfe_key": "", "nfe_xml": xml}
    )

    assert "nfe_xml" in errors
    assert "apenas dígitos" in " ".join(errors["nfe_xml"])


def test_a_correios_code_with_a_non_ascii_digit_is_out_of_format():
    code = "AA12345678" + "5".translate(ARABIC_INDIC) + "BR"

    assert correios_code_problem("AA123456785BR") is None
    assert correios_code_problem(code) == "Código dos Correios fora do formato AA123456789BR."


@pytest.mark.django_db
def test_the_api_refuses_an_invoice_number_in_other_digits(client):
    cache.clear()
    order = OrderFactory(status="aprovado")
    token = issue_token("ERP")[1]
    body = {"status": "despachado", **dispatch_fields(1234), "invoice_number": "١٢٣٤"}

    response = client.post(
        f"/api/v1/orders/{order.number}/status",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 400
    assert "invoice_number" in response.json()["fields"]
    order.refresh_from_db()
    assert order.status == "aprovado"
