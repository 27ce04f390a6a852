"""Settings come from the environment, with embedded defaults, and pass Django's deploy check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "x7#kP2!vQ9$zL4@mN8&rT1^wY6*bH3%jD5(cF0)gS-eA+uI=oK",
    "ALLOWED_HOSTS": "loja.exemplo.com.br",
    "PAYMENT_WEBHOOK_SECRET": "segredo-de-producao",
}
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'email': s.EMAIL_BACKEND, 'email_host': getattr(s, 'EMAIL_HOST', ''), "
    "'cache': s.CACHES['default']['BACKEND'], "
    "'language': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE}))"
)


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_"))}
    # Variables other tests set for the whole process (the browser tests allow async-unsafe
    # ORM calls) must not leak into the production check.
    for name in ("EMAIL_BACKEND", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        clean.pop(name, None)
    clean["DJANGO_SETTINGS_MODULE"] = "jetorders.settings"
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def loaded_settings(**env: str) -> dict:
    result = run(["-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_defaults_need_no_services():
    loaded = loaded_settings()
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["eager"] is True
    assert loaded["email"] == "django.core.mail.backends.console.EmailBackend"
    assert loaded["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert (loaded["language"], loaded["tz"]) == ("pt-br", "America/Sao_Paulo")


def test_services_come_from_the_environment():
    loaded = loaded_settings(
        DATABASE_URL="postgres://jet:senha@db.interno:5432/loja",
        CELERY_BROKER_URL="redis://redis.interno:6379/0",
        EMAIL_URL="smtp://mailpit:1025",
        CACHE_URL="redis://redis.interno:6379/1",
    )
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["name"] == "loja"
    assert loaded["eager"] is False
    assert loaded["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["email_host"] == "mailpit"
    assert loaded["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_production_settings_pass_the_deploy_check():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
