"""Exporting 100,000 orders holds no more memory than exporting 10,000: the rows stream from a
server-side cursor to the response, a chunk at a time (orders/admin/export.py)."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.postgres

CSV_URL = reverse("admin:orders_order_export_csv")


def add_orders(count: int, start: int) -> None:
    """Orders straight into the table by one set-based INSERT (only the exported columns
    matter), one in ten with an item: 90,000 in a few seconds, where bulk_create took 30."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO orders_order (number, customer_name, customer_email, shipping_street,
              shipping_number, shipping_complement, shipping_district, shipping_city,
              shipping_state, shipping_postal_code, shipping_cost, total, status,
              status_changed_at, invoice_number, nfe_key, carrier, shipping_method,
              tracking_code, nfe_content, nfe_xml, created_at, updated_at)
            SELECT (1000000 + g)::text, 'Cliente Número ' || g, 'cliente' || g || '@exemplo.com',
              '', '', '', '', '', '', '', 0, 1234.50, 'despachado', now(), g::text,
              lpad(g::text, 44, '0'), 'Correios', 'SEDEX', 'AA' || lpad(g::text, 9, '0') || 'BR',
              '', '', now() - g * interval '1 second', now()
            FROM generate_series(%s, %s) AS g
            """,
            [start, start + count - 1],
        )
        cursor.execute(
            """
            INSERT INTO orders_orderitem (order_id, sku, description, quantity, unit_price)
            SELECT id, '', 'Caneca', 2, 9.90 FROM orders_order
            WHERE number::bigint >= %s AND id %% 10 = 0
            """,
            [1_000_000 + start],
        )


def export_peak(client) -> tuple[int, int, float]:
    """(rows, peak bytes allocated while exporting, seconds) for the whole list as CSV."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    began = time.perf_counter()
    response = client.get(CSV_URL)
    lines = 0
    # The test client closes the response once its content is read to the end.
    for piece in response.streaming_content:
        lines += piece.count(b"\r\n")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return lines - 1, peak, time.perf_counter() - began


def test_exporting_100000_orders_takes_no_more_memory_than_10000(postgres, client, lojista):
    client.force_login(lojista)
    add_orders(10_000, start=0)
    small_rows, small_peak, _ = export_peak(client)

    add_orders(90_000, start=10_000)
    big_rows, big_peak, seconds = export_peak(client)

    assert (small_rows, big_rows) == (10_000, 100_000)
    # Ten times the rows: were the rows held, the peak would be about ten times as high.
    assert big_peak < small_peak * 1.5, (small_peak, big_peak, seconds)
    assert big_peak < 16 * 1024 * 1024, (small_peak, big_peak, seconds)


def background_xlsx_peak(user) -> tuple[int, int, float]:
    """(rows, peak bytes, seconds) for the background XLSX export of the whole list."""
    from orders.admin.export_build import build
    from orders.export_jobs import ExportJob

    job = ExportJob.objects.create(created_by=user, rows_total=0)
    tracemalloc.start()
    tracemalloc.reset_peak()
    began = time.perf_counter()
    build(job.pk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    job.refresh_from_db()
    assert job.status == "done", job.error
    return job.rows_done, peak, time.perf_counter() - began


def test_a_background_xlsx_of_six_times_the_rows_takes_no_more_memory(
    postgres, lojista, settings, tmp_path, monkeypatch
):
    from orders.admin import export

    settings.MEDIA_ROOT = str(tmp_path)
    # Several chunks in both runs, so both peaks hold the same two chunks at most.
    monkeypatch.setattr(export, "CHUNK_SIZE", 500)
    add_orders(2_000, start=0)
    small_rows, small_peak, _ = background_xlsx_peak(lojista)

    add_orders(10_000, start=2_000)
    big_rows, big_peak, seconds = background_xlsx_peak(lojista)

    assert (small_rows, big_rows) == (2_000, 12_000)
    # openpyxl's write-only sheet goes to disk as rows are appended; the cursor reads 2,000 at
    # a time: six times the rows, about the same peak.
    assert big_peak < small_peak * 1.5, (small_peak, big_peak, seconds)
    assert big_peak < 16 * 1024 * 1024, (small_peak, big_peak, seconds)
