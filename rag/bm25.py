"""The BM25 keyword index (llama-index's ``BM25Retriever`` over ``bm25s``), kept in sync with Chroma.

It is built from the chunks in the store, persisted under ``store.dir/bm25`` and stamped
with the store's generation. A stale or missing copy (another machine indexed into a shared
Chroma server, or a run was killed) is rebuilt from the store on load.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from rag.models import RetrievedChunk
from rag.store import Store, to_retrieved

STAMP = "rag_stamp.json"
logging.getLogger("llama_index.retrievers.bm25.base").setLevel(logging.ERROR)


def _dir(store: Store) -> Path:
    return store.settings.store.dir / "bm25" / store.name


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


def build(store: Store) -> Any | None:
    """Rebuild and persist the keyword index; None when the store is empty."""
    import Stemmer
    from llama_index.retrievers.bm25 import BM25Retriever

    target = _dir(store)
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    nodes = _nodes(store)
    if not nodes:
        return None
    retriever = BM25Retriever.from_defaults(
        nodes=nodes, similarity_top_k=50, stemmer=Stemmer.Stemmer("english"), language="english"
    )
    tmp.mkdir(parents=True, exist_ok=True)
    retriever.persist(str(tmp), show_progress=False)
    (tmp / STAMP).write_text(json.dumps({"generation": store.generation, "count": len(nodes)}))
    tmp.rename(target)
    return retriever


def load(store: Store) -> Any | None:
    """The persisted index if it matches the store, else a fresh build."""
    from llama_index.retrievers.bm25 import BM25Retriever

    target = _dir(store)
    try:
        stamp = json.loads((target / STAMP).read_text())
        if stamp["generation"] == store.generation and stamp["count"] == store.count():
            return BM25Retriever.from_persist_dir(str(target), show_progress=False)
    except (OSError, ValueError, KeyError):
        pass
    return build(store)


def search(retriever: Any, query: str, k: int) -> list[RetrievedChunk]:
    from llama_index.core.schema import QueryBundle

    if retriever is None:
        return []
    retriever.similarity_top_k = min(k, int(retriever.bm25.scores.get("num_docs", k)))
    hits = []
    for hit in retriever.retrieve(QueryBundle(query_str=query)):
        if hit.score and hit.score > 0:
            hits.append(to_retrieved(hit.node.node_id, hit.node.metadata, hit.node.get_content(), hit.score, "bm25"))
    return hits
