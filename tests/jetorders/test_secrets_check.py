"""The start guard's rules, one secret at a time."""

from __future__ import annotations

import random
import string

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from jetorders.secrets_check import (
    PLACEHOLDER_WORDS,
    production_problems,
    refuse_unsafe_secrets,
    secret_key_problem,
    webhook_secret_problem,
)

STRONG_KEY = "x7#kP2!vQ9$zL4@mN8&rT1^wY6*bH3%jD5(cF0)gS-eA+uI=oK"


def production(**overrides: object) -> dict:
    return {
        "secret_key": STRONG_KEY,
        "payment_webhook_secrets": ["segredo-de-producao"],
        "mercadopago_webhook_secrets": [],
        "mercadopago_access_token": "",
        "anymail_webhook_secret": "",
        "email_backend": "django.core.mail.backends.smtp.EmailBackend",
        **overrides,
    }


def test_the_production_values_of_the_settings_test_are_accepted():
    assert production_problems(**production()) == []


def test_generated_secrets_are_accepted():
    # Seeded, so the rare random key holding a word like "Test" cannot make this flaky.
    generator = random.Random(11)
    alphabet = string.ascii_letters + string.digits + "-_"
    for _ in range(500):
        key = "".join(generator.choices(alphabet, k=86))
        assert secret_key_problem(key) is None
        assert webhook_secret_problem(key[:43]) is None
    assert secret_key_problem(get_random_secret_key()) is None


@pytest.mark.parametrize("word", PLACEHOLDER_WORDS)
def test_a_placeholder_word_is_refused_in_lower_title_or_upper_case(word):
    padding = "Q9zL4mN8rT1wY6bH3jD5cF0gSeAuIoK" * 2
    assert "placeholder" in secret_key_problem(padding + word.upper())
    assert "placeholder" in secret_key_problem(word.title() + padding)
    assert "placeholder" in webhook_secret_problem(padding + word)


def test_every_rotated_webhook_secret_must_be_good():
    problems = production_problems(
        **production(payment_webhook_secrets=["segredo-de-producao", "dev-only-webhook-secret"])
    )
    assert problems == [
        "PAYMENT_WEBHOOK_SECRET (value 2 of 2) is the repository's development default: "
        + problems[0].split(": ", 1)[1]
    ]


def test_mercadopago_secret_is_checked_only_when_mercadopago_is_enabled():
    assert production_problems(**production()) == []
    [problem] = production_problems(**production(mercadopago_webhook_secrets=["abc"]))
    assert problem.startswith("MERCADOPAGO_WEBHOOK_SECRET is too short")


def test_the_anymail_test_backend_needs_no_webhook_secret():
    assert production_problems(**production(email_backend="anymail.backends.test")) == []


def test_refusal_lists_every_problem_in_one_message():
    with pytest.raises(ImproperlyConfigured) as refused:
        refuse_unsafe_secrets(**production(secret_key="", payment_webhook_secrets=[]))
    message = str(refused.value)
    assert "DEBUG is off" in message
    assert "SECRET_KEY is missing" in message
    assert "PAYMENT_WEBHOOK_SECRET is missing" in message
