"""The local HTTP API: ``rag serve``, and the same routes inside ``rag ui``'s process.

Every route calls ``Assistant`` and returns its typed records, so ``POST /ask`` returns the
JSON of ``rag ask --json``. FastAPI (which Gradio ships) writes the OpenAPI docs at ``/docs``.
It binds 127.0.0.1 unless told otherwise; a bearer token (``RAG_API_TOKEN``), when set, is
required on every route, and binding anything but loopback without one is refused. While
it runs, a discovery file in the store lets ``rag ask/search/chat`` forward to it.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi_offline import FastAPIOffline

from rag import discovery
from rag.api_models import (
    AS_OF,
    SINCE,
    UNTIL,
    AnswerEvent,
    AskRequest,
    DateFields,
    DeltaEvent,
    ErrorEvent,
    ErrorResponse,
    Health,
    IndexRequest,
    SearchResponse,
    SourcesResponse,
)
from rag.errors import CorpusError, EmbeddingError, IndexLockedError, LLMError, RagError, StoreError, error_line
from rag.models import Answer, AnswerDelta, DateWindow, IndexSummary, RetrievedChunk, SourceInfo

if TYPE_CHECKING:
    from rag.settings import Settings

log = logging.getLogger("rag.api")

NDJSON = "application/x-ndjson"
MOUNTED_DOCS = "/rag"
BEARER = HTTPBearer(auto_error=False, description="RAG_API_TOKEN of the server, when it has one.")
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": what}
    for code, what in {
        400: "bad input (one line)",
        401: "missing or wrong bearer token",
        409: "the index is empty or being rebuilt",
        503: "store, embedding model or LLM unavailable",
    }.items()
}


class Assistant(Protocol):
    """What the API needs of ``rag.assistant.Assistant`` (which mounts this module: no import back)."""

    settings: Settings

    def stream(
        self,
        question: str,
        history: Sequence[Answer] = (),
        backend: str | None = None,
        k: int | None = None,
        *,
        window: DateWindow | None = None,
    ) -> Iterator[AnswerDelta | Answer]: ...

    def search(self, query: str, k: int | None = None, window: DateWindow | None = None) -> list[RetrievedChunk]: ...

    @staticmethod
    def user_window(as_of: str | None = None, since: str | None = None, until: str | None = None) -> DateWindow: ...

    def window_for(self, question: str, window: DateWindow | None = None) -> DateWindow: ...

    def sources(self) -> list[SourceInfo]: ...

    def index(self, corpus_dir: Path | None = None, rebuild: bool = False) -> IndexSummary: ...

    def ensure_index(self, on_build: Callable[[], None] | None = None) -> bool: ...


def status_for(exc: RagError) -> int:
    if isinstance(exc, CorpusError | IndexLockedError):
        return 409
    if isinstance(exc, StoreError | EmbeddingError | LLMError):
        return 503
    return 400


def validation_line(errors: Sequence[Any]) -> str:
    """FastAPI's validation errors as one line, ``field: message``, without the input values: echoing a lone
    surrogate or an infinite number cannot be encoded as JSON, and turned a 422 into a 500."""
    parts = []
    for error in errors[:3]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        message = " ".join(str(error.get("msg", "invalid")).split())[:160]
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or "Invalid request"


def token_of(settings: Settings) -> str | None:
    return settings.api.token.get_secret_value() if settings.api.token else None


def create_app(assistant: Assistant, token: str | None = None, docs_prefix: str = "") -> FastAPI:
    """The API over one loaded ``Assistant``; with ``token``, every route wants ``Authorization: Bearer``.

    ``docs_prefix`` moves ``/docs`` and ``/openapi.json`` aside where the host app has its own (Gradio).
    """

    def authorize(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> None:
        if token is None:
            return
        given = credentials.credentials if credentials else ""
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "Missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})

    app = FastAPIOffline(  # the docs page's Swagger UI files come from the package, not a CDN: offline-first
        title="rag-news",
        summary="Answers about your articles, with citations you can check.",
        version="1",
        responses=ERRORS,
        docs_url=f"{docs_prefix}/docs",
        openapi_url=f"{docs_prefix}/openapi.json",
        redoc_url=None,
        static_url=f"{docs_prefix}/docs-static",
    )

    @app.exception_handler(RagError)
    async def rag_error(_request: Request, exc: RagError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_for(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_line(exc.errors())}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("request failed", exc_info=exc)
        return JSONResponse({"detail": error_line(exc)}, status_code=500)

    router = APIRouter(dependencies=[Depends(authorize)])
    key = discovery.store_key(assistant.settings)

    @router.get("/health", response_model=Health)
    def health() -> Health:
        """Whether the server is up and which store it answers from (no store access: cheap)."""
        import os

        return Health(pid=os.getpid(), store=key, collection=assistant.settings.chroma.collection)

    @router.post(
        "/ask",
        response_model=Answer,
        responses={200: {"content": {NDJSON: {"schema": {"description": "delta events, then one answer event"}}}}},
    )
    def ask(request: AskRequest) -> Any:
        """One answer with verified citations: the JSON of `rag ask --json`, or NDJSON events with `stream`.
        With `as_of`/`since`/`until` nothing outside those dates is used; the answer's `window` records them."""
        window = user_window(assistant, request)
        items = assistant.stream(request.question, request.history, request.backend, request.k, window=window)
        if not request.stream:
            for item in items:
                if isinstance(item, Answer):
                    return JSONResponse(item.model_dump(mode="json"))
            raise RagError("The answer pipeline ended without an answer")
        first = next(items, None)  # errors before the first piece of text still get their HTTP status
        if first is None:
            raise RagError("The answer pipeline ended without an answer")
        return StreamingResponse(_events(chain([first], items)), media_type=NDJSON)

    @router.get("/search", response_model=SearchResponse)
    def search(
        q: Annotated[str, Query(min_length=1, description="What to look for.")],
        k: Annotated[int, Query(ge=1, le=100, description="Number of chunks.")] = 5,
        as_of: Annotated[str | None, Query(description=AS_OF)] = None,
        since: Annotated[str | None, Query(description=SINCE)] = None,
        until: Annotated[str | None, Query(description=UNTIL)] = None,
    ) -> SearchResponse:
        """The chunks retrieval ranks highest (hybrid vectors + BM25, reranked), within the dates given."""
        if not q.strip():
            raise RagError("The query is empty")
        window = assistant.window_for(q, user_window(assistant, DateFields(as_of=as_of, since=since, until=until)))
        return SearchResponse(query=q, window=window, results=assistant.search(q, k, window=window))

    @router.get("/sources", response_model=SourcesResponse)
    def sources() -> SourcesResponse:
        """The indexed files with title, chunk count and indexed-at."""
        return SourcesResponse(sources=assistant.sources())

    @router.post("/index")
    def index(request: IndexRequest | None = None) -> JSONResponse:
        """Index the server's configured corpus (new/changed files; removed ones deleted); `rag index --json`."""
        summary = assistant.index(rebuild=bool(request and request.rebuild))
        return JSONResponse(summary.to_json())

    app.include_router(router)
    return app


