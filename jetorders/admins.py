"""ADMINS from the environment: "Ana Souza <ana@loja.com.br>, ti@loja.com.br"."""

from __future__ import annotations

from email.utils import getaddresses

from django.core.exceptions import ImproperlyConfigured


def parse_admins(value: str) -> list[tuple[str, str]]:
    """(name, address) pairs, as Django's ADMINS wants; a bare address is its own name."""
    if not value.strip():
        return []
    admins = []
    for name, address in getaddresses([value]):
        if "@" not in address:
            raise ImproperlyConfigured(
                f"ADMINS={value!r}: every entry needs an e-mail address. Write "
                '"Nome <email@dominio>" or plain addresses, separated by commas.'
            )
        admins.append((name or address, address))
    return admins
