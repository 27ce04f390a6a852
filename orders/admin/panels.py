"""Panels other apps add to the staff dashboard (Painel), so orders never imports them.

Like the order-page sections (sections.py): payments registers its "needs attention" panel
when its admin loads; the dashboard renders whatever is registered. Each panel's
`context()` runs one query and returns {} when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DashboardPanel:
    template: str
    context: Callable[[], dict[str, Any]]


DASHBOARD_PANELS: list[DashboardPanel] = []


def add_dashboard_panel(panel: DashboardPanel) -> None:
    if panel not in DASHBOARD_PANELS:
        DASHBOARD_PANELS.append(panel)


def dashboard_panels() -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every panel, in the order they were registered."""
    return [(panel.template, panel.context()) for panel in DASHBOARD_PANELS]
