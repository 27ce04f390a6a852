"""The buyer's CPF/CNPJ in the admin: shown formatted on the order page, found by the list's
search typed with or without punctuation, in one indexed column; and the NF-e XML's recipient
checked against it (a warning, never a block)."""

from __future__ import annotations

import pytest
from django.db import connection

from orders.admin.search import order_search
from orders.models import Order
from orders.statuses import OrderStatus
from tests.admin_urls import ORDER_LIST_URL, change_url, process_url
from tests.confirming import post_confirmed, shown_confirmation
from tests.factories import OrderFactory, dispatch_fields, make_cnpj, make_cpf, make_nfe_key

ALNUM_CNPJ = "12ABC34501DE35"


def where_clause(term: str) -> str:
    return str(Order.objects.filter(order_search(term)).query).split(" WHERE ", 1)[1]


@pytest.mark.parametrize(
    ("term", "stored"),
    [
        ("111.444.777-35", "11144477735"),
        ("11144477735", "11144477735"),
        ("00.000.000/0001-91", "00000000000191"),
        ("00000000000191", "00000000000191"),
        ("12.ABC.345/01DE-35", ALNUM_CNPJ),
        ("12.abc.345/01de-35", ALNUM_CNPJ),
    ],
)
def test_a_document_shaped_term_is_looked_up_in_the_document_column_only(term, stored):
    clause = where_clause(term)

    assert f'"buyer_document" = {stored}' in clause
    for other in ("number", "invoice_number", "tracking_code", "customer_name", "nfe_key"):
        assert f'"{other}"' not in clause
    assert " OR " not in clause


def test_shorter_numbers_are_still_order_or_invoice_numbers():
    clause = where_clause("100042")

    assert '"number" = 100042' in clause
    assert "buyer_document" not in clause


def test_a_raw_alphanumeric_cnpj_is_a_document_or_a_tracking_code_both_indexed():
    # 14 letters and digits is also a carrier's tracking code shape; a valid CNPJ looks in both.
    clause = where_clause(ALNUM_CNPJ.lower())

    assert f'"buyer_document" = {ALNUM_CNPJ}' in clause
    assert f'"tracking_code" = {ALNUM_CNPJ}' in clause
    assert "buyer_document" not in where_clause("JD0123456789")


@pytest.mark.django_db
def test_the_document_column_is_indexed():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Order._meta.db_table)

    assert any(
        info["index"] and info["columns"] == ["buyer_document"] for info in constraints.values()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("document", "typed"),
    [
        (make_cpf(42), "{formatted}"),
        (make_cpf(42), "{raw}"),
        (ALNUM_CNPJ, "{formatted}"),
        (ALNUM_CNPJ, "{raw}"),
        (make_cnpj("11222333"), "{formatted}"),
    ],
)
def test_the_list_search_finds_an_order_by_its_document_formatted_or_raw(
    client, lojista, document, typed
):
    from orders.documents import format_document

    wanted = OrderFactory(buyer_document=document, customer_name="Comprador Procurado")
    OrderFactory(customer_name="Outro Cliente")
    client.force_login(lojista)
    term = typed.format(formatted=format_document(document), raw=document.lower())

    response = client.get(ORDER_LIST_URL, {"q": term})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [wanted]
    assert "Comprador Procurado" in response.content.decode()
    assert "Outro Cliente" not in response.content.decode()


@pytest.mark.django_db
def test_the_order_page_shows_the_document_formatted(client, lojista):
    order = OrderFactory(buyer_document=ALNUM_CNPJ)
    client.force_login(lojista)

    text = client.get(change_url(order)).content.decode()

    assert "CNPJ 12.ABC.345/01DE-35" in text
    assert "CEP 01001-000" in text


def nfe_xml_to(key: str, number: int, recipient: str) -> str:
    tag = "CPF" if len(recipient) == 11 else "CNPJ"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<nfeProc xmlns="http://www.portalfiscal.inf.br/nfe"><NFe>'
        f'<infNFe Id="NFe{key}" versao="4.00"><ide><nNF>{number}</nNF></ide>'
        f"<dest><{tag}>{recipient}</{tag}><xNome>Destinatário</xNome></dest></infNFe>"
        "</NFe></nfeProc>"
    )


def dispatch_post(order, xml: str) -> dict:
    fields = {**dispatch_fields(555), "nfe_xml": xml}
    data = {"expected_status": order.status, "to_status": "despachado", "message": "", "note": ""}
    data.update({f"despachado-{name}": value for name, value in fields.items()})
    return data


@pytest.mark.django_db
def test_an_nfe_for_someone_else_dispatches_with_a_warning(client, lojista):
    order = OrderFactory(status=OrderStatus.APROVADO, buyer_document=make_cpf(1))
    client.force_login(lojista)
    xml = nfe_xml_to(make_nfe_key(555), 555, make_cpf(2))
    data = dispatch_post(order, xml)

    # Warned before saving: a confirmation step first, then dispatched once confirmed.
    first = client.post(process_url(order), data)
    assert "não é o comprador do pedido" in first.content.decode()
    assert shown_confirmation(first) is not None
    response = post_confirmed(client, process_url(order), data, follow=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    text = response.content.decode()
    assert "O destinatário da NF-e (CPF 123.456.002-" in text
    assert "não é o comprador do pedido (CPF 123.456.001-" in text
    warnings = [m for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("order_document", [make_cpf(1), ""], ids=["same-buyer", "no-document"])
def test_an_nfe_for_the_buyer_or_an_order_without_document_has_no_warning(
    client, lojista, order_document
):
    order = OrderFactory(status=OrderStatus.APROVADO, buyer_document=order_document)
    client.force_login(lojista)
    xml = nfe_xml_to(make_nfe_key(555), 555, make_cpf(1))

    response = client.post(process_url(order), dispatch_post(order, xml), follow=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


@pytest.mark.django_db
def test_correcting_the_dispatch_with_an_nfe_for_someone_else_warns_too(client, lojista):
    from django.urls import reverse

    order = OrderFactory(status=OrderStatus.DESPACHADO, buyer_document=make_cpf(1))
    client.force_login(lojista)
    fields = {**dispatch_fields(), "nfe_xml": nfe_xml_to(make_nfe_key(1234), 1234, ALNUM_CNPJ)}
    url = reverse("admin:orders_order_correct_dispatch", args=[order.pk])

    first = client.post(url, {**fields, "notify": "on"})
    assert shown_confirmation(first) is not None
    response = post_confirmed(client, url, {**fields, "notify": "on"}, follow=True)

    order.refresh_from_db()
    assert order.nfe_xml == fields["nfe_xml"]
    assert "O destinatário da NF-e (CNPJ 12.ABC.345/01DE-35)" in response.content.decode()
