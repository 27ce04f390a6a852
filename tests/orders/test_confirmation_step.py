"""Warn before, not after (issue 14): without JavaScript, a form with warnings, or a
cancellation whose Motivo is e-mailed word for word, shows a confirmation step; nothing is saved
or e-mailed until it is confirmed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import EmailOutbox
from orders.admin.confirmation import CONFIRM_BUTTON, CONFIRM_DIGEST
from orders.models import OrderStatusChange
from orders.statuses import OrderStatus
from tests.admin_urls import process_url
from tests.confirming import shown_confirmation
from tests.factories import OrderFactory, dispatch_fields, make_nfe_key

BAD_DIGIT = "O dígito verificador do código dos Correios não confere."


def post_data(order, to_status: str, fields: dict | None = None, **extra) -> dict:
    data = {"expected_status": order.status, "to_status": to_status, "message": "", "note": ""}
    data.update({f"{to_status}-{name}": value for name, value in (fields or {}).items()})
    data.update(extra)
    return data


def confirm(data: dict, response) -> dict:
    """What the "Confirmar mesmo assim" button submits: the form as shown, plus the digest."""
    digest = shown_confirmation(response).digest
    return {**data, CONFIRM_DIGEST: digest, CONFIRM_BUTTON: "Confirmar mesmo assim"}


def counts() -> tuple[int, int]:
    return OrderStatusChange.objects.count(), EmailOutbox.objects.count()


def correct_url(order) -> str:
    return reverse("admin:orders_order_correct_dispatch", args=[order.pk])


def test_a_bad_correios_digit_is_shown_before_anything_is_saved_or_emailed(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    before = counts()
    data = post_data(order, "despachado", dispatch_fields(4321, tracking_code="AA123456789BR"))

    response = client.post(process_url(order), data)

    text = response.content.decode()
    assert response.status_code == 200
    assert "Confira os avisos antes de salvar" in text
    assert BAD_DIGIT in text
    assert "Nada foi salvo e nenhum e-mail foi enviado ainda." in text
    assert 'value="Confirmar mesmo assim"' in text
    # The values typed are still there, to be corrected or confirmed.
    assert 'value="AA123456789BR"' in text
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO
    assert order.tracking_code == ""
    assert counts() == before

    client.post(process_url(order), confirm(data, response))

    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    assert order.tracking_code == "AA123456789BR"
    assert counts() == (before[0] + 1, before[1] + 1)


def test_a_different_code_typed_on_the_confirmation_step_is_confirmed_again(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    data = post_data(order, "despachado", dispatch_fields(tracking_code="AA123456789BR"))
    shown = client.post(process_url(order), data)

    edited = confirm(data, shown) | {"despachado-tracking_code": "BB123456789BR"}
    response = client.post(process_url(order), edited)

    assert shown_confirmation(response) is not None
    assert BAD_DIGIT in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO


def test_a_valid_dispatch_needs_no_confirmation(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)

    response = client.post(process_url(order), post_data(order, "despachado", dispatch_fields()))

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO


def test_an_uploaded_xml_survives_the_confirmation_step(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    key = make_nfe_key(555)
    xml = (
        '<nfeProc xmlns="http://www.portalfiscal.inf.br/nfe"><NFe>'
        f'<infNFe Id="NFe{key}"><ide><nNF>555</nNF></ide></infNFe></NFe></nfeProc>'
    )
    fields = {
        "carrier": "Correios",
        "shipping_method": "PAC",
        "tracking_code": "AA123456789BR",
        "nfe_xml_file": SimpleUploadedFile("nota.xml", xml.encode(), "text/xml"),
    }

    response = client.post(process_url(order), post_data(order, "despachado", fields))

    assert shown_confirmation(response) is not None
    form = response.context["form"].chosen_fields_form
    # The browser sends the form as shown: the XML as text, the key and number it filled in.
    resent = {
        field.html_name: field.value() or "" for field in form if field.name != "nfe_xml_file"
    }
    data = post_data(order, "despachado") | resent
    client.post(process_url(order), confirm(data, response))
    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    assert (order.nfe_key, order.invoice_number) == (key, "555")
    assert order.nfe_xml.startswith("<nfeProc")


def test_cancelling_shows_the_reason_the_customer_will_read_word_for_word(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    before = counts()
    reason = "Produto <esgotado> no fornecedor"
    data = post_data(order, "cancelado", {"reason": reason}, message="Desculpe o transtorno.")

    response = client.post(process_url(order), data)

    text = response.content.decode()
    assert "Confirme o cancelamento" in text
    assert "O campo “Motivo” vai no e-mail ao cliente, palavra por palavra:" in text
    assert "Produto &lt;esgotado&gt; no fornecedor" in text
    assert "Desculpe o transtorno." in text
    assert 'value="Confirmar cancelamento"' in text
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO
    assert counts() == before

    client.post(process_url(order), confirm(data, response))

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO
    email = EmailOutbox.objects.latest("id")
    assert email.context["motivo_cancelamento"] == reason


def test_the_plain_submit_button_on_the_confirmation_step_does_not_confirm(client, lojista):
    order = OrderFactory(status="novo")
    client.force_login(lojista)
    data = post_data(order, "cancelado", {"reason": "Fraude"})
    shown = client.post(process_url(order), data)

    # The digest alone (the hidden field), without the confirm button, is a re-check; the
    # button with a digest of something else is too.
    digest_only = {**data, CONFIRM_DIGEST: shown_confirmation(shown).digest}
    wrong_digest = {**data, CONFIRM_DIGEST: "outro", CONFIRM_BUTTON: "Confirmar cancelamento"}
    for attempt in (digest_only, wrong_digest):
        response = client.post(process_url(order), attempt)
        assert shown_confirmation(response) is not None
    order.refresh_from_db()
    assert order.status == OrderStatus.NOVO


def test_support_cancelling_without_emailing_needs_no_confirmation(client, suporte):
    order = OrderFactory(status="concluido")
    client.force_login(suporte)
    data = post_data(order, "cancelado", override_reason="Devolução")

    response = client.post(process_url(order), data)

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO


def test_support_cancelling_with_an_email_confirms_the_override_reason(client, suporte):
    order = OrderFactory(status="concluido")
    client.force_login(suporte)
    data = post_data(order, "cancelado", override_reason="Devolução aprovada", notify="on")

    response = client.post(process_url(order), data)

    assert "Devolução aprovada" in response.content.decode()
    assert shown_confirmation(response).is_cancellation
    order.refresh_from_db()
    assert order.status == OrderStatus.CONCLUIDO


def test_the_form_says_which_fields_go_to_the_customer(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)

    response = client.get(process_url(order))

    text = response.content.decode()
    assert text.count("vai no e-mail ao cliente") == 7  # 5 dispatch fields, Motivo, message
    assert text.count("interno: só a equipe vê") == 4  # NF-e content, XML, XML file, note
    assert "O cliente lê este texto no e-mail, exatamente como escrito." in text


@pytest.mark.parametrize("notify", [True, False])
def test_correcting_with_a_bad_correios_digit_asks_first(client, lojista, notify):
    order = OrderFactory(status="despachado")
    client.force_login(lojista)
    fields = {
        name: getattr(order, name)
        for name in ("invoice_number", "nfe_key", "carrier", "shipping_method")
    }
    data = {**fields, "tracking_code": "AA123456789BR", "message": "", "note": ""}
    if notify:
        data["notify"] = "on"
    before = counts()

    response = client.post(correct_url(order), data)

    assert BAD_DIGIT in response.content.decode()
    assert shown_confirmation(response) is not None
    order.refresh_from_db()
    assert order.tracking_code != "AA123456789BR"
    assert counts() == before
    assert not order.dispatch_corrections.exists()

    client.post(correct_url(order), confirm(data, response))

    order.refresh_from_db()
    assert order.tracking_code == "AA123456789BR"
    assert order.dispatch_corrections.count() == 1
