"""The "Processar pedido" form: choices, fields, refusals, staleness, CSRF."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from notifications.models import EmailOutbox
from orders.models import OrderStatusChange
from orders.statuses import OrderStatus
from tests.admin_urls import change_url, process_url
from tests.confirming import post_confirmed, shown_confirmation
from tests.factories import OrderFactory, dispatch_fields, make_nfe_key


def post_data(order, to_status: str, fields: dict | None = None, **extra) -> dict:
    data = {"expected_status": order.status, "to_status": to_status, "message": "", "note": ""}
    data.update({f"{to_status}-{name}": value for name, value in (fields or {}).items()})
    data.update(extra)
    return data


def nfe_xml(key: str, number: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<nfeProc xmlns="http://www.portalfiscal.inf.br/nfe"><NFe>'
        f'<infNFe Id="NFe{key}" versao="4.00"><ide><nNF>{number}</nNF></ide></infNFe>'
        "</NFe></nfeProc>"
    )


def test_form_offers_only_the_statuses_allowed_now(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)

    response = client.get(process_url(order))

    choices = [value for value, _ in response.context["form"].fields["to_status"].choices]
    assert choices == ["em_producao", "despachado", "cancelado"]
    content = response.content.decode()
    for label in [
        "Número da Nota Fiscal",
        "Chave NF-e",
        "Nome da Transportadora",
        "Método de envio",
        "Código de Rastreio",
        "Conteúdo NF-e",
        "Código do XML",
        "Motivo",
        "Mensagem ao cliente",
        "Observação interna",
    ]:
        assert label in content
    assert 'value="Processar pedido"' in content
    assert "Novo" not in [
        label for _, label in response.context["form"].fields["to_status"].choices
    ]


def test_staff_moves_an_order_to_production_with_message_and_note(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)

    response = client.post(
        process_url(order),
        post_data(order, "em_producao", message="Já estamos costurando!", note="Tecido azul"),
        follow=True,
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.EM_PRODUCAO
    assert response.redirect_chain[-1][0] == change_url(order)
    text = response.content.decode()
    assert f"Pedido {order.number} passou de Aprovado para Em produção." in text
    assert "O cliente receberá um e-mail com a atualização." in text
    change = order.status_changes.last()
    assert change.actor_user == lojista
    assert change.message_to_customer == "Já estamos costurando!"
    assert change.internal_note == "Tecido azul"
    assert "Já estamos costurando!" in text
    assert "Tecido azul" in text


def test_dispatch_with_a_bad_nfe_key_shows_the_error_and_changes_nothing(client, lojista):
    order = OrderFactory(status="em_producao")
    rows = OrderStatusChange.objects.count()
    client.force_login(lojista)
    bad_key = make_nfe_key(1234)[:-1] + ("0" if make_nfe_key(1234)[-1] != "0" else "1")

    response = client.post(
        process_url(order), post_data(order, "despachado", dispatch_fields(nfe_key=bad_key))
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "O dígito verificador da Chave NF-e não confere" in text
    assert "Nada foi alterado" in text
    order.refresh_from_db()
    assert order.status == OrderStatus.EM_PRODUCAO
    assert order.nfe_key == ""
    assert OrderStatusChange.objects.count() == rows


def test_dispatch_stores_the_fields_and_warns_about_a_correios_check_digit(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    fields = dispatch_fields(4321, tracking_code="AA123456789BR")
    data = post_data(order, "despachado", fields)

    # Warned before, not after: the first submission only shows the warning.
    first = client.post(process_url(order), data)
    assert "O dígito verificador do código dos Correios não confere." in first.content.decode()
    assert shown_confirmation(first) is not None
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO
    response = post_confirmed(client, process_url(order), data, follow=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    assert order.nfe_key == make_nfe_key(4321)
    assert order.invoice_number == "4321"
    text = response.content.decode()
    assert "O dígito verificador do código dos Correios não confere." in text
    assert "Dados do despacho" in text
    assert make_nfe_key(4321) in text


def test_pasted_xml_fills_in_the_key_and_invoice_number(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    key = make_nfe_key(777)
    fields = {
        **dispatch_fields(777, nfe_xml=nfe_xml(key, 777)),
        "invoice_number": "",
        "nfe_key": "",
    }

    client.post(process_url(order), post_data(order, "despachado", fields))

    order.refresh_from_db()
    assert order.status == OrderStatus.DESPACHADO
    assert (order.nfe_key, order.invoice_number) == (key, "777")


def test_uploaded_xml_fills_in_the_key_and_is_cross_checked(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    key = make_nfe_key(888)
    upload = SimpleUploadedFile("nota.xml", nfe_xml(key, 888).encode(), "text/xml")
    fields = {**dispatch_fields(888, nfe_xml_file=upload), "invoice_number": "", "nfe_key": ""}

    client.post(process_url(order), post_data(order, "despachado", fields))

    order.refresh_from_db()
    assert (order.status, order.nfe_key, order.invoice_number) == ("despachado", key, "888")


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            nfe_xml(make_nfe_key(999), 999).encode(),
            "A chave do XML não confere com a Chave NF-e informada.",
        ),
        (b"\xff\xfe\x00garbage", "O arquivo não é um XML de NF-e em UTF-8."),
    ],
    ids=["xml-of-another-invoice", "not-xml"],
)
def test_an_uploaded_file_that_is_not_this_invoices_xml_is_refused(client, lojista, content, error):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    upload = SimpleUploadedFile("nota.xml", content)
    fields = dispatch_fields(1234, nfe_xml_file=upload)

    response = client.post(process_url(order), post_data(order, "despachado", fields))

    assert error in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO


def test_cancelling_needs_a_reason(client, lojista):
    order = OrderFactory(status="novo")
    client.force_login(lojista)

    response = client.post(process_url(order), post_data(order, "cancelado", {"reason": ""}))

    assert "Este campo é obrigatório." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.NOVO

    post_confirmed(
        client, process_url(order), post_data(order, "cancelado", {"reason": "Sem estoque"})
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO
    assert order.status_changes.last().fields == {"reason": "Sem estoque"}


def test_a_status_not_offered_is_refused_without_changes(client, lojista):
    order = OrderFactory(status="novo")
    client.force_login(lojista)

    response = client.post(process_url(order), post_data(order, "concluido"))

    assert "Este status não pode ser escolhido agora para este pedido." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.NOVO
    assert order.status_changes.count() == 1


def test_a_stale_form_says_so_and_changes_nothing(client, lojista, suporte):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    opened_with = post_data(order, "em_producao")
    other = Client()
    other.force_login(suporte)
    post_confirmed(other, process_url(order), post_data(order, "cancelado", {"reason": "Fraude"}))
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO

    response = client.post(process_url(order), opened_with, follow=True)

    assert "foi alterado por outra pessoa" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO
    assert not order.status_changes.filter(to_status="em_producao").exists()


def test_a_stale_form_is_shown_again_with_the_choices_of_now(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    data = post_data(order, "despachado", dispatch_fields())
    data["expected_status"] = "novo"

    response = client.post(process_url(order), data)

    assert response.status_code == 200
    assert "agora está Aprovado. Nada foi alterado" in response.content.decode()
    assert response.context["form"].initial["expected_status"] == "aprovado"


def test_a_double_submit_processes_once(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    data = post_data(order, "em_producao")

    first = client.post(process_url(order), data)
    second = client.post(process_url(order), data)

    assert first.status_code == 302
    assert second.status_code == 200
    assert "foi alterado por outra pessoa" in second.content.decode()
    assert order.status_changes.filter(to_status="em_producao").count() == 1


def test_processing_form_enforces_csrf(lojista):
    order = OrderFactory(status="aprovado")
    client = Client(enforce_csrf_checks=True)
    client.force_login(lojista)

    response = client.post(process_url(order), post_data(order, "em_producao"))

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO


def test_support_overrides_a_cancelled_order_with_a_reason(client, suporte):
    order = OrderFactory(status="cancelado")
    client.force_login(suporte)

    without = client.post(process_url(order), post_data(order, "aprovado", override_reason=""))
    assert "Informe o motivo da alteração." in without.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO

    response = client.post(
        process_url(order),
        post_data(order, "aprovado", override_reason="Pagamento confirmado pelo banco"),
        follow=True,
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.APROVADO
    text = response.content.decode()
    assert "alterado pelo suporte de Cancelado para Aprovado" in text
    assert "Pagamento confirmado pelo banco" in text
    assert "Revogado" in text
    change = order.status_changes.filter(revoked=False).last()
    assert change.is_override
    assert change.override_reason == "Pagamento confirmado pelo banco"


def test_support_override_to_cancelled_uses_the_reason_as_motivo(client, suporte):
    order = OrderFactory(status="concluido")
    client.force_login(suporte)

    response = client.get(process_url(order))
    assert "cancelado" not in response.context["form"].status_forms

    client.post(process_url(order), post_data(order, "cancelado", override_reason="Devolução"))

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELADO
    assert order.status_changes.last().fields == {"reason": "Devolução"}


def test_every_ordinary_change_queues_one_email(client, lojista):
    order = OrderFactory(status="aprovado")
    client.force_login(lojista)
    before = EmailOutbox.objects.count()

    response = client.get(process_url(order))
    client.post(process_url(order), post_data(order, "em_producao"))

    assert "notify" not in response.context["form"].fields
    assert EmailOutbox.objects.count() == before + 1


def test_support_override_may_skip_the_customer_email(client, suporte):
    order = OrderFactory(status="concluido")
    other = OrderFactory(status="concluido")
    client.force_login(suporte)
    before = EmailOutbox.objects.count()
    form_page = client.get(process_url(order)).content.decode()

    silent = client.post(
        process_url(order), post_data(order, "tracking", override_reason="Erro"), follow=True
    )
    client.post(
        process_url(other), post_data(other, "tracking", override_reason="Erro", notify="on")
    )

    assert "Enviar e-mail ao cliente" in form_page
    assert "O cliente não foi avisado por e-mail." in silent.content.decode()
    assert EmailOutbox.objects.count() == before + 1
    assert EmailOutbox.objects.latest("pk").to_email == other.customer_email


def test_all_errors_show_at_once(client, suporte):
    order = OrderFactory(status="concluido")
    client.force_login(suporte)
    fields = dispatch_fields(nfe_key="123", carrier="")

    response = client.post(process_url(order), post_data(order, "despachado", fields))

    text = response.content.decode()
    assert "Informe o motivo da alteração." in text
    assert "A Chave NF-e deve ter 44 caracteres (informados: 3)." in text
    assert "Este campo é obrigatório." in text
    order.refresh_from_db()
    assert order.status == OrderStatus.CONCLUIDO
