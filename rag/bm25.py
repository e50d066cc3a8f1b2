"""The BM25 keyword index, stored as what it is: bm25s's sparse score matrix, its vocabulary, and
the chunk ids its rows stand for. Texts stay in Chroma; a hit is looked up there by id.

Each store generation gets its own folder (``store.dir/bm25/<collection>/g<generation>-<token>``)
written beside the previous one and published by atomically replacing the ``CURRENT`` pointer,
so a reader keeps the folder it opened until it reloads. A generation also keeps each row's
length (term frequencies follow from the scores), so an indexing run updates it incrementally (drop removed chunks,
tokenise only the new ones, recompute the scores with numpy) instead of reading every text back.
Only ``rag index`` publishes; a reader that finds the index stale or damaged (another machine indexed
into a shared Chroma server, a killed run) builds a private one from the store in one streaming pass.

Scores are bm25s's own "lucene" BM25 (k1 1.5, b 0.75) over ``"title: <title>\\n\\n<text>"``, the
text the former llama-index ``BM25Retriever`` indexed, so rankings are unchanged.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import StoreError
from rag.models import RetrievedChunk
from rag.store import Store, to_retrieved
from rag.store_files import short
from rag.text import snowball

CURRENT = "CURRENT"
K1, B = 1.5, 0.75
# Words of two or more characters, and single digits ("phase 4", "Category 5"): bm25s's default pattern
# drops every one-character token.
TOKEN_PATTERN = r"(?u)\b(?:\w\w+|\d)\b"
_PAGE = 2000
_TF_MAX = np.iinfo(np.uint16).max


def index_text(title: str, text: str) -> str:
    """What is indexed for a chunk: its title and its text (the layout llama-index used)."""
    return f"title: {title}\n\n{text}"


def _tokenize(texts: list[str]) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(
        texts,
        stopwords="english",
        stemmer=snowball(),
        token_pattern=TOKEN_PATTERN,
        return_ids=False,
        show_progress=False,
    )


@dataclass
class Postings:
    """Rows (chunks) x vocabulary as term frequencies: what a generation is rebuilt from."""

    ids: list[str]
    vocab: dict[str, int]
    rows: np.ndarray  # int32, one entry per (row, term) pair
    cols: np.ndarray  # int32
    tf: np.ndarray  # uint16
    doc_len: np.ndarray  # int32, tokens per row (after stop words)

    @classmethod
    def empty(cls) -> Postings:
        z = np.zeros(0, dtype=np.int32)
        return cls([], {"": 0}, z, z.copy(), np.zeros(0, dtype=np.uint16), z.copy())

    def add(self, pages: Iterable[list[tuple[str, str]]]) -> None:
        """Append chunks given as pages of ``(id, indexed text)``; new terms extend the vocabulary."""
        rows, cols, tfs, lens = [self.rows], [self.cols], [self.tf], [self.doc_len]
        for page in pages:
            base = len(self.ids)
            tokens = _tokenize([text for _, text in page])
            self.ids.extend(cid for cid, _ in page)
            lens.append(np.array([len(t) for t in tokens], dtype=np.int32))
            vocab = self.vocab
            count = int(lens[-1].sum())
            flat = np.fromiter((vocab.setdefault(t, len(vocab)) for toks in tokens for t in toks), np.int64, count)
            if not count:
                continue
            owner = np.repeat(np.arange(base, base + len(tokens), dtype=np.int64), lens[-1])
            keys, counts = np.unique(owner * (1 << 32) + flat, return_counts=True)
            rows.append((keys >> 32).astype(np.int32))
            cols.append((keys & 0xFFFFFFFF).astype(np.int32))
            tfs.append(np.minimum(counts, _TF_MAX).astype(np.uint16))
        self.rows, self.cols = np.concatenate(rows), np.concatenate(cols)
        self.tf, self.doc_len = np.concatenate(tfs), np.concatenate(lens)

    def remove(self, ids: set[str]) -> None:
        """Drop the rows of ``ids`` and renumber the rest."""
        drop = np.array([cid in ids for cid in self.ids], dtype=bool)
        if not drop.any():
            return
        new_index = np.cumsum(~drop, dtype=np.int64) - 1
        keep = ~drop[self.rows]
        self.rows = new_index[self.rows[keep]].astype(np.int32)
        self.cols, self.tf = self.cols[keep], self.tf[keep]
        self.doc_len = self.doc_len[~drop]
        self.ids = [cid for cid, gone in zip(self.ids, drop, strict=True) if not gone]

    def scores(self) -> dict[str, Any]:
        """bm25s's CSC score matrix (documents x vocabulary), lucene variant, in float32 throughout."""
        n_docs, n_vocab = len(self.ids), len(self.vocab)
        per_term = np.bincount(self.cols, minlength=n_vocab)
        idf, norm = _idf(per_term, n_docs), _norm(self.doc_len)
        tf = self.tf.astype(np.float32)
        data = idf[self.cols]
        data *= tf
        tf += norm[self.rows]
        data /= tf
        del tf
        order = np.argsort(self.cols.astype(np.int64) * max(n_docs, 1) + self.rows, kind="stable")
        indptr = np.zeros(n_vocab + 1, dtype=np.int64)
        np.cumsum(per_term, out=indptr[1:])
        return {
            "data": data[order],
            "indices": self.rows[order],
            "indptr": indptr.astype(np.int32) if indptr[-1] < 2**31 else indptr,
            "num_docs": n_docs,
        }


