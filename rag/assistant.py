"""The library's front door: one object per process that the CLI, the UI and the evals share.

It holds the loaded embedding model, the store and the retriever, so nothing heavy is
loaded per request. Every shell calls these methods and renders what they return.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.embeddings import Embedder, get_embedder
from rag.errors import CorpusError, RagError, UnsafePathError
from rag.hygiene import check_top_k, clean_question, printable
from rag.models import (
    AddedArticle,
    AddedArticles,
    AddSummary,
    Answer,
    AnswerDelta,
    ArticleText,
    Check,
    DateWindow,
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
    """Questions, search and the viewer read the store's last complete generation; indexing runs
    beside them (it never holds the lock readers take) and publishes a new generation when done.
    Every question and ``k`` is checked here, so every shell treats the same input the same way."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._store: Store | None = None
        self._retriever = None
        self._lock = threading.RLock()

    @property
    def embedder(self) -> Embedder:
        """Loaded on first use, so ``doctor`` can report a model that does not load."""
        with self._lock:
            if self._embedder is None:
                self._embedder = get_embedder(self.settings.embedding)
            return self._embedder

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

        summary = run_index(self.settings, self.embedder, corpus_dir, rebuild, progress, on_wait)
        if rebuild and not self.settings.chroma.host:
            with self._lock:  # a wiped store's client is gone: open the new one afresh
                self._store = None
                self._retriever = None
        return summary

    def tidy(self, text: str) -> str:
        """``text`` as the pipeline will see it (invalid code points replaced, control characters removed),
        for a shell to echo back before it asks; never raises."""
        return printable(text if isinstance(text, str) else "").strip()

    def is_empty(self) -> bool:
        return self.store.count() == 0

    def add(
        self,
        items: Iterable[str | Path],
        progress: Callable[[int, int], None] | None = None,
        urls_only: bool = False,
    ) -> AddSummary:
        """Save URLs (pages or feeds) and local files into the corpus, then index what changed.

        Each input that cannot be added gives one line in ``rejected``; the others are still added. With
        ``urls_only`` (a web page's box, typed by whoever can reach the page) a path on this machine is refused:
        only the one who runs the assistant copies its files in.
        """
        from rag import fetching

        result = AddSummary()
        urls, files = [], []
        for item in items:
            text = str(item).strip()
            is_url = isinstance(item, str) and fetching.looks_like_url(text) and (urls_only or not Path(text).exists())
            if urls_only and not is_url:
                result.rejected.append(SkippedFile(file=text[:80], reason="not a web address (http:// or https://)"))
                continue
            if isinstance(item, str) and not is_url and not Path(text).exists():
                # Text typed where a web address was wanted: say so, not that "none" is an unsupported type.
                reason = "neither a web address (http:// or https://) nor an existing file"
                result.rejected.append(SkippedFile(file=text[:80], reason=reason))
                continue
            (urls if is_url else files).append(text)
        if files:
            added = self.add_articles(files)
            result.saved += [AddedArticle(path=p, title=Path(p).name, status="added") for p in added.saved]
            result.rejected += added.rejected
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
        if not self.is_empty():
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
        window: DateWindow | None = None,
    ) -> Iterator[AnswerDelta | Answer]:
        """Text deltas as they are produced, then the verified ``Answer`` (which records the date window
        used: ``window``'s as-of, default today, and since/until, plus what the question says about time)."""
        from rag.answering import stream_answer

        question = clean_question(question, self.settings.answer.max_question_chars)
        k = check_top_k(k, self.settings.retrieval.max_top_k) or self.settings.retrieval.top_k
        if self.is_empty():
            corpus = self.settings.corpus.dir
            raise CorpusError(f"The index at {self.store.location} is empty: run `rag index` (corpus: {corpus})")
        gen = generator or self.generator(backend)
        yield from stream_answer(question, history, self.retriever, gen, self.embedder, self.settings.answer, k, window)

    def ask(
        self,
        question: str,
        history: Sequence[Answer] = (),
        backend: str | None = None,
        k: int | None = None,
        generator: Generator | None = None,
        window: DateWindow | None = None,
    ) -> Answer:
        for item in self.stream(question, history, backend, k, generator, window):
            if isinstance(item, Answer):
                return item
        raise RagError("The answer pipeline ended without an answer")

    def search(self, query: str, k: int | None = None, window: DateWindow | None = None) -> list[RetrievedChunk]:
        """Ranked chunks, one per article while enough articles match; nothing dated after the as-of date
        (default today) or outside since/until."""
        query = clean_question(query, self.settings.answer.max_question_chars)
        k = check_top_k(k, self.settings.retrieval.max_top_k)
        window = self.window_for(query, window)
        return self.retriever.search(query, k, window=window, ranking=self.retriever.listing_ranking())

    def passages(self, question: str, k: int | None = None, window: DateWindow | None = None) -> list[RetrievedChunk]:
        """The passages the answerer reads for a standalone ``question`` (up to two per article, unlike a
        search listing): what the answer-side fit scripts rank."""
        question = clean_question(question, self.settings.answer.max_question_chars)
        k = check_top_k(k, self.settings.retrieval.max_top_k) or self.settings.retrieval.top_k
        return self.retriever.search(question, k, window=self.window_for(question, window))

    @staticmethod
    def user_window(
        as_of: str | date | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
    ) -> DateWindow:
        """Dates as a user typed them (ISO, or "yesterday", "2 weeks ago"); as-of defaults to today."""
        from rag.dates import user_window

        return user_window(as_of, since, until)

    def window_for(self, question: str, window: DateWindow | None = None) -> DateWindow:
        """The window a question is answered in: the user's (as-of default today) plus its date phrase."""
        from rag.dates import for_question

        return for_question(question, window)

    def sources(self) -> list[SourceInfo]:
        return self.store.sources()

    def status(self) -> StoreStatus:
        return self.store.status()

    def serve_api(self, app: Any, host: str, port: int) -> AbstractContextManager[Any]:
        """Serve the HTTP API of ``rag serve`` from ``app`` too (``rag ui`` mounts it into Gradio's FastAPI
        app), announced to `rag ask/search/chat` while the context is open; refused off loopback without a token."""
        from rag.api import mounted

        return mounted(app, self, host, port)

    def doctor(self) -> list[Check]:
        """One ``Check`` per part (embedding model, store folder, lock, SQLite, collection, HNSW, BM25, Ollama)."""
        from rag.doctor import run_checks

        return run_checks(self.settings, lambda: self.embedder)

    def open_article(self, path: str, indexed_only: bool = True) -> ArticleText:
        """An article of the corpus for display, decoded as the indexer read it; refuses any other path."""
        from rag.corpus_files import open_source, resolve_source

        resolve_source(self.settings, path)
        if indexed_only and path not in {s.path for s in self.sources()}:
            raise UnsafePathError(f"'{path}' is not an indexed article: re-index to add it")
        article = open_source(self.settings, path)
        pages = None
        if article.pages:  # each page's (start, end) in the text, for a viewer that shows one page
            parts = [article.page_text(page) for page in range(1, len(article.pages) + 1)]
            pages = [(offset, offset + len(text)) for text, offset in parts]
        return ArticleText(
            path=path, title=article.title, text=article.text, content_hash=article.content_hash,
            url=article.url, pages=pages,
        )  # fmt: skip

    def add_articles(self, files: Sequence[str | Path]) -> AddedArticles:
        """Copy files into the corpus folder under safe names if the indexer would accept them (not indexed yet)."""
        from rag.corpus_files import add_uploads

        saved, rejected = add_uploads(self.settings, files)
        return AddedArticles(saved=saved, rejected=rejected)