def user_window(assistant: Assistant, dates: DateFields) -> DateWindow | None:
    """The window the request names, read as the CLI reads its options; None when it names no dates."""
    return assistant.user_window(dates.as_of, dates.since, dates.until) if dates.given else None


def _events(items: Iterator[Any]) -> Iterator[str]:
    try:
        for item in items:
            event = AnswerEvent(answer=item) if isinstance(item, Answer) else DeltaEvent(text=item.text)
            yield event.model_dump_json() + "\n"
    except Exception as exc:  # the stream has begun: the error becomes its last line
        if not isinstance(exc, RagError):
            log.error("streaming an answer failed", exc_info=exc)
        yield ErrorEvent(detail=error_line(exc)).model_dump_json() + "\n"


@contextlib.contextmanager
def mounted(app: Any, assistant: Assistant, host: str, port: int) -> Iterator[discovery.ServerInfo]:
    """Serve the API from another FastAPI app too (``rag ui``'s Gradio app), announced while open.

    The API is mounted after the app's own routes, so it only answers paths they leave free; its
    OpenAPI docs move to ``/rag/docs`` because Gradio serves an ``/openapi.json`` of its own.
    """
    token = token_of(assistant.settings)
    discovery.check_bind(host, token)
    app.mount("/", create_app(assistant, token, docs_prefix=MOUNTED_DOCS))
    with discovery.announced(assistant.settings, host, port, token, docs=MOUNTED_DOCS + "/docs") as info:
        yield info


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is announced; a taken port is one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise RagError(f"Cannot listen on {host}:{port} ({exc.strerror or exc}): choose another --port") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(
    assistant: Assistant,
    host: str,
    port: int,
    on_build: Callable[[], None] | None = None,
    on_ready: Callable[[discovery.ServerInfo], None] | None = None,
) -> None:
    """``rag serve``: listen, index if the store is empty, announce the server, answer until Ctrl+C or SIGTERM."""
    import uvicorn

    token = token_of(assistant.settings)
    discovery.check_bind(host, token)
    sock = bind(host, port)
    try:
        assistant.ensure_index(on_build=on_build)
    except BaseException:
        sock.close()
        raise
    server = uvicorn.Server(uvicorn.Config(create_app(assistant, token), log_level="warning", access_log=False))
    if threading.current_thread() is threading.main_thread():
        # uvicorn re-raises the signal after its graceful shutdown; exit through Python so the file is removed
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with sock, discovery.announced(assistant.settings, host, sock.getsockname()[1], token) as info:
        if on_ready:
            on_ready(info)
        server.run(sockets=[sock])
