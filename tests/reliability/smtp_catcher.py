"""A minimal SMTP server for tests: it keeps every message it accepts (Python 3.12 dropped
`smtpd`, and aiosmtpd would be one more locked dependency for ~40 lines).

It speaks just what smtplib (Django's SMTP backend) says: HELO/EHLO, MAIL, RCPT, DATA until
".", RSET, NOOP, QUIT. `delay` holds the "250" after DATA, so a test can kill a worker while
the message is being handed over: a message is kept as soon as its "." arrives, as a real
provider would keep one whose sender died before hearing the answer.
"""

from __future__ import annotations

import asyncio
import email
import threading
from email.header import decode_header, make_header


class SmtpCatcher:
    def __init__(self) -> None:
        self.delay = 0.0
        self._messages: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> int:
        """Listens on a free loopback port, in a thread of its own; returns the port."""
        self._thread.start()
        serving = asyncio.start_server(self._session, "127.0.0.1", 0)
        self._server = asyncio.run_coroutine_threadsafe(serving, self._loop).result(5)
        return self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def messages(self, to: str | None = None) -> list[tuple[str, str]]:
        """(recipient, subject) of every message kept, in arrival order."""
        with self._lock:
            return [message for message in self._messages if to is None or message[0] == to]

    def _keep(self, raw: bytes) -> None:
        message = email.message_from_bytes(raw)
        # As tests/reliability/conftest.py reads them: the modern policy would keep the space
        # of the fold Django puts after "Subject:".
        subject = str(make_header(decode_header(message["Subject"])))
        with self._lock:
            self._messages.append((str(message["To"]), subject))

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        try:
            await reply("220 catcher ESMTP")
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb in (b"HELO", b"EHLO"):
                    await reply("250 catcher")
                elif verb == b"DATA":
                    await reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while (data := await reader.readline()) not in (b".\r\n", b""):
                        # Undo the sender's dot-stuffing (RFC 5321, 4.5.2).
                        lines.append(data[1:] if data.startswith(b".") else data)
                    if not data:
                        return  # The sender died mid-message: nothing was handed over.
                    self._keep(b"".join(lines))
                    await asyncio.sleep(self.delay)
                    await reply("250 OK: queued")
                elif verb == b"QUIT":
                    await reply("221 Bye")
                    return
                else:
                    await reply("250 OK")
        except ConnectionError:
            pass
        finally:
            writer.close()
