from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection

from integrations.tokens import issue_token
from jetorders.ci import in_ci
from orders.actors import Actor
from tests.factories import OrderFactory, UserFactory, staff_user, support_user

IN_CI = in_ci()


def need_service(reason: str) -> None:
    """Skip locally when a real service is missing; in CI that is a failure, never a skip."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # PBKDF2 costs ~0.3 s a user; tests create many users and never test hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Ordinary tests run tasks in-process after commit, even when CI sets a real broker.

    The fault-injection suite (tests/reliability) opts out and uses the real broker
    (docs/reliability.md, R29).
    """
    from jetorders.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def postgres(db) -> None:
    """Marks a test that needs real PostgreSQL (row locks, partial unique indexes)."""
    if connection.vendor != "postgresql":
        need_service("this test needs PostgreSQL: set DATABASE_URL=postgres://…")


@pytest.fixture
def fresh_rate_limits() -> None:
    """Rate limits count requests in the cache; a test that meets one starts from zero."""
    cache.clear()


@pytest.fixture
def api_token(db) -> str:
    """The raw token of an integration called "ERP Bling", as the ERP would send it."""
    return issue_token("ERP Bling")[1]


@pytest.fixture
def order_factory(db):
    return OrderFactory


@pytest.fixture
def lojista(db):
    return staff_user(username="lojista", first_name="Lúcia", last_name="Lojista")


@pytest.fixture
def suporte(db):
    return support_user(username="suporte", first_name="Sérgio", last_name="Suporte")


@pytest.fixture
def viewer(db):
    """Staff who may only look at orders."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="visitante", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_order"))
    return user


@pytest.fixture
def lojista_actor(lojista) -> Actor:
    return Actor.person(lojista)


@pytest.fixture
def suporte_actor(suporte) -> Actor:
    return Actor.person(suporte)


@pytest.fixture(autouse=True)
def _no_webhook_endpoints_cached():
    """Each test starts knowing of no outbound-webhook endpoint; saving one makes the process
    read them again (integrations/outbound/endpoints.py)."""
    from integrations.outbound.endpoints import assume_none

    assume_none()
    yield
    assume_none()
