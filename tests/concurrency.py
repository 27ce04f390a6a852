"""Races for the tests that need them: calls in threads released together (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

from orders.errors import OrderProcessingError


def run_at_once(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Runs each call in its own thread and database connection, all released at one instant.

    Returns what each call returned, or the exception it raised, in the order of `calls`.
    A call still running after `timeout` seconds fails the test: it is stuck (a deadlock?).
    """
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - handed back to the test to judge
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    stuck = [index for index, thread in enumerate(threads) if thread.is_alive()]
    assert not stuck, f"calls {stuck} still running after {timeout}s (deadlock?)"
    return results


def outcome(result: Any) -> str:
    """A call's result as "ok", the code of the order change it refused, or "error: …"."""
    if isinstance(result, OrderProcessingError):
        return str(result.code)
    if isinstance(result, Exception):
        return f"error: {result!r}"
    return "ok"
