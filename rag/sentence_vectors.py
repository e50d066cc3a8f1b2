"""Sentence vectors of every chunk, embedded at index time and kept compactly (int8 + a scale per
vector) in SQLite beside the store, keyed by chunk id and checked against the chunk's content hash.

The rerank and the extractive answerer compare the question with each sentence of the candidate
chunks. Embedding those sentences at question time cost most of a new question's latency
(~0.7 s at 17k chunks); reading them back costs milliseconds. The vectors are the same
standalone sentence embeddings as before (only rounded to int8), so scores and thresholds keep
their meaning. A chunk whose row is missing or stale (another machine indexed into a shared
Chroma server, an older store) is embedded on the fly, as before.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.embeddings import Embedder
from rag.models import Passage
from rag.text import Sentence, split_sentences

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunk_sentences (
    chunk_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    spans BLOB NOT NULL,
    scales BLOB NOT NULL,
    vectors BLOB NOT NULL
)
"""


@dataclass(frozen=True)
class SentenceVectors:
    """The sentences of one chunk (offsets into the chunk's text) and their unit vectors, row by row."""

    sentences: list[Sentence]
    vectors: np.ndarray  # float32, (len(sentences), dim)


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 per component with one float32 scale per vector (cosine to the original >= 0.999)."""
    scales = np.maximum(np.abs(vectors).max(axis=1), 1e-12).astype(np.float32) / 127.0
    return np.round(vectors / scales[:, None]).astype(np.int8), scales


def dequantize(codes: np.ndarray, scales: np.ndarray) -> np.ndarray:
    vectors = codes.astype(np.float32) * scales[:, None]
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def sentences_of(text: str) -> list[Sentence]:
    """The sentences whose vectors are kept: all of them (each consumer filters its own)."""
    return [s for s in split_sentences(text) if s.text.strip()]


class SentenceStore:
    """One SQLite file per collection; many readers, one writer (the indexer, under its lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    @classmethod
    def beside(cls, store_dir: Path, collection: str) -> SentenceStore:
        return cls(store_dir / "sentences" / f"{collection}.sqlite3")

    def _reader(self) -> sqlite3.Connection | None:
        """A connection for reading, or None when the file cannot be opened (a read-only store whose WAL
        files cannot be made): its sentences are then embedded on the fly."""
        try:
            if os.access(self.path.parent, os.W_OK):
                return self._db()
            db = getattr(self._local, "ro", None) or sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            db.execute("SELECT 1 FROM chunk_sentences LIMIT 1")
        except sqlite3.Error:
            return None
        self._local.ro = db
        return db

    def _db(self) -> sqlite3.Connection:
        """This thread's connection; reopened when the file was replaced (``rag index --rebuild`` elsewhere)."""
        db = getattr(self._local, "db", None)
        inode = self.path.stat().st_ino if self.path.exists() else None
        if db is not None and inode != getattr(self._local, "inode", None):
            db.close()
            db = None
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self.path), timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            self._local.db, self._local.inode = db, self.path.stat().st_ino
        return db

    def put(self, rows: Iterable[tuple[str, str, list[Sentence], np.ndarray]]) -> None:
        """``(chunk id, content hash, sentences, float vectors)`` per chunk; replaces older rows."""
        records = []
        for cid, content_hash, sentences, vectors in rows:
            codes, scales = quantize(np.asarray(vectors, dtype=np.float32))
            spans = np.array([(s.start, s.end) for s in sentences], dtype=np.int32)
            records.append((cid, content_hash, spans.tobytes(), scales.tobytes(), codes.tobytes()))
        db = self._db()
        with db:
            db.executemany("INSERT OR REPLACE INTO chunk_sentences VALUES (?, ?, ?, ?, ?)", records)

    def delete(self, ids: Sequence[str]) -> None:
        if not ids or not self.path.exists():
            return
        db = self._db()
        with db:
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                db.execute(f"DELETE FROM chunk_sentences WHERE chunk_id IN ({','.join('?' * len(part))})", part)

    def keep_only(self, ids: Iterable[str]) -> None:
        """Delete every row whose chunk is not in ``ids``: a ``--rebuild`` never lists the files it dropped."""
        if not self.path.exists():
            return
        db = self._db()
        with db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (chunk_id TEXT PRIMARY KEY)")
            db.execute("DELETE FROM kept")
            db.executemany("INSERT OR IGNORE INTO kept VALUES (?)", ((cid,) for cid in ids))
            db.execute("DELETE FROM chunk_sentences WHERE chunk_id NOT IN (SELECT chunk_id FROM kept)")
            db.execute("DELETE FROM kept")

    def get(self, chunks: Sequence[Passage]) -> dict[str, SentenceVectors]:
        """The stored vectors of the chunks whose row matches their content hash and text."""
        if not chunks or not self.path.exists():
            return {}
        by_id = {c.id: c for c in chunks}
        marks = ",".join("?" * len(by_id))
        db = self._reader()
        try:
            rows = db.execute(f"SELECT * FROM chunk_sentences WHERE chunk_id IN ({marks})", list(by_id)).fetchall()
        except (sqlite3.Error, AttributeError):  # no usable connection, or a damaged file
            return {}
        out = {}
        for cid, content_hash, spans, scales, codes in rows:
            chunk = by_id[cid]
            if content_hash != chunk.content_hash:
                continue
            bounds = np.frombuffer(spans, dtype=np.int32).reshape(-1, 2)
            sentences = [Sentence(chunk.text[a:b], int(a), int(b)) for a, b in bounds]
            if [s.text for s in sentences] != [s.text for s in sentences_of(chunk.text)]:
                continue  # same hash but cut differently (another chunk size): not ours to use
            scale = np.frombuffer(scales, dtype=np.float32)
            if not len(scale):
                continue
            out[cid] = SentenceVectors(
                sentences, dequantize(np.frombuffer(codes, dtype=np.int8).reshape(len(scale), -1), scale)
            )
        return out

    def drop(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def sentence_vectors(
    chunks: Sequence[Passage], embedder: Embedder, store: SentenceStore | None
) -> list[SentenceVectors]:
    """The sentences of each chunk with their vectors: stored ones where valid, the rest embedded now.

    This is the one way to get sentence vectors for chunks (rerank, extractive answerer, rankers).
    Every vector returned is also remembered by the embedder's text cache, so a later
    ``embed_cached`` of the same sentence (the answerer, the citation check) costs nothing.
    """
    stored = store.get(chunks) if store is not None else {}
    missing = [c for c in chunks if c.id not in stored]
    if missing:
        per_chunk = [sentences_of(c.text) for c in missing]
        vectors = embedder.embed_cached([s.text for sents in per_chunk for s in sents])
        at = 0
        for chunk, sents in zip(missing, per_chunk, strict=True):
            stored[chunk.id] = SentenceVectors(sents, vectors[at : at + len(sents)])
            at += len(sents)
    out = [stored[c.id] for c in chunks]
    embedder.remember([s.text for sv in out for s in sv.sentences], [v for sv in out for v in sv.vectors])
    return out
