"""An e-mail backend for the fault-injection worker: it can pause, or die, at the moment of
sending, so a test can kill a worker in the middle of a send (docs/reliability.md, R5, R7).

The worker started by tests/reliability/conftest.py uses it in place of the file backend;
production code has no such hooks. Set by environment variables of that worker:
- NOTIFICATIONS_TEST_MARKER_DIR: write `sending-<outbox id>-<attempt>` (holding the pid) there.
- NOTIFICATIONS_TEST_CRASH_BEFORE_SEND: SIGKILL the process, as the kernel's OOM killer would.
- NOTIFICATIONS_TEST_PAUSE_BEFORE_SEND: sleep that many seconds before sending.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from django.core.mail.backends.filebased import EmailBackend

from notifications.models import EmailOutbox


class FaultInjectingBackend(EmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            _before_send(int(message.metadata["outbox_id"]))
        return super().send_messages(email_messages)


def _before_send(outbox_id: int) -> None:
    marker = os.environ.get("NOTIFICATIONS_TEST_MARKER_DIR")
    if marker:
        attempt = EmailOutbox.objects.values_list("attempts", flat=True).get(pk=outbox_id)
        Path(marker, f"sending-{outbox_id}-{attempt}").write_text(str(os.getpid()))
    if os.environ.get("NOTIFICATIONS_TEST_CRASH_BEFORE_SEND"):
        os.kill(os.getpid(), signal.SIGKILL)
    seconds = os.environ.get("NOTIFICATIONS_TEST_PAUSE_BEFORE_SEND")
    if seconds:
        time.sleep(float(seconds))
