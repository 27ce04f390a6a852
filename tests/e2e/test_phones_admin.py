"""The lojista on a 360 × 740 phone (issue 14, item 7): every staff page — the Painel, the order
list with its late and attention badges, the order page, Processar pedido, Corrigir dados do
despacho, the packing list and Despachar por planilha from upload to progress — fits the
screen: nothing scrolls sideways, every table, card, chart and form ends inside 360 px, each
badge is fully in view and each button can be reached."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from orders import dispatch_import
from orders.models import Order
from orders.statuses import OrderStatus
from orders.tracking_events import ScanKind
from tests.e2e.conftest import admin_login
from tests.e2e.test_dispatch_import import carrier_sheet, good_line, upload
from tests.factories import OrderFactory, make_nfe_key, staff_user
from tests.orders.deadline_defaults import seed_default_deadlines
from tests.orders.test_admin_order_attention import scan
from tests.orders.test_dashboard import generated_orders

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_rate_limits"),
]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path("/work/shots/phones-admin")
LONG_NAME = "Maria Aparecida dos Santos Albuquerque Vasconcelos"
LONG_EMAIL = "maria.aparecida.albuquerque.vasconcelos@exemplo-de-loja.com.br"

# What a phone must hold: the page itself, and each block a lojista reads or fills in.
MEASURE = """
() => {
  const width = window.innerWidth;
  const boxes = "main, #content, #header, .module, table, .card, [class*='jet-card'], svg, form,"
    + " fieldset, .submit-row, .jet-status, .jet-late, .jet-attention-badge, .object-tools";
  const wide = [...document.querySelectorAll(boxes)]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
    // An SVG inside a button or an icon is laid out by its parent; the outer SVG is enough.
    .filter((el) => el.tagName !== "svg" || !el.parentElement.closest("svg"))
    .map((el) => {
      const box = el.getBoundingClientRect();
      return [el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (typeof el.className === "string" && el.className ? "." + el.className : ""),
        Math.round(box.left), Math.round(box.right)];
    })
    .filter(([, left, right]) => right > width + 0.5 || left < -0.5);
  return {scrollWidth: document.documentElement.scrollWidth, wide};
}
"""
# Buttons and links a lojista taps: each must lie inside the page's width.
BUTTONS = """
() => [...document.querySelectorAll(
    "input[type=submit], button, a.button, .button, .object-tools a, .submit-row a")]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .map((el) => {
    const box = el.getBoundingClientRect();
    return [(el.innerText || el.value || "").trim().slice(0, 40), Math.round(box.left),
      Math.round(box.right), Math.round(box.width)];
  })
  .filter(([, left, right, width]) => width > 0 && (left < -0.5 || right > innerWidth + 0.5))
