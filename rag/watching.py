"""`rag watch`: re-index the corpus folder whenever its articles change.

watchfiles reports changes in debounced batches; files that are not articles (editors' swap,
backup and lock files, hidden files, other types) are ignored, so saving a file in an editor
is one batch for the article itself. Each batch runs the normal incremental index, which sees
an add, an edit, a delete or a rename (delete + add) by comparing the folder with the store.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch

from rag.errors import RagError, unexpected_line
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


def _identity(root: Path) -> tuple[int, int] | None:
    """The folder's device and inode, None when it is gone: a folder removed and made again is another inode,
    which the operating system's watch on the old one never reports on."""
    try:
        return (root.stat().st_dev, root.stat().st_ino) if root.is_dir() else None
    except OSError:
        return None


def _batch(index: Callable[[], IndexSummary], changes: int, files: list[str], note: str | None = None) -> WatchBatch:
    """One index run as a batch; any error, expected or not, is the batch's one line (the watch goes on)."""
    try:
        return WatchBatch(changes=changes, files=files, index=index(), note=note)
    except RagError as exc:
        return WatchBatch(changes=changes, files=files, error=str(exc), note=note)
    except Exception as exc:  # noqa: BLE001 - one bad batch must not end the watch; the next change retries
        return WatchBatch(changes=changes, files=files, error=unexpected_line(exc), note=note)


def watch_corpus(
    settings: Settings,
    index: Callable[[], IndexSummary],
    on_batch: Callable[[WatchBatch], None],
    stop_event: threading.Event | None = None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Block, calling ``index`` once per debounced batch of article changes until ``stop_event`` is set.

    When the corpus folder is removed the watch says so, waits for it to come back, indexes it and goes on."""
    if not settings.corpus.dir.is_dir():
        raise RagError(f"Corpus folder not found: {settings.corpus.dir} (set RAG_CORPUS_DIR)")
    root = settings.corpus.dir.resolve()
    store = settings.store.dir.resolve()
    watch_filter = ArticleFilter(root, settings.corpus.extensions, ignore=(store,))
    check_ms = max(settings.watch.debounce_ms, 500)
    if on_ready:
        on_ready()
    while True:
        watched = _identity(root)
        for changes in watch(
            root,
            watch_filter=watch_filter,
            debounce=settings.watch.debounce_ms,
            stop_event=stop_event,
            raise_interrupt=False,
            rust_timeout=check_ms,
            yield_on_timeout=True,
        ):
            if changes:
                files = sorted(
                    {Path(p).relative_to(root).as_posix() for _, p in changes if Path(p).is_relative_to(root)}
                )
                on_batch(_batch(index, len(changes), files))
            if _identity(root) != watched:
                break
        else:
            return  # stopped
        on_batch(WatchBatch(changes=0, note=f"the corpus folder {root} was removed; waiting for it to come back"))
        while _identity(root) is None:
            if stop_event is None:
                time.sleep(check_ms / 1000)
            elif stop_event.wait(check_ms / 1000):
                return
        on_batch(_batch(index, 0, [], note=f"the corpus folder {root} is back"))
