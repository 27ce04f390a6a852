from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from orders.demo import DEMO_PASSWORD
from orders.models import Order
from orders.statuses import OrderStatus


def test_seed_demo_spreads_orders_over_every_status_and_is_idempotent(db, capsys):
    # when
    call_command("seed_demo")
    call_command("seed_demo")
    # then
    output = capsys.readouterr().out
    assert "já existem" in output
    counts = {s: Order.objects.filter(status=s).count() for s in OrderStatus}
    assert all(counts.values()), counts
    assert 30 <= Order.objects.count() <= 60
    now = timezone.now()
    for order in Order.objects.prefetch_related("status_changes"):
        assert all(c.created_at <= now for c in order.status_changes.all())
        active = [c.to_status for c in order.status_changes.all() if not c.revoked]
        assert active[0] == OrderStatus.NOVO
        assert active[-1] == order.status


def test_demo_users_can_sign_in_with_the_documented_password(db):
    call_command("seed_demo")
    lojista = authenticate(username="lojista", password=DEMO_PASSWORD)
    suporte = authenticate(username="suporte", password=DEMO_PASSWORD)
    assert lojista.has_perm("orders.process_order")
    assert not lojista.has_perm("orders.override_final_status")
    assert suporte.has_perm("orders.override_final_status")
    assert Order.objects.filter(customer__username="cliente").exists()


def test_demo_customer_signs_in_by_email_and_sees_their_orders(client, db):
    call_command("seed_demo")
    response = client.post(
        "/conta/login/", {"login": "cliente@exemplo.com.br", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/conta/pedidos/")
    numbers = Order.objects.filter(customer__username="cliente").values_list("number", flat=True)
    for number in numbers:
        assert number in page.content.decode()


def test_roles_can_see_flagged_payment_events_and_support_can_revoke_tokens(client, db):
    call_command("seed_demo")
    lojista = authenticate(username="lojista", password=DEMO_PASSWORD)
    suporte = authenticate(username="suporte", password=DEMO_PASSWORD)
    client.force_login(lojista)
    assert (
        client.get(
            reverse("admin:payments_paymentevent_changelist") + "?needs_attention__exact=1"
        ).status_code
        == 200
    )
    assert client.get(reverse("admin:integrations_apitoken_changelist")).status_code == 403
    client.force_login(suporte)
    assert client.get(reverse("admin:integrations_apitoken_changelist")).status_code == 200


def test_demo_orders_carry_valid_documents_ceps_and_ufs_one_an_alphanumeric_cnpj(db):
    from orders.documents import State, clean_document, clean_postal_code

    call_command("seed_demo")

    orders = list(Order.objects.all())
    for order in orders:
        assert clean_document(order.buyer_document) == order.buyer_document != ""
        assert clean_postal_code(order.shipping_postal_code) == order.shipping_postal_code != ""
        assert order.shipping_state in State.values
    assert any(len(o.buyer_document) == 14 and not o.buyer_document.isdigit() for o in orders)


def test_seed_demo_again_gives_older_demo_orders_their_documents(db):
    call_command("seed_demo")
    Order.objects.update(buyer_document="", shipping_postal_code="01001-000")

    call_command("seed_demo")

    assert not Order.objects.filter(buyer_document="").exists()
    assert not Order.objects.filter(shipping_postal_code="01001-000").exists()
