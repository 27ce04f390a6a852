"""The production stack of docs/deploy.md, for real and over HTTP only: gunicorn with two
workers, two Celery workers and beat, on a fresh PostgreSQL database, Redis (broker and the
shared cache) and an SMTP catcher; DEBUG off with production secrets (docs/reliability.md, R28).

One stack for the module (it takes a few seconds to start); the worker-loss test runs last, as
it leaves one worker standing. Locally it is skipped without PostgreSQL or Redis; with CI=true
their absence fails it (tests/conftest.py::need_service).
"""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
import pytest
import requests

from orders.services import ORDER_NUMBER_OFFSET
from payments.signing import sign
from tests.factories import make_nfe_key
from tests.reliability.conftest import wait_for
from tests.reliability.smtp_catcher import SmtpCatcher
from tests.reliability.stack import (
    BROKER,
    CACHE,
    Stack,
    clean_broker,
    forget_rate_limits,
    free_port,
    fresh_database,
    need_redis,
    production_env,
)

pytestmark = pytest.mark.postgres

API_LIMIT = 20
# A lost send is taken over within seconds: short lease and time limit, a sweep every second.
# Sweep batches stay small so that, with the catcher's slow answers, a sweep always ends well
# inside the 4 s soft limit: a send cut short there would be a duplicate the kill did not cause.
FAST_RECOVERY = {
    "CELERY_TASK_TIME_LIMIT": "5",
    "NOTIFICATIONS_LEASE_SECONDS": "6",
    "NOTIFICATIONS_SWEEP_SECONDS": "1",
    "NOTIFICATIONS_BATCH_SIZE": "2",
}
ITEMS = [{"description": "Camiseta básica", "quantity": 2, "unit_price": "59.90"}]
TOTAL = "119.80"
TRACKING = "AA123456785BR"
CREATE_STAFF = (
    "import os; from django.contrib.auth import get_user_model; "
    "from django.contrib.auth.models import Group; "
    "user = get_user_model().objects.create_user("
    "'lucia', 'lucia@loja.com.br', os.environ['STAFF_PASSWORD'], is_staff=True); "
    "user.groups.add(Group.objects.get(name='Lojista'))"
)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Running:
    stack: Stack
    url: str
    database_url: str
    catcher: SmtpCatcher
    tokens: dict[str, str]
    staff_password: str

    def api(self, token: str, method: str, path: str, body: dict | None = None):
        headers = {"Authorization": f"Bearer {self.tokens[token]}"}
        return requests.request(
            method, f"{self.url}/api/v1{path}", json=body, headers=headers, timeout=15
        )

    def outbox(self, emails: list[str]) -> list[tuple[str, str, int]]:
        """(recipient, status, attempts) of each outbox row, straight from PostgreSQL."""
        with psycopg.connect(self.database_url) as connection:
            return connection.execute(
                "SELECT to_email, status, attempts FROM notifications_emailoutbox "
                "WHERE to_email = ANY(%s)",
                [emails],
            ).fetchall()


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Running]:
    need_redis()
    run_id = uuid.uuid4().hex[:10]
    with fresh_database(f"jet_stack_{run_id}") as database_url:
        catcher = SmtpCatcher()
        stack = None
        try:
            smtp_port, web_port = catcher.start(), free_port()
            url = f"http://127.0.0.1:{web_port}"
            settings = {
                "DATABASE_URL": database_url,
                "CELERY_BROKER_URL": BROKER,
                # A queue of our own: nothing another run left in the broker reaches us.
                "CELERY_TASK_DEFAULT_QUEUE": f"jet-stack-{run_id}",
                "CACHE_URL": CACHE,
                "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
                "SITE_URL": url,
                "LOG_FORMAT": "json",
                "INTEGRATION_API_RATE_LIMIT": f"{API_LIMIT}/m",
                **FAST_RECOVERY,
            }
            stack = Stack(tmp_path_factory.mktemp("stack"), production_env(**settings))
            forget_rate_limits()
            stack.manage("migrate", "--noinput")
            stack.start_deployment(web_port, run_id)
            # While the processes start: what a store sets up once.
            tokens = {
                name: stack.manage("create_api_token", name).strip()
                for name in ("erp", "erp-lote", "erp-limite")
            }
            password = secrets.token_urlsafe(16)
            stack.manage("shell", "-c", CREATE_STAFF, STAFF_PASSWORD=password)
            stack.wait_until_up(url)
            yield Running(stack, url, database_url, catcher, tokens, password)
        finally:
            if stack is not None:
                stack.stop_all()
            catcher.stop()
            clean_broker(run_id)
            forget_rate_limits()


