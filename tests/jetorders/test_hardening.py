"""jetorders/security.py: NUL bytes and out-of-range filters are never a 500; every HTML page
has a Content-Security-Policy; staff sessions end when idle; the API docs need no CDN."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jetorders.security import CONTENT_SECURITY_POLICY
from tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_client(settings, admin_user) -> Client:
    """A logged-in superuser's client that sees what a visitor would: 500s, not tracebacks."""
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


# NUL bytes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/orders/order/?q=%00",
        "/admin/orders/order/?q=pedido%00x",
        "/admin/orders/order/?status=%00",
        "/admin/orders/order/?status__in=novo,%00",
        "/admin/orders/orderstatuschange/?to_status=%00",
        "/admin/notifications/emailoutbox/?template=%00",
        "/admin/notifications/emailoutbox/?status=%00",
        "/admin/orders/order/%00/change/",
        "/conta/pedidos/%00/",
        "/conta/pedidos/?pagina=%00",
        "/pedido/%00/",
        "/?x=%00",
        "/%00",
    ],
)
def test_a_nul_byte_in_the_url_is_a_400(production_client, url):
    response = production_client.get(url)

    assert response.status_code == 400
    assert "caractere nulo" in response.content.decode()


def test_the_api_refuses_a_nul_byte_as_json(production_client):
    response = production_client.get("/api/v1/orders/1%00")

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "detail": "Requisição inválida: o endereço contém um caractere nulo (%00).",
        "fields": {},
    }


def test_a_customer_looking_up_an_order_with_a_nul_byte_gets_a_400(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    user = UserFactory(username="ana@exemplo.com.br", email="ana@exemplo.com.br")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)

    assert client.get("/conta/pedidos/%00/").status_code == 400
    assert client.get("/conta/pedidos/").status_code == 200


# Admin list filters out of range ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/orders/order/?created_at__year=99999",
        "/admin/orders/order/?created_at__year=0",
        "/admin/orders/order/?created_at__year=-1",
        "/admin/orders/order/?created_at__gte=99999-01-01",
        "/admin/orders/order/?created_at__lt=99999-01-01",
        "/admin/orders/orderstatuschange/?created_at__year=99999",
        "/admin/payments/paymentevent/?created_at__year=9999",
        "/admin/payments/paymentevent/?created_at__year=9999&created_at__month=12",
        "/admin/notifications/emailoutbox/?created_at__year=9999&created_at__month=12"
        "&created_at__day=31",
        "/admin/integrations/apitoken/?revoked_at__year=99999",
        "/admin/auth/user/?last_login__year=99999",
        "/admin/axes/accessattempt/?attempt_time__year=99999",
    ],
)
def test_an_out_of_range_date_filter_is_the_admins_invalid_filter_redirect(production_client, url):
    OrderFactory()

    response = production_client.get(url)

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/orders/order/?created_at__gte=9999-12-31+23:00:00",
        "/admin/orders/order/?created_at__lt=9999-12-31+23:00:00",
        "/admin/orders/order/?created_at__year=9999",
        "/admin/integrations/apitoken/?revoked_at__gte=9999-12-31+23:00:00",
    ],
)
def test_the_last_representable_dates_are_never_a_500(production_client, url):
    # Fine on PostgreSQL; on SQLite the time-zone shift overflows: a redirect, never a 500.
    OrderFactory()

    response = production_client.get(url)

    assert response.status_code in (200, 302)


def test_a_second_bad_filter_after_the_redirect_is_a_400(production_client):
    response = production_client.get("/admin/orders/order/?created_at__year=99999&e=1")

    assert response.status_code == 400


def test_an_admin_list_without_filters_still_opens(production_client):
    OrderFactory()

    assert production_client.get("/admin/orders/order/").status_code == 200


# Content-Security-Policy ------------------------------------------------------------------


def test_every_html_page_has_the_content_security_policy(production_client):
    order = OrderFactory()

    for url in ["/admin/", f"/admin/orders/order/{order.pk}/change/", "/", "/api/v1/docs"]:
        response = production_client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url


def test_the_policy_allows_no_inline_or_foreign_script():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))

    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_json_responses_carry_no_policy(client):
    response = client.get("/api/v1/orders/1")

    assert response["Content-Type"].startswith("application/json")
    assert "Content-Security-Policy" not in response


# API docs without a CDN -------------------------------------------------------------------


def test_the_api_docs_load_swagger_ui_from_our_static_files(client):
    response = client.get("/api/v1/docs")

    html = response.content.decode()
    assert response.status_code == 200
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert any(source.endswith("swagger-ui-bundle.js") for source in sources)
    for source in sources:
        assert source.startswith("/static/"), source
    assert "cdn." not in html
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)


def test_the_swagger_assets_are_among_our_static_files():
    # collectstatic (and whitenoise in production) find them through the installed app.
    for asset in ["ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"]:
        assert finders.find(asset), asset


# Staff session idle timeout ---------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """`clock.advance(minutes)` moves django.utils.timezone.now, which sessions expire by."""
    real_now = timezone.now

    class Clock:
        offset = timedelta()

        def advance(self, minutes: float) -> None:
            self.offset += timedelta(minutes=minutes)

    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + moved.offset)
    return moved


def session_expiry(client) -> timedelta:
    session = Session.objects.get(session_key=client.session.session_key)
    return session.expire_date - timezone.now()


def test_the_default_idle_timeout_is_an_hour(settings):
    assert settings.STAFF_SESSION_IDLE_MINUTES == 60


def test_an_idle_staff_session_ends_after_the_idle_time(client, lojista, clock):
    client.force_login(lojista)
    assert client.get("/admin/").status_code == 200
    assert timedelta(minutes=59) < session_expiry(client) <= timedelta(minutes=60)

    clock.advance(61)
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_busy_staff_session_keeps_going(client, lojista, clock):
    client.force_login(lojista)
    for _ in range(4):
        assert client.get("/admin/orders/order/").status_code == 200
        clock.advance(45)

    assert client.get("/admin/").status_code == 200


def test_the_idle_time_follows_the_setting(client, lojista, clock, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    client.force_login(lojista)
    client.get("/admin/")

    clock.advance(6)

    assert client.get("/admin/").status_code == 302


def test_a_customer_keeps_the_normal_session_length(client, clock, settings):
    user = UserFactory(username="bia@exemplo.com.br", email="bia@exemplo.com.br")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    assert client.get("/conta/pedidos/").status_code == 200
    assert session_expiry(client) > timedelta(days=13)

    clock.advance(24 * 60)

    assert client.get("/conta/pedidos/").status_code == 200


def test_logging_in_to_the_admin_starts_the_idle_timeout(client, lojista):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "lojista", "password": "senha-de-teste-123"},
    )

    assert response.status_code == 302
    assert timedelta(minutes=59) < session_expiry(client) <= timedelta(minutes=60)


def test_the_first_page_after_login_costs_no_extra_session_write(client, lojista):
    client.force_login(lojista)

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200

    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert not [sql for sql in writes if "django_session" in sql]
