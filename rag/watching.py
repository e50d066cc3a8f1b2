"""`rag watch`: re-index the corpus folder whenever its articles change.

watchfiles reports changes in debounced batches; files that are not articles (editors' swap,
backup and lock files, hidden files, other types) are ignored, so saving a file in an editor
is one batch for the article itself. Each batch runs the normal incremental index, which sees
an add, an edit, a delete or a rename (delete + add) by comparing the folder with the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch

from rag.errors import RagError
from rag.models import IndexSummary, WatchBatch
from rag.settings import Settings


class ArticleFilter(DefaultFilter):
    """Only article files inside the corpus, never hidden ones or an editor's temporary copies."""

    def __init__(self, root: Path, extensions: tuple[str, ...], ignore: tuple[Path, ...] = ()) -> None:
        super().__init__(ignore_paths=[str(p) for p in ignore])
        self.root = root.resolve()
        self.extensions = tuple(e.lower() for e in extensions)

    def __call__(self, change: Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        p = Path(path)
        rel = p.relative_to(self.root) if p.is_relative_to(self.root) else Path(p.name)
        if any(part.startswith((".", "~", "#")) for part in rel.parts):
            return False
        return p.suffix.lower() in self.extensions


def watch_corpus(
    settings: Settings,
    index: Callable[[], IndexSummary],
    on_batch: Callable[[WatchBatch], None],
    stop_event: threading.Event | None = None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Block, calling ``index`` once per debounced batch of article changes until ``stop_event`` is set."""
    if not settings.corpus.dir.is_dir():
        raise RagError(f"Corpus folder not found: {settings.corpus.dir} (set RAG_CORPUS_DIR)")
    root = settings.corpus.dir.resolve()
    store = settings.store.dir.resolve()
    watch_filter = ArticleFilter(root, settings.corpus.extensions, ignore=(store,))
    if on_ready:
        on_ready()
    for changes in watch(
        root,
        watch_filter=watch_filter,
        debounce=settings.watch.debounce_ms,
        stop_event=stop_event,
        raise_interrupt=False,
    ):
        files = sorted({Path(p).relative_to(root).as_posix() for _, p in changes if Path(p).is_relative_to(root)})
        try:
            on_batch(WatchBatch(changes=len(changes), files=files, index=index()))
        except RagError as exc:
            on_batch(WatchBatch(changes=len(changes), files=files, error=str(exc)))
