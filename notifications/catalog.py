"""The e-mails the outbox may send, as declared by the app that sends them.

The outbox knows nothing about orders: settings.NOTIFICATIONS_CATALOG names a function (in the
sending app) that lists each e-mail with its variables, layouts and a preview context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class EmailSpec:
    name: str
    label: str
    # Variable name → what it holds, shown to the store next to the editor.
    variables: dict[str, str]
    # Trusted templates that wrap the rendered body (header, summary, footer); "" for none.
    html_layout: str = ""
    text_layout: str = ""
    # A context built on real data, for the admin preview and "send me a test".
    preview: Callable[[], dict[str, Any]] = field(default=dict, compare=False)


def catalog() -> list[EmailSpec]:
    path = getattr(settings, "NOTIFICATIONS_CATALOG", "")
    return list(import_string(path)()) if path else []


def spec_for(name: str) -> EmailSpec | None:
    return next((spec for spec in catalog() if spec.name == name), None)
