"""How money reads in Brazil, the same in e-mails, the admin and the customer's pages."""

from __future__ import annotations

from decimal import Decimal


def brl(value: Decimal | int | float) -> str:
    """R$ 1.234,50: thousands with dots, cents after a comma, whatever the active locale."""
    text = f"{Decimal(value):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"R$ {text}"
