"""The buyer's CPF/CNPJ, the CEP and the UF (orders.documents): validated, stored normalised,
shown formatted, and the same rules wherever an order is created."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from orders.documents import (
    State,
    clean_document,
    clean_postal_code,
    clean_state,
    format_document,
    format_postal_code,
    mod11_check_digit,
)
from orders.models import Order
from orders.nfe import nfe_check_digit
from orders.services import order_create
from tests.factories import OrderFactory, make_cnpj, make_cpf, make_nfe_key

ITEMS = [{"description": "Caneca", "quantity": 1, "unit_price": Decimal("49.90")}]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("111.444.777-35", "11144477735"),
        ("11144477735", "11144477735"),
        ("529.982.247-25", "52998224725"),
        # The official examples of the alphanumeric CNPJ (July 2026) and a numeric one.
        ("12.ABC.345/01DE-35", "12ABC34501DE35"),
        ("12abc34501de35", "12ABC34501DE35"),
        ("00.000.000/0001-91", "00000000000191"),
        (" 00000000000191 ", "00000000000191"),
    ],
)
def test_valid_documents_are_stored_without_punctuation(typed, stored):
    assert clean_document(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("111.444.777-36", "CPF inválido: os dígitos verificadores não conferem."),
        ("111.444.777-53", "CPF inválido"),
        ("111.111.111-11", "CPF inválido"),
        ("000.000.000-00", "CPF inválido"),
        ("12.ABC.345/01DE-36", "CNPJ inválido: os dígitos verificadores não conferem."),
        ("00.000.000/0001-90", "CNPJ inválido"),
        ("00.000.000/0000-00", "CNPJ inválido"),
        # The check digits of an alphanumeric CNPJ are always numbers.
        ("12.ABC.345/01DE-3X", "O CNPJ deve ter 12 letras ou dígitos"),
        ("1114447773A", "O CPF deve ter 11 dígitos."),
        ("1234567", "Informe um CPF (11 dígitos) ou um CNPJ (14 caracteres)"),
        ("١١١٤٤٤٧٧٧٣٥", "O CPF deve ter 11 dígitos."),
    ],
)
def test_invalid_documents_say_why_in_portuguese(typed, message):
    with pytest.raises(ValidationError) as error:
        clean_document(typed)

    assert message in error.value.messages[0]


def test_documents_and_ceps_are_shown_formatted():
    assert format_document("11144477735") == "111.444.777-35"
    assert format_document("00000000000191") == "00.000.000/0001-91"
    assert format_document("12ABC34501DE35") == "12.ABC.345/01DE-35"
    assert format_postal_code("01310100") == "01310-100"
    # An older row typed some other way is shown as it was typed.
    assert format_postal_code("1310") == "1310"


def test_the_cnpj_and_the_nfe_key_share_one_mod_11_routine():
    # The key's check digit is the routine with its default weights 2..9...
    key = make_nfe_key(1234, cnpj="12ABC34501DE35")
    assert nfe_check_digit(key[:43]) == mod11_check_digit(key[:43]) == int(key[43])
    # ...and the CPF's weights climb to 11 without repeating.
    assert mod11_check_digit("111444777", max_weight=11) == 3
    assert mod11_check_digit("1114447773", max_weight=11) == 5


@pytest.mark.parametrize(("typed", "stored"), [("01310-100", "01310100"), ("01310100", "01310100")])
def test_ceps_are_8_digits(typed, stored):
    assert clean_postal_code(typed) == stored


@pytest.mark.parametrize("typed", ["1310-100", "01310-1000", "ABCDE-123", "00000-000"])
def test_bad_ceps_are_refused(typed):
    with pytest.raises(ValidationError, match="CEP inválido"):
        clean_postal_code(typed)


def test_the_uf_is_one_of_the_27():
    assert len(State.values) == 27
    assert clean_state("sp") == "SP"
    assert clean_state("DF") == "DF"
    with pytest.raises(ValidationError, match="UF inválida"):
        clean_state("XX")


def test_factories_make_valid_documents():
    assert clean_document(make_cpf(7)) == make_cpf(7)
    assert make_cpf(7) != make_cpf(8)
    assert clean_document(make_cnpj()) == make_cnpj()
    assert any(char.isalpha() for char in make_cnpj())


@pytest.mark.django_db
def test_an_order_stores_the_document_cep_and_uf_normalised_and_shows_them_formatted():
    order = order_create(
        customer_name="Ateliê Ponto Azul",
        customer_email="compras@exemplo.com.br",
        buyer_document="12.abc.345/01de-35",
        items=ITEMS,
        shipping={"street": "Rua Chile", "number": "12", "state": "ba", "postal_code": "40020-000"},
    )

    order.refresh_from_db()
    assert order.buyer_document == "12ABC34501DE35"
    assert order.shipping_state == "BA"
    assert order.shipping_postal_code == "40020000"
    assert order.buyer_document_display == "CNPJ 12.ABC.345/01DE-35"
    assert "CEP 40020-000" in order.shipping_address_lines


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"buyer_document": "111.444.777-00"}, "buyer_document"),
        ({"shipping": {"state": "XX"}}, "shipping_state"),
        ({"shipping": {"postal_code": "123"}}, "shipping_postal_code"),
    ],
)
def test_an_order_with_a_bad_document_cep_or_uf_is_not_created(change, field):
    with pytest.raises(ValidationError) as error:
        order_create(
            customer_name="Ana", customer_email="ana@exemplo.com.br", items=ITEMS, **change
        )

    assert field in error.value.message_dict
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_orders_without_a_document_are_still_valid():
    order = OrderFactory(buyer_document="")

    assert order.buyer_document == ""
    assert order.buyer_document_display == ""
