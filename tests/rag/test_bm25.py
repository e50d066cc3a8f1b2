"""The keyword index stored as bm25s's matrix + vocabulary + chunk ids: round trip, incremental
update, atomic generations, and the same rankings as the llama-index ``BM25Retriever`` it replaced."""

from __future__ import annotations

import random

import numpy as np
import pytest

from rag import bm25
from rag.models import Chunk
from rag.settings import Settings
from rag.store import Store

WORDS = (
    "harbor bridge toll council vote river dam flood budget mayor school teacher strike hospital nurse "
    "vaccine rail station tram fare police court judge verdict farmer harvest drought export port ship "
    "storm wind power grid solar panel museum exhibit painting library reader festival crowd orchard"
).split()


def _chunks(n: int, seed: int, prefix: str = "f") -> list[Chunk]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))) + f". Figure {rng.randint(1, 99)}."
        out.append(
            Chunk(
                id=f"{prefix}{i}", text=text, file=f"{prefix}{i}.txt", path=f"{prefix}{i}.txt",
                title=f"{rng.choice(WORDS).title()} report {i}", start_char=0, end_char=len(text),
                start_line=1, end_line=1, content_hash=f"h{i}", chunk_index=0, n_chunks=1,
            )
        )  # fmt: skip
    return out


def _store(chunks: list[Chunk]) -> Store:
    store = Store(Settings(), create=True)
    store.add_chunks(chunks, np.random.default_rng(0).normal(size=(len(chunks), 8)), "2024-01-01T00:00:00+00:00")
    store.stamp(generation=store.generation + 1)
    return store


def _texts(chunks: list[Chunk]) -> list[tuple[str, str]]:
    return [(c.id, bm25.index_text(c.title, c.text)) for c in chunks]


def _llama_ranking(store: Store, query: str, k: int) -> list[tuple[str, float]]:
    """The former implementation: llama-index ``BM25Retriever`` over nodes built from the store (with our token
    pattern, which keeps single digits)."""
    import Stemmer
    from llama_index.core.schema import QueryBundle, TextNode
    from llama_index.retrievers.bm25 import BM25Retriever

    nodes = []
    for cid, meta, doc in store.iter_records(["documents", "metadatas"]):
        keys = list(meta)
        nodes.append(
            TextNode(
                id_=cid, text=doc or "", metadata=meta,
                excluded_embed_metadata_keys=[k for k in keys if k != "title"], excluded_llm_metadata_keys=keys,
            )
        )  # fmt: skip
    retriever = BM25Retriever.from_defaults(
        nodes=nodes, similarity_top_k=k, stemmer=Stemmer.Stemmer("english"), language="english",
        token_pattern=bm25.TOKEN_PATTERN,
    )  # fmt: skip
    return [(h.node.node_id, h.score) for h in retriever.retrieve(QueryBundle(query_str=query)) if h.score > 0]


QUERIES = ["harbor bridge toll vote", "Who judged the court verdict?", "solar panels on the grid", "report 7", "zzz"]


def test_same_rankings_as_the_llama_index_retriever_it_replaced() -> None:
    store = _store(_chunks(120, seed=1))
    index = bm25.build(store)

    def ranked(hits: list[tuple[str, float]]) -> list[tuple[float, str]]:
        return sorted((-round(score, 5), cid) for cid, score in hits)  # equal scores: either order is right

    for query in QUERIES:
        ours, theirs = index.search(query, 120), _llama_ranking(store, query, 120)
        assert [cid for _, cid in ranked(ours)] == [cid for _, cid in ranked(theirs)], query
        assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], rel=1e-5)


def test_round_trip_keeps_no_texts_and_search_reads_them_from_the_store() -> None:
    chunks = _chunks(60, seed=2)
    store = _store(chunks)
    built = bm25.build(store)
    loaded = bm25.load(store)
    assert loaded.folder == built.folder and loaded.generation == store.generation
    for query in QUERIES:
        assert loaded.search(query, 8) == built.search(query, 8)
    stored = b"".join(p.read_bytes() for p in built.folder.iterdir())
    assert chunks[3].text.encode() not in stored  # only ids, vocabulary and numbers are kept
    hits = bm25.search(loaded, store, "harbor bridge toll", 5)
    by_id = {c.id: c for c in chunks}
    assert hits and all(h.text == by_id[h.id].text and h.retrievers == ["bm25"] for h in hits)


