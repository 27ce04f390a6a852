"""DNS rebinding: a webhook goes to the address that was checked, never to a second answer
(docs/integrations.md, "Where we send"; docs/reliability.md).

The name server is the one thing outside our system here, so the tests play it: a resolver
whose answers change from one call to the next, as a rebinding attacker's would.
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
from collections.abc import Callable

import pytest
import urllib3.util.connection

from integrations.outbound import pinning
from integrations.outbound.delivery import Outcome, deliver
from integrations.outbound.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.factories import OrderFactory
from tests.integrations.fake_servers import Received, serve

NAME = "ganchos.loja.example"
PUBLIC = "93.184.216.34"


def ok(request: Received) -> tuple[int, str, bytes]:
    return 200, "application/json", b"{}"


class Resolver:
    """Answers `NAME` with the next of `answers` (the last one repeats); asks the real
    resolver about everything else (IP literals, which it answers without the network)."""

    def __init__(self, answers: list[list[str]]) -> None:
        self.answers, self.asked = answers, 0
        self.real: Callable = socket.getaddrinfo

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        if host != NAME:
            return self.real(host, port, family, type, proto, flags)
        addresses = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, int(port or 0)),
            )
            for address in addresses
        ]


@pytest.fixture
def resolver(monkeypatch) -> Callable[[list[list[str]]], Resolver]:
    def install(answers: list[list[str]]) -> Resolver:
        fake = Resolver(answers)
        monkeypatch.setattr(socket, "getaddrinfo", fake)
        return fake

    return install


def one_delivery(url: str) -> WebhookDelivery:
    # Saved without the admin's check: the tests decide when the name is looked up.
    WebhookEndpoint.objects.create(url=url, events=["order.status_changed"])
    OrderFactory()
    return WebhookDelivery.objects.get()


@pytest.fixture(autouse=True)
def _no_worker_on_commit(settings):
    # The delivery is sent by the test itself, once, after the resolver is in place.
    settings.DEBUG = True
    settings.OUTBOUND_WEBHOOKS_TIMEOUT = (2, 2)


@pytest.mark.django_db
def test_the_connection_goes_to_the_checked_address_not_to_a_later_answer(resolver, settings):
    # given: two receivers on the same port; the name first answers the first one, then the
    # second (a rebinding name server changing its answer between the check and the connect)
    settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = True
    with serve(ok, host="127.0.0.1") as checked:
        port = int(checked.url.rsplit(":", 1)[1])
        with serve(ok, host="127.0.0.2", port=port) as rebound:
            delivery = one_delivery(f"http://{NAME}:{port}/hooks/jet")
            fake = resolver([["127.0.0.1"], ["127.0.0.2"]])

            # when
            result = deliver(delivery.pk)

    # then: the name was resolved once, and the request reached the address checked,
    # addressed to the name
    assert result.outcome == Outcome.SENT
    assert fake.asked == 1
    assert rebound.received == []
    assert len(checked.received) == 1
    assert checked.received[0].headers["host"] == f"{NAME}:{port}"
    assert json.loads(checked.received[0].body)["type"] == "order.status_changed"


@pytest.mark.django_db
def test_a_name_public_at_check_time_and_private_at_connect_time_never_reaches_us(
    resolver, settings, monkeypatch
):
    # given: production rules; the name answers a public address first and our own receiver
    # on 127.0.0.1 afterwards
    settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = False
    connected_to: list[tuple[str, int]] = []

    def no_internet(address, *args, **kwargs):
        # The test must not reach the Internet: record where we connect, and say "refused"
        # as a public host that is down would.
        connected_to.append(address)
        raise ConnectionRefusedError(111, "Connection refused")

    with serve(ok) as ours:
        port = int(ours.url.rsplit(":", 1)[1])
        delivery = one_delivery(f"http://{NAME}:{port}/hooks/jet")
        fake = resolver([[PUBLIC], ["127.0.0.1"]])
        monkeypatch.setattr(urllib3.util.connection, "create_connection", no_internet)

        # when
        result = deliver(delivery.pk)

    # then: one look-up, one connection attempt, to the public address that was checked
    assert fake.asked == 1
    assert connected_to == [(PUBLIC, port)]
    assert ours.received == []
    assert result.outcome == Outcome.RETRY
    # and the retry checks the name again: now private, so it ends Falhou without a request
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    assert deliver(delivery.pk).outcome == Outcome.DEAD
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert "127.0.0.1 não é público" in delivery.last_error
    assert connected_to == [(PUBLIC, port)]
    assert ours.received == []


@pytest.mark.django_db
def test_a_name_with_one_private_answer_among_public_ones_is_refused(resolver, settings):
    settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = False
    with serve(ok) as ours:
        port = int(ours.url.rsplit(":", 1)[1])
        delivery = one_delivery(f"http://{NAME}:{port}/hooks/jet")
        resolver([[PUBLIC, "127.0.0.1"]])

        assert deliver(delivery.pk).outcome == Outcome.DEAD

    assert ours.received == []


@pytest.fixture
def certificate(tmp_path) -> str:
    """A self-signed certificate for NAME (and only NAME), made by openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={NAME}", "-addext", f"subjectAltName=DNS:{NAME}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(cert)