"""


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    cache.clear()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="pt-BR", viewport=PHONE, device_scale_factor=1)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def store():
    """A store's day: orders in every status for the charts, a late one, a returned parcel,
    and one that is both late and returned — the widest status cell the list can show."""
    seed_default_deadlines()
    staff_user(username="lucia", first_name="Lúcia", last_name="Lojista")
    generated_orders(20)
    long = {"customer_name": LONG_NAME, "customer_email": LONG_EMAIL}
    late = OrderFactory(status=OrderStatus.EM_PRODUCAO, **long)
    Order.objects.filter(pk=late.pk).update(status_changed_at=timezone.now() - timedelta(days=9))
    returned = OrderFactory(status=OrderStatus.DESPACHADO, **long)
    scan(returned, ScanKind.RETURNED)
    both = OrderFactory(status=OrderStatus.DESPACHADO, **long)
    Order.objects.filter(pk=both.pk).update(status_changed_at=timezone.now() - timedelta(days=20))
    scan(both, ScanKind.RETURNED)
    approved = OrderFactory(status=OrderStatus.APROVADO, **long)
    return {"late": late, "returned": returned, "both": both, "approved": approved}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def close_up(page, selector: str, name: str) -> None:
    """What a phone shows around `selector`, at full size (the full-page shots are long)."""
    page.locator(selector).first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"360-{name}-tela.png"))


def check(page, name: str, badges: str | None = None) -> list[str]:
    """Screenshot the page at 360 px and say what does not fit (empty when all is well)."""
    page.wait_for_load_state("load")
    # Boxes are measured from the viewport: start from its top-left corner.
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, f"360-{name}")
    found = page.evaluate(MEASURE)
    # The desktop look must not change: a shot of the same page to compare before/after.
    page.set_viewport_size(DESKTOP)
    shoot(page, f"desktop-{name}")
    page.set_viewport_size(PHONE)
    problems = []
    if found["scrollWidth"] > PHONE["width"]:
        problems.append(f"{name}: the page is {found['scrollWidth']}px wide")
    if found["wide"]:
        problems.append(f"{name}: wider than the phone: {found['wide']}")
    if cut := page.evaluate(BUTTONS):
        problems.append(f"{name}: buttons out of reach: {cut}")
    if badges:
        located = page.locator(badges)
        if located.count() == 0:
            problems.append(f"{name}: no {badges}")
        for index in range(located.count()):
            box = located.nth(index).bounding_box()
            if box is None or box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
                problems.append(f"{name}: {badges} #{index} not fully in view: {box}")
    return problems


def test_every_staff_page_fits_a_360px_phone(phone, live_server, store, monkeypatch):
    admin_login(phone, live_server, "lucia")
    url = live_server.url
    problems: list[str] = []

    # the Painel: cards and the server-drawn charts
    phone.goto(f"{url}/admin/")
    expect(phone.locator("h1")).to_have_text("Painel")
    problems += check(phone, "painel", "svg.jet-bars")
    charts = phone.locator("svg.jet-bars")
    assert charts.count() >= 2
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None, "a chart is hidden"
        assert box["width"] > 300, "a chart shrank out of reading"
    close_up(phone, "figure.jet-chart", "painel")
    # the charts' numbers as a table, opened
    phone.get_by_text("Ver como tabela").click()
    problems += check(phone, "painel-tabela")

    # the order list: status, "⚠ Atrasado" and "Atenção: devolvido ao remetente" in view
    phone.goto(f"{url}/admin/orders/order/")
    expect(phone.locator("#result_list .jet-late").first).to_be_visible()
    expect(phone.locator("#result_list .jet-attention-badge").first).to_be_visible()
    problems += check(
        phone, "pedidos", "#result_list .jet-status, #result_list .jet-late, .jet-attention-badge"
    )
    close_up(phone, "#result_list .jet-attention-badge", "pedidos")
    # the filters (date range, counted statuses) open below the list, inside the screen
    problems += check(phone, "pedidos-filtros", "#changelist-filter")

    both = store["both"]
    phone.goto(f"{url}/admin/orders/order/{both.pk}/change/")
    problems += check(phone, "pedido", ".jet-status")
    close_up(phone, ".inline-group", "pedido-itens")
    close_up(phone, "#rastreamento", "pedido-rastreamento")
    phone.goto(f"{url}/admin/orders/order/{store['approved'].pk}/processar/")
    problems += check(phone, "processar")
    # choosing Despachado opens the dispatch fields (NF-e key, carrier, tracking code)
    phone.get_by_label("Despachado").check()
    expect(phone.get_by_label("Chave NF-e")).to_be_visible()
    problems += check(phone, "processar-despachado")
    phone.goto(f"{url}/admin/orders/order/{both.pk}/corrigir-despacho/")
    problems += check(phone, "corrigir-despacho")
    phone.goto(f"{url}/admin/orders/order/{both.pk}/lista-de-separacao/")
    problems += check(phone, "separacao")
    ids = ",".join(str(order.pk) for order in store.values())
    phone.goto(f"{url}/admin/orders/order/lista-de-separacao/?ids={ids}")
    problems += check(phone, "separacao-selecao")

    # Despachar por planilha: upload, the preview table and the progress page
    phone.goto(f"{url}/admin/orders/dispatchimport/add/")
    problems += check(phone, "planilha-envio")
    waiting = [OrderFactory(status=OrderStatus.APROVADO, **{"customer_name": LONG_NAME})]
    content = carrier_sheet(
        [
            good_line(waiting[0], 901),
            good_line(store["approved"], 902, tracking="AA123456789BR"),  # warns
            good_line(store["returned"], 903),  # already dispatched
            [int(store["late"].number), 904, make_nfe_key(904)[:-1] + "0", "Correios", "PAC", ""],
            [777777, 906, make_nfe_key(906), "Correios", "PAC", ""],
        ]
    )
    upload(phone, live_server, content)
    expect(phone.locator("#jet-dispatch-summary")).to_be_visible()
    problems += check(phone, "planilha-conferencia")
    close_up(phone, "#jet-dispatch-preview tbody tr", "planilha-conferencia")
    held: list[int] = []
    monkeypatch.setattr(dispatch_import, "kick", held.append)
    phone.get_by_role("button", name="Despachar").click()
    expect(phone.locator("#jet-dispatch-bar")).to_be_visible()
    problems += check(phone, "planilha-andamento")
    phone.goto(f"{url}/admin/orders/dispatchimport/")
    problems += check(phone, "planilha-lista")

    assert problems == [], "\n".join(problems)
