"""Status-page links open for STATUS_LINK_MAX_AGE after they were sent, then say so kindly.

Every status e-mail signs a fresh link, so the newest e-mail's link opens for the life of the
order. Links sent before the limit existed were signed with their time too (signing.dumps is
a TimestampSigner): they expire the same way, counted from when they were sent.
"""

from __future__ import annotations

import time

import pytest
from django.core import signing

from orders.links import SALT, order_status_path, order_status_token
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


def token_signed_ago(monkeypatch, order, seconds: int) -> str:
    real = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: real - seconds)
        return order_status_token(order)


def test_the_default_lifetime_is_180_days(settings):
    assert settings.STATUS_LINK_MAX_AGE == 180 * DAY


def test_a_link_younger_than_the_limit_opens_the_order(client, monkeypatch):
    order = OrderFactory(status="aprovado")

    response = client.get(f"/pedido/{token_signed_ago(monkeypatch, order, 179 * DAY)}/")

    assert response.status_code == 200
    assert f"Pedido nº {order.number}" in response.content.decode()


def test_an_expired_link_shows_a_friendly_page_not_the_order(client, monkeypatch):
    order = OrderFactory(status="despachado", customer_name="Carla Expirada")

    response = client.get(f"/pedido/{token_signed_ago(monkeypatch, order, 181 * DAY)}/")

    html = response.content.decode()
    assert response.status_code == 410
    assert "Este link de acompanhamento expirou" in html
    assert 'href="/conta/"' in html
    assert order.number not in html
    assert "Carla Expirada" not in html
    assert "AA123456785BR" not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_the_limit_follows_the_setting(client, monkeypatch, settings):
    settings.STATUS_LINK_MAX_AGE = 60
    order = OrderFactory()

    assert client.get(order_status_path(order)).status_code == 200
    expired = client.get(f"/pedido/{token_signed_ago(monkeypatch, order, 61)}/")
    assert expired.status_code == 410


def test_a_fresh_email_link_opens_when_an_old_one_has_expired(client, monkeypatch):
    order = OrderFactory()
    old = token_signed_ago(monkeypatch, order, 200 * DAY)

    assert client.get(f"/pedido/{old}/").status_code == 410
    assert client.get(order_status_path(order)).status_code == 200


def test_a_tampered_expired_link_is_still_a_404(client, monkeypatch):
    order = OrderFactory()
    token = token_signed_ago(monkeypatch, order, 200 * DAY)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert client.get(f"/pedido/{tampered}/").status_code == 404


def test_a_token_without_a_signed_time_was_never_issued_and_is_a_404(client):
    # Links were always signed with signing.dumps (payload:time:signature); one signed without
    # a time is not ours and must not open forever.
    order = OrderFactory()
    timeless = signing.Signer(salt=SALT).sign_object(order.pk)

    assert client.get(f"/pedido/{timeless}/").status_code == 404


def test_links_issued_before_the_limit_existed_carry_their_signing_time():
    # The token format sent so far: three parts, the middle one the base62 signing time.
    token = signing.dumps(1, salt=SALT, compress=False)

    payload, timestamp, _signature = token.split(":")
    assert abs(signing.b62_decode(timestamp) - time.time()) < 5