def test_incremental_update_equals_a_full_rebuild() -> None:
    first, later = _chunks(80, seed=3), _chunks(30, seed=4, prefix="n")
    store = _store(first)
    bm25.build(store)
    base = store.generation
    removed = [c.id for c in first[:25]]
    changed = _chunks(5, seed=5, prefix="f")[:5]  # files f0..f4 rewritten: same ids, new text
    store.delete_ids(removed)
    store.add_chunks(later + changed, np.ones((35, 8)), "2024-01-02T00:00:00+00:00")
    store.stamp(generation=base + 1)
    updated = bm25.update(store, base, removed, _texts(later + changed))
    assert updated.generation == base + 1 and updated.count == store.count() == 90
    rebuilt_from_store = bm25.build(store)
    for query in [*QUERIES, "Figure 12", "festival orchard crowd"]:
        got, want = dict(updated.search(query, 90)), dict(rebuilt_from_store.search(query, 90))
        assert got.keys() == want.keys() and got == pytest.approx(want, rel=1e-5)
    assert not {cid for cid, _ in updated.search("harbor bridge toll", 90)} & set(removed) - {c.id for c in changed}


def test_stale_base_falls_back_to_a_full_rebuild() -> None:
    store = _store(_chunks(40, seed=6))
    bm25.build(store)
    store.stamp(generation=store.generation + 5)  # another machine indexed meanwhile
    index = bm25.update(store, base_generation=1, removed=[], added=[])
    assert index.generation == store.generation and index.count == 40


def test_an_index_tokenised_by_an_older_pattern_is_rebuilt_not_extended(monkeypatch) -> None:
    chunks = _chunks(30, seed=7)
    chunks[3].text = "The toll changes in phase 4."
    store = _store(chunks)
    with monkeypatch.context() as m:
        m.setattr(bm25, "TOKEN_PATTERN", r"(?u)\b\w\w+\b")  # an older version's: no one-character tokens
        assert bm25.build(store).search("4", 1) == []
    store.stamp(generation=store.generation + 1)
    index = bm25.update(store, base_generation=store.generation - 1, removed=[], added=[])
    assert index.pattern == bm25.TOKEN_PATTERN and index.count == 30
    assert index.search("4", 1)[0][0] == "f3"


def test_a_reader_keeps_its_generation_while_a_new_one_is_published() -> None:
    chunks = _chunks(50, seed=7)
    store = _store(chunks)
    old = bm25.build(store)
    before = old.search("river dam flood", 5)
    store.delete_ids([c.id for c in chunks[:20]])
    store.stamp(generation=store.generation + 1)
    new = bm25.update(store, old.generation, [c.id for c in chunks[:20]], [])
    assert new.folder != old.folder and bm25.current_generation(store) == new.generation
    assert not old.folder.exists()  # one generation on disk
    assert old.search("river dam flood", 5) == before  # an open reader keeps answering from what it mapped
    assert bm25.load(store).folder == new.folder


def test_empty_store_has_no_index() -> None:
    store = Store(Settings(), create=True)
    assert bm25.load(store) is None
    assert bm25.search(None, store, "anything", 5) == []


def test_a_single_digit_is_a_search_term() -> None:
    """ "phase 4" must find the chunk about phase 4: bm25s's default pattern drops one-character tokens."""
    chunks = _chunks(20, seed=4)
    for i, chunk in enumerate(chunks):
        chunk.text = f"The harbor bridge toll changes in phase {i % 10}."
    index = bm25.build(_store(chunks))
    top = index.search("toll phase 4", 3)
    assert top and top[0][0] in {"f4", "f14"}
    assert {cid for cid, _ in top[:2]} == {"f4", "f14"}
