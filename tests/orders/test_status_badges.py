"""Each status its own colour, readable (contrast ≥ 4.5:1) and readable without colour (a
symbol and the name), the same in the admin and on the customer's pages."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from orders.badges import status_badge
from orders.statuses import STATUS_SYMBOLS, OrderStatus, staff_label
from tests.admin_urls import ORDER_LIST_URL, change_url, process_url
from tests.factories import OrderFactory, verified_customer

STATUS_CSS = Path(settings.BASE_DIR) / "static" / "orders" / "status.css"
# WCAG 2.1 AA for normal-size text.
MIN_CONTRAST = 4.5
# CIE76 distance between two badge colours: above ~10 two colours are told apart at a glance;
# the old Despachado, Tracking and Concluído teals and greens were closer than this.
MIN_COLOUR_DISTANCE = 20


def badge_colours() -> dict[str, tuple[str, str]]:
    """{status: (background, text colour)} as the stylesheet the pages load declares them."""
    rules = re.findall(r"\.jet-status--(\w+)\s*\{([^}]*)\}", STATUS_CSS.read_text())
    colours = {}
    for status, body in rules:
        background = re.search(r"background:\s*(#[0-9a-fA-F]{6})", body).group(1)
        text = re.search(r"(?<!-)color:\s*(#[0-9a-fA-F]{6})", body).group(1)
        colours[status] = (background, text)
    return colours


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def luminance(hex_colour: str) -> float:
    r, g, b = (_linear(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def lab(hex_colour: str) -> tuple[float, float, float]:
    r, g, b = (_linear(c) for c in _rgb(hex_colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_the_contrast_helper_knows_the_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_every_status_has_a_badge_colour_with_enough_contrast():
    colours = badge_colours()

    assert set(colours) == set(OrderStatus.values)
    for status, (background, text) in colours.items():
        ratio = contrast(background, text)
        assert ratio >= MIN_CONTRAST, f"{status}: {ratio:.2f}:1 < {MIN_CONTRAST}:1"


def test_no_two_statuses_share_a_colour():
    colours = badge_colours()

    for (a, (colour_a, _)), (b, (colour_b, _)) in itertools.combinations(colours.items(), 2):
        distance = math.dist(lab(colour_a), lab(colour_b))
        assert distance >= MIN_COLOUR_DISTANCE, f"{a} and {b} look alike ({distance:.1f})"


def test_every_status_reads_without_colour():
    symbols = [STATUS_SYMBOLS[status] for status in OrderStatus]

    assert all(symbols)
    assert len(set(symbols)) == len(symbols)
    for status in OrderStatus:
        html = status_badge(status)
        assert f'aria-hidden="true">{STATUS_SYMBOLS[status]}</span> {staff_label(status)}' in html


def test_staff_read_tracking_with_em_transito_beside_it(client, lojista):
    order = OrderFactory(status="tracking")
    client.force_login(lojista)

    listing = client.get(ORDER_LIST_URL).content.decode()
    page = client.get(change_url(order)).content.decode()

    badge = '<span class="jet-status__symbol" aria-hidden="true">➤</span> Tracking (em trânsito)'
    assert badge in listing
    assert "?status__exact=tracking" in listing
    assert "<span>Tracking (em trânsito)</span>" in listing  # the status filter, same words
    assert badge in page
    assert 'href="/static/orders/status.css"' in page


def test_the_processing_form_shows_the_badge_and_the_staff_label(client, lojista):
    order = OrderFactory(status="despachado")
    client.force_login(lojista)

    text = client.get(process_url(order)).content.decode()

    assert "jet-status jet-status--despachado" in text
    assert "Tracking (em trânsito)" in text


def test_customers_see_the_same_badges_with_their_own_words(client, db):
    user = verified_customer("rita@exemplo.com.br")
    order = OrderFactory(status="tracking", customer_email="rita@exemplo.com.br")
    client.force_login(user)

    listing = client.get(reverse("customer_orders")).content.decode()
    page = client.get(reverse("customer_order", args=[order.number])).content.decode()

    badge = '<span class="jet-status__symbol" aria-hidden="true">➤</span> Em trânsito</span>'
    for text in (listing, page):
        assert 'class="jet-status jet-status--tracking"' in text
        assert badge in text
        assert "Tracking" not in text
        assert "/static/orders/status.css" in text
