"""The default status limits, as the migration seeds them. Transactional tests flush the
database (rows made by migrations included), so tests that rely on them ask for them."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

MIGRATION = import_module("orders.migrations.0010_status_deadlines")


def seed_default_deadlines() -> None:
    MIGRATION.seed_deadlines(apps, None)
