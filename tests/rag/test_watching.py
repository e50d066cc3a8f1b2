"""`rag watch`: add, edit, rename and delete in the corpus folder are indexed in debounced batches;
editors' temporary files are ignored."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from watchfiles import Change

from rag.models import WatchBatch
from rag.rendering import watch_line
from rag.watching import ArticleFilter

pytestmark = pytest.mark.slow


@contextmanager
def _watching(a, index=None) -> Iterator[tuple[threading.Thread, queue.Queue[WatchBatch]]]:
    """A watch thread over ``a``'s corpus (``index`` in place of ``a.index``) and its batches; stopped after."""
    from rag.watching import watch_corpus

    batches: queue.Queue[WatchBatch] = queue.Queue()
    ready, stop = threading.Event(), threading.Event()
    if index is None:  # through the Assistant, as `rag watch` runs it
        target, args = a.watch, (batches.put, stop, ready.set)
    else:
        target, args = watch_corpus, (a.settings, index, batches.put, stop, ready.set)
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    assert ready.wait(10)
    time.sleep(0.5)
    try:
        yield thread, batches
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_filter_ignores_editor_files_hidden_files_and_other_types(tmp_path: Path) -> None:
    keep = ArticleFilter(tmp_path, (".txt", ".md", ".pdf"))
    for name in ("a.md", "sub/b.txt", "c.pdf"):
        assert keep(Change.added, str(tmp_path / name)), name
    for name in (".#a.md", "a.md~", "a.md.swp", ".a.md.swp", "4913", "~$report.docx", "#a.md#", ".git/x.md", "x.png"):
        assert not keep(Change.added, str(tmp_path / name)), name


def test_changes_are_indexed_in_batches(assistant_for, tiny_corpus: Path) -> None:
    a = assistant_for(tiny_corpus, watch__debounce_ms=300)
    a.index()

    def next_batch() -> WatchBatch:
        batch = batches.get(timeout=120)
        assert batch.error is None and batch.index is not None, batch
        return batch

    with _watching(a) as (_, batches):
        (tiny_corpus / "delta.txt").write_text("Tram Depot Opens\n\nThe new tram depot of Port Elms opened in May.\n")
        (tiny_corpus / ".#delta.txt").write_text("editor lock")
        (tiny_corpus / "delta.txt~").write_text("backup")
        batch = next_batch()
        assert batch.index.added == ["delta.txt"] and batch.files == ["delta.txt"]
        line = watch_line(batch, "12:00:00")
        assert line.startswith("12:00:00 1 change (delta.txt): 1 added") and "\n" not in line

        (tiny_corpus / "delta.txt").write_text("Tram Depot Opens\n\nThe new tram depot of Port Elms opened in June.\n")
        assert next_batch().index.updated == ["delta.txt"]

        (tiny_corpus / "delta.txt").rename(tiny_corpus / "depot.txt")
        added: list[str] = []
        removed: list[str] = []
        while not (added and removed):  # a rename is one batch, or two if it straddles the debounce window
            batch = next_batch()
            added += batch.index.added
            removed += batch.index.removed
        assert added == ["depot.txt"] and removed == ["delta.txt"]

        (tiny_corpus / "depot.txt").unlink()
        assert next_batch().index.removed == ["depot.txt"]
        assert {s.path for s in a.sources()} == {"alpha.txt", "beta.md", "sub/gamma.txt"}
        assert batches.empty()


def test_an_unexpected_error_in_one_batch_is_its_line_and_the_watch_goes_on(assistant_for, tiny_corpus: Path) -> None:
    a = assistant_for(tiny_corpus, watch__debounce_ms=300)
    a.index()
    calls: list[int] = []

    def index_failing_once():
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("[E088] Text of length 2050000 exceeds maximum\nof 1000000")
        return a.index()

    with _watching(a, index_failing_once) as (thread, batches):
        (tiny_corpus / "delta.txt").write_text("Tram Depot Opens\n\nThe new tram depot of Port Elms opened in May.\n")
        failed = batches.get(timeout=120)
        assert failed.error == "ValueError: [E088] Text of length 2050000 exceeds maximum" and thread.is_alive()
        assert "\n" not in watch_line(failed, "12:00:00")
        (tiny_corpus / "epsilon.txt").write_text("Ferry Timetable\n\nThe harbour ferry of Port Elms runs hourly.\n")
        batch = batches.get(timeout=120)
        assert batch.error is None and batch.index.added == ["delta.txt", "epsilon.txt"]


def test_a_corpus_folder_removed_and_made_again_is_watched_again(assistant_for, tiny_corpus: Path) -> None:
    import shutil

    a = assistant_for(tiny_corpus, watch__debounce_ms=300)
    a.index()

    def next_note() -> WatchBatch:
        while (batch := batches.get(timeout=120)).note is None:
            pass
        return batch

    with _watching(a) as (thread, batches):
        shutil.rmtree(tiny_corpus)
        gone = next_note()
        assert "was removed; waiting for it to come back" in gone.note and thread.is_alive()
        tiny_corpus.mkdir()
        (tiny_corpus / "delta.txt").write_text("Tram Depot Opens\n\nThe new tram depot of Port Elms opened in May.\n")
        back = next_note()
        assert "is back" in back.note and back.error is None
        (tiny_corpus / "epsilon.txt").write_text("Ferry Timetable\n\nThe harbour ferry of Port Elms runs hourly.\n")
        while not (batch := batches.get(timeout=120)).files:
            pass
        assert batch.files == ["epsilon.txt"] and "epsilon.txt" in batch.index.added
        assert {s.path for s in a.sources()} >= {"delta.txt", "epsilon.txt"}
        assert watch_line(back, "12:00:00").startswith("12:00:00 the corpus folder ")
