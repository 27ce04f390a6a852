"""Customer accounts (django-allauth under /conta/): e-mail login, mandatory verification."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from orders.models import Order
from tests.factories import OrderFactory, verified_customer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]
PASSWORD = "Jabuticaba-azul-2026"


def sign_up(client: Client, email: str):
    return client.post(
        "/conta/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def link_in(message) -> str:
    return re.search(r"http://testserver(/conta/\S+)", message.body).group(1)


def test_the_home_page_leads_customers_to_their_orders(client):
    html = client.get("/").content.decode()

    assert 'href="/conta/login/"' in html
    assert 'href="/conta/signup/"' in html
    assert "Entrar" in html
    assert "Criar conta" in html


def test_the_account_pages_speak_portuguese(client):
    for path, expected in [
        ("/conta/login/", "Esqueceu sua senha?"),
        ("/conta/signup/", "Criar conta"),
        ("/conta/password/reset/", "Redefin"),
    ]:
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200
        assert expected in html
        for english in ["Sign In", "Sign Up", "Password Reset", "Forgot"]:
            assert english not in html


def test_orders_under_an_address_stay_hidden_until_the_address_is_verified(client, mailoutbox):
    # given an order placed with Dani's e-mail
    order = OrderFactory(customer_email="dani@exemplo.com.br", status="despachado")

    # when someone signs up with that address, without opening the confirmation e-mail
    response = sign_up(client, "Dani@Exemplo.com.br")
    assert response.status_code == 302
    assert response.url == "/conta/confirm-email/"
    user = get_user_model().objects.get(email__iexact="dani@exemplo.com.br")
    assert not EmailAddress.objects.get(user=user).verified
    # they cannot sign in yet, and even a session of that account shows nothing
    login = client.post("/conta/login/", {"login": "dani@exemplo.com.br", "password": PASSWORD})
    assert login.url == "/conta/confirm-email/"
    client.force_login(user)
    assert order.number not in client.get("/conta/pedidos/").content.decode()
    assert client.get(f"/conta/pedidos/{order.number}/").status_code == 404
    client.logout()

    # then, once the address is confirmed from the e-mail, the order shows up
    confirmation = mailoutbox[-1]
    assert confirmation.to == ["dani@exemplo.com.br"]
    assert confirmation.subject == "[JET Pedidos] Confirme seu e-mail"
    assert "Olá!" in confirmation.body
    client.post(link_in(confirmation))
    login = client.post("/conta/login/", {"login": "dani@exemplo.com.br", "password": PASSWORD})
    assert login.url == "/conta/pedidos/"
    html = client.get("/conta/pedidos/").content.decode()
    assert f"Pedido nº {order.number}" in html


def test_an_unverified_extra_address_does_not_open_its_orders(client):
    user = verified_customer("eva@exemplo.com.br")
    EmailAddress.objects.create(user=user, email="vitima@exemplo.com.br", verified=False)
    own = OrderFactory(customer_email="eva@exemplo.com.br")
    OrderFactory(customer_email="vitima@exemplo.com.br")

    assert list(Order.objects.visible_to_customer(user)) == [own]


def test_anonymous_users_see_no_orders():
    from django.contrib.auth.models import AnonymousUser

    OrderFactory()

    assert not Order.objects.visible_to_customer(AnonymousUser()).exists()


def test_a_password_reset_sends_a_portuguese_link_that_works(client, mailoutbox):
    verified_customer("fabio@exemplo.com.br")

    client.post("/conta/password/reset/", {"email": "fabio@exemplo.com.br"})
    message = mailoutbox[-1]
    reset = client.get(link_in(message), follow=True)
    client.post(
        reset.redirect_chain[-1][0] if reset.redirect_chain else link_in(message),
        {"password1": PASSWORD, "password2": PASSWORD},
    )

    assert message.subject.startswith("[JET Pedidos] ")
    assert "senha" in message.body
    assert client.login(username="fabio", password=PASSWORD)


def test_a_wrong_password_is_refused_with_a_portuguese_error(client):
    user = verified_customer("gil@exemplo.com.br")

    response = client.post("/conta/login/", {"login": user.email, "password": "errada"})

    assert response.status_code == 200
    assert "O endereço de e-mail e/ou senha especificados estão incorretos" in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/conta/login/", {"login": "hugo@exemplo.com.br", "password": PASSWORD}),
        ("/conta/signup/", {"email": "novo@exemplo.com.br", "password1": PASSWORD}),
        ("/conta/password/reset/", {"email": "hugo@exemplo.com.br"}),
        ("/conta/logout/", {}),
        ("/conta/email/", {"email": "outro@exemplo.com.br", "action_add": ""}),
    ],
)
def test_customer_forms_refuse_a_post_without_the_csrf_token(path, data, mailoutbox):
    user = verified_customer("hugo@exemplo.com.br", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    if path in {"/conta/logout/", "/conta/email/"}:
        client.force_login(user)

    response = client.post(path, data)

    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert not mailoutbox
    assert get_user_model().objects.count() == 1
    assert EmailAddress.objects.count() == 1


def test_the_login_form_works_with_its_csrf_token():
    user = verified_customer("ines@exemplo.com.br", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)

    client.get("/conta/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/conta/login/",
        {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert response.url == "/conta/pedidos/"
