"""docker-compose.yml, gunicorn.conf.py, the Dockerfile and .env.example agree with the settings.

No Docker engine is needed: the files are read and compared with what settings.py reads.
"""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
# The services running our image; the others are PostgreSQL, Redis and Mailpit.
APP_SERVICES = {name for name, service in SERVICES.items() if "build" in service}
# Variables compose itself needs for the services it runs, which the app never reads.
INFRASTRUCTURE = {"POSTGRES_PASSWORD", "REDIS_PASSWORD"}
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|DSN|_KEY$")
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?P<rest>[^}]*)\}")


def variables_read_by(path: Path, pattern: str) -> set[str]:
    return set(re.findall(pattern, path.read_text()))


# env("X", ...), env.bool("X", ...), env.list(...), env.db(...), env.email_url(...), …
SETTINGS_VARIABLES = variables_read_by(
    ROOT / "jetorders" / "settings.py", r'\benv(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"'
)
GUNICORN_VARIABLES = variables_read_by(
    ROOT / "gunicorn.conf.py", r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]*)"'
)
APP_VARIABLES = SETTINGS_VARIABLES | GUNICORN_VARIABLES


def read_by_the_app(name: str) -> bool:
    # settings.py hands every ANYMAIL_* variable to anymail.
    return name in APP_VARIABLES or name.startswith("ANYMAIL_")


def interpolations() -> list[re.Match]:
    return list(INTERPOLATION.finditer(COMPOSE_TEXT))


def command(service: str) -> list[str]:
    value = SERVICES[service]["command"]
    return value.split() if isinstance(value, str) else value


def test_the_settings_regex_finds_the_settings():
    assert {"SECRET_KEY", "DATABASE_URL", "PAYMENT_WEBHOOK_SECRET", "ADMINS"} <= SETTINGS_VARIABLES
    assert "WEB_CONCURRENCY" in GUNICORN_VARIABLES


def test_the_stack_has_its_services():
    assert {"migrate", "web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(SERVICES)
    assert {"migrate", "web", "worker", "beat", "demo"} == APP_SERVICES


@pytest.mark.parametrize("service", ["migrate", "web", "worker", "beat", "demo"])
def test_every_app_environment_variable_is_a_setting(service):
    environment = SERVICES[service]["environment"]
    assert isinstance(environment, dict)
    unknown = {name for name in environment if not read_by_the_app(name)}
    assert not unknown, f"{service} sets variables settings.py never reads: {unknown}"


def test_every_variable_compose_uses_is_a_setting_or_infrastructure():
    unknown = {m["name"] for m in interpolations()} - APP_VARIABLES - INFRASTRUCTURE
    assert not unknown


def test_no_secret_has_a_default():
    for match in interpolations():
        if SECRET_NAME.search(match["name"]):
            assert match["rest"].startswith(":?"), f"{match[0]} must be required, not defaulted"
    for name in APP_SERVICES:
        for key, value in SERVICES[name]["environment"].items():
            if SECRET_NAME.search(key):
                assert "${" in str(value), f"{name}: {key} is written in the file"


@pytest.mark.parametrize("service", ["web", "worker", "beat", "migrate"])
def test_production_services_run_with_debug_off(service):
    assert SERVICES[service]["environment"]["DEBUG"] == "False"


def test_ports_are_published_on_localhost_only():
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port}"


def test_web_runs_gunicorn_with_its_config_on_the_published_port():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    [published] = SERVICES["web"]["ports"]
    container_port = published.rsplit(":", 1)[1]
    assert config["bind"] == f"0.0.0.0:{container_port}"
    assert command("web")[:3] == ["gunicorn", "-c", "gunicorn.conf.py"]
    assert command("web")[-1] == "jetorders.wsgi:application"
    assert config["accesslog"] == "-"
    assert config["workers"] >= 1


def test_gunicorn_workers_come_from_web_concurrency(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 5


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_services_use_the_jetorders_app(service):
    assert command(service)[:4] == ["celery", "-A", "jetorders", service]


def test_demo_data_is_never_loaded_on_start():
    for name in APP_SERVICES - {"demo"}:
        assert "seed_demo" not in " ".join(command(name))
    assert SERVICES["demo"]["profiles"] == ["demo"]
    assert SERVICES["demo"]["environment"]["DEBUG"] == "True"


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_app_services_wait_for_migrations(service):
    depends = SERVICES[service]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
    assert command("migrate") == ["python", "manage.py", "migrate", "--noinput"]


def test_images_are_pinned_and_services_checked():
    for name, service in SERVICES.items():
        if name in APP_SERVICES:
            continue
        image = service["image"]
        # An exact release: postgres:16.15-bookworm, redis:7.4.11, mailpit:v1.29.7.
        assert re.search(r":v?\d+\.\d+", image), f"{name}: pin an exact tag, not {image}"
        assert "healthcheck" in service, f"{name} has no health check"
    assert set(COMPOSE["volumes"]) == {"pgdata", "redisdata", "mailpitdata", "mediadata"}


def test_env_example_lists_every_variable():
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    used = {m["name"] for m in interpolations()}
    for name in APP_SERVICES:
        used |= set(SERVICES[name]["environment"])
    assert not used - listed, "compose uses variables .env.example does not list"
    assert not APP_VARIABLES - listed, "settings read variables .env.example does not list"


def test_env_example_leaves_every_secret_empty():
    example = (ROOT / ".env.example").read_text()
    for name, value in re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", example, flags=re.MULTILINE):
        if SECRET_NAME.search(name):
            assert value == "", f"{name} must be filled in by whoever deploys, not shipped"


def test_dockerfile_is_pinned_unprivileged_and_health_checked():
    dockerfile = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert len(bases) == 2
    assert all(re.fullmatch(r"python:3\.11\.\d+-slim-bookworm", base) for base in bases)
    assert re.search(r"^USER (?!root)\w+", dockerfile, flags=re.MULTILINE)
    assert "--require-hashes" in dockerfile
    assert "http://127.0.0.1:8000/healthz" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git", "db.sqlite3"} <= set(ignored)
