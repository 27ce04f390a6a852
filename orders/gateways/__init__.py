"""Payment-gateway notifications: signature schemes, provider adapters, applying events."""

from __future__ import annotations
