"""Sentence vectors embedded at index time: read back instead of re-embedded, equal to a fresh
embedding up to int8 rounding, and invalidated when their file changes or disappears."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.sentence_vectors import SentenceStore, dequantize, quantize, sentence_vectors
from tests.conftest import TINY_ARTICLES, write_corpus


def _sentence_store(a) -> SentenceStore:
    return SentenceStore.beside(a.settings.store.dir, a.store.name)


def _chunks(a, path: str):
    return [c for c in _all_chunks(a) if c.path == path]


def _all_chunks(a):
    from rag.store import to_retrieved

    return [
        to_retrieved(cid, meta, doc, 0.0, "vector")
        for cid, meta, doc in a.store.iter_records(["documents", "metadatas"])
    ]


class _CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.texts = inner, []

    def embed_cached(self, texts):
        self.texts += texts
        return self.inner.embed_cached(texts)

    def remember(self, texts, vectors) -> None:
        self.inner.remember(texts, vectors)


def test_int8_rounding_keeps_cosine() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(50, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    back = dequantize(*quantize(vectors))
    assert float((back * vectors).sum(axis=1).min()) > 0.999


def test_indexed_chunks_have_their_sentence_vectors_stored(tiny_corpus: Path, assistant_for, embedder) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    chunks = _all_chunks(a)
    counting = _CountingEmbedder(embedder)
    got = sentence_vectors(chunks, counting, _sentence_store(a))
    assert counting.texts == []  # nothing embedded at question time
    for chunk, sv in zip(chunks, got, strict=True):
        assert [chunk.text[s.start : s.end] for s in sv.sentences] == [s.text for s in sv.sentences]
        fresh = embedder.embed([s.text for s in sv.sentences])
        assert float((fresh * sv.vectors).sum(axis=1).min()) > 0.995


def test_a_changed_file_invalidates_its_sentence_vectors(tmp_path: Path, assistant_for, embedder) -> None:
    corpus = write_corpus(tmp_path / "c", TINY_ARTICLES)
    a = assistant_for(corpus)
    a.index()
    store = _sentence_store(a)
    old = _chunks(a, "alpha.txt")
    (corpus / "alpha.txt").write_text(
        "Harbor Bridge Closes\n\nThe Harbor Bridge closed again on Friday for inspections.\n"
    )
    (corpus / "beta.md").unlink()
    a.index()
    assert store.get(old) == {}  # the old text's vectors are gone (same chunk ids, new content)
    new = _chunks(a, "alpha.txt")
    stored = store.get(new)
    assert set(stored) == {c.id for c in new}
    texts = [s.text for c in new for s in stored[c.id].sentences]
    assert "The Harbor Bridge closed again on Friday for inspections." in texts
    assert not any("42 million" in t for t in texts)
    vectors = np.vstack([stored[c.id].vectors for c in new])
    assert float((embedder.embed(texts) * vectors).sum(axis=1).min()) > 0.995
    with __import__("sqlite3").connect(store.path) as db:
        ids = {row[0] for row in db.execute("SELECT chunk_id FROM chunk_sentences")}
    assert ids == {c.id for c in _all_chunks(a)}  # the removed file's rows were deleted


def test_a_rebuild_drops_the_rows_of_files_no_longer_in_the_corpus(tmp_path: Path, assistant_for) -> None:
    corpus = write_corpus(tmp_path / "c", TINY_ARTICLES)
    a = assistant_for(corpus)
    a.index()
    (corpus / "beta.md").unlink()
    a.index(rebuild=True)
    with __import__("sqlite3").connect(_sentence_store(a).path) as db:
        ids = {row[0] for row in db.execute("SELECT chunk_id FROM chunk_sentences")}
    assert ids == {c.id for c in _all_chunks(a)}
    assert not any(c.path == "beta.md" for c in _all_chunks(a))


def test_a_stale_or_missing_row_is_embedded_on_the_fly(tiny_corpus: Path, assistant_for, embedder) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    chunk = _all_chunks(a)[0]
    edited = chunk.model_copy(update={"content_hash": "other", "text": chunk.text + " Added later."})
    counting = _CountingEmbedder(embedder)
    (sv,) = sentence_vectors([edited], counting, _sentence_store(a))
    assert counting.texts and sv.sentences[-1].text == "Added later."
    (none,) = sentence_vectors([chunk], _CountingEmbedder(embedder), None)
    assert [s.text for s in none.sentences] == [s.text for s in sv.sentences[:-1]]


def test_search_ranks_the_same_with_stored_or_fresh_sentence_vectors(tiny_corpus: Path, assistant_for) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    queries = ["How much did the repairs cost?", "festival visitors", "library opening hours survey"]
    stored = [a.search(q, k=3) for q in queries]
    from rag.assistant import Assistant
    from rag.embeddings import Embedder

    b = Assistant(a.settings, embedder=Embedder(a.settings.embedding))  # an empty text cache
    b.retriever.sentences = None
    fresh = [b.search(q, k=3) for q in queries]
    for got, want in zip(stored, fresh, strict=True):
        assert [h.id for h in got] == [h.id for h in want]
        assert [h.score for h in got] == pytest.approx([h.score for h in want], abs=2e-3)


def test_a_reader_follows_a_rebuilt_file(tmp_path: Path) -> None:
    from rag.models import Passage
    from rag.sentence_vectors import sentences_of

    chunk = Passage(
        id="c1", text="One sentence here. Another one there.", file="a.txt", path="a.txt", title="A",
        start_char=0, end_char=37, start_line=1, end_line=1, content_hash="h1",
    )  # fmt: skip
    sents = sentences_of(chunk.text)
    reader, writer = SentenceStore(tmp_path / "s.sqlite3"), SentenceStore(tmp_path / "s.sqlite3")
    writer.put([(chunk.id, "h1", sents, np.eye(2, 8, dtype=np.float32))])
    assert reader.get([chunk])["c1"].vectors[0, 0] == pytest.approx(1.0)
    writer.drop()  # a rebuild: the file is deleted and written anew
    SentenceStore(tmp_path / "s.sqlite3").put([(chunk.id, "h1", sents, np.eye(2, 8, k=1, dtype=np.float32))])
    assert reader.get([chunk])["c1"].vectors[0, 1] == pytest.approx(1.0)