def create_order(stack: Running, token: str, email: str) -> str:
    body = {"customer_name": "Ana Souza", "customer_email": email, "items": ITEMS, "total": TOTAL}
    response = stack.api(token, "POST", "/orders", body)
    assert response.status_code == 201, response.text
    return response.json()["number"]


def approve(stack: Running, number: str) -> requests.Response:
    """The gateway's signed payment.approved notification (design §5)."""
    now = int(time.time())
    event = {"id": f"evt-{number}", "type": "payment.approved", "order": number, "created": now}
    body = json.dumps(event).encode()
    secret = stack.stack.env["PAYMENT_WEBHOOK_SECRET"]
    return requests.post(
        f"{stack.url}/webhooks/pagamentos/",
        data=body,
        headers={"Content-Type": "application/json", "X-Jet-Signature": sign(secret, body, now)},
        timeout=15,
    )


def staff_session(stack: Running) -> requests.Session:
    session = requests.Session()
    login = f"{stack.url}/admin/login/"
    page = session.get(login, timeout=15)
    form = {"username": "lucia", "password": stack.staff_password, "next": "/admin/"}
    form["csrfmiddlewaretoken"] = CSRF.search(page.text).group(1)
    response = session.post(login, data=form, allow_redirects=False, timeout=15)
    assert response.status_code == 302, response.text[-2000:]
    return session


def dispatch_in_admin(stack: Running, number: str) -> None:
    """Staff's "Processar pedido" → Despachado, with a valid NF-e key and tracking code."""
    session = staff_session(stack)
    url = f"{stack.url}/admin/orders/order/{int(number) - ORDER_NUMBER_OFFSET}/processar/"
    page = session.get(url, timeout=15)
    assert page.status_code == 200, page.text[-2000:]
    form = {
        "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
        "expected_status": "aprovado",
        "to_status": "despachado",
        "despachado-invoice_number": "4321",
        "despachado-nfe_key": make_nfe_key(4321),
        "despachado-carrier": "Correios",
        "despachado-shipping_method": "SEDEX",
        "despachado-tracking_code": TRACKING,
        "despachado-nfe_content": "2 camisetas de algodão",
        "message": "Seu pedido saiu hoje.",
        "note": "",
    }
    response = session.post(url, data=form, allow_redirects=False, timeout=15)
    assert response.status_code == 302, response.text[-3000:]


def json_lines(log: str) -> list[dict]:
    return [json.loads(line) for line in log.splitlines() if line.startswith("{")]


def test_readyz_answers_200_with_every_part_up(stack):
    response = requests.get(f"{stack.url}/readyz", timeout=15)

    assert response.status_code == 200, response.text
    checks = {"database": "ok", "broker": "ok", "outbox": "ok"}
    assert response.json() == {"status": "ok", "checks": checks}


