"""Login throttling on the customer and admin logins (django-axes, docs/reliability.md, R23)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from jetorders.clients import client_ip
from tests.factories import UserFactory, verified_customer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]
PASSWORD = "Jabuticaba-azul-2026"
PROXY = "10.0.0.2"


@pytest.fixture
def customer():
    return verified_customer("rita@exemplo.com.br", password=PASSWORD)


def customer_login(client: Client, password: str, **headers: str):
    return client.post(
        "/conta/login/", {"login": "rita@exemplo.com.br", "password": password}, **headers
    )


def test_five_wrong_passwords_lock_the_sixth_customer_login_even_a_correct_one(client, customer):
    for _ in range(4):
        assert customer_login(client, "errada").status_code == 200
    # The fifth failure is the last one allowed: its answer is already the lockout page.
    assert customer_login(client, "errada").status_code == 429

    response = customer_login(client, PASSWORD)

    assert response.status_code == 429
    assert "Acesso bloqueado temporariamente" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_admin_login_too():
    UserFactory(username="lojista", is_staff=True, password=PASSWORD)
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "lojista", "password": "errada"})

    response = client.post("/admin/login/", {"username": "lojista", "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_spoofed_forwarded_for_behind_our_proxy_does_not_reset_the_counter(
    client, customer, settings
):
    # given one reverse proxy, which appends the real client's address
    settings.NUM_PROXIES = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    # when the attacker sends a new fake X-Forwarded-For with every attempt
    for n in range(5):
        customer_login(
            client,
            "errada",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7",
        )
    response = customer_login(
        client, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7"
    )

    # then the sixth attempt is still locked, and the stored address is the client's
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_a_lockout_leaves_other_people_alone(client, customer, settings):
    settings.NUM_PROXIES = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    verified_customer("saulo@exemplo.com.br", password=PASSWORD)
    for _ in range(6):
        customer_login(client, "errada", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")

    elsewhere = Client()
    response = elsewhere.post(
        "/conta/login/",
        {"login": "saulo@exemplo.com.br", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )

    assert response.status_code == 302
    assert response.url == "/conta/pedidos/"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", PROXY),  # no proxy configured: the header is the client's own text
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "1.1.1.1, 203.0.113.7", "203.0.113.7"),
        (2, "1.1.1.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", PROXY),  # shorter than the chain: not through our proxies
        (1, "nao-e-ip", PROXY),
        (1, "", PROXY),
    ],
)
def test_the_client_address_is_read_from_our_own_proxies_only(
    settings, proxies, forwarded, expected
):
    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected
