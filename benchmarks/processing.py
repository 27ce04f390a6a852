"""Processing: `order_process` (novo → aprovado) in changes/s at 1 and 2 concurrent
connections, beside its ceiling — the same essential statements sent straight through psycopg,
one transaction per change, in the same run on the same database."""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg
from django.db import connection, connections

from benchmarks.data import make_orders
from benchmarks.table import Row, rate, sample
from orders.actors import Actor
from orders.models import Order
from orders.services import order_process

CEILING_SQL = [
    "SELECT id, status FROM orders_order WHERE id = %s FOR NO KEY UPDATE",
    "UPDATE orders_order SET status = 'aprovado', status_changed_at = now(), updated_at = now() "
    "WHERE id = %s",
    "INSERT INTO orders_orderstatuschange (order_id, from_status, to_status, created_at, "
    "actor_kind, actor_label, fields, message_to_customer, internal_note, is_override, "
    "override_reason, revoked) VALUES (%s, 'novo', 'aprovado', now(), 'system', '', '{}', '', "
    "'', false, '', false) RETURNING id",
    "INSERT INTO notifications_emailoutbox (template, to_email, context, dedupe_key, status, "
    "attempts, next_attempt_at, task_id, subject, message_id, last_error, delivery_state, "
    "created_at, updated_at, related_id, related_label, sent_text, sent_html) VALUES "
    "('pedido_aprovado', 'c@exemplo.com.br', %s, %s, 'pending', 0, now(), '', '', '', '', '', "
    "now(), now(), '1', 'Pedido 100001', '', '') ON CONFLICT (dedupe_key) DO NOTHING "
    "RETURNING id",
]
# About the size of a real status e-mail's context.
CONTEXT = '{"numero_pedido": "100001", "nome_cliente": "Cliente", "itens": [{"descricao": "x"}]}'


def split(items: list, parts: int) -> list[list]:
    return [items[i::parts] for i in range(parts)]


def concurrently(work: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=job) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def ceiling_changes(order_ids: list[int]) -> None:
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=False) as conn:
        for order_id in order_ids:
            with conn.cursor() as cursor:
                cursor.execute(CEILING_SQL[0], (order_id,))
                cursor.execute(CEILING_SQL[1], (order_id,))
                cursor.execute(CEILING_SQL[2], (order_id,))
                change_id = cursor.fetchone()[0]
                cursor.execute(CEILING_SQL[3], (CONTEXT, f"bench:{change_id}"))
            conn.commit()


def service_changes(orders: list[Order]) -> None:
    actor = Actor.system()
    try:
        for order in orders:
            order_process(order, to_status="aprovado", by=actor)
    finally:
        # Each thread has its own Django connection: close it, or the test database stays busy.
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()


def ceiling_rate(size: int, workers: int) -> float:
    ids = [order.pk for order in make_orders(size)]
    jobs = [lambda part=part: ceiling_changes(part) for part in split(ids, workers)]
    return rate(size, lambda: concurrently(jobs))


def service_rate(size: int, workers: int) -> float:
    orders = make_orders(size)
    jobs = [lambda part=part: service_changes(part) for part in split(orders, workers)]
    return rate(size, lambda: concurrently(jobs))


def without_kick(size: int) -> float:
    """order_process with the after-commit kick replaced by a no-op: what the database work
    costs without the broker (the e-mail still waits in the outbox for the sweeper)."""
    from notifications import outbox

    kick = outbox.kick
    outbox.kick = lambda outbox_id: True
    try:
        return service_rate(size, 1)
    finally:
        outbox.kick = kick


def bench_processing(rows: list[Row], size: int, runs: int) -> None:
    for workers in (1, 2):
        top = sample(lambda w=workers: ceiling_rate(size, w), runs)
        got = sample(lambda w=workers: service_rate(size, w), runs)
        rows.append(Row("processamento", f"teto psycopg, c={workers}", "alterações/s", *top))
        if workers == 1:
            rows.append(
                Row(
                    "processamento",
                    "order_process sem o aviso ao broker, c=1",
                    "alterações/s",
                    *sample(lambda: without_kick(size), runs),
                    ceiling=top[0],
                )
            )
        rows.append(
            Row(
                "processamento",
                f"order_process, c={workers}",
                "alterações/s",
                *got,
                ceiling=top[0],
                target=0.50,
            )
        )