def test_an_order_goes_from_novo_to_concluido_over_http_with_one_email_per_change(stack):
    email = "ana.souza@exemplo.com.br"

    # given: an order an ERP created through the API
    number = create_order(stack, "erp", email)

    # when: the gateway approves it, staff dispatch it in the admin, the ERP concludes it
    approved = approve(stack, number)
    assert (approved.status_code, approved.json()["outcome"]) == (200, "applied"), approved.text
    dispatch_in_admin(stack, number)
    concluded = stack.api("erp", "POST", f"/orders/{number}/status", {"status": "concluido"})
    assert concluded.status_code == 200, concluded.text

    # then: CONCLUÍDO, one history row per status, one e-mail per change and no more
    order = stack.api("erp", "GET", f"/orders/{number}").json()
    assert order["status"] == "concluido"
    statuses = [change["to_status"] for change in order["history"]]
    assert statuses == ["novo", "aprovado", "despachado", "concluido"]
    wait_for(
        lambda: [row[1] for row in stack.outbox([email])] == ["sent"] * 4,
        30,
        f"four e-mails sent:\n{stack.stack.logs()}",
    )
    assert sorted(stack.catcher.messages(email)) == sorted(
        [
            (email, f"Recebemos seu pedido nº {number}"),
            (email, f"Pedido nº {number}: pagamento aprovado"),
            (email, f"Pedido nº {number} despachado — rastreio {TRACKING}"),
            (email, f"Pedido nº {number} entregue"),
        ]
    )
    # A SENT row is never sent again, and each went out on its first attempt.
    assert [attempts for _to, _status, attempts in stack.outbox([email])] == [1] * 4

    # and: the web processes logged each change as one JSON line with its fields
    changes = [
        entry
        for entry in json_lines(stack.stack.log("web"))
        if entry.get("event") == "status_change" and entry.get("order") == number
    ]
    assert sorted((entry["to_status"], entry["actor"]) for entry in changes) == [
        ("aprovado", "gateway"),
        ("concluido", "integration"),
        ("despachado", "staff"),
    ]


def test_the_api_rate_limit_holds_across_both_web_processes(stack):
    # The limit counts in fixed one-minute windows: start well inside one.
    left = 60 - time.time() % 60
    if left < 10:
        time.sleep(left + 0.5)

    # when: one token makes 25 calls, several at a time, so both processes serve them
    number = create_order(stack, "erp-limite", "limite@exemplo.com.br")
    with ThreadPoolExecutor(max_workers=6) as pool:
        calls = pool.map(
            lambda _: stack.api("erp-limite", "GET", f"/orders/{number}").status_code, range(24)
        )
        codes = [201, *calls]

    # then: the 20 allowed in total went through, the rest got 429, because the count is in Redis
    assert Counter(codes) == {201: 1, 200: API_LIMIT - 1, 429: 25 - API_LIMIT}

    def served_by() -> list[str]:
        return re.findall(rf'pid=<(\d+)> "GET /api/v1/orders/{number} ', stack.stack.log("web"))

    # gunicorn writes an access-log line once its response is out.
    wait_for(lambda: len(served_by()) == 24, 10, "every call in the access log")
    assert len(set(served_by())) == 2, "one web process served every call"


def test_a_celery_worker_killed_mid_send_loses_no_email(stack):
    emails = [f"lote{i}@exemplo.com.br" for i in range(15)]

    def caught() -> list[tuple[str, str]]:
        return [message for message in stack.catcher.messages() if message[0] in emails]

    # Each hand-over takes 0.2 s, so a worker is nearly always in the middle of one.
    stack.catcher.delay = 0.2
    try:
        # given: 15 orders created and approved at once, 30 e-mails for the two workers
        numbers = [create_order(stack, "erp-lote", email) for email in emails]
        for number in numbers:
            assert approve(stack, number).status_code == 200
        expected = {
            (email, subject)
            for email, number in zip(emails, numbers, strict=True)
            for subject in (
                f"Recebemos seu pedido nº {number}",
                f"Pedido nº {number}: pagamento aprovado",
            )
        }

        # when: one worker dies like kill -9 (its pool child too) while the rest is sent
        wait_for(lambda: len(caught()) >= 8, 30, "the first e-mails")
        before_kill = len(caught())
        stack.stack.kill("worker-a")

        # then: the other worker and the sweeper send the rest
        wait_for(
            lambda: {row[1] for row in stack.outbox(emails)} == {"sent"},
            45,
            f"every e-mail sent:\n{stack.stack.logs()}",
        )
    finally:
        stack.catcher.delay = 0.0
    assert before_kill < len(expected), "the worker died after everything was sent"
    assert len(stack.outbox(emails)) == len(expected)
    assert set(caught()) == expected, "an e-mail was lost"
    # At-least-once (docs/reliability.md): only the send in flight when its worker died may go
    # out twice, after its lease ran out, so it shows as a second attempt.
    duplicates = Counter(caught()) - Counter(expected)
    assert sum(duplicates.values()) <= 1, duplicates
    retried = {to for to, _status, attempts in stack.outbox(emails) if attempts > 1}
    assert {to for to, _subject in duplicates} <= retried
