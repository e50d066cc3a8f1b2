"""The library's front door: one object per process that the CLI, the UI and the evals share.

It holds the loaded embedding model, the store and the retriever, so nothing heavy is
loaded per request. Every shell calls these methods and renders what they return.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.embeddings import Embedder, get_embedder
from rag.errors import CorpusError, RagError
from rag.models import (
    AddedArticle,
    AddSummary,
    Answer,
    AnswerDelta,
    IndexSummary,
    RetrievedChunk,
    SkippedFile,
    SourceInfo,
    StoreStatus,
    WatchBatch,
)
from rag.settings import Settings
from rag.store import Store

if TYPE_CHECKING:
    from rag.generator import Generator


class Assistant:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or get_embedder(settings.embedding)
        self._store: Store | None = None
        self._retriever = None
        self._lock = threading.RLock()

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = Store(self.settings)
            return self._store

    @property
    def retriever(self):
        with self._lock:
            if self._retriever is None:
                from rag.retrieving import Retriever

                self.store.check_model(self.embedder.model_id)
                self._retriever = Retriever(self.settings.retrieval, self.store, self.embedder)
            return self._retriever

    def index(
        self,
        corpus_dir: Path | None = None,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> IndexSummary:
        from index.indexing import run_index

        with self._lock:
            if rebuild:
                self._store = None
                self._retriever = None
            summary = run_index(self.settings, self.embedder, corpus_dir, rebuild, progress, on_wait)
            self._store = None
            self._retriever = None
            return summary

    def add(self, items: Iterable[str | Path], progress: Callable[[int, int], None] | None = None) -> AddSummary:
        """Save URLs (pages or feeds) and local files into the corpus, then index what changed.

        Each input that cannot be added gives one line in ``rejected``; the others are still added.
        """
        from rag import fetching
        from rag.corpus_files import add_uploads

        result = AddSummary()
        urls, files = [], []
        for item in items:
            text = str(item).strip()
            is_url = isinstance(item, str) and fetching.looks_like_url(text) and not Path(text).exists()
            (urls if is_url else files).append(text)
        if files:
            saved, rejected = add_uploads(self.settings, files)
            result.saved += [AddedArticle(path=p, title=Path(p).name, status="added") for p in saved]
            result.rejected += rejected
        if urls:
            with fetching.client(self.settings) as http:
                for url in urls:
                    for requested, found in fetching.articles(http, url, self.settings):
                        if isinstance(found, SkippedFile):
                            result.rejected.append(found)
                        elif isinstance(found, str):
                            result.warnings.append(found)
                        else:
                            result.saved.append(fetching.save(self.settings, requested, found))
        if any(a.status != "unchanged" for a in result.saved):
            result.index = self.index(progress=progress)
        return result

    def watch(
        self,
        on_batch: Callable[[WatchBatch], None],
        stop_event: threading.Event | None = None,
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        """Re-index the corpus on every debounced batch of article changes until ``stop_event`` is set."""
        from rag.watching import watch_corpus

        watch_corpus(self.settings, self.index, on_batch, stop_event, on_ready)

    def ensure_index(self, on_build: Callable[[], None] | None = None) -> bool:
        """Index the configured corpus on first use; True when it had to."""
        if self.store.count() > 0:
            return False
        if on_build:
            on_build()
        self.index()
        return True

    def generator(self, backend: str | None = None) -> Generator:
        from rag.generator import make_generator

        return make_generator(self.settings, self.embedder, backend)

    def stream(
        self,
        question: str,
        history: Sequence[Answer] = (),
        backend: str | None = None,
        k: int | None = None,
        generator: Generator | None = None,
    ) -> Iterator[AnswerDelta | Answer]:
        """Text deltas as they are produced, then the verified ``Answer``."""
        from rag.answering import stream_answer

        if not question.strip():
            raise RagError("The question is empty")
        if self.store.count() == 0:
            corpus = self.settings.corpus.dir
            raise CorpusError(f"The index at {self.store.location} is empty: run `rag index` (corpus: {corpus})")
        gen = generator or self.generator(backend)
        k = k or self.settings.retrieval.top_k
        yield from stream_answer(question, history, self.retriever, gen, self.embedder, self.settings.answer, k)

    def ask(
        self,
        question: str,
        history: Sequence[Answer] = (),
        backend: str | None = None,
        k: int | None = None,
        generator: Generator | None = None,
    ) -> Answer:
        for item in self.stream(question, history, backend, k, generator):
            if isinstance(item, Answer):
                return item
        raise RagError("The answer pipeline ended without an answer")

    def search(self, query: str, k: int | None = None) -> list[RetrievedChunk]:
        return self.retriever.search(query, k)

    def sources(self) -> list[SourceInfo]:
        return self.store.sources()

    def status(self) -> StoreStatus:
        return self.store.status()

    def serve_api(self, app: Any, host: str, port: int) -> AbstractContextManager[Any]:
        """Serve the HTTP API of ``rag serve`` from ``app`` too (``rag ui`` mounts it into Gradio's FastAPI
        app), announced to `rag ask/search/chat` while the context is open; refused off loopback without a token."""
        from rag.api import mounted

        return mounted(app, self, host, port)
