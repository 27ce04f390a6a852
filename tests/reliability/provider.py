"""A stand-in for the e-mail provider: anymail's test backend that fails on cue.

Only the provider edge is faked; everything on our side (outbox, task, retries) is real.
"""

from __future__ import annotations

import uuid
from collections import deque
from typing import Any

from anymail.backends.test import EmailBackend as AnymailTestBackend

# Errors to raise, one per send, before the provider "accepts" messages again.
SCRIPT: deque[BaseException] = deque()
# Raised on every send while set (a provider that is down for good).
ALWAYS: list[BaseException] = []


class ScriptedProviderBackend(AnymailTestBackend):
    def get_esp_message_id(self, message: Any) -> str:
        return f"test-{uuid.uuid4().hex}"

    def send_messages(self, email_messages: Any) -> int:
        if ALWAYS:
            raise ALWAYS[0]
        if SCRIPT:
            raise SCRIPT.popleft()
        return super().send_messages(email_messages)


def fail_next(*errors: BaseException) -> None:
    SCRIPT.extend(errors)


def reset() -> None:
    SCRIPT.clear()
    ALWAYS.clear()
