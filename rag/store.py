"""The Chroma vector store, reached through llama-index's ``ChromaVectorStore``.

The store is the source of truth for what is indexed: every chunk carries its file, content
hash and the number of chunks of its file, so the per-file manifest is read back from the
chunks themselves. A file whose chunks are incomplete (a run killed mid-write) or whose
hash disagrees is seen as such and repaired by the next ``rag index``. This works the same
for the embedded store and for a shared Chroma server.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.errors import ModelMismatchError, StoreError
from rag.models import Chunk, RetrievedChunk, SourceInfo, StoreStatus
from rag.settings import Settings

MARKER = ".rag-store"
META_MODEL = "rag_embedding_model"
META_DIM = "rag_embedding_dim"
META_GENERATION = "rag_generation"
META_LAST_INDEXED = "rag_last_indexed"
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
)


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
    hashes: set[str] = field(default_factory=set)

    @property
    def complete(self) -> bool:
        return len(self.hashes) == 1 and len(self.ids) == self.n_chunks


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaConfig

    return ChromaConfig(anonymized_telemetry=False, allow_reset=False)


def _connect(settings: Settings) -> Any:
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    import chromadb

    chroma = settings.chroma
    if chroma.host:
        probe_server(chroma.host, chroma.port, chroma.connect_timeout_s)
        try:
            return chromadb.HttpClient(host=chroma.host, port=chroma.port, settings=_chroma_settings())
        except Exception as exc:
            raise StoreError(f"Chroma server at {chroma.host}:{chroma.port} is unreachable ({exc})") from exc
    store_dir = settings.store.dir
    store_dir.mkdir(parents=True, exist_ok=True)
    (store_dir / MARKER).touch()
    try:
        return chromadb.PersistentClient(path=str(store_dir / "chroma"), settings=_chroma_settings())
    except Exception as exc:
        raise StoreError(
            f"Store at {store_dir} is unreadable ({type(exc).__name__}: {str(exc)[:120]}); run `rag index --rebuild`"
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


class Store:
    """One Chroma collection of chunks plus the bookkeeping that keeps it consistent."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = settings.chroma.collection
        self._open()
        self.opened_generation = self.generation

    def _open(self) -> None:
        settings = self.settings
        self.client = _connect(settings)
        try:
            self.collection = self.client.get_or_create_collection(
                self.name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
        except Exception as exc:
            raise StoreError(
                f"Store at {self.location} is unreadable ({type(exc).__name__}: {str(exc)[:120]}); "
                "run `rag index --rebuild`"
            ) from exc
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vector_store = ChromaVectorStore(chroma_collection=self.collection)

    def reopen_if_changed(self) -> bool:
        """Another process re-indexed (its generation moved on): drop this process's embedded Chroma,
        whose in-memory index is now stale, and open the store again."""
        generation = self.generation
        if generation == self.opened_generation:
            return False
        if not self.settings.chroma.host:
            from chromadb.api.shared_system_client import SharedSystemClient

            identifier = getattr(self.client, "_identifier", None)
            system = SharedSystemClient._identifier_to_system.pop(identifier, None)
            SharedSystemClient._identifier_to_refcount.pop(identifier, None)
            if system is not None:
                system.stop()
            self._open()
        self.opened_generation = generation
        return True

    @property
    def location(self) -> str:
        chroma = self.settings.chroma
        if chroma.host:
            return f"chroma://{chroma.host}:{chroma.port}/{self.name}"
        return str(self.settings.store.dir)

    # -- store-level metadata ------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        """Read fresh: chromadb caches a collection's metadata, and another process may have re-indexed."""
        try:
            return dict(self.client.get_collection(self.name).metadata or {})
        except Exception:  # noqa: BLE001 - collection dropped meanwhile
            return dict(self.collection.metadata or {})

    def set_meta(self, **values: Any) -> None:
        meta = self.meta()
        meta.update(values)
        self.collection.modify(metadata=meta)

    @property
    def embedding_model(self) -> str | None:
        return self.meta().get(META_MODEL)

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
    def count(self) -> int:
        return int(self.collection.count())

    def iter_records(self, include: list[str], batch: int = 5000) -> Iterator[tuple[str, dict, str | None]]:
        offset = 0
        while True:
            page = self.collection.get(include=include, limit=batch, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            docs = page.get("documents") or [None] * len(ids)
            metas = page.get("metadatas") or [{}] * len(ids)
            for cid, meta, doc in zip(ids, metas, docs, strict=True):
                yield cid, meta or {}, doc
            offset += len(ids)

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
                )
            rec.ids.append(cid)
            rec.hashes.add(str(meta.get("content_hash", "")))
        return records

    def add_chunks(self, chunks: list[Chunk], vectors: Any, indexed_at: str) -> None:
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        nodes = []
        for chunk, vector in zip(chunks, vectors, strict=True):
            metadata = {key: getattr(chunk, key) for key in _CHUNK_FIELDS}
            metadata["indexed_at"] = indexed_at
            node = TextNode(
                id_=chunk.id,
                text=chunk.text,
                metadata=metadata,
                embedding=[float(x) for x in vector],
                relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=chunk.path)},
            )
            nodes.append(node)
        if nodes:
            self.vector_store.add(nodes)

    def delete_ids(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 5000):
            self.collection.delete(ids=ids[start : start + 5000])

    def query(self, vector: list[float], k: int, exclude_paths: list[str] | None = None) -> list[RetrievedChunk]:
        from llama_index.core.vector_stores.types import (
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        filters = None
        if exclude_paths:
            filters = MetadataFilters(
                filters=[MetadataFilter(key="path", value=exclude_paths, operator=FilterOperator.NIN)]
            )
        query = VectorStoreQuery(query_embedding=vector, similarity_top_k=k, filters=filters)
        try:
            result = self.vector_store.query(query)
        except Exception as exc:
            if self.count() == 0:
                return []
            raise StoreError(f"Vector search failed on {self.location} ({type(exc).__name__}: {exc})") from exc
        hits = []
        for node, sim in zip(result.nodes or [], result.similarities or [], strict=False):
            cosine = 1.0 + math.log(max(sim, 1e-12))
            hits.append(to_retrieved(node.node_id, node.metadata, node.get_content(), cosine, "vector"))
        return hits

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

    def drop(self) -> None:
        """Delete the collection and the keyword index built from it."""
        try:
            self.client.delete_collection(self.name)
        except Exception:  # noqa: BLE001 - already gone is fine
            pass
        shutil.rmtree(self.settings.store.dir / "bm25" / self.name, ignore_errors=True)


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
    )


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
