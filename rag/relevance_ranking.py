"""The rerank's relevance score: a fitted linear combination of cheap features of each candidate chunk.

No extra model runs: the features come from the vectors the store already holds (the chunk's and its
sentences'), the question's terms, and where the two retrievers placed the chunk. The weights are fitted
by ``bench/fit_retrieval_weights.py`` (a logistic model of "chunk of a gold article", grouped
cross-validation on RealTime QA dev) and read from ``rag/data/relevance_weights.json``; they are scaled to
sum to one so the date boost and MMR see relevance on the same scale whatever the fit. Without the file
(or with one written for other features) relevance is the chunk's cosine alone. A search listing (one
passage per article) has its own fitted weights, ``rag/data/listing_relevance_weights.json``: the weights
that find articles best are not those whose passages give the best answers (see the fit script).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from rag.models import RetrievedChunk
from rag.sentence_vectors import SentenceVectors
from rag.text import content_terms, exact_match

WEIGHTS_PATH = Path(__file__).resolve().parent / "data" / "relevance_weights.json"
LISTING_WEIGHTS_PATH = WEIGHTS_PATH.with_name("listing_relevance_weights.json")
FEATURES = (
    "sentence_similarity",  # the best sentence's cosine to the question (sentences over 20 characters)
    "chunk_similarity",  # the whole chunk's cosine to the question
    "term_overlap",  # share of the question's content terms in the chunk
    "exact_names_numbers",  # share of the question's names and numbers found verbatim
    "fusion_rank",  # 1 / sqrt(1 + position) in the reciprocal-rank-fused list
    "vector_hit",  # the vector retriever found it
    "keyword_hit",  # BM25 found it
)
MIN_SENTENCE_CHARS = 20


class RelevanceWeights(BaseModel):
    """Weights of ``FEATURES`` (same order), scaled to sum to one; what they were fitted on."""

    features: list[str] = Field(default_factory=lambda: list(FEATURES), description="the feature names, in order")
    weights: list[float] = Field(
        default_factory=lambda: [1.0 if f == "chunk_similarity" else 0.0 for f in FEATURES],
        description="one weight per feature; the default (no fit) is the chunk's cosine alone",
    )
    fitted_on: str = Field("", description="what the weights were fitted on, and how they were validated")

    def vector(self) -> np.ndarray:
        return np.array(self.weights, dtype=np.float64)


@lru_cache(maxsize=4)
def load_weights(path: Path = WEIGHTS_PATH) -> RelevanceWeights:
    """The fitted weights; the unfitted default when the file is missing, unreadable or for other features."""
    try:
        weights = RelevanceWeights.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return RelevanceWeights()
    if tuple(weights.features) != FEATURES or len(weights.weights) != len(FEATURES):
        return RelevanceWeights()
    return weights


def load_listing_weights(path: Path = LISTING_WEIGHTS_PATH) -> RelevanceWeights:
    """A search listing's weights; the answerer's (``load_weights``) when its file is missing."""
    return load_weights(path) if path.exists() else load_weights()


def save_weights(weights: RelevanceWeights, path: Path = WEIGHTS_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(weights.model_dump(), indent=2) + "\n", encoding="utf-8")
    load_weights.cache_clear()


def feature_matrix(
    query: str,
    qvec: np.ndarray,
    hits: Sequence[RetrievedChunk],
    vecs: np.ndarray,
    sentences: Sequence[SentenceVectors],
) -> np.ndarray:
    """One row of ``FEATURES`` per hit; ``hits`` in fused order (extra candidates appended after it)."""
    q_terms = content_terms(query)
    rows = []
    for i, (hit, vec, sents) in enumerate(zip(hits, vecs, sentences, strict=True)):
        chunk_sim = float(vec @ qvec)
        long = [j for j, s in enumerate(sents.sentences) if len(s.text) > MIN_SENTENCE_CHARS]
        sent_sim = float(np.max(sents.vectors[long] @ qvec)) if long else chunk_sim
        overlap = len(q_terms & content_terms(hit.text)) / len(q_terms) if q_terms else 0.0
        rows.append(
            [
                sent_sim,
                chunk_sim,
                overlap,
                exact_match(query, hit.text),
                1.0 / (1 + i) ** 0.5,
                float("vector" in hit.retrievers),
                float("bm25" in hit.retrievers),
            ]
        )
    return np.array(rows, dtype=np.float64).reshape(-1, len(FEATURES))


def relevance(features: np.ndarray, weights: RelevanceWeights | None = None) -> np.ndarray:
    """``weights · features`` per row."""
    return features @ (weights or load_weights()).vector()
