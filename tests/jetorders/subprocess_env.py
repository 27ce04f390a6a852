"""Run Python in a child process with a clean environment, as a store's server would start."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# Everything the start guard or the service settings read: none may leak in from the shell.
DROPPED_PREFIXES = ("DATABASE_", "CELERY_", "ANYMAIL_", "MERCADOPAGO_", "SENTRY_")
DROPPED = ("DEBUG", "SECRET_KEY", "PAYMENT_WEBHOOK_SECRET", "EMAIL_BACKEND", "EMAIL_URL")


def good_secrets() -> dict[str, str]:
    """A production-like environment whose secrets pass the start guard."""
    return {
        "DEBUG": "False",
        # Hex: no letters beyond a-f, so never a placeholder word by chance.
        "SECRET_KEY": secrets.token_hex(40),
        "PAYMENT_WEBHOOK_SECRET": secrets.token_hex(20),
        "ALLOWED_HOSTS": "loja.exemplo.com.br",
    }


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(DROPPED_PREFIXES) and name not in DROPPED
    }
    # The browser tests allow async-unsafe ORM calls for the whole process; not here.
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    clean["DJANGO_SETTINGS_MODULE"] = "jetorders.settings"
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def start(**env: str) -> subprocess.CompletedProcess:
    """What manage.py, gunicorn and celery all do first: load the settings."""
    return run(["-c", "import django; django.setup()"], **env)
