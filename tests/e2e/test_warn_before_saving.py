"""Warn before, not after (issue 14), in a real Chromium: the Correios warning while typing and
on a confirmation step, the cancellation that says its Motivo goes to the customer, the bulk
action that counts the customers it will e-mail, and the badges and order-number links."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from notifications.models import EmailOutbox
from orders.models import Order
from orders.statuses import OrderStatus
from tests.e2e.conftest import admin_login
from tests.factories import OrderFactory, make_nfe_key, staff_user, verified_customer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BAD_DIGIT = "O dígito verificador do código dos Correios não confere."
PHONE = {"width": 360, "height": 780}


def status_of(order: Order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def emails() -> int:
    return EmailOutbox.objects.count()


def fill_dispatch(page, tracking_code: str) -> None:
    page.get_by_label("Despachado").check()
    page.get_by_label("Número da Nota Fiscal").fill("4321")
    page.get_by_label("Chave NF-e").fill(make_nfe_key(4321))
    page.get_by_label("Nome da Transportadora").fill("Correios")
    page.get_by_label("Método de envio").fill("SEDEX")
    page.get_by_label("Código de Rastreio").fill(tracking_code)


def test_the_correios_warning_shows_while_typing_and_before_saving(page, live_server, screenshot):
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    order = OrderFactory(status="aprovado")
    before = emails()
    admin_login(page, live_server, "lucia")
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/processar/")

    # when Lúcia types a code whose check digit is wrong, the warning appears as she types
    fill_dispatch(page, "AA123456789BR")
    live = page.locator("[data-live-checks]")
    expect(live).to_be_visible()
    expect(live).to_contain_text(BAD_DIGIT)
    expect(page.locator(".field-tracking_code")).to_contain_text("vai no e-mail ao cliente")
    screenshot("aviso-01-ao-digitar")
    assert status_of(order) == OrderStatus.APROVADO

    # a right code clears it, a wrong one brings it back
    page.get_by_label("Código de Rastreio").fill("AA123456785BR")
    expect(live).to_be_hidden()
    page.get_by_label("Código de Rastreio").fill("AA123456789BR")
    expect(live).to_contain_text(BAD_DIGIT)

    # when she saves anyway, a confirmation step comes first and nothing is saved
    page.locator("#jet-process-submit").click()
    confirmation = page.locator("[data-confirmation]")
    expect(confirmation).to_contain_text(BAD_DIGIT)
    expect(confirmation).to_contain_text("Nada foi salvo e nenhum e-mail foi enviado ainda.")
    screenshot("aviso-02-confirmacao")
    assert status_of(order) == OrderStatus.APROVADO
    assert emails() == before

    # when she confirms, the order is dispatched with the code she typed
    page.get_by_role("button", name="Confirmar mesmo assim").click()
    expect(page.locator(".messagelist")).to_contain_text("passou de Aprovado para Despachado")
    assert status_of(order) == OrderStatus.DESPACHADO
    assert Order.objects.get(pk=order.pk).tracking_code == "AA123456789BR"
    assert emails() == before + 1


def test_without_javascript_the_warning_is_a_confirmation_step(browser, live_server):
    staff_user(username="lucia")
    order = OrderFactory(status="aprovado")
    before = emails()
    context = browser.new_context(locale="pt-BR", java_script_enabled=False)
    page = context.new_page()
    try:
        admin_login(page, live_server, "lucia")
        page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/processar/")
        fill_dispatch(page, "AA123456789BR")
        page.locator("#jet-process-submit").click()

        expect(page.locator("[data-confirmation]")).to_contain_text(BAD_DIGIT)
        assert status_of(order) == OrderStatus.APROVADO
        assert emails() == before

        page.get_by_role("button", name="Confirmar mesmo assim").click()
        expect(page.locator(".messagelist")).to_contain_text("passou de Aprovado para Despachado")
        assert status_of(order) == OrderStatus.DESPACHADO
    finally:
        context.close()


def test_the_correction_form_warns_while_typing_and_asks_first(page, live_server, screenshot):
    staff_user(username="lucia")
    order = OrderFactory(status="despachado")
    admin_login(page, live_server, "lucia")
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/corrigir-despacho/")

    page.get_by_label("Código de Rastreio").fill("AA123456789BR")
    expect(page.locator("[data-live-checks]")).to_contain_text(BAD_DIGIT)
    screenshot("aviso-03-correcao-ao-digitar")
    page.locator("#jet-process-submit").click()

    expect(page.locator("[data-confirmation]")).to_contain_text(BAD_DIGIT)
    screenshot("aviso-04-correcao-confirmacao")
    assert Order.objects.get(pk=order.pk).tracking_code == "AA123456785BR"
    page.get_by_role("button", name="Confirmar mesmo assim").click()
    expect(page.locator(".messagelist")).to_contain_text("Dados do despacho do pedido")
    assert Order.objects.get(pk=order.pk).tracking_code == "AA123456789BR"


def test_cancelling_asks_first_and_says_the_reason_goes_to_the_customer(
    page, live_server, screenshot
):
    staff_user(username="lucia")
    order = OrderFactory(status="aprovado")
    before = emails()
    reason = "Não temos mais o tamanho G; o estorno sai em até 5 dias úteis."
    admin_login(page, live_server, "lucia")
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/processar/")

    page.get_by_label("Cancelado").check()
    expect(page.locator(".field-reason")).to_contain_text("vai no e-mail ao cliente")
    page.get_by_label("Motivo").fill(reason)
    screenshot("cancelar-01-formulario")
    page.locator("#jet-process-submit").click()

    confirmation = page.locator("[data-confirmation]")
    expect(confirmation).to_contain_text("Confirme o cancelamento")
    expect(confirmation).to_contain_text(
        "O campo “Motivo” vai no e-mail ao cliente, palavra por palavra:"
    )
    expect(confirmation.locator("[data-customer-text]")).to_have_text(reason)
    screenshot("cancelar-02-confirmacao")
    assert status_of(order) == OrderStatus.APROVADO
    assert emails() == before

    page.get_by_role("button", name="Confirmar cancelamento").click()
    expect(page.locator(".messagelist")).to_contain_text("passou de Aprovado para Cancelado")
    assert status_of(order) == OrderStatus.CANCELADO
    assert emails() == before + 1


def test_a_bulk_action_shows_the_count_and_acts_only_when_confirmed(page, live_server, screenshot):
    staff_user(username="lucia")
    approved = [OrderFactory(status="aprovado") for _ in range(2)]
    new = OrderFactory(status="novo")
    for status in ("em_aprovacao", "em_producao", "despachado", "tracking", "concluido"):
        OrderFactory(status=status)
    OrderFactory(status="cancelado")
    before = emails()
    admin_login(page, live_server, "lucia")
    page.goto(f"{live_server.url}/admin/orders/order/")
    screenshot("lote-00-lista-cores")
    page.set_viewport_size(PHONE)
    screenshot("lote-00-lista-cores-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    for order in [*approved, new]:
        page.locator(f"input.action-select[value='{order.pk}']").check()
    page.locator("select[name=action]").select_option("process_to_em_producao")
    page.locator("button[name=index]").click()

    # then a confirmation page says how many customers will be e-mailed, and nothing changed
    box = page.locator("[data-bulk-confirmation]")
    expect(box).to_contain_text("Passar 2 pedidos para Em produção?")
    expect(box).to_contain_text("2 clientes receberão um e-mail sobre a mudança.")
    expect(page.locator("[data-bulk-refused]")).to_contain_text(
        "Não é possível passar o pedido de Novo para Em produção: só a partir de Aprovado."
    )
    screenshot("lote-01-confirmacao")
    assert {status_of(o) for o in approved} == {OrderStatus.APROVADO}
    assert emails() == before

    page.get_by_role("button", name="Sim, passar 2 pedidos para Em produção").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "2 pedidos passaram para Em produção; cada cliente receberá um e-mail."
    )
    screenshot("lote-02-feito")
    assert {status_of(o) for o in approved} == {OrderStatus.EM_PRODUCAO}
    assert status_of(new) == OrderStatus.NOVO
    assert emails() == before + 2


def test_orders_by_number_and_the_badges_staff_and_customers_see(page, live_server, screenshot):
    staff_user(username="lucia")
    customer = verified_customer("rita@exemplo.com.br", password="senha-de-teste-123")
    order = OrderFactory(status="tracking", customer_email=customer.email, customer=customer)
    OrderFactory(status="concluido", customer_email=customer.email, customer=customer)
    OrderFactory(status="despachado", customer_email=customer.email, customer=customer)
    admin_login(page, live_server, "lucia")

    page.goto(f"{live_server.url}/admin/orders/order/numero/{order.number}/")
    expect(page).to_have_url(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    expect(page.locator(".field-status_col")).to_contain_text("Tracking (em trânsito)")
    expect(page.get_by_role("link", name="Link pelo número")).to_have_attribute(
        "href", f"/admin/orders/order/numero/{order.number}/"
    )
    screenshot("numero-01-pedido")
    page.goto(f"{live_server.url}/admin/orders/order/numero/999999/")
    expect(page.locator("#content-main")).to_contain_text("Não há pedido com o número “999999”.")
    screenshot("numero-02-nao-encontrado")

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/conta/login/")
    page.locator("input[name=login]").fill(customer.email)
    page.locator("input[name=password]").fill("senha-de-teste-123")
    page.locator("form button[type=submit]").click()
    page.goto(f"{live_server.url}/conta/pedidos/")
    badges = page.locator(".jet-status")
    expect(badges.first).to_be_visible()
    expect(page.locator(".jet-status--tracking")).to_have_text("➤ Em trânsito")
    screenshot("cliente-01-pedidos-360")
    page.goto(f"{live_server.url}/conta/pedidos/{order.number}/")
    expect(page.locator(".jet-status--tracking")).to_have_text("➤ Em trânsito")
    screenshot("cliente-02-pedido-360")
