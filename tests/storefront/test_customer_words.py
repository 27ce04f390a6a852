"""Customers read "Em trânsito" where staff read the seed's "Tracking" (an English word)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from orders.links import order_status_path
from orders.statuses import OrderStatus
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_a_customer_never_reads_tracking(client, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = OrderFactory(status=OrderStatus.TRACKING)

    page = client.get(order_status_path(order)).content.decode()
    email = next(m for m in mail.outbox if "a caminho" in m.subject)

    assert "Em trânsito" in page
    assert "Tracking" not in page
    html = email.alternatives[0][0]
    assert "Em trânsito" in html
    assert "Tracking" not in html + email.body + email.subject


def test_staff_keep_the_seeds_name(admin_client):
    order = OrderFactory(status=OrderStatus.TRACKING)

    page = admin_client.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert "Tracking" in page.content.decode()
