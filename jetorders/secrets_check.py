"""The start guard: with DEBUG off, refuse secrets that are missing, short or placeholders.

Pure functions, so settings.py can call them at import time (manage.py, gunicorn and celery all
refuse to start) and tests can call them directly.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured

# The development defaults settings.py falls back to when DEBUG is on.
DEV_SECRET_KEY = "django-insecure-dev-only-jet-pedidos-change-me"
DEV_WEBHOOK_SECRET = "dev-only-webhook-secret"

# Django's own deploy check (security.W009) asks for the same length and variety.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5
WEBHOOK_SECRET_MIN_LENGTH = 16
# Words only a template, an example or a developer's machine would put in a secret, matched in
# lower, Title or UPPER case. A token_urlsafe(64) secret holds one by chance about once in
# 60,000 (then the message says how to make another); token_hex never does (letters a-f only).
PLACEHOLDER_WORDS = (
    "change-me",
    "change:me",
    "change_me",
    "changeme",
    "insecure",
    "dev-only",
    "secret",
    "test",
    "example",
    "exemplo",
    "placeholder",
    "password",
    "senha",
)

GENERATE = "python3 -c 'import secrets; print(secrets.token_hex(32))'"
ADVICE = {
    "SECRET_KEY": f"set it to a long random value, e.g. the output of {GENERATE}",
    "PAYMENT_WEBHOOK_SECRET": "set it to the secret the payment gateway signs with "
    f"(a long random value, e.g. from {GENERATE}; comma-separated while rotating)",
    "MERCADOPAGO_WEBHOOK_SECRET": 'set it to the webhook\'s "assinatura secreta" from the '
    "Mercado Pago panel, or unset MERCADOPAGO_ACCESS_TOKEN if Mercado Pago is not used",
    "ANYMAIL_WEBHOOK_SECRET": 'set it to "user:password" with a long random password and '
    "give the same to the e-mail provider's tracking webhook",
}


def placeholder_problem(value: str) -> str | None:
    if value in (DEV_SECRET_KEY, DEV_WEBHOOK_SECRET):
        return "is the repository's development default"
    if value.lower().startswith("django-insecure"):
        return 'starts with "django-insecure"'
    for word in PLACEHOLDER_WORDS:
        if any(form in value for form in (word, word.title(), word.upper())):
            return f'looks like a placeholder (contains "{word}")'
    return None


def secret_key_problem(value: str) -> str | None:
    if not value:
        return "is missing"
    if problem := placeholder_problem(value):
        return problem
    if len(value) < SECRET_KEY_MIN_LENGTH:
        return f"is too short ({len(value)} characters, at least {SECRET_KEY_MIN_LENGTH})"
    if len(set(value)) < SECRET_KEY_MIN_UNIQUE:
        return f"has fewer than {SECRET_KEY_MIN_UNIQUE} different characters"
    return None


def webhook_secret_problem(value: str) -> str | None:
    if not value.strip():
        return "is missing"
    if problem := placeholder_problem(value):
        return problem
    if len(value) < WEBHOOK_SECRET_MIN_LENGTH:
        return f"is too short ({len(value)} characters, at least {WEBHOOK_SECRET_MIN_LENGTH})"
    return None


def webhook_secrets_problem(values: Iterable[str]) -> str | None:
    """The first problem in a comma-separated list of secrets (one per rotation step)."""
    values = list(values)
    if not values:
        return "is missing"
    for position, value in enumerate(values, start=1):
        problem = webhook_secret_problem(value)
        if problem:
            return problem if len(values) == 1 else f"(value {position} of {len(values)}) {problem}"
    return None


def uses_anymail(email_backend: str) -> bool:
    """An ESP behind anymail posts delivery events to /webhooks/email/, which needs a secret."""
    return email_backend.startswith("anymail.") and email_backend != "anymail.backends.test"


def production_problems(
    *,
    secret_key: str,
    payment_webhook_secrets: Iterable[str],
    mercadopago_webhook_secrets: Iterable[str],
    mercadopago_access_token: str,
    anymail_webhook_secret: str,
    email_backend: str,
) -> list[str]:
    """One sentence per unsafe secret, naming the variable and what to do about it."""
    mercadopago_webhook_secrets = list(mercadopago_webhook_secrets)
    checks = {
        "SECRET_KEY": secret_key_problem(secret_key),
        "PAYMENT_WEBHOOK_SECRET": webhook_secrets_problem(payment_webhook_secrets),
    }
    if mercadopago_access_token or mercadopago_webhook_secrets:
        checks["MERCADOPAGO_WEBHOOK_SECRET"] = webhook_secrets_problem(mercadopago_webhook_secrets)
    if anymail_webhook_secret or uses_anymail(email_backend):
        checks["ANYMAIL_WEBHOOK_SECRET"] = webhook_secret_problem(anymail_webhook_secret)
    return [f"{name} {problem}: {ADVICE[name]}." for name, problem in checks.items() if problem]


def refuse_unsafe_secrets(**secrets) -> None:
    """Raise ImproperlyConfigured listing every unsafe secret; call it only with DEBUG off."""
    problems = production_problems(**secrets)
    if problems:
        raise ImproperlyConfigured(
            "DEBUG is off, so JET Pedidos refuses to start with unsafe secrets:\n- "
            + "\n- ".join(problems)
        )
