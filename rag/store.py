"""The Chroma vector store, used through chromadb's own client (no llama-index on the query path:
importing it cost ~1.9 s of a one-shot question's start-up).

The store is the source of truth for what is indexed: every chunk carries its file, content
hash and the number of chunks of its file, so the per-file manifest is read back from the
chunks themselves. A file whose chunks are incomplete (a run killed mid-write) or whose
hash disagrees is seen as such and repaired by the next ``rag index``. This works the same
for the embedded store and for a shared Chroma server.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from index.entities import read_figures
from rag.dates import date_of, to_day
from rag.errors import ModelMismatchError, StoreError
from rag.models import ArticleHeader, Chunk, Entity, RetrievedChunk, SourceInfo, StoreStatus
from rag.settings import Settings
from rag.store_files import segment_dir, segment_problem, short, writable
from rag.tables import decode_header, encode_header

T = TypeVar("T")
MARKER = ".rag-store"
META_MODEL = "rag_embedding_model"
META_DIM = "rag_embedding_dim"
META_GENERATION = "rag_generation"
META_LAST_INDEXED = "rag_last_indexed"
META_LATEST_DAY = "rag_latest_day"  # the latest published_day ever written: an as-of after it filters nothing
_CHUNK_FIELDS = (
    "file",
    "path",
    "title",
    "start_char",
    "end_char",
    "start_line",
    "end_line",
    "content_hash",
    "chunk_index",
    "n_chunks",
    "byline",
    "published",
    "page",
    "page_line",
    "outlet",
    "date_source",
    "date_line",
    "date_quote",
    "date_char",
    "byline_line",
    "byline_quote",
    "byline_char",
    "outlet_line",
    "outlet_quote",
    "outlet_char",
)
_STATED_KEYS = ("date_line", "date_quote", "date_char")
_BYLINE_KEYS = ("byline_line", "byline_quote", "byline_char")
_OUTLET_KEYS = ("outlet_line", "outlet_quote", "outlet_char")
_LINE_KEYS = (_STATED_KEYS, _BYLINE_KEYS, _OUTLET_KEYS)  # the stated date, byline and outlet lines, in that order
DAY_KEY = "published_day"  # days since 1970-01-01, present on dated chunks only (Chroma compares numbers)
DATED_KEY = "dated"


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class FileRecord:
    """What the store holds for one source file."""

    path: str
    content_hash: str
    ids: list[str] = field(default_factory=list)
    n_chunks: int = 0
    title: str = ""
    indexed_at: str = ""
    byline: str | None = None
    published: str | None = None
    outlet: str | None = None
    date_source: str | None = None
    has_dates: bool = True  # False for chunks written before dates were stored (see ``Store.set_dates``)
    stated: tuple[int, str, int] | None = None  # (line, quote, offset) that state the date, as stored
    byline_stated: tuple[int, str, int] | None = None  # the same for a front-matter byline
    outlet_stated: tuple[int, str, int] | None = None  # and for an outlet only front matter or page meta states
    hashes: set[str] = field(default_factory=set)

    @property
    def complete(self) -> bool:
        return len(self.hashes) == 1 and len(self.ids) == self.n_chunks


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaConfig

    return ChromaConfig(anonymized_telemetry=False, allow_reset=False)


def next_name(collection: str) -> str:
    """The collection a ``--rebuild`` fills before it replaces ``collection``."""
    return f"{collection}-next"


def lock_path(settings: Settings) -> Path:
    """The file lock that serialises indexing runs on this machine."""
    return settings.store.dir / "index.lock"


def read_only_error(store_dir: Path) -> StoreError:
    if store_dir.exists() and not store_dir.is_dir():
        return StoreError(f"The store path {store_dir} is a file, not a folder; set RAG_STORE_DIR to a folder")
    return StoreError(
        f"The store at {store_dir} is read-only: `rag index` cannot write there "
        "(questions, search and sources still work); set RAG_STORE_DIR to a writable folder"
    )


def _snapshot(chroma_dir: Path) -> Path:
    """A private copy of a read-only embedded store: Chroma cannot open its SQLite file read-only."""
    folder = Path(tempfile.mkdtemp(prefix="rag-readonly-store-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    if chroma_dir.is_dir():
        shutil.copytree(chroma_dir, folder / "chroma")
    return folder / "chroma"


def _connect(settings: Settings) -> tuple[Any, bool]:
    """(client, read_only)."""
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    import chromadb

    chroma = settings.chroma
    if chroma.host:
        probe_server(chroma.host, chroma.port, chroma.connect_timeout_s)
        try:
            return chromadb.HttpClient(host=chroma.host, port=chroma.port, settings=_chroma_settings()), False
        except Exception as exc:
            raise StoreError(f"Chroma server at {chroma.host}:{chroma.port} is unreachable ({exc})") from exc
    store_dir = settings.store.dir
    if store_dir.exists() and not store_dir.is_dir():
        raise StoreError(f"The store path {store_dir} is a file, not a folder; set RAG_STORE_DIR to a folder")
    read_only = not writable(store_dir)
    if read_only and not store_dir.is_dir():
        raise StoreError(f"The store folder {store_dir} does not exist and cannot be created; set RAG_STORE_DIR")
    if not read_only and not (store_dir / MARKER).exists():
        (store_dir / MARKER).touch()
    path = _snapshot(store_dir / "chroma") if read_only else store_dir / "chroma"
    try:
        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings()), read_only
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # chromadb's Rust core panics (a BaseException) on a malformed page
        raise StoreError(
            f"Store at {store_dir} is unreadable ({type(exc).__name__}: {short(exc)}); run `rag index --rebuild`"
        ) from exc


def probe_server(host: str, port: int, timeout: float) -> None:
    """Fail in seconds with one line, before chromadb's own retries take much longer."""
    import httpx

    url = f"http://{host}:{port}/api/v2/heartbeat"
    try:
        httpx.get(url, timeout=timeout).raise_for_status()
    except Exception as exc:
        raise StoreError(
            f"Chroma server at {host}:{port} is unreachable ({type(exc).__name__}); "
            f"start it with `chroma run --path DIR --port {port}` or unset RAG_CHROMA_HOST"
        ) from exc


