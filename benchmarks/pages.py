"""Pages at scale: server time and query count of the admin and customer pages with 100,000
and 1,000,000 orders, generated in bulk by SQL (with history, outbox rows and payment
events) in minutes."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarks.data import staff_client_user
from benchmarks.table import Row
from orders.figures import refresh_snapshot
from orders.models import Order

REQUESTS = 7
# 81 % of a real store's orders are Concluído; the rest spread over the other statuses.
STATUS_OF = """CASE
  WHEN g %% 100 < 81 THEN 'concluido' WHEN g %% 100 < 86 THEN 'despachado'
  WHEN g %% 100 < 89 THEN 'tracking' WHEN g %% 100 < 92 THEN 'aprovado'
  WHEN g %% 100 < 94 THEN 'em_producao' WHEN g %% 100 < 96 THEN 'novo'
  WHEN g %% 100 < 98 THEN 'cancelado' ELSE 'em_aprovacao' END"""
CUSTOMERS = 50_000


def tracking_code(n: int) -> str:
    return f"AA{n:09d}BR"


def nfe_key(n: int) -> str:
    return f"{n:044d}"


def top_up(total: int) -> None:
    """Add orders until there are `total`, each with its history, an e-mail and, for one in
    ten, a payment event: a few set-based INSERTs, not a million ORM calls."""
    start = Order.objects.count()
    if start >= total:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(
            f"""
            INSERT INTO orders_order (number, customer_name, customer_email, buyer_document,
              shipping_street,
              shipping_number, shipping_complement, shipping_district, shipping_city,
              shipping_state, shipping_postal_code, shipping_cost, total, status,
              status_changed_at, invoice_number, nfe_key, carrier, shipping_method,
              tracking_code, nfe_content, nfe_xml, created_at, updated_at)
            SELECT (5000000 + g)::text, 'Cliente ' || g, 'cliente' || (g %% {CUSTOMERS})
              || '@exemplo.com.br', lpad(g::text, 11, '0'), 'Rua A', '1', '', 'Centro',
              'São Paulo', 'SP', '01000000',
              10, 129.80, {STATUS_OF}, now() - (g %% 400) * interval '1 hour',
              CASE WHEN g %% 100 < 89 THEN g::text ELSE '' END,
              CASE WHEN g %% 100 < 89 THEN lpad(g::text, 44, '0') ELSE '' END,
              CASE WHEN g %% 100 < 89 THEN 'Correios' ELSE '' END,
              CASE WHEN g %% 100 < 89 THEN 'SEDEX' ELSE '' END,
              CASE WHEN g %% 100 < 89 THEN 'AA' || lpad(g::text, 9, '0') || 'BR' ELSE '' END,
              '', '', now() - (g %% 365) * interval '1 day', now()
            FROM generate_series(%s, %s) AS g
            """,
            [start + 1, total],
        )
        new = "SELECT id, status, created_at FROM orders_order WHERE number::bigint > %s"
        for to_status, reached in [
            ("novo", None),
            ("aprovado", "('aprovado','em_producao','despachado','tracking','concluido')"),
            ("despachado", "('despachado','tracking','concluido')"),
            ("concluido", "('concluido')"),
            ("cancelado", "('cancelado')"),
        ]:
            where = f"WHERE o.status IN {reached}" if reached else ""
            cursor.execute(
                f"""
                INSERT INTO orders_orderstatuschange (order_id, from_status, to_status,
                  created_at, actor_kind, actor_label, fields, message_to_customer,
                  internal_note, is_override, override_reason, revoked)
                SELECT o.id, '', '{to_status}', o.created_at, 'system', '', '{{}}', '', '',
                  false, '', false FROM ({new}) o {where}
                """,
                [5000000 + start],
            )
        cursor.execute(
            f"""
            INSERT INTO notifications_emailoutbox (template, to_email, context, dedupe_key,
              status, attempts, next_attempt_at, task_id, subject, message_id, last_error,
              delivery_state, created_at, updated_at, related_id, related_label, sent_text,
              sent_html)
            SELECT 'pedido_' || o.status, 'cliente@exemplo.com.br', '{{}}',
              'bench-order:' || o.id, 'sent', 1, o.created_at, '', '', '', '', '',
              o.created_at, o.created_at, o.id::text, '', '', '' FROM ({new}) o
            """,
            [5000000 + start],
        )
        cursor.execute(
            f"""
            INSERT INTO orders_paymentevent (provider, event_id, kind, order_id, outcome,
              detail, needs_attention, payload, created_at)
            SELECT 'jet', 'bench-' || o.id, 'approved', o.id, 'applied', '', false, '{{}}',
              o.created_at FROM ({new}) o WHERE o.id %% 10 = 0
            """,
            [5000000 + start],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def long_history_order() -> Order:
    """An order that support reopened many times: 60 revoked rows before its live ones."""
    order = Order.objects.filter(status="concluido").order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO orders_orderstatuschange (order_id, from_status, to_status, created_at,
              actor_kind, actor_label, fields, message_to_customer, internal_note, is_override,
              override_reason, revoked)
            SELECT %s, 'aprovado', 'despachado', now() - g * interval '1 hour', 'support',
              'Suporte', '{"tracking_code": "AA123456789BR"}', 'Reenviado', 'nota', true,
              'motivo', true FROM generate_series(1, 60) AS g
            """,
            [order.pk],
        )
    return order


