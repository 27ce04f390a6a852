"""The staff panel for orders: the list, the order page with its timeline, "Processar pedido"
and the bulk actions. Importing this package registers the ModelAdmins."""

from __future__ import annotations

from .deadlines import StatusDeadlineAdmin
from .dispatch_import import DispatchImportAdmin
from .order import OrderAdmin, OrderStatusChangeAdmin

__all__ = ["DispatchImportAdmin", "OrderAdmin", "OrderStatusChangeAdmin", "StatusDeadlineAdmin"]