# Generations this process wrote itself, by store location, oldest first: its own Chroma client already
# sees them, so readers only fetch the collection again instead of restarting the client (which would stop
# the client this process's writer is using). All of them, not only the latest: a reader may still be
# catching up with one generation when the writer stamps the next on its spare collection.
_WRITTEN_HERE: dict[str, list[int]] = {}
_CHECK_EVERY_S = 0.2


class Store:
    """One Chroma collection of chunks plus the bookkeeping that keeps it consistent.

    Readers call ``reopen_if_changed`` (every read path does): when an indexing run, in this
    process or another, has published a new generation, the collection is opened again, so
    reads never hit a collection that a ``--rebuild`` replaced. A read that fails while a new
    generation is being swapped in, or whose collection was swapped out while it ran, is retried
    for up to ``store.retry_s`` seconds.
    """

    def __init__(self, settings: Settings, name: str | None = None, create: bool = False) -> None:
        """``create`` is for writers: a reader never creates the collection, so it cannot put an empty
        one in the place a ``--rebuild`` is about to fill."""
        self.settings = settings
        self.name = name or settings.chroma.collection
        self.create = create
        self.collection: Any = None
        self._had_collection = False  # found once: a missing collection is then a swap in progress
        self._reopen_lock = threading.Lock()
        self._checked_at = 0.0
        self._open()
        self.opened_generation = self.generation
        self.latest_day = self._latest_day()

    def _latest_day(self) -> int | None:
        value = self.meta().get(META_LATEST_DAY)
        return int(value) if value is not None else None

    def _open(self) -> None:
        self.client, self.read_only = _connect(self.settings)
        self._get_collection()

    def _get_collection(self) -> None:
        if not self.settings.chroma.host:
            self._check_segment()
        hnsw = {"space": "cosine", "sync_threshold": self.settings.store.hnsw_sync_threshold}
        hnsw["batch_size"] = min(100, hnsw["sync_threshold"])
        try:
            if self.create:
                self.collection = self.client.get_or_create_collection(
                    self.name, configuration={"hnsw": hnsw}, embedding_function=None
                )
            else:
                self.collection = self._find()
            self._had_collection = self._had_collection or self.collection is not None
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(
                f"Store at {self.location} is unreadable ({type(exc).__name__}: {short(exc)}); "
                "run `rag index --rebuild`"
            ) from exc

    def _lookup(self, name: str) -> Any:
        from chromadb.errors import NotFoundError

        try:
            return self.client.get_collection(name, embedding_function=None)
        except NotFoundError:
            return None

    def _find(self) -> Any:
        """The collection, or None for a store never indexed; waits out the swap of a ``--rebuild``."""
        deadline = time.monotonic() + self.settings.store.retry_s
        while True:
            found = self._lookup(self.name)
            if found is not None:
                return found
            if self._lookup(next_name(self.name)) is None:  # no swap in progress
                return self._lookup(self.name)
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)

    def _check_segment(self) -> None:
        """Refuse damaged HNSW files before Chroma reads them: some damage crashes the process."""
        folder = segment_dir(self.settings, self.name)
        if folder is not None and (why := segment_problem(folder, id_map=False)):
            raise StoreError(f"The vector index in {self.location} is damaged ({why}); run `rag index` to rebuild it")

    def _restart_client(self) -> None:
        """Drop this process's embedded Chroma, whose in-memory index another process made stale."""
        if not self.settings.chroma.host and not self.read_only:
            from chromadb.api.shared_system_client import SharedSystemClient

            identifier = getattr(self.client, "_identifier", None)
            system = SharedSystemClient._identifier_to_system.pop(identifier, None)
            SharedSystemClient._identifier_to_refcount.pop(identifier, None)
            if system is not None:
                system.stop()
        self._open()

    def reopen_if_changed(self, force: bool = False) -> bool:
        """Open the collection again when a new generation was published since it was opened.

        Another process's generation is read at most every ``_CHECK_EVERY_S`` (one question makes
        several reads); one written by this process is seen at once, and a read that fails retries
        with ``force``, so a swap is never missed.
        """
        now = time.monotonic()
        written = _WRITTEN_HERE.get(self.location, [])
        ours = not written or written[-1] == self.opened_generation
        if not force and ours and now - self._checked_at < _CHECK_EVERY_S:
            return False
        self._checked_at = now
        generation = self.generation
        if generation == self.opened_generation:
            return False
        with self._reopen_lock:
            if generation == self.opened_generation:
                return False
            if generation in _WRITTEN_HERE.get(self.location, ()):
                self._get_collection()
            else:
                self._restart_client()
            self.opened_generation = generation
            self.latest_day = self._latest_day()
        return True

    def _read(self, what: str, read: Callable[[Any], T], empty: T) -> T:
        """``read(collection)`` on the current generation (``empty`` for a store never indexed), retried while
        a new one is being swapped in: when it fails, and when its collection was deleted while it ran (Chroma
        may then answer with no rows instead of an error, and an indexed store does not become empty)."""
        deadline = time.monotonic() + self.settings.store.retry_s
        attempt = 0
        while True:
            try:
                if attempt:
                    with self._reopen_lock:
                        self._get_collection()
                self.reopen_if_changed(force=attempt > 0)
                collection = self._live()
                if collection is None:
                    return empty
                result = read(collection)
                if not self._still_published(collection):
                    raise LookupError("the collection was replaced while it was read")
                return result
            except StoreError:
                raise
            except Exception as exc:  # Chroma raises many types; all become one line
                attempt += 1
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{what} failed on {self.location} ({type(exc).__name__}: {short(exc)}); "
                        "the store's files may be damaged: run `rag doctor`, then `rag index --rebuild`"
                    ) from exc
                time.sleep(min(0.05 * 2**attempt, 0.5))

    @property
    def location(self) -> str:
        chroma = self.settings.chroma
        if chroma.host:
            return f"chroma://{chroma.host}:{chroma.port}/{self.name}"
        return str(self.settings.store.dir)

    @property
    def bm25_dir(self) -> Path:
        """Where the keyword index of the configured collection lives (a rebuild writes it there too)."""
        return self.settings.store.dir / "bm25" / self.settings.chroma.collection

    # -- store-level metadata ------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        """Read fresh: chromadb caches a collection's metadata, and another process may have re-indexed."""
        try:
            return dict(self.client.get_collection(self.name).metadata or {})
        except Exception:  # noqa: BLE001 - collection dropped or being swapped meanwhile
            return dict(self.collection.metadata or {}) if self.collection is not None else {}

    def stamp(
        self,
        *,
        model: str | None = None,
        dim: int | None = None,
        generation: int | None = None,
        last_indexed: str | None = None,
        latest_day: int | None = None,
    ) -> None:
        """Record what built the store; a new ``generation`` tells every reader to reopen."""
        values = {
            META_MODEL: model,
            META_DIM: dim,
            META_GENERATION: generation,
            META_LAST_INDEXED: last_indexed,
            META_LATEST_DAY: latest_day,
        }
        meta = self.meta()
        meta.update({key: value for key, value in values.items() if value is not None})
        self.collection.modify(metadata=meta)
        if generation is not None:
            _WRITTEN_HERE.setdefault(self.location, []).append(generation)

    @property
    def embedding_model(self) -> str | None:
        return self.meta().get(META_MODEL)

    @property
    def dimension(self) -> int:
        return int(self.meta().get(META_DIM, 0) or 0)

    @property
    def generation(self) -> int:
        return int(self.meta().get(META_GENERATION, 0))

    def check_model(self, model_id: str) -> None:
        """Vectors from two models are not comparable: refuse rather than return nonsense."""
        built_with = self.embedding_model
        if built_with and built_with != model_id and self.count() > 0:
            raise ModelMismatchError(
                f"The store at {self.location} was built with embedding model '{built_with}' "
                f"but '{model_id}' is configured; run `rag index --rebuild` to re-embed"
            )

    # -- chunks --------------------------------------------------------------------------
    def _live(self) -> Any:
        """The collection to read from inside ``_read``; None for a store never indexed. One that was found and is
        missing now is being swapped (between a rebuild's delete and rename another process may see neither
        name for a moment): an indexed store does not become empty, so this raises and ``_read`` retries."""
        if self.collection is None and self._had_collection:
            raise LookupError("the collection is being swapped")
        return self.collection

    def _still_published(self, collection: Any) -> bool:
        """Whether ``collection`` is still the one under this store's name (a rebuild's swap deletes it)."""
        found = self._lookup(self.name)
        return found is not None and found.id == collection.id

    def _get(self, what: str, **query: Any) -> dict[str, Any] | None:
        """``collection.get(**query)`` through ``_read``; None for a store never indexed."""
        return self._read(what, lambda collection: collection.get(**query), None)

    def count(self) -> int:
        return self._read("Counting chunks", lambda collection: int(collection.count()), 0)

    def _pages(self, include: list[str], batch: int) -> Iterator[dict[str, Any]]:
        """The collection's rows page by page, each page as chromadb returns it."""
        offset = 0
        while True:
            page = self._get("Reading chunks", include=include, limit=batch, offset=offset)
            if page is None or not page["ids"]:
                return
            yield page
            offset += len(page["ids"])

    def iter_records(self, include: list[str], batch: int = 5000) -> Iterator[tuple[str, dict, str | None]]:
        for page in self._pages(include, batch):
            ids = page["ids"]
            docs = page.get("documents") or [None] * len(ids)
            metas = page.get("metadatas") or [{}] * len(ids)
            for cid, meta, doc in zip(ids, metas, docs, strict=True):
                yield cid, meta or {}, doc

    def iter_vectors(self, batch: int = 5000) -> Iterator[tuple[list[str], list[dict], np.ndarray]]:
        """(ids, metadatas, float32 vectors) page by page: what the window table is built from."""
        for page in self._pages(["metadatas", "embeddings"], batch):
            metas = [m or {} for m in (page.get("metadatas") or [{}] * len(page["ids"]))]
            yield page["ids"], metas, np.asarray(page["embeddings"], dtype=np.float32)

    def manifest(self) -> dict[str, FileRecord]:
        records: dict[str, FileRecord] = {}
        for cid, meta, _ in self.iter_records(["metadatas"]):
            path = str(meta.get("path", ""))
            rec = records.get(path)
            if rec is None:
                rec = records[path] = FileRecord(
                    path=path,
                    content_hash=str(meta.get("content_hash", "")),
                    n_chunks=int(meta.get("n_chunks", 0) or 0),
                    title=str(meta.get("title", "")),
                    indexed_at=str(meta.get("indexed_at", "")),
                    byline=meta.get("byline") or None,
                    published=meta.get("published") or None,
                    outlet=meta.get("outlet") or None,
                    date_source=meta.get("date_source") or None,
                    stated=stated_of(meta),
                    byline_stated=stated_of(meta, _BYLINE_KEYS),
                    outlet_stated=stated_of(meta, _OUTLET_KEYS),
                )
            rec.ids.append(cid)
            rec.hashes.add(str(meta.get("content_hash", "")))
            rec.has_dates = rec.has_dates and DATED_KEY in meta
        return records

    def add_chunks(self, chunks: list[Chunk], vectors: Any, indexed_at: str) -> None:
        metadatas = []
        for chunk in chunks:
            metadata = {key: getattr(chunk, key) for key in _CHUNK_FIELDS}
            metadata["indexed_at"] = indexed_at
            metadata["entities"] = encode_entities(chunk.entities)
            metadata["table_header"] = encode_header(chunk.table_header)
            day = chunk.published_date
            metadata[DATED_KEY] = day is not None
            if day is not None:
                metadata[DAY_KEY] = to_day(day)
            metadatas.append({k: v for k, v in metadata.items() if v is not None})
        if chunks:
            self.collection.add(
                ids=[c.id for c in chunks],
                embeddings=np.asarray(vectors, dtype=np.float32),
                documents=[c.text for c in chunks],
                metadatas=metadatas,
            )
            self._raise_latest_day([to_day(d) for c in chunks if (d := c.published_date)])

    def _raise_latest_day(self, days: list[int]) -> None:
        if days and (self.latest_day is None or max(days) > self.latest_day):
            self.latest_day = max(days)
            self.stamp(latest_day=self.latest_day)

    def set_dates(
        self,
        ids: list[str],
        published: str | None,
        outlet: str | None,
        date_source: str,
        stated: tuple[int, str, int] | None = None,
        byline_stated: tuple[int, str, int] | None = None,
        outlet_stated: tuple[int, str, int] | None = None,
        byline: str | None = None,
        title: str | None = None,
    ) -> None:
        """Write an article's date fields (and ``stated``: the line, quote and offset that state its date; and
        ``byline_stated`` and ``outlet_stated``, those of a byline and an outlet no chunk holds; and the byline
        and title read with them) onto its stored chunks in place, for a store indexed
        before dates were stored or whose dates were read differently then, so the date filter sees them
        without re-embedding anything."""
        got = self.collection.get(ids=ids, include=["metadatas"])
        day = date_of(published)
        metas = []
        dropped = (DAY_KEY, "byline", *(key for keys in _LINE_KEYS for key in keys))
        for meta in got["metadatas"]:
            meta = {k: v for k, v in (meta or {}).items() if k not in dropped}
            meta.update(published=published or "", outlet=outlet or "", date_source=date_source)
            if byline:
                meta["byline"] = byline
            if title is not None:
                meta["title"] = title
            for keys, line in zip(_LINE_KEYS, (stated, byline_stated, outlet_stated), strict=True):
                if line is not None:
                    meta.update(zip(keys, line, strict=True))
            meta[DATED_KEY] = day is not None
            if day is not None:
                meta[DAY_KEY] = to_day(day)
            # Chroma's update merges metadata: a key no longer read is removed by writing None.
            metas.append({**dict.fromkeys(dropped), **meta})
        self.collection.update(ids=got["ids"], metadatas=metas)
        if day is not None:
            self._raise_latest_day([to_day(day)])

    def first_chunks(self, paths: list[str]) -> list[RetrievedChunk]:
        """The opening chunk (title, byline, date lines) of each file in ``paths``."""
        if not paths:
            return []
        where = {"$and": [{"path": {"$in": paths}}, {"chunk_index": 0}]}
        got = self._get("Reading chunks", where=where, include=["documents", "metadatas"])
        if got is None:
            return []
        rows = zip(got["ids"], got["metadatas"] or [], got["documents"] or [], strict=False)
        return [to_retrieved(cid, meta, doc or "", 0.0, "header") for cid, meta, doc in rows]

    def headers(self) -> list[ArticleHeader]:
        """Title, byline and date of every indexed file, from its first chunk's metadata alone (no text, no
        vectors): a question about a person's articles must see every byline, not those retrieval returned."""
        got = self._get("Reading article headers", where={"chunk_index": 0}, include=["metadatas"])
        found: dict[str, ArticleHeader] = {}
        for meta in (got or {}).get("metadatas") or []:
            meta = meta or {}
            path = str(meta.get("path", ""))
            found.setdefault(
                path,
                ArticleHeader(
                    path=path,
                    file=str(meta.get("file", "")),
                    title=str(meta.get("title", "")),
                    byline=meta.get("byline") or None,
                    published=meta.get("published") or None,
                ),
            )
        return sorted(found.values(), key=lambda h: h.path)

    def file_texts(self, paths: list[str]) -> list[str]:
        """The text of every chunk of the files in ``paths``: the whole articles a set of hits came from."""
        if not paths:
            return []
        got = self._get("Reading chunks", where={"path": {"$in": paths}}, include=["documents"])
        return [doc or "" for doc in (got or {}).get("documents") or []]

    def delete_ids(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 5000):
            self.collection.delete(ids=ids[start : start + 5000])

    def query(
        self, vector: list[float], k: int, exclude_paths: list[str] | None = None, where: dict | None = None
    ) -> list[RetrievedChunk]:
        """Nearest chunks by cosine, optionally outside some files and within a Chroma ``where`` clause."""
        clauses = [where] if where else []
        if exclude_paths:
            clauses.append({"path": {"$nin": exclude_paths}})
        combined = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
        # No count() first: an empty collection answers with nothing, and a count per query costs time.
        result = self._read("Vector search", lambda c: self._vector_query(c, vector, k, combined), None)
        if result is None:
            return []
        ids, metas, docs, dists = (result[key][0] for key in ("ids", "metadatas", "documents", "distances"))
        rows = zip(ids, metas, docs, dists, strict=True)
        return [to_retrieved(cid, meta or {}, doc or "", 1.0 - dist, "vector") for cid, meta, doc, dist in rows]

    def nearest_ids(self, vector: list[float], k: int) -> list[tuple[str, float]]:
        """The nearest chunks as ``(id, cosine)`` only, nothing else read (the caller filters, then reads few)."""
        result = self._read("Vector search", lambda c: self._vector_query(c, vector, k, None, ["distances"]), None)
        if result is None:
            return []
        return [(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0], strict=True)]

    @staticmethod
    def _vector_query(
        collection: Any, vector: list[float], k: int, where: dict | None, include: list[str] | None = None
    ) -> Any:
        include = include or ["documents", "metadatas", "distances"]
        result = collection.query(query_embeddings=[vector], n_results=k, where=where, include=include)
        if "metadatas" in include and any(meta is None for meta in result["metadatas"][0]):
            # Every stored chunk has metadata: ids without it are rows a rebuild's swap removed mid-read.
            raise LookupError("chunks vanished while the collection was read")
        return result

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The stored vectors of ``ids`` that are still in the store (a re-index may have removed some)."""
        got = self._get("Reading vectors", ids=ids, include=["embeddings"])
        if got is None:
            return {}
        return {cid: np.asarray(vec, dtype=np.float32) for cid, vec in zip(got["ids"], got["embeddings"], strict=True)}

    def records(self, ids: list[str]) -> dict[str, tuple[dict, str]]:
        """Metadata and text of the ``ids`` still in the store, read through the generation check and retry."""
        if not ids:
            return {}
        got = self._get("Reading chunks", ids=ids, include=["documents", "metadatas"])
        if got is None:
            return {}
        rows = zip(got["ids"], got["metadatas"], got["documents"], strict=True)
        return {cid: (meta or {}, doc or "") for cid, meta, doc in rows}

    def sources(self) -> list[SourceInfo]:
        return [
            SourceInfo(
                file=Path(rec.path).name,
                path=rec.path,
                title=rec.title,
                chunks=len(rec.ids),
                content_hash=rec.content_hash,
                indexed_at=rec.indexed_at,
                byline=rec.byline,
                published=rec.published,
                outlet=rec.outlet,
                date_source=rec.date_source,
            )
            for rec in sorted(self.manifest().values(), key=lambda r: r.path)
        ]

    def status(self) -> StoreStatus:
        meta = self.meta()
        return StoreStatus(
            files=len(self.manifest()),
            chunks=self.count(),
            embedding_model=str(meta.get(META_MODEL, "")),
            last_indexed=meta.get(META_LAST_INDEXED),
            location=self.location,
        )

    def drop(self, name: str | None = None) -> None:
        """Delete this collection, or another one by ``name`` (a killed ``--rebuild``'s leftover)."""
        try:
            self.client.delete_collection(name or self.name)
        except Exception:  # noqa: BLE001 - already gone is fine
            pass

    def replace(self, target: str) -> None:
        """Publish this collection under ``target``'s name, replacing it (the swap of a ``--rebuild``).

        Readers of ``target`` see the old collection until here and the new one after it; in the
        moment between the two they retry (``_read``).
        """
        try:
            self.client.delete_collection(target)
        except Exception:  # noqa: BLE001 - nothing to replace
            pass
        self.collection.modify(name=target)
        self.name = target
        self._get_collection()


def stated_of(meta: dict, keys: tuple[str, str, str] = _STATED_KEYS) -> tuple[int, str, int] | None:
    """The stored (line, quote, offset) that state a chunk's date (or, with ``_BYLINE_KEYS`` / ``_OUTLET_KEYS``,
    its byline or outlet line); None when the store has none."""
    values = tuple(meta.get(key) for key in keys)
    return values if all(v is not None for v in values) else None  # type: ignore[return-value]


def to_retrieved(cid: str, meta: dict, text: str, score: float, retriever: str) -> RetrievedChunk:
    return RetrievedChunk(
        id=cid,
        file=str(meta.get("file", "")),
        path=str(meta.get("path", "")),
        title=str(meta.get("title", "")),
        text=text,
        start_char=int(meta.get("start_char", 0)),
        end_char=int(meta.get("end_char", 0)),
        start_line=int(meta.get("start_line", 0)),
        end_line=int(meta.get("end_line", 0)),
        content_hash=str(meta.get("content_hash", "")),
        score=float(score),
        retrievers=[retriever],
        byline=meta.get("byline") or None,
        published=meta.get("published") or None,
        page=meta.get("page") or None,
        page_line=meta.get("page_line") or None,
        outlet=meta.get("outlet") or None,
        date_source=meta.get("date_source") or None,
        table_header=decode_header(meta.get("table_header")),
        **{
            key: meta.get(key) or None if key.endswith(("_line", "_quote")) else meta.get(key)
            for keys in _LINE_KEYS
            for key in keys
        },
    ).with_entities(read_figures(text, decode_entities(meta.get("entities"))))


def encode_entities(entities: list[Entity]) -> str:
    """Compact JSON for chunk metadata: ``[[start, end, "LABEL"], ...]``."""
    return json.dumps([[e.start, e.end, e.label] for e in entities], separators=(",", ":"))


def decode_entities(raw: object) -> list[Entity]:
    """Entities stored with a chunk; a store indexed before entities existed has none."""
    if not isinstance(raw, str) or not raw:
        return []
    return [Entity(start=a, end=b, label=label) for a, b, label in json.loads(raw)]


def wipe_embedded_store(store_dir: Path) -> None:
    """Remove a (possibly corrupt) embedded store, but only a folder that is ours."""
    if not store_dir.exists():
        return
    if not (store_dir / MARKER).exists() and any(store_dir.iterdir()):
        raise StoreError(f"Refusing to wipe {store_dir}: it is not a rag store (no {MARKER} file)")
    for child in store_dir.iterdir():
        if child.name in (MARKER, "index.lock"):
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
