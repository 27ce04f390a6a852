"""The staff panel for orders: the list, the order page with its timeline, "Processar pedido"
and the bulk actions. Importing this package registers the ModelAdmins."""

from __future__ import annotations

from .deadlines import StatusDeadlineAdmin
from .order import OrderAdmin, OrderStatusChangeAdmin

__all__ = ["OrderAdmin", "OrderStatusChangeAdmin", "StatusDeadlineAdmin"]
