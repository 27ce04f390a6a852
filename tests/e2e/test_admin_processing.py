"""Staff and support processing orders in a real Chromium, as they do all day."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from orders.models import Order
from orders.statuses import OrderStatus
from tests.e2e.conftest import admin_login
from tests.factories import (
    OrderFactory,
    PaymentEventFactory,
    make_nfe_key,
    staff_user,
    support_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def status_of(order: Order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def submit(page) -> None:
    page.locator("#jet-process-submit").click()


def test_staff_processes_an_order_to_production_then_dispatch(page, live_server, screenshot):
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    order = OrderFactory(status="aprovado", customer_name="Marina Costa")
    OrderFactory(status="novo")
    OrderFactory(status="despachado")
    OrderFactory(status="cancelado")
    admin_login(page, live_server, "lucia")

    # given the order list
    page.goto(f"{live_server.url}/admin/orders/order/")
    expect(page.locator("#result_list")).to_contain_text("Marina Costa")
    screenshot("admin-01-lista")

    # when Lúcia opens the order and moves it to Em produção
    page.get_by_role("link", name=order.number, exact=True).click()
    expect(page.locator("#andamento")).to_contain_text("Andamento do pedido")
    screenshot("admin-02-pedido")
    page.get_by_role("link", name="Processar pedido").click()
    expect(page.locator("[data-status-fields=despachado]")).to_be_hidden()
    page.get_by_label("Em produção").check()
    page.get_by_label("Mensagem ao cliente").fill("Seu pedido entrou em produção.")
    screenshot("admin-03-processar")
    submit(page)

    # then the order page says what changed and the timeline shows it
    expect(page.locator(".messagelist")).to_contain_text(
        "passou de Aprovado para Em produção. O cliente receberá um e-mail"
    )
    expect(page.locator("#andamento")).to_contain_text("Seu pedido entrou em produção.")
    assert status_of(order) == OrderStatus.EM_PRODUCAO

    # when she dispatches with a wrong NF-e key
    page.get_by_role("link", name="Processar pedido").click()
    page.get_by_label("Despachado").check()
    expect(page.locator("[data-status-fields=despachado]")).to_be_visible()
    good_key = make_nfe_key(4321)
    bad_key = good_key[:-1] + str((int(good_key[-1]) + 1) % 10)
    page.get_by_label("Número da Nota Fiscal").fill("4321")
    page.get_by_label("Chave NF-e").fill(bad_key)
    page.get_by_label("Nome da Transportadora").fill("Correios")
    page.get_by_label("Método de envio").fill("SEDEX")
    page.get_by_label("Código de Rastreio").fill("AA123456785BR")
    page.get_by_label("Conteúdo NF-e").fill("2 camisetas")
    submit(page)

    # then the error is next to the key and nothing changed
    expect(page.locator(".errornote").first).to_contain_text("Nada foi alterado")
    expect(page.locator(".field-nfe_key .errorlist")).to_contain_text(
        "O dígito verificador da Chave NF-e não confere"
    )
    screenshot("admin-04-erro-chave")
    assert status_of(order) == OrderStatus.EM_PRODUCAO

    # when she corrects the key
    page.get_by_label("Chave NF-e").fill(good_key)
    submit(page)

    # then the order is dispatched and the timeline shows the dispatch data
    expect(page.locator(".messagelist")).to_contain_text("passou de Em produção para Despachado")
    timeline = page.locator("#andamento")
    expect(timeline).to_contain_text("Despachado")
    expect(timeline).to_contain_text(good_key)
    expect(timeline).to_contain_text("por Lúcia Lojista")
    screenshot("admin-05-despachado")
    assert status_of(order) == OrderStatus.DESPACHADO


def test_a_viewer_sees_the_order_but_no_processing_button(page, live_server, screenshot, viewer):
    order = OrderFactory(status="aprovado")
    PaymentEventFactory(order=order, refunded=True)
    admin_login(page, live_server, viewer.username)

    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")

    expect(page.locator("#andamento")).to_contain_text("Andamento do pedido")
    expect(page.locator("#pagamentos")).to_contain_text("Pagamento estornado")
    expect(page.get_by_role("link", name="Processar pedido")).to_have_count(0)
    screenshot("admin-06-somente-leitura")


def test_support_overrides_a_cancelled_order_with_a_reason(page, live_server, screenshot):
    support_user(username="sergio", first_name="Sérgio", last_name="Suporte")
    order = OrderFactory(status="cancelado")
    admin_login(page, live_server, "sergio")

    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    page.get_by_role("link", name="Processar pedido (suporte)").click()
    expect(page.locator(".jet-notice")).to_contain_text("um status final")
    page.get_by_label("Aprovado").check()
    screenshot("admin-07-suporte")
    submit(page)
    expect(page.locator(".field-override_reason .errorlist")).to_contain_text(
        "Informe o motivo da alteração."
    )
    assert status_of(order) == OrderStatus.CANCELADO

    page.get_by_label("Motivo").fill("Pagamento confirmado pelo banco após o cancelamento.")
    submit(page)

    expect(page.locator(".messagelist")).to_contain_text(
        "alterado pelo suporte de Cancelado para Aprovado"
    )
    override = page.locator(".jet-timeline-row--override")
    expect(override).to_contain_text("Pagamento confirmado pelo banco")
    expect(page.locator(".jet-timeline-row--revoked")).to_contain_text("Revogado")
    screenshot("admin-08-suporte-feito")
    assert status_of(order) == OrderStatus.APROVADO


def test_a_double_click_processes_once(page, live_server):
    staff_user(username="lucia")
    order = OrderFactory(status="aprovado")
    admin_login(page, live_server, "lucia")
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/processar/")

    page.get_by_label("Em produção").check()
    page.locator("#jet-process-submit").dblclick()

    expect(page.locator(".messagelist")).to_contain_text("passou de Aprovado para Em produção")
    assert order.status_changes.filter(to_status="em_producao").count() == 1


def test_uploading_the_nfe_xml_fills_in_the_key_and_number(page, live_server, tmp_path):
    staff_user(username="lucia")
    order = OrderFactory(status="aprovado")
    key = make_nfe_key(5555)
    xml = tmp_path / "nota.xml"
    xml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><nfeProc xmlns="http://www.portalfiscal.inf.br/nfe">'
        f'<NFe><infNFe Id="NFe{key}"><ide><nNF>5555</nNF></ide></infNFe></NFe></nfeProc>'
    )
    admin_login(page, live_server, "lucia")
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/processar/")

    page.get_by_label("Despachado").check()
    page.get_by_label("Arquivo XML da NF-e").set_input_files(str(xml))
    expect(page.get_by_label("Chave NF-e")).to_have_value(key)
    expect(page.get_by_label("Número da Nota Fiscal")).to_have_value("5555")
    page.get_by_label("Nome da Transportadora").fill("Jadlog")
    page.get_by_label("Método de envio").fill(".Package")
    page.locator("#jet-process-submit").click()

    expect(page.locator(".messagelist")).to_contain_text("passou de Aprovado para Despachado")
    order.refresh_from_db()
    assert (order.nfe_key, order.invoice_number) == (key, "5555")


def test_processing_works_without_javascript(browser, live_server):
    staff_user(username="lucia")
    order = OrderFactory(status="novo")
    context = browser.new_context(locale="pt-BR", java_script_enabled=False)
    page = context.new_page()
    try:
        admin_login(page, live_server, "lucia")
        page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/processar/")
        # Every status's fields are on the page; only the chosen one's are used.
        expect(page.locator("[data-status-fields=cancelado]")).to_be_visible()

        page.get_by_label("Cancelado").check()
        page.get_by_label("Motivo").fill("Cliente pediu o cancelamento por telefone.")
        page.locator("#jet-process-submit").click()
        # The Motivo is e-mailed word for word: a confirmation step comes first.
        expect(page.locator("[data-confirmation]")).to_contain_text("palavra por palavra")
        assert status_of(order) == OrderStatus.NOVO
        page.get_by_role("button", name="Confirmar cancelamento").click()

        expect(page.locator(".messagelist")).to_contain_text("passou de Novo para Cancelado")
        assert status_of(order) == OrderStatus.CANCELADO
    finally:
        context.close()
