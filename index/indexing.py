"""Incremental indexing: embed only new or changed files, delete what is gone, repair what is broken.

A run holds a file lock on the store folder, so two runs never write at once. Chunks are
written in batches; a run killed between batches leaves files with missing chunks, which the
next run sees in the store's manifest (chunk count != ``n_chunks``) and re-embeds.
"""

from __future__ import annotations

import shutil
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from index.chunking import chunk_article, make_splitter
from index.entities import find_entities
from index.loading import Article, load_corpus
from rag import bm25, window_search
from rag.embeddings import Embedder
from rag.errors import CorpusError, IndexLockedError, StoreError
from rag.models import Chunk, IndexSummary
from rag.sentence_vectors import SentenceStore, sentences_of
from rag.settings import Settings
from rag.store import Store, lock_path, next_name, now_iso, probe_server, read_only_error, wipe_embedded_store
from rag.store_files import orphan_segments, segment_dir, segment_problem, sqlite_path, sqlite_problem, writable

Progress = Callable[[int, int], None]
_SEEN_MAX = 50_000  # texts whose vectors a run remembers for reuse (~80 MB)


def acquire(settings: Settings, on_wait: Callable[[], None] | None = None) -> FileLock:
    if not writable(settings.store.dir):
        raise read_only_error(settings.store.dir)
    lock = FileLock(str(lock_path(settings)))
    try:
        lock.acquire(timeout=0)
        return lock
    except Timeout:
        if on_wait:
            on_wait()
    try:
        lock.acquire(timeout=settings.index.lock_timeout_s)
    except Timeout as exc:
        raise IndexLockedError(
            f"Another `rag index` is writing to {settings.store.dir} (lock {lock.lock_file}); "
            "try again when it finishes"
        ) from exc
    return lock


def _wipe(settings: Settings) -> None:
    """An embedded store too broken to open is removed from disk (only a folder that is ours)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    wipe_embedded_store(settings.store.dir)


def run_index(
    settings: Settings,
    embedder: Embedder,
    corpus_dir: Path | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
    on_wait: Callable[[], None] | None = None,
) -> IndexSummary:
    """Bring the store in line with the corpus and publish the result as a new generation.

    Readers keep answering meanwhile: an incremental run adds a changed file's new chunks before
    it deletes the old ones, and ``--rebuild`` fills a separate collection that replaces the live
    one only when it is complete. The keyword index of the new generation is written before the
    generation is published, so a reader that sees the new generation finds its keyword index.
    """
    start = time.perf_counter()
    root = corpus_dir or settings.corpus.dir
    if settings.chroma.host:
        probe_server(settings.chroma.host, settings.chroma.port, settings.chroma.connect_timeout_s)
    articles, skipped = load_corpus(root, settings.corpus)
    if not articles:
        reasons = "; ".join(f"{s.file}: {s.reason}" for s in skipped[:3])
        raise CorpusError(
            f"No readable articles (.txt, .md, .html) in {root}"
            + (f" ({reasons})" if reasons else "")
            + "; the index was left as it was"
        )
    lock = acquire(settings, on_wait)
    try:
        broken = None if settings.chroma.host or not sqlite_path(settings).exists() else sqlite_problem(settings)
        if broken and not rebuild:
            # Writing into a malformed database loses what reads still find: refuse, and name the fix.
            raise StoreError(f"The store's database {sqlite_path(settings)} is {broken}; run `rag index --rebuild`")
        if broken:
            _wipe(settings)  # chromadb cannot compact a malformed file: start again from the corpus
        damaged = None if rebuild else _damaged_segment(settings)
        rebuild = rebuild or damaged is not None
        live = _open_live(settings, rebuild)
        # After a wipe no reader's generation can be trusted: a clock value differs from all of them.
        generation = live.generation if live else int(time.time())
        spare = next_name(settings.chroma.collection)
        if live is not None:
            live.drop(spare)  # a killed --rebuild's leftover
        store = Store(settings, spare, create=True) if rebuild or live is None else live
        if store.count() == 0:
            store.stamp(model=embedder.model_id)
        store.check_model(embedder.model_id)
        summary = _sync(store, embedder, articles, settings, progress)
        summary.skipped = skipped
        summary.undated = [a.rel_path for a in articles if not a.published]
        summary.warnings = [w for a in articles for w in a.warnings]
        if damaged:
            summary.warnings.insert(0, f"the vector index was damaged ({damaged}): rebuilt from the articles")
        if summary.changed or store is not live:
            bm25.build(store, generation + 1)
            window_search.build(store, generation + 1)
            store.stamp(
                model=embedder.model_id,
                dim=embedder.dimension if summary.chunks_embedded else store.dimension,
                generation=generation + 1,
                last_indexed=now_iso(),
            )
            if store is not live:
                kept = [cid for cid, _, _ in store.iter_records([])]
                store.replace(settings.chroma.collection)
                _remove_orphans(settings)
                SentenceStore.beside(settings.store.dir, settings.chroma.collection).keep_only(kept)
        else:
            if why := bm25.ensure(store):
                summary.warnings.append(f"the keyword index was {why}: rebuilt")
            window_search.ensure(store)
    finally:
        lock.release()
    summary.seconds = round(time.perf_counter() - start, 3)
    return summary


def _remove_orphans(settings: Settings) -> None:
    """The replaced collection's HNSW files (open readers keep their handles until they reopen)."""
    if not settings.chroma.host:
        for folder in orphan_segments(settings):
            shutil.rmtree(folder, ignore_errors=True)