def _idf(per_term: np.ndarray, n_docs: int) -> np.ndarray:
    df = per_term.astype(np.float64)
    return np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)


def _norm(doc_len: np.ndarray) -> np.ndarray:
    avg_len = float(doc_len.mean()) if len(doc_len) else 1.0
    return (K1 * ((1 - B) + B * doc_len / avg_len)).astype(np.float32)


class KeywordIndex:
    """One loaded generation, memory-mapped and read-only: search returns chunk ids and scores.

    Scoring a query is summing the matrix columns of its terms, done here with numpy on bm25s's
    arrays, so a question never imports bm25s (and scipy with it: ~1 s of a cold start)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        stamp = json.loads((folder / "stamp.json").read_text())
        self.generation = int(stamp["generation"])
        self.count = int(stamp["count"])
        self.ids: list[str] = json.loads((folder / "ids.json").read_text())
        self.vocab: dict[str, int] = json.loads((folder / "vocab.index.json").read_text())
        self.data = np.load(folder / "data.csc.index.npy", mmap_mode="r")
        self.indices = np.load(folder / "indices.csc.index.npy", mmap_mode="r")
        self.indptr = np.load(folder / "indptr.csc.index.npy", mmap_mode="r")
        tokenizer = json.loads((folder / "tokenizer.json").read_text())
        self._stopwords = frozenset(tokenizer["stopwords"])
        self.pattern: str = tokenizer["pattern"]
        self._pattern = re.compile(self.pattern)

    def terms(self, text: str) -> list[int]:
        """The query's term ids, tokenised as bm25s tokenised the chunks (lower case, pattern, stop
        words, Snowball stemmer); unknown terms are dropped."""
        words = self._pattern.findall(text.lower()) or [""]
        kept = [w for w in words if w not in self._stopwords]
        stems = snowball().stemWords(kept) if kept else []
        return [self.vocab[t] for t in stems if t in self.vocab]

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The top ``k`` rows by BM25; with ``allowed`` (a boolean per row), only those rows (a date window)."""
        terms = self.terms(query)
        if not self.ids or k <= 0 or not terms:
            return []
        spans = [(int(self.indptr[t]), int(self.indptr[t + 1])) for t in terms]
        rows = np.concatenate([self.indices[a:b] for a, b in spans])
        scores = np.bincount(
            rows, weights=np.concatenate([self.data[a:b] for a, b in spans]), minlength=len(self.ids)
        ).astype(np.float32)
        if allowed is not None:
            scores[~allowed] = 0.0
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(self.ids) else np.arange(len(self.ids))
        top = top[np.lexsort((top, -scores[top]))]
        return [(self.ids[int(d)], float(scores[d])) for d in top if scores[d] > 0]

    def postings(self) -> Postings:
        """Back to term frequencies, to apply an incremental update."""
        indptr = np.asarray(self.indptr)
        per_term = np.diff(indptr)
        cols = np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), per_term)
        rows = np.asarray(self.indices, dtype=np.int32)
        doc_len = np.load(self.folder / "doc_len.npy")
        # score = idf * tf / (tf + norm), so tf = norm * score / (idf - score); tf is a small integer,
        # which float32 scores give back exactly after rounding.
        score = np.asarray(self.data, dtype=np.float64)
        idf = _idf(per_term, len(self.ids)).astype(np.float64)[cols]
        norm = _norm(doc_len).astype(np.float64)[rows]
        tf = np.rint(norm * score / np.maximum(idf - score, 1e-30))
        return Postings(
            ids=list(self.ids),
            vocab=dict(self.vocab),
            rows=rows,
            cols=cols,
            tf=np.clip(tf, 1, _TF_MAX).astype(np.uint16),
            doc_len=doc_len,
        )


