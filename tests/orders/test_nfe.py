from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from orders.nfe import nfe_check_digit, normalize_nfe_key, parse_nfe_xml, validate_nfe_key
from orders.status_fields import DispatchFieldsForm
from tests.factories import dispatch_fields, make_nfe_key

# SP, 2026-11, a numeric CNPJ, model 55.
NUMERIC_KEY = make_nfe_key(1234)
# The alphanumeric CNPJ accepted since July 2026 (letters in positions 7–18).
ALPHANUMERIC_KEY = make_nfe_key(98765, cnpj="12ABC34501DE35")


def _with_digit(first_43: str) -> str:
    return first_43 + str(nfe_check_digit(first_43))


def _error_code(key: str) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate_nfe_key(key)
    return excinfo.value.code


def test_check_digit_matches_the_manual_example():
    # The worked example of SEFAZ's Manual de Orientação do Contribuinte: check digit 5.
    assert nfe_check_digit("5206043300991100250655012000000780026730161") == 5


@pytest.mark.parametrize(
    "key",
    [NUMERIC_KEY, ALPHANUMERIC_KEY, make_nfe_key(1234, model="65")],
    ids=["numeric", "alphanumeric-cnpj", "model-65"],
)
def test_valid_keys_are_accepted(key):
    validate_nfe_key(key)


def test_letters_count_by_their_code_point_in_the_check_digit():
    # "A" is worth ord("A") - 48 = 17, so swapping a letter changes the digit.
    assert nfe_check_digit(ALPHANUMERIC_KEY[:43]) != nfe_check_digit(
        ALPHANUMERIC_KEY[:8] + "B" + ALPHANUMERIC_KEY[9:43]
    )


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (NUMERIC_KEY[:43] + str((int(NUMERIC_KEY[43]) + 1) % 10), "nfe_check_digit"),
        (NUMERIC_KEY[:43], "nfe_length"),
        (NUMERIC_KEY + "1", "nfe_length"),
        ("", "nfe_length"),
        ("A" + NUMERIC_KEY[1:], "nfe_format"),
        (_with_digit("99" + NUMERIC_KEY[2:43]), "nfe_state"),
        (make_nfe_key(1234, model="57"), "nfe_model"),
    ],
    ids=[
        "wrong-check-digit",
        "too-short",
        "too-long",
        "empty",
        "letters-outside-the-cnpj",
        "unknown-state-code",
        "model-other-than-55-or-65",
    ],
)
def test_a_wrong_key_is_refused_with_its_reason(key, code):
    assert _error_code(key) == code


def test_pasted_key_with_spaces_is_normalized():
    spaced = " ".join(NUMERIC_KEY[i : i + 4] for i in range(0, 44, 4))
    assert normalize_nfe_key(spaced) == NUMERIC_KEY


def test_invoice_number_must_match_the_key():
    form = DispatchFieldsForm({**dispatch_fields(1234), "invoice_number": "1235"})
    assert not form.is_valid()
    assert "não confere" in form.errors["invoice_number"][0]


def test_dispatch_form_names_the_bad_key():
    form = DispatchFieldsForm(dispatch_fields(nfe_key=NUMERIC_KEY[:-1] + "0"))
    assert not form.is_valid()
    assert "dígito verificador" in form.errors["nfe_key"][0]


NFE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<nfeProc xmlns="http://www.portalfiscal.inf.br/nfe" versao="4.00">
  <NFe><infNFe Id="NFe{key}" versao="4.00">
    <ide><cUF>35</cUF><nNF>{number}</nNF></ide>
  </infNFe></NFe>
</nfeProc>"""


def test_xml_fills_in_key_and_invoice_number():
    xml = NFE_XML.format(key=NUMERIC_KEY, number=1234)
    form = DispatchFieldsForm(
        {**dispatch_fields(1234), "invoice_number": "", "nfe_key": "", "nfe_xml": xml}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nfe_key"] == NUMERIC_KEY
    assert form.cleaned_data["invoice_number"] == "1234"


def test_xml_that_disagrees_with_the_typed_key_is_refused():
    xml = NFE_XML.format(key=make_nfe_key(999), number=999)
    form = DispatchFieldsForm(dispatch_fields(1234, nfe_xml=xml))
    assert not form.is_valid()
    assert "não confere" in form.errors["nfe_xml"][0]


@pytest.mark.parametrize(
    "xml",
    [
        "isto não é xml",
        "<nota><numero>1</numero></nota>",
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
    ],
)
def test_unreadable_or_unsafe_xml_is_refused(xml):
    with pytest.raises(ValidationError):
        parse_nfe_xml(xml)
