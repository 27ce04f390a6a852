"""Small HTTP servers on 127.0.0.1, run in a thread by the tests: a fake carrier API and a
webhook receiver. Each answers from a function the test sets, and records what it got."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


# (status, content type, body) for one request.
Answer = tuple[int, str, bytes]


@dataclass
class FakeServer:
    answer: Callable[[Received], Answer]
    received: list[Received] = field(default_factory=list)
    url: str = ""


@contextmanager
def serve(
    answer: Callable[[Received], Answer],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    tls: ssl.SSLContext | None = None,
) -> Iterator[FakeServer]:
    """Serve on `host:port` (a free port by default), over TLS with `tls`."""
    fake = FakeServer(answer=answer)

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Received(
                method=self.command,
                path=self.path,
                headers={key.lower(): value for key, value in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            fake.received.append(request)
            try:
                status, content_type, body = fake.answer(request)
            except ConnectionAbortedError:
                return
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _handle

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    fake.url = f"{'https' if tls else 'http'}://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