def _damaged_segment(settings: Settings) -> str | None:
    """What is wrong with the live collection's HNSW files (embedded store only), or None."""
    if settings.chroma.host:
        return None
    folder = segment_dir(settings, settings.chroma.collection)
    return segment_problem(folder) if folder else None


def _open_live(settings: Settings, rebuild: bool) -> Store | None:
    """The live store; None after wiping one too broken to open (only with ``--rebuild``)."""
    try:
        return Store(settings, create=True)
    except StoreError:
        if not rebuild or settings.chroma.host:
            raise
    _wipe(settings)
    return None


def _sync(
    store: Store, embedder: Embedder, articles: list[Article], settings: Settings, progress: Progress | None
) -> IndexSummary:
    summary, removed = IndexSummary(), []
    manifest = store.manifest()
    broken = [rec for rec in manifest.values() if not rec.complete]
    for rec in broken:
        store.delete_ids(rec.ids)
        summary.repaired_chunks += len(rec.ids)
        del manifest[rec.path]

    by_path = {a.rel_path: a for a in articles}
    for path, rec in sorted(manifest.items()):
        if path not in by_path:
            store.delete_ids(rec.ids)
            removed += rec.ids
            summary.removed.append(path)

    todo: list[Article] = []
    replaced: list[str] = []  # old chunks of changed files, deleted once their new chunks are in
    broken_paths = {rec.path for rec in broken}
    for article in articles:
        rec = manifest.get(article.rel_path)
        if rec is None:
            (summary.updated if article.rel_path in broken_paths else summary.added).append(article.rel_path)
            todo.append(article)
        elif rec.content_hash != article.content_hash:
            replaced += rec.ids
            summary.updated.append(article.rel_path)
            todo.append(article)
        else:
            summary.unchanged.append(article.rel_path)
            # Dates (and the byline and title read with them) are metadata: a store indexed before they were
            # kept, or read differently then, gets them in place, without re-embedding (only the text is embedded).
            lines = (article.date_stated, article.byline_stated, article.outlet_stated)
            dates = (
                article.published,
                article.outlet,
                article.date_source,
                *(astuple(s) if s else None for s in lines),
            )
            stored = (rec.published, rec.outlet, rec.date_source, rec.stated, rec.byline_stated, rec.outlet_stated)
            read = (article.byline or None, article.title)
            if not rec.has_dates or stored != dates or (rec.byline, rec.title) != read:
                store.set_dates(rec.ids, *dates, byline=article.byline, title=article.title)
                summary.dates_added += 1

    splitter = make_splitter(settings.index)
    t = time.perf_counter()
    found = find_entities([a.text for a in todo]) if settings.index.entities else [[] for _ in todo]
    summary.ner_seconds = round(time.perf_counter() - t, 3)
    chunks: list[Chunk] = [c for a, ents in zip(todo, found, strict=True) for c in chunk_article(a, splitter, ents)]
    indexed_at = now_iso()
    batch = max(1, settings.index.write_batch)
    bulk = len({c.text for c in chunks}) >= settings.embedding.bulk_min_chunks
    if chunks:
        summary.embedding_precision = embedder.bulk_precision() if bulk else "fp32"
    done = 0
    if progress:
        progress(0, len(chunks))
    sentence_store = SentenceStore.beside(settings.store.dir, settings.chroma.collection)
    # The same text (wire copy, boilerplate, a republished paragraph, a sentence in two overlapping
    # chunks) is embedded once; the memory of what was seen is bounded.
    seen: OrderedDict[str, np.ndarray] = OrderedDict()
    for start in range(0, len(chunks), batch):
        part = chunks[start : start + batch]
        per_chunk = [sentences_of(c.text) for c in part]
        texts = [c.text for c in part] + [s.text for sents in per_chunk for s in sents]
        new = [t for t in dict.fromkeys(texts) if t not in seen]
        summary.duplicates_reused += len(part) - len({c.text for c in part} & set(new))
        seen.update(zip(new, embedder.embed(new, bulk=bulk), strict=True))
        for text in texts:
            seen.move_to_end(text)
        store.add_chunks(part, np.stack([seen[c.text] for c in part]), indexed_at)
        sentence_store.put(
            (c.id, c.content_hash, sents, np.array([seen[s.text] for s in sents]).reshape(len(sents), -1))
            for c, sents in zip(part, per_chunk, strict=True)
        )
        while len(seen) > _SEEN_MAX:
            seen.popitem(last=False)
        done += len(part)
        summary.chunks_embedded += len(part)
        if progress:
            progress(done, len(chunks))
    store.delete_ids(replaced)
    sentence_store.delete(replaced + [cid for rec in broken for cid in rec.ids] + removed)
    return summary