@pytest.mark.django_db
def test_https_keeps_the_name_for_sni_and_the_certificate_while_pinned(
    resolver, settings, monkeypatch, certificate
):
    # given: a real TLS receiver on 127.0.0.1 with a certificate for the name only
    settings.DEBUG = False
    settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = True
    monkeypatch.setattr(pinning, "VERIFY", certificate)
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, certificate.replace("cert.pem", "key.pem"))
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)

    with serve(ok, tls=context) as receiver:
        port = int(receiver.url.rsplit(":", 1)[1])
        delivery = one_delivery(f"https://{NAME}:{port}/hooks/jet")
        fake = resolver([["127.0.0.1"], ["127.0.0.2"]])

        # when
        result = deliver(delivery.pk)

    # then: connected to the checked address, TLS spoke the name and its certificate verified
    assert result.outcome == Outcome.SENT, WebhookDelivery.objects.get().last_error
    assert fake.asked == 1
    assert server_names == [NAME]
    assert receiver.received[0].headers["host"] == f"{NAME}:{port}"


@pytest.mark.django_db
def test_https_to_an_address_whose_certificate_is_for_another_name_is_not_sent(
    resolver, settings, monkeypatch, certificate
):
    settings.DEBUG = False
    settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = True
    monkeypatch.setattr(pinning, "VERIFY", certificate)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, certificate.replace("cert.pem", "key.pem"))

    with serve(ok, tls=context) as receiver:
        port = int(receiver.url.rsplit(":", 1)[1])
        # The URL names 127.0.0.1 itself; the certificate is for NAME.
        delivery = one_delivery(f"https://127.0.0.1:{port}/hooks/jet")
        resolver([["127.0.0.1"]])

        result = deliver(delivery.pk)

    assert result.outcome == Outcome.RETRY
    assert receiver.received == []
    assert "SSLError" in WebhookDelivery.objects.get().last_error


@pytest.mark.django_db
@pytest.mark.parametrize("private", ["10.0.0.5", "127.0.0.1", "169.254.169.254", "::1"])
def test_in_production_a_name_resolving_to_a_private_address_is_never_called(
    resolver, settings, monkeypatch, private
):
    # given: production settings, an https endpoint whose name now resolves privately
    settings.DEBUG = False
    settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = False
    connected_to: list = []
    monkeypatch.setattr(
        urllib3.util.connection, "create_connection", lambda *a, **k: connected_to.append(a)
    )
    delivery = one_delivery(f"https://{NAME}/hooks/jet")
    resolver([[private]])

    # when
    result = deliver(delivery.pk)

    # then: it ends Falhou with the reason, without a connection
    assert result.outcome == Outcome.DEAD
    delivery.refresh_from_db()
    assert f"O endereço {private} não é público" in delivery.last_error
    assert connected_to == []


@pytest.mark.django_db
def test_the_admin_refuses_a_private_endpoint_in_production_with_a_clear_message(
    resolver, settings, client
):
    from tests.factories import support_user

    settings.DEBUG = False
    settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = False
    resolver([["192.168.0.10"]])
    client.force_login(support_user())

    form = {"url": f"https://{NAME}/hooks/jet", "description": "ERP", "is_active": "on"}
    form["events"] = ["order.status_changed"]
    response = client.post("/admin/integrations/webhookendpoint/add/", form)

    assert response.status_code == 200
    assert "O endereço 192.168.0.10 não é público" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("netloc", "host"),
    [
        ("ganchos.loja.example", "ganchos.loja.example"),
        ("ganchos.loja.example:8443", "ganchos.loja.example:8443"),
        ("[2001:db8::1]:8443", "[2001:db8::1]:8443"),
        ("lojão.com.br", "xn--lojo-ioa.com.br"),
        ("lojão.com.br:8443", "xn--lojo-ioa.com.br:8443"),
    ],
)
def test_the_host_header_names_the_url_host_in_ascii(netloc, host):
    from integrations.outbound.destinations import _host_header

    assert _host_header(netloc) == host
