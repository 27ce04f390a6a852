"""The README's API walk-through, run as written with bash and curl against a live server:
it creates an order, moves that same order to DESPACHADO with the dispatch fields, and lists it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from orders.models import Order
from orders.statuses import OrderStatus
from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
README_ORIGIN = "http://127.0.0.1:8000"

pytestmark = pytest.mark.django_db(transaction=True)


def walkthrough() -> str:
    """The README's shell block that speaks to the API (the one creating a token)."""
    blocks = re.findall(r"^```sh\n(.*?)^```", (ROOT / "README.md").read_text(), re.S | re.M)
    [block] = [b for b in blocks if "create_api_token" in b and "/orders" in b]
    return block


def database_url() -> str:
    """The test database, so the README's `manage.py create_api_token` writes where the live
    server reads."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def json_documents(text: str) -> list:
    """Each JSON document curl printed (they follow each other without newlines)."""
    decoder, found, position = json.JSONDecoder(), [], 0
    while (start := text.find("{", position)) != -1:
        document, position = decoder.raw_decode(text, start)
        found.append(document)
    return found


def test_the_readme_walkthrough_runs_as_written(live_server, postgres, fresh_rate_limits):
    if not shutil.which("curl"):
        need_service("curl is not installed")
    # The only change: the live server's address instead of `make run`'s.
    script = walkthrough().replace(README_ORIGIN, live_server.url)
    env = {**os.environ, "DATABASE_URL": database_url()}

    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    number = re.search(r"Pedido criado: (\d+)", done.stdout).group(1)
    order = Order.objects.get(number=number)
    assert order.status == OrderStatus.DESPACHADO
    assert order.customer_email == "ana@exemplo.com.br"
    assert order.invoice_number == "1234"
    assert order.nfe_key == "35261112345678000195550010000012341123456781"
    assert order.carrier == "Correios"
    assert order.shipping_method == "SEDEX"
    assert order.tracking_code == "AA123456785BR"
    # That order went the README's way, step by step, and nothing else was created.
    path = list(
        order.status_changes.order_by("created_at", "id").values_list("to_status", flat=True)
    )
    assert path == ["novo", "aprovado", "em_producao", "despachado"]
    assert Order.objects.count() == 1

    *_, detail, listing = json_documents(done.stdout)
    assert detail["number"] == number
    assert detail["dispatch"]["tracking_code"] == "AA123456785BR"
    assert [change["to_status"] for change in detail["history"]] == path
    assert [row["number"] for row in listing["results"]] == [number]
    assert listing["results"][0]["status"] == "despachado"
