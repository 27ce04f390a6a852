"""The daily digest of late orders: through the outbox, once a day, only when something is late."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from notifications.models import EmailOutbox
from notifications.rendering import render_email
from orders.late_digest import TEMPLATE, recipients
from orders.models import Order
from orders.tasks import send_late_orders_digest
from tests.factories import OrderFactory, UserFactory, staff_user
from tests.orders.deadline_defaults import seed_default_deadlines

SP = ZoneInfo("America/Sao_Paulo")


@pytest.fixture(autouse=True)
def _default_deadlines(request) -> None:
    # Only for tests that use the database; the limits as the migration seeds them.
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        seed_default_deadlines()


def late_order(**kwargs) -> Order:
    order = OrderFactory(status="em_producao", **kwargs)
    Order.objects.filter(pk=order.pk).update(status_changed_at=datetime.now(SP) - timedelta(days=9))
    return order


def digests() -> list[EmailOutbox]:
    return list(EmailOutbox.objects.filter(template=TEMPLATE))


@pytest.mark.django_db
def test_run_twice_the_same_day_queues_one_digest(
    lojista, mailoutbox, django_capture_on_commit_callbacks
):
    # given a late order and one staff member who processes orders
    order = late_order(customer_name="Ana D'Ávila")

    # when beat runs the task twice the same day
    with django_capture_on_commit_callbacks(execute=True):
        send_late_orders_digest.delay()
    with django_capture_on_commit_callbacks(execute=True):
        send_late_orders_digest.delay()

    # then one row in the outbox, sent once, to the lojista, in Portuguese, with the order link
    rows = digests()
    assert len(rows) == 1
    assert rows[0].to_email == lojista.email
    assert rows[0].dedupe_key.startswith("late-orders-digest:")
    sent = [m for m in mailoutbox if m.to == [lojista.email]]
    assert len(sent) == 1
    assert sent[0].subject == f"1 pedido atrasado em {datetime.now(SP):%d/%m/%Y}"
    assert f"Pedido {order.number} (Ana D'Ávila): Em produção" in sent[0].body
    assert f"/admin/orders/order/{order.pk}/change/" in sent[0].body
    assert "prazo de 7 dias" in sent[0].body
    html = sent[0].alternatives[0][0]
    assert "Ver os atrasados no painel" in html
    assert "?atrasado=sim" in html


@pytest.mark.django_db
def test_nothing_late_queues_nothing(lojista):
    OrderFactory(status="em_producao")  # entered just now: 7 days to go
    send_late_orders_digest.delay()
    assert digests() == []


@pytest.mark.django_db
def test_a_new_day_gets_a_new_digest(lojista):
    from orders.late_digest import send_late_orders_digest as queue_digest

    late_order()
    today = datetime.now(SP)
    queue_digest(today)
    queue_digest(today + timedelta(days=1))
    assert len(digests()) == 2


@pytest.mark.django_db
def test_recipients_are_active_staff_who_process_orders(lojista, suporte, viewer, settings):
    inactive = staff_user(username="antiga", is_active=False)
    UserFactory(username="cliente")
    assert recipients() == sorted([lojista.email, suporte.email])
    assert inactive.email not in recipients()

    settings.LATE_DIGEST_RECIPIENTS = ["gerencia@loja.com.br"]
    assert recipients() == ["gerencia@loja.com.br"]


@pytest.mark.django_db
def test_the_digest_is_in_the_catalog_and_renders_in_the_sandbox(lojista):
    late_order()
    from orders.late_digest import preview_context

    rendered = render_email(TEMPLATE, preview_context())
    assert rendered.subject.endswith("atrasado em " + datetime.now(SP).strftime("%d/%m/%Y"))
    assert "passou do prazo" in rendered.text


def test_beat_sends_the_digest_daily_and_refreshes_the_painel(settings):
    from celery.schedules import crontab

    from jetorders.celery import app

    app.loader.import_default_modules()
    digest = settings.CELERY_BEAT_SCHEDULE["late-orders-digest"]
    assert digest["task"] in app.tasks
    assert digest["schedule"] == crontab(hour=settings.LATE_DIGEST_HOUR, minute=0)
    refresh = settings.CELERY_BEAT_SCHEDULE["refresh-dashboard"]
    assert refresh["task"] in app.tasks
    assert refresh["schedule"] == settings.DASHBOARD_REFRESH_SECONDS
