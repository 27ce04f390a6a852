"""Sections other apps add to the admin order page, so the order domain never imports them.

The payments app, for one, adds the order's payment events: it registers a section here, the
order page renders whatever is registered. Each section's `context(order)` returns {} when it
has nothing to show, or a context for its template with an optional `notice` for the top of
the page (safe HTML, e.g. a link down to the section).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orders.models import Order


@dataclass(frozen=True)
class OrderPageSection:
    template: str
    context: Callable[[Order], dict[str, Any]]


ORDER_PAGE_SECTIONS: list[OrderPageSection] = []


def add_order_page_section(section: OrderPageSection) -> None:
    if section not in ORDER_PAGE_SECTIONS:
        ORDER_PAGE_SECTIONS.append(section)


def order_page_sections(order: Order) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every section with something to show for `order`."""
    rendered = []
    for section in ORDER_PAGE_SECTIONS:
        context = section.context(order)
        if context:
            rendered.append((section.template, context))
    return rendered
