"""With DEBUG off the app refuses to start on unsafe secrets, in a real child process."""

from __future__ import annotations

import pytest

from jetorders.secrets_check import DEV_SECRET_KEY, DEV_WEBHOOK_SECRET

from .subprocess_env import good_secrets, run, start

UNSAFE = [
    # (variable, value, what the message says)
    ("SECRET_KEY", "", "SECRET_KEY is missing"),
    ("SECRET_KEY", "k" * 20 + "abcdefghij", "SECRET_KEY is too short"),
    ("SECRET_KEY", "ab" * 30, "SECRET_KEY has fewer than 5 different characters"),
    ("SECRET_KEY", "django-insecure-" + "q8Zr2Lw9Xv" * 5, 'starts with "django-insecure"'),
    ("SECRET_KEY", "change-me-to-a-long-random-string-before-any-real-use", "change-me"),
    ("PAYMENT_WEBHOOK_SECRET", "", "PAYMENT_WEBHOOK_SECRET is missing"),
    ("PAYMENT_WEBHOOK_SECRET", "curto", "PAYMENT_WEBHOOK_SECRET is too short"),
    ("PAYMENT_WEBHOOK_SECRET", DEV_WEBHOOK_SECRET, "development default"),
    ("PAYMENT_WEBHOOK_SECRET", "change-me", 'placeholder (contains "change-me")'),
    ("PAYMENT_WEBHOOK_SECRET", "my-webhook-secret-value", "placeholder"),
    ("PAYMENT_WEBHOOK_SECRET", "Kq3vT8zP1xLmN6wR9s,curto", "value 2 of 2"),
    ("ANYMAIL_WEBHOOK_SECRET", "change:me", 'placeholder (contains "change:me")'),
    ("ANYMAIL_WEBHOOK_SECRET", "loja:Vb7Kq2", "ANYMAIL_WEBHOOK_SECRET is too short"),
    ("ANYMAIL_WEBHOOK_SECRET", "loja:testtesttesttest", "placeholder"),
]


@pytest.mark.parametrize(("variable", "value", "says"), UNSAFE)
def test_start_fails_clearly_on_an_unsafe_secret(variable, value, says):
    result = start(**{**good_secrets(), variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr
    assert says in result.stderr


def test_start_fails_when_a_secret_is_not_set_at_all():
    env = good_secrets()
    del env["SECRET_KEY"], env["PAYMENT_WEBHOOK_SECRET"]
    result = start(**env)
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr
    assert "PAYMENT_WEBHOOK_SECRET is missing" in result.stderr


def test_attacker_cannot_use_the_repository_dev_key_in_production():
    # A status-page token or session forged with the key published in the repository would
    # be valid if production ran with it: the app must refuse to start instead.
    result = start(**{**good_secrets(), "SECRET_KEY": DEV_SECRET_KEY})
    assert result.returncode != 0
    assert "SECRET_KEY is the repository's development default" in result.stderr


def test_mercadopago_needs_its_webhook_secret_once_enabled():
    result = start(**{**good_secrets(), "MERCADOPAGO_ACCESS_TOKEN": "APP_USR-123"})
    assert result.returncode != 0
    assert "MERCADOPAGO_WEBHOOK_SECRET is missing" in result.stderr


def test_an_anymail_provider_needs_the_tracking_webhook_secret():
    env = {**good_secrets(), "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend"}
    result = start(**env)
    assert result.returncode != 0
    assert "ANYMAIL_WEBHOOK_SECRET is missing" in result.stderr


def test_production_start_with_good_secrets_succeeds():
    env = {
        **good_secrets(),
        "MERCADOPAGO_ACCESS_TOKEN": "APP_USR-123",
        "MERCADOPAGO_WEBHOOK_SECRET": "a3f9c0d2e7b14c5a9e8d7f6a5b4c3d2e1f0a9b8c",
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "ANYMAIL_WEBHOOK_SECRET": "jetpedidos:Vb7Kq2Lx9Zp4Rt6W",
    }
    result = start(**env)
    assert result.returncode == 0, result.stderr


def test_production_start_passes_the_deploy_check():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **good_secrets())
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_start_keeps_its_defaults():
    result = run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECRET_KEY, s.PAYMENT_WEBHOOK_SECRET)",
        ]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [DEV_SECRET_KEY, f"['{DEV_WEBHOOK_SECRET}']"]


def test_seed_demo_refuses_to_run_with_debug_off():
    result = run(["manage.py", "seed_demo"], **good_secrets())
    assert result.returncode != 0
    assert "seed_demo não roda com DEBUG desligado" in result.stderr
