"""The file through which `rag ask/search/chat` find a server running on their store.

A server (``rag serve``, or ``rag ui``, which serves the same API) writes ``server.json`` into
the store folder once it listens, with its URL and token (mode 0600), and removes it on a
clean exit. A file left by a killed server is ignored: its process is gone (same machine) or
its port refuses the connection (``rag.client``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from rag.errors import RagError

if TYPE_CHECKING:
    from rag.settings import Settings

FILE_NAME = "server.json"


class ServerInfo(BaseModel):
    url: str
    docs: str = ""
    token: str | None = None
    pid: int
    hostname: str
    store: str
    started_at: float


def store_key(settings: Settings) -> str:
    """What a server answers from: the embedded store's folder, or the Chroma server's collection."""
    chroma = settings.chroma
    if chroma.host:
        return f"chroma://{chroma.host}:{chroma.port}/{chroma.collection}"
    return f"{Path(settings.store.dir).expanduser().resolve()}#{chroma.collection}"


def discovery_path(settings: Settings) -> Path:
    return Path(settings.store.dir).expanduser() / FILE_NAME


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Anything but this machine may reach a non-loopback address: only with a token."""
    if not is_loopback(host) and not token:
        raise RagError(f"Refusing to serve the API on {host} without a token: set RAG_API_TOKEN, or bind 127.0.0.1")


def connect_host(host: str) -> str:
    """Where a client on this machine reaches a server bound to ``host`` (a wildcard means loopback)."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host in ("::", "[::]"):
        return "[::1]"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@contextlib.contextmanager
def announced(settings: Settings, host: str, port: int, token: str | None, docs: str = "/docs") -> Iterator[ServerInfo]:
    """Write the discovery file while the server runs; remove it on the way out if it is still ours."""
    url = f"http://{connect_host(host)}:{port}"
    info = ServerInfo(
        url=url,
        docs=url + docs,
        token=token,
        pid=os.getpid(),
        hostname=socket.gethostname(),
        store=store_key(settings),
        started_at=time.time(),
    )
    path = discovery_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(info.model_dump_json())
    os.replace(tmp, path)
    try:
        yield info
    finally:
        current = read(settings)
        if current is not None and current.pid == info.pid and current.started_at == info.started_at:
            with contextlib.suppress(OSError):
                path.unlink()


def read(settings: Settings) -> ServerInfo | None:
    try:
        return ServerInfo.model_validate_json(discovery_path(settings).read_bytes())
    except (OSError, ValueError, ValidationError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def find(settings: Settings) -> ServerInfo | None:
    """The announced server of this store, unless the file is stale (dead process, other store)."""
    info = read(settings)
    if info is None or info.store != store_key(settings):
        return None
    if info.hostname == socket.gethostname() and not _alive(info.pid):
        return None
    return info