def month_ago() -> str:
    return (timezone.localdate() - timedelta(days=30)).strftime("%d/%m/%Y")


def customer_client() -> tuple[Client, str]:
    # A customer of the generated orders (each has about one order in 50,000 of the table).
    email = Order.objects.filter(customer_name__startswith="Cliente ").first().customer_email
    user, _ = get_user_model().objects.get_or_create(username=email, email=email)
    EmailAddress.objects.get_or_create(user=user, email=email, verified=True, primary=True)
    client = Client()
    client.force_login(user)
    number = Order.objects.filter(customer_email=email).order_by("-pk").first().number
    return client, number


def measure(client: Client, url: str, cold: bool = False) -> tuple[list[float], int]:
    """Median-ready timings of `url`; `cold` empties the cache before each request, so the
    order list counts its statuses every time (the worst case, once per 30 s in use)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(REQUESTS):
        if cold:
            cache.clear()
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    # Queries of a steady request: counts cached (or, cold, not) whatever the time taken.
    if cold:
        cache.clear()
    else:
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return times, len(queries)


def bench_pages(rows: list[Row], sizes: list[int], runs: int) -> None:
    staff = Client()
    staff.force_login(staff_client_user())
    for size in sizes:
        top_up(size)
        reopened = long_history_order()
        customer, number = customer_client()
        orders = reverse("admin:orders_order_changelist")
        pages = [
            ("admin", "lista de pedidos", staff, orders, 30),
            ("admin", "lista, filtro de status", staff, f"{orders}?status__exact=despachado", 30),
            ("admin", "busca por rastreio", staff, f"{orders}?q={tracking_code(size // 2)}", 30),
            ("admin", "busca por Chave NF-e", staff, f"{orders}?q={nfe_key(size // 3)}", 30),
            ("admin", "busca por e-mail", staff, f"{orders}?q=cliente42@exemplo.com.br", 30),
            ("admin", "página do pedido (histórico longo)", staff,
             reverse("admin:orders_order_change", args=[reopened.pk]), 30),
            ("admin", "painel (números do último recálculo)", staff, reverse("admin:index"), 30),
            ("admin", "lista, filtro Atrasados", staff, f"{orders}?atrasado=sim", 30),
            ("cliente", "meus pedidos", customer, reverse("customer_orders"), 5),
            ("cliente", "página do pedido", customer, reverse("customer_order", args=[number]), 5),
        ]  # fmt: skip
        # The list counting its statuses on every request (cache emptied first): what one
        # request pays when the 30 s cache of the counts has just expired.
        cold = [
            ("admin", "lista, contagens por status sem cache", staff, orders, 30),
            ("admin", "lista, 30 dias + contagens sem cache", staff,
             f"{orders}?criado_de={month_ago()}", 30),
        ]  # fmt: skip
        refresh_snapshot()  # as beat does every few minutes; the rows below read it
        for section, name, client, url, target in [*pages, *cold]:
            is_cold = (section, name, client, url, target) in cold
            times, queries = measure(client, url, cold=is_cold)
            rows.append(
                Row(
                    section,
                    f"{name}, {size:_} pedidos".replace("_", "."),
                    "ms",
                    statistics.median(times),
                    min(times),
                    max(times),
                    higher_is_better=False,
                    target=target,
                    queries=queries,
                )
            )
        rows.append(_snapshot_refresh_row(size, runs))


def _snapshot_refresh_row(size: int, runs: int) -> Row:
    """The Painel's heavy figures (counts, 30 days of sales, time in each status), computed
    by beat every DASHBOARD_REFRESH_SECONDS, never by a page view while beat runs."""
    times = []
    for _ in range(max(runs, 3)):
        start = time.perf_counter()
        refresh_snapshot()
        times.append((time.perf_counter() - start) * 1000)
    return Row(
        "admin",
        f"painel: recálculo dos números (beat), {size:_} pedidos".replace("_", "."),
        "ms",
        statistics.median(times),
        min(times),
        max(times),
        higher_is_better=False,
    )
