"""Forwarding: `rag ask/search/chat` ask a server already running on their store.

The server holds the loaded model, store and BM25 index, so a one-shot question costs a
round trip instead of a cold start. This module is on that fast path: it imports only the
standard library's ``http.client`` and the pydantic records, never chromadb, llama-index,
torch or onnxruntime. ``RemoteAssistant`` answers the calls the CLI makes of ``Assistant``
with the same typed records.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from rag import discovery
from rag.api_models import (
    AnswerEvent,
    AskRequest,
    DateFields,
    DeltaEvent,
    ErrorEvent,
    Health,
    SearchResponse,
    SourcesResponse,
)
from rag.errors import InputError, RagError
from rag.models import Answer, AnswerDelta, DateWindow, RetrievedChunk, SourceInfo

if TYPE_CHECKING:
    from rag.settings import Settings


HEALTH_READ_TIMEOUT_S = 1.0
"""/health does no store work: a server that accepts but says nothing for this long is stale (a port reused by
another program, a hung process), and every command would otherwise wait on it."""
_SILENT: set[tuple[str, int, float]] = set()
"""Announcements (url, pid, start) whose server did not answer the health check in this process: not probed
again, so a command waits on a silent server once, not at each step."""


class ServerUnavailable(Exception):
    """The announced server did not answer (refused, timed out, wrong token): run in-process instead."""


class RemoteAssistant:
    """The subset of ``Assistant`` the CLI uses, answered by a server over HTTP."""

    def __init__(self, info: discovery.ServerInfo, connect_timeout_s: float, read_timeout_s: float) -> None:
        self.info = info
        parts = urlsplit(info.url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.connect_timeout_s = connect_timeout_s
        self.read_timeout_s = read_timeout_s

    @property
    def url(self) -> str:
        return self.info.url

    def _request(self, method: str, path: str, body: str | None = None, timeout: float | None = None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.connect_timeout_s)
        headers = {"Accept": "application/json"}
        if self.info.token:
            headers["Authorization"] = f"Bearer {self.info.token}"
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            conn.connect()
        except OSError as exc:
            conn.close()
            raise ServerUnavailable(f"{self.url}: {exc}") from exc
        conn.sock.settimeout(timeout or self.read_timeout_s)
        try:
            conn.request(method, path, body=body.encode("utf-8") if body is not None else None, headers=headers)
            response = conn.getresponse()
        except OSError as exc:
            conn.close()
            raise RagError(f"The rag server at {self.url} stopped answering ({exc})") from exc
        if response.status >= 400:
            detail = _detail(response.read(), response.status)
            conn.close()
            if response.status == 401:
                raise ServerUnavailable(detail)
            raise RagError(detail)
        return conn, response

    def _read(self, method: str, path: str, body: str | None = None, timeout: float | None = None) -> bytes:
        """The whole response body of one request; the connection is closed either way."""
        conn, response = self._request(method, path, body, timeout=timeout)
        try:
            return response.read()
        finally:
            conn.close()

    def health(self) -> Health:
        """The server's identity, within ``HEALTH_READ_TIMEOUT_S``."""
        return Health.model_validate_json(self._read("GET", "/health", timeout=HEALTH_READ_TIMEOUT_S))

    def stream(
        self,
        question: str,
        history: Sequence[Answer] = (),
        backend: str | None = None,
        k: int | None = None,
        generator: Any = None,
        window: DateWindow | None = None,
    ) -> Iterator[AnswerDelta | Answer]:
        """Text deltas, then the verified ``Answer``, as ``Assistant.stream`` yields them; the window's
        dates travel with the question (the server reads its date phrase again)."""
        request = _ask_request(
            question=question, history=list(history), backend=backend, k=k, stream=True, **_dates(window)
        )
        conn, response = self._request("POST", "/ask", request.model_dump_json())
        try:
            for line in response:
                if not line.strip():
                    continue
                event = json.loads(line)
                kind = event.get("type")
                if kind == "delta":
                    yield AnswerDelta(text=DeltaEvent.model_validate(event).text)
                elif kind == "answer":
                    yield AnswerEvent.model_validate(event).answer
                    return
                elif kind == "error":
                    raise RagError(ErrorEvent.model_validate(event).detail)
            raise RagError(f"The rag server at {self.url} ended the answer early")
        finally:
            conn.close()

    def ask(
        self,
        question: str,
        history: Sequence[Answer] = (),
        backend: str | None = None,
        k: int | None = None,
        generator: Any = None,
        window: DateWindow | None = None,
    ) -> Answer:
        request = _ask_request(question=question, history=list(history), backend=backend, k=k, **_dates(window))
        return Answer.model_validate_json(self._read("POST", "/ask", request.model_dump_json()))

    def search(self, query: str, k: int | None = None, window: DateWindow | None = None) -> list[RetrievedChunk]:
        params = {"q": query} | ({"k": str(k)} if k else {}) | _dates(window)
        return SearchResponse.model_validate_json(self._read("GET", f"/search?{urlencode(params)}")).results

    def sources(self) -> list[SourceInfo]:
        return SourcesResponse.model_validate_json(self._read("GET", "/sources")).sources

    @staticmethod
    def user_window(as_of: str | None = None, since: str | None = None, until: str | None = None) -> DateWindow:
        """Dates as typed, read here as ``Assistant.user_window`` reads them (a bad date fails before any request)."""
        from rag.dates import user_window

        return user_window(as_of, since, until)

    def window_for(self, question: str, window: DateWindow | None = None) -> DateWindow:
        """The window with the question's date phrase, as the server will read it."""
        from rag.dates import for_question

        return for_question(question, window)


def _ask_request(**fields: Any) -> AskRequest:
    """The request, or an InputError in one line when a field is out of range (as the server would say)."""
    from pydantic import ValidationError

    try:
        return AskRequest(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InputError(f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg"))) from exc


def _dates(window: DateWindow | None) -> dict[str, str]:
    """A window's as-of/since/until as request fields (ISO dates), none for no window."""
    return DateFields.of(window).model_dump(exclude_none=True)


def _detail(body: bytes, status: int) -> str:
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):  # FastAPI's validation errors
        detail = "; ".join(f"{'.'.join(str(p) for p in d.get('loc', []))}: {d.get('msg')}" for d in detail)
    return str(detail or f"HTTP {status}")


def connect(settings: Settings) -> RemoteAssistant | None:
    """The server announced for this store, if one answers now; ``None`` means run in-process."""
    if not settings.api.forward:
        return None
    info = discovery.find(settings)
    if info is None or (info.url, info.pid, info.started_at) in _SILENT:
        return None
    remote = RemoteAssistant(info, settings.api.connect_timeout_s, settings.llm.timeout_s + 30)
    try:
        health = remote.health()
    except (ServerUnavailable, RagError, ValueError):
        _SILENT.add((info.url, info.pid, info.started_at))
        return None
    return remote if health.store == info.store else None
