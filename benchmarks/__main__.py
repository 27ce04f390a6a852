"""`make bench`: throughput and latency of the hot paths, printed as a table.

Runs against a throwaway database of the configured engine (SQLite by default, PostgreSQL
when DATABASE_URL says so). Timings on a shared 2-core machine are noisy: read the ratios
(per-order cost at 10 vs 1,000 orders), not the absolute numbers.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jetorders.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("LOG_LEVEL", "WARNING")
django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

Row = tuple[str, str, str]


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median seconds of `repeat` runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def count_queries(fn: Callable[[], object]) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def bench_services(rows: list[Row]) -> None:
    from benchmarks.data import make_orders, walk_to_concluido

    n = 100
    start = time.perf_counter()
    orders = make_orders(n)
    elapsed = time.perf_counter() - start
    rows.append(("order_create", f"{n / elapsed:,.0f}", "pedidos/s"))

    start = time.perf_counter()
    changes = walk_to_concluido(orders)
    elapsed = time.perf_counter() - start
    rows.append(("order_process (com e-mail)", f"{changes / elapsed:,.0f}", "alterações/s"))
    rows.append(("order_process, latência média", f"{elapsed / changes * 1000:.1f}", "ms"))


def bench_pages(rows: list[Row]) -> None:
    from django.test import Client

    from benchmarks.data import bulk_orders, staff_client_user

    client = Client()
    client.force_login(staff_client_user())
    results = {}
    for size in (10, 1000):
        bulk_orders(size)
        from orders.models import Order

        order = Order.objects.order_by("-id").first()
        pages = {
            "lista de pedidos (admin)": "/admin/orders/order/",
            "página do pedido (admin)": f"/admin/orders/order/{order.pk}/change/",
        }
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            results[(name, size)] = (
                timed(lambda url=url: client.get(url)),
                count_queries(lambda url=url: client.get(url)),
            )
    for name in ("lista de pedidos (admin)", "página do pedido (admin)"):
        (t10, q10), (t1000, q1000) = results[(name, 10)], results[(name, 1000)]
        rows.append((f"{name}, 10 pedidos", f"{t10 * 1000:.1f}", f"ms, {q10} consultas"))
        rows.append((f"{name}, 1.000 pedidos", f"{t1000 * 1000:.1f}", f"ms, {q1000} consultas"))
        rows.append((f"{name}, razão 1.000/10", f"{t1000 / t10:.2f}", "×"))


def print_table(rows: list[Row]) -> None:
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    lines = [
        f"\nBanco: {connection.vendor}\n",
        f"{'medida'.ljust(width)}  {'valor'.rjust(value_width)}  unidade",
        f"{'-' * width}  {'-' * value_width}  -------",
    ]
    lines += [f"{n.ljust(width)}  {v.rjust(value_width)}  {u}" for n, v, u in rows]
    sys.stdout.write("\n".join(lines) + "\n")


def main() -> int:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    rows: list[Row] = []
    try:
        reset_queries()
        bench_services(rows)
        bench_pages(rows)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