def root(store: Store) -> Path:
    return store.bm25_dir


def current_folder(base: Path) -> Path | None:
    """The published generation's folder, if any (the pointer is replaced atomically)."""
    try:
        name = json.loads((base / CURRENT).read_text())["folder"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    folder = base / name
    return folder if folder.is_dir() else None


def current_generation(store: Store) -> int | None:
    """The generation the published keyword index was built for (cheap: reads one small file)."""
    folder = current_folder(root(store))
    try:
        return int(json.loads((folder / "stamp.json").read_text())["generation"]) if folder else None
    except (OSError, ValueError, KeyError):
        return None


def _write(base: Path, postings: Postings, generation: int) -> KeywordIndex:
    """Write a new generation beside the current one, then swap the pointer; older ones are removed."""
    import bm25s
    from bm25s import stopwords

    base.mkdir(parents=True, exist_ok=True)
    name = f"g{generation}-{uuid.uuid4().hex[:8]}"
    tmp = base / f".{name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    scores = postings.scores()
    model = bm25s.BM25(k1=K1, b=B, method="lucene")
    model.scores = scores
    model.vocab_dict = postings.vocab
    model.nonoccurrence_array = None  # only BM25L/BM25+ have one
    model.save(str(tmp), show_progress=False)
    tokenizer = {"pattern": TOKEN_PATTERN, "stopwords": sorted(stopwords.STOPWORDS_EN), "stemmer": "english"}
    (tmp / "tokenizer.json").write_text(json.dumps(tokenizer))
    np.save(tmp / "doc_len.npy", postings.doc_len)
    (tmp / "ids.json").write_text(json.dumps(postings.ids))
    (tmp / "stamp.json").write_text(json.dumps({"generation": generation, "count": len(postings.ids)}))
    os.replace(tmp, base / name)
    pointer = base / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
    pointer.write_text(json.dumps({"folder": name, "generation": generation}))
    os.replace(pointer, base / CURRENT)
    # A reader that opened the previous folder keeps it: its arrays are memory-mapped, the rest was
    # read on open, and an unlinked file stays readable while it is mapped.
    for old in base.iterdir():
        if old.is_dir() and old.name != name and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    return KeywordIndex(base / name)


def _pages(store: Store) -> Iterator[list[tuple[str, str]]]:
    page: list[tuple[str, str]] = []
    for cid, meta, doc in store.iter_records(["documents", "metadatas"], batch=_PAGE):
        page.append((cid, index_text(str(meta.get("title", "")), doc or "")))
        if len(page) == _PAGE:
            yield page
            page = []
    if page:
        yield page


def _postings_of(store: Store) -> Postings:
    postings = Postings.empty()
    postings.add(_pages(store))
    return postings


def build(store: Store, generation: int | None = None) -> KeywordIndex | None:
    """Rebuild from the store in one streaming pass and publish it stamped with ``generation`` (the
    store's by default); None when the store is empty. Only ``rag index`` calls this."""
    postings = _postings_of(store)
    if not postings.ids:
        shutil.rmtree(root(store), ignore_errors=True)
        return None
    return _write(root(store), postings, store.generation if generation is None else generation)


class Update:
    """One indexing run's change to the keyword index, fed page by page as chunks are written.

    Opened after the run's deletions (chunk ids are reused by a changed file), on top of the index
    of ``base_generation``; with no index yet (a first run, a rebuild) what is added may be the
    whole store. ``commit`` publishes it, or rebuilds from the store when the base was stale or
    the result's size disagrees with the store."""

    def __init__(self, store: Store, base_generation: int, removed: Iterable[str]) -> None:
        self.store = store
        self.base_generation = base_generation
        self.removed = set(removed)
        self.stale = False
        self._postings: Postings | None = None
        self._pending: list[Postings] = []

    @property
    def postings(self) -> Postings:
        """The base generation's postings minus what was removed (read on first use)."""
        if self._postings is None:
            folder = current_folder(root(self.store))
            try:
                current = KeywordIndex(folder) if folder else None
            except (OSError, ValueError, KeyError):
                current = None
            # An index tokenised with another pattern (an older version's) is rebuilt whole, not extended.
            self.stale = current is not None and (
                current.generation != self.base_generation or current.pattern != TOKEN_PATTERN
            )
            self._postings = Postings.empty()
            if current is not None and not self.stale:
                self._postings = current.postings()
                self._postings.remove(self.removed)
        return self._postings

    def add(self, page: list[tuple[str, str]]) -> None:
        """``(chunk id, indexed text)`` of chunks just written; tokenised per page, merged in groups."""
        if page and not self.stale:
            part = Postings.empty()
            part.vocab = self.postings.vocab  # one shared vocabulary
            part.add([page])
            self._pending.append(part)
            if len(self._pending) >= 32:
                self._merge()

    def _merge(self) -> None:
        """Append the pending pages in one concatenation (a run's pages arrive one batch at a time)."""
        p = self.postings
        offset = len(p.ids)
        rows, cols, tfs, lens = [p.rows], [p.cols], [p.tf], [p.doc_len]
        for part in self._pending:
            rows.append(part.rows + offset)
            cols.append(part.cols)
            tfs.append(part.tf)
            lens.append(part.doc_len)
            p.ids.extend(part.ids)
            offset += len(part.ids)
        p.rows, p.cols = np.concatenate(rows), np.concatenate(cols)
        p.tf, p.doc_len = np.concatenate(tfs), np.concatenate(lens)
        self._pending = []

    def commit(self) -> KeywordIndex | None:
        self._merge()
        if len(self.postings.ids) != self.store.count() or self.stale:
            return build(self.store)
        if not self.postings.ids:
            shutil.rmtree(root(self.store), ignore_errors=True)
            return None
        return _write(root(self.store), self.postings, self.store.generation)


def update(
    store: Store, base_generation: int, removed: Iterable[str], added: Iterable[tuple[str, str]]
) -> KeywordIndex | None:
    """``Update`` in one call: chunk ids removed and ``(id, indexed text)`` added since ``base_generation``."""
    change = Update(store, base_generation, removed)
    added = list(added)
    for i in range(0, len(added), _PAGE):
        change.add(added[i : i + _PAGE])
    return change.commit()


def _check(store: Store) -> tuple[str | None, KeywordIndex | None]:
    """(why the published index cannot serve the store's generation or None, the loaded index)."""
    for attempt in range(2):  # a folder swapped out between reading the pointer and opening it
        folder = current_folder(root(store))
        if folder is None:
            return ("missing" if store.count() else None), None
        try:
            index = KeywordIndex(folder)
            break
        except FileNotFoundError:
            if attempt:
                return "missing", None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return f"corrupt ({type(exc).__name__}: {short(exc)})", None
    if index.generation != store.generation:
        return f"out of step (generation {index.generation}, store {store.generation})", None
    if index.count != store.count() or len(index.ids) != index.count or len(index.indptr) != len(index.vocab) + 1:
        return f"out of step ({index.count} chunks, store {store.count()})", None
    return None, index


def problem(store: Store) -> str | None:
    """Why the published keyword index cannot serve the store's current generation, or None if it can."""
    return _check(store)[0]


def ensure(store: Store) -> str | None:
    """``rag index`` with nothing to embed: rebuild a keyword index that is corrupt or out of step; say why."""
    why = problem(store)
    if why is not None:
        build(store, store.generation)
    return why


def load(store: Store) -> KeywordIndex | None:
    """For readers: the published index if it serves the store's generation, else one built privately
    (in a temporary folder outside the store: readers never write to it, so they cannot race ``rag index``)."""
    why, index = _check(store)
    if why is None:
        return index
    postings = _postings_of(store)
    if not postings.ids:
        return None
    return _write(Path(tempfile.mkdtemp(prefix="rag-bm25-")), postings, store.generation)


def ranked(
    index: KeywordIndex | None, query: str, k: int, allowed: np.ndarray | None = None
) -> list[tuple[str, float]]:
    """Top-k ``(chunk id, score)`` by BM25, among the ``allowed`` rows if given; nothing read from Chroma."""
    if index is None:
        return []
    try:
        return index.search(query, k, allowed)
    except (OSError, ValueError, IndexError) as exc:  # damaged arrays
        raise StoreError(
            f"The keyword index is damaged ({type(exc).__name__}: {short(exc)}); run `rag index --rebuild`"
        ) from exc


def search(
    index: KeywordIndex | None, store: Store, query: str, k: int, allowed: np.ndarray | None = None
) -> list[RetrievedChunk]:
    """Top-k chunks by BM25 (among the ``allowed`` rows, if given), with their text and metadata read from
    Chroma by id."""
    hits = ranked(index, query, k, allowed)
    if not hits:
        return []
    found = store.records([cid for cid, _ in hits])
    return [to_retrieved(cid, *found[cid], score, "bm25") for cid, score in hits if cid in found]
