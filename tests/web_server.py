"""A local HTTP server on 127.0.0.1 for fetch tests: routes map a path to (status, headers, body)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class LocalSite:
    base: str
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    drips: dict[str, tuple[bytes, float]] = field(default_factory=dict)

    def drip(self, path: str, piece: bytes, every_s: float) -> str:
        """A page that never ends: ``piece`` every ``every_s`` seconds, no Content-Length."""
        self.drips[path] = (piece, every_s)
        return self.base + path

    def page(self, path: str, body: str, content_type: str = "text/html; charset=utf-8") -> str:
        self.routes[path] = (200, {"Content-Type": content_type}, body.encode())
        return self.base + path

    def redirect(self, path: str, location: str) -> str:
        self.routes[path] = (302, {"Location": location}, b"")
        return self.base + path


@contextmanager
def local_site() -> Iterator[LocalSite]:
    site = LocalSite(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.hits.append(self.path)
            if self.path in site.drips:
                return self._drip(*site.drips[self.path])
            status, headers, body = site.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _drip(self, piece: bytes, every_s: float) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(piece)
                    self.wfile.flush()
                    time.sleep(every_s)
            except OSError:  # the client gave up
                return

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
