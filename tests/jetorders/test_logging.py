"""LOG_FORMAT=json: one JSON object a line, with the `extra` fields a log collector filters on."""

from __future__ import annotations

import json
import logging
import sys

from jetorders.logging import JsonFormatter

from .subprocess_env import run


def record(**extra) -> logging.LogRecord:
    logger = logging.getLogger("orders.services")
    return logger.makeRecord(
        logger.name,
        logging.WARNING,
        __file__,
        1,
        "Pedido %s: %s",
        (100001, "aprovado"),
        None,
        extra=extra,
    )


def test_a_record_becomes_one_json_line_with_its_extra_fields():
    line = JsonFormatter().format(record(order=100001, outcome="sent"))

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "orders.services"
    assert entry["message"] == "Pedido 100001: aprovado"
    assert (entry["order"], entry["outcome"]) == (100001, "sent")
    assert entry["time"].endswith("+00:00")


def test_errors_keep_their_traceback_and_odd_extras_become_text():
    try:
        raise ValueError("chave NF-e inválida")
    except ValueError:
        failed = record(total=object())
        failed.exc_info = sys.exc_info()

    entry = json.loads(JsonFormatter().format(failed))

    assert "ValueError: chave NF-e inválida" in entry["exception"]
    assert entry["total"].startswith("<object object")


def test_log_format_json_switches_the_console_handler():
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('orders').warning('Pedido despachado', "
        "extra={'order': 100001, 'outcome': 'sent'})"
    )
    result = run(["-c", script], LOG_FORMAT="json")

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    expected = {"logger": "orders", "message": "Pedido despachado", "order": 100001}
    assert expected.items() <= lines[-1].items()
