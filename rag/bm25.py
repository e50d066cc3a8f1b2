"""The BM25 keyword index (llama-index's ``BM25Retriever`` over ``bm25s``), kept in sync with Chroma.

It is built from the chunks in the store, persisted under ``store.dir/bm25`` and stamped
with the store's generation. Only ``rag index`` writes it (and rebuilds a copy that is
corrupt or out of step); a reader that finds it stale or damaged (another machine indexed
into a shared Chroma server, a run was killed, a file was truncated) builds one in memory.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from rag.errors import StoreError
from rag.models import RetrievedChunk
from rag.store import Store, to_retrieved
from rag.store_files import short

STAMP = "rag_stamp.json"
logging.getLogger("llama_index.retrievers.bm25.base").setLevel(logging.ERROR)


def _nodes(store: Store) -> list[Any]:
    from llama_index.core.schema import TextNode

    nodes = []
    for cid, meta, doc in store.iter_records(["documents", "metadatas"]):
        keys = list(meta)
        nodes.append(
            TextNode(
                id_=cid,
                text=doc or "",
                metadata=meta,
                excluded_embed_metadata_keys=[k for k in keys if k != "title"],
                excluded_llm_metadata_keys=keys,
            )
        )
    return nodes


def _fit(store: Store) -> Any | None:
    import Stemmer
    from llama_index.retrievers.bm25 import BM25Retriever

    nodes = _nodes(store)
    if not nodes:
        return None
    return BM25Retriever.from_defaults(
        nodes=nodes, similarity_top_k=50, stemmer=Stemmer.Stemmer("english"), language="english"
    )


def build(store: Store, generation: int) -> Any | None:
    """Rebuild the keyword index from ``store`` and persist it stamped with ``generation``; None when empty.

    It is written beside the old copy and renamed into place, so a reader never loads half of it.
    """
    target = store.bm25_dir
    retriever = _fit(store)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent))
    count = 0
    if retriever is not None:
        retriever.persist(str(tmp), show_progress=False)
        count = len(retriever.corpus)
    (tmp / STAMP).write_text(json.dumps({"generation": generation, "count": count}))
    old = target.with_name(tmp.name + ".old")
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return retriever


def _check(store: Store) -> tuple[str | None, Any | None]:
    """(why the persisted index cannot serve the store's generation or None, the loaded index)."""
    target = store.bm25_dir
    try:
        stamp = json.loads((target / STAMP).read_text())
        generation, count = int(stamp["generation"]), int(stamp["count"])
    except FileNotFoundError:
        return "missing", None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"unreadable stamp ({type(exc).__name__})", None
    if generation != store.generation:
        return f"out of step (generation {generation}, store {store.generation})", None
    if count != store.count():
        return f"out of step ({count} chunks, store {store.count()})", None
    if count == 0:
        return None, None
    try:
        from llama_index.retrievers.bm25 import BM25Retriever

        retriever = BM25Retriever.from_persist_dir(str(target), show_progress=False)
        docs = int(retriever.bm25.scores.get("num_docs", -1))
        rows = len(retriever.corpus)
    except Exception as exc:  # noqa: BLE001 - any damage to bm25s's files
        return f"corrupt ({type(exc).__name__}: {short(exc)})", None
    if rows != count or docs != count:
        return f"corrupt ({rows} documents and {docs} rows for {count} chunks)", None
    return None, retriever


def problem(store: Store) -> str | None:
    """Why the persisted keyword index cannot serve the store's current generation, or None if it can."""
    return _check(store)[0]


def ensure(store: Store) -> str | None:
    """``rag index`` with nothing to embed: rebuild a keyword index that is corrupt or out of step; say why."""
    why = problem(store)
    if why is not None:
        build(store, store.generation)
    return why


def load(store: Store) -> Any | None:
    """For readers: the persisted index if it serves the store's generation, else one built in memory.

    Readers never write: only ``rag index`` persists, so a reader cannot race an indexing run.
    """
    why, retriever = _check(store)
    return retriever if why is None else _fit(store)


def search(retriever: Any, query: str, k: int) -> list[RetrievedChunk]:
    from llama_index.core.schema import QueryBundle

    if retriever is None:
        return []
    retriever.similarity_top_k = min(k, int(retriever.bm25.scores.get("num_docs", k)))
    try:
        found = retriever.retrieve(QueryBundle(query_str=query))
    except Exception as exc:  # a damaged index fails in many ways inside bm25s
        raise StoreError(
            f"The keyword index is damaged ({type(exc).__name__}: {short(exc)}); run `rag index --rebuild`"
        ) from exc
    hits = []
    for hit in found:
        if hit.score and hit.score > 0:
            hits.append(to_retrieved(hit.node.node_id, hit.node.metadata, hit.node.get_content(), hit.score, "bm25"))
    return hits
