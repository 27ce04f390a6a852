"""Whoever runs the store hears about every server error; the customer sees a Portuguese page."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from jetorders.admins import parse_admins

from .subprocess_env import run


@pytest.fixture
def failing_site(client, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.jetorders.failing_urls"
    settings.ADMINS = [("Ana Souza", "ana@loja.com.br")]
    # Answer with the 500 page, as in production, instead of re-raising into the test.
    client.raise_request_exception = False
    return client


def test_a_server_error_emails_the_admins(failing_site, mailoutbox):
    response = failing_site.get("/quebrado/")

    assert response.status_code == 500
    [message] = mailoutbox
    assert message.to == ["ana@loja.com.br"]
    assert "/quebrado/" in message.subject
    assert "falha de teste no servidor" in message.body


def test_the_error_page_is_portuguese_and_names_no_internals(failing_site):
    response = failing_site.get("/quebrado/")

    body = response.content.decode()
    assert '<html lang="pt-br">' in body
    assert "O erro foi registrado e a nossa equipe já foi avisada." in body
    assert "RuntimeError" not in body
    assert "falha de teste" not in body


def test_no_admin_email_while_debugging(failing_site, settings, mailoutbox):
    settings.DEBUG = True
    failing_site.get("/quebrado/")
    assert mailoutbox == []


def test_admins_come_from_the_environment():
    probe = "import django; django.setup(); from django.conf import settings as s; "
    result = run(
        ["-c", probe + "import json; print(json.dumps(s.ADMINS))"],
        ADMINS='Ana Souza <ana@loja.com.br>, "Equipe, TI" <ti@loja.com.br>, ops@loja.com.br',
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [
        ["Ana Souza", "ana@loja.com.br"],
        ["Equipe, TI", "ti@loja.com.br"],
        ["ops@loja.com.br", "ops@loja.com.br"],
    ]


def test_admins_without_an_address_are_refused_clearly():
    with pytest.raises(ImproperlyConfigured, match="ADMINS='Ana Souza': every entry needs"):
        parse_admins("Ana Souza")
    assert parse_admins("  ") == []


def test_sentry_starts_only_with_a_dsn_and_sends_no_personal_data():
    probe = (
        "import django; django.setup(); import sentry_sdk; client = sentry_sdk.get_client(); "
        "print(client.is_active(), client.options['send_default_pii'])"
    )
    assert run(["-c", probe]).stdout.split()[0] == "False"
    result = run(["-c", probe], SENTRY_DSN="https://chave@o0.ingest.sentry.io/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
