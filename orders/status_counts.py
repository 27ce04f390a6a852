"""How many orders are in each status: one GROUP BY, cached for a few seconds.

The order list shows these counts beside its status filter. Counting on every page view would
scan a million index entries each time; a counter table kept by the service would put two hot
rows in every status change's transaction (docs/performance.md, "Counts per status").
"""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.db.models import Count

from .models import Order
from .statuses import OrderStatus

# How stale a count may be in a big store: a change is counted within this many seconds.
CACHE_SECONDS = 30
# Below this many orders the GROUP BY costs a few milliseconds, so the counts are exact on
# every view: a small store never sees "Todos 5" above a list of 9.
EXACT_BELOW = 20_000


def status_counts(start: datetime | None = None, end: datetime | None = None) -> dict[str, int]:
    """{status: orders} over every status, for orders created in [start, end) if given."""
    key = "orders:status-counts:" + ":".join(d.isoformat() if d else "" for d in (start, end))
    counts = cache.get(key)
    if counts is None:
        orders = Order.objects.order_by()
        if start:
            orders = orders.filter(created_at__gte=start)
        if end:
            orders = orders.filter(created_at__lt=end)
        # COUNT(*), not COUNT(id): PostgreSQL can then answer from the status index alone.
        counts = dict(orders.values_list("status").annotate(n=Count("*")))
        if not counts_are_exact(counts):
            cache.set(key, counts, CACHE_SECONDS)
    return {status: counts.get(status, 0) for status in OrderStatus.values}


def counts_are_exact(counts: dict[str, int]) -> bool:
    """Whether counts this size are counted afresh on every view (else cached briefly)."""
    return sum(counts.values()) < EXACT_BELOW
