"""The rerank's relevance: features per candidate chunk and the weights file (fallback, validation)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag import relevance_ranking
from rag.models import RetrievedChunk
from rag.relevance_ranking import FEATURES, RelevanceWeights, feature_matrix, load_weights, relevance, save_weights
from rag.sentence_vectors import SentenceVectors
from rag.text import split_sentences


def _hit(cid: str, text: str, retrievers: list[str]) -> RetrievedChunk:
    return RetrievedChunk(
        id=cid, file=f"{cid}.txt", path=f"{cid}.txt", title="", text=text, start_char=0, end_char=len(text),
        start_line=1, end_line=1, content_hash="h", score=0.0, retrievers=retrievers,
    )  # fmt: skip


def _unit(v: list[float]) -> np.ndarray:
    a = np.array(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def test_features_read_vectors_terms_names_and_retrievers() -> None:
    q = _unit([1, 0, 0])
    texts = [
        "The Harbor Bridge toll rises in phase 4 next year. Drivers were not asked.",
        "Short line. Another sentence about the weather that is long enough.",
    ]
    hits = [_hit("a", texts[0], ["bm25", "vector"]), _hit("b", texts[1], ["vector"])]
    chunk_vecs = np.stack([_unit([0.6, 0.8, 0]), _unit([0, 1, 0])])
    sents = [
        SentenceVectors(split_sentences(texts[0]), np.stack([_unit([1, 0.1, 0]), _unit([0, 0, 1])])),
        SentenceVectors(split_sentences(texts[1]), np.stack([_unit([1, 0, 0]), _unit([0, 1, 0])])),
    ]
    x = feature_matrix("Harbor Bridge toll in phase 4?", q, hits, chunk_vecs, sents)
    col = {name: x[:, i] for i, name in enumerate(FEATURES)}
    assert x.shape == (2, len(FEATURES))
    assert col["sentence_similarity"][0] == pytest.approx(float(_unit([1, 0.1, 0]) @ q), abs=1e-6)
    # "Short line." is too short to stand for its chunk; the long weather sentence is orthogonal.
    assert col["sentence_similarity"][1] == pytest.approx(0.0, abs=1e-6)
    assert col["chunk_similarity"].tolist() == pytest.approx([0.6, 0.0], abs=1e-6)
    assert col["term_overlap"][0] == 1.0 and col["term_overlap"][1] == 0.0
    assert col["exact_names_numbers"][0] == 1.0 and col["exact_names_numbers"][1] == 0.0
    assert col["fusion_rank"].tolist() == pytest.approx([1.0, 2**-0.5])
    assert col["vector_hit"].tolist() == [1.0, 1.0] and col["keyword_hit"].tolist() == [1.0, 0.0]


def test_weights_round_trip_and_apply(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    weights = RelevanceWeights(weights=[0.5, 0.5, 0, 0, 0, 0, 0], fitted_on="test")
    save_weights(weights, path)
    assert load_weights(path) == weights
    x = np.array([[1.0, 0.0, 9, 9, 9, 9, 9], [0.2, 0.4, 0, 0, 0, 0, 0]])
    assert relevance(x, weights).tolist() == pytest.approx([0.5, 0.3])


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"features": ["chunk_similarity"], "weights": [1.0]}),  # written for other features
        json.dumps({"features": list(FEATURES), "weights": [1.0]}),  # one weight short
    ],
)
def test_an_unreadable_or_foreign_weights_file_falls_back_to_the_chunk_cosine(tmp_path: Path, content: str) -> None:
    path = tmp_path / "w.json"
    path.write_text(content)
    weights = load_weights(path)
    assert weights == RelevanceWeights()
    assert weights.weights[FEATURES.index("chunk_similarity")] == 1.0 and sum(weights.weights) == 1.0
    assert load_weights(tmp_path / "missing.json") == RelevanceWeights()


def test_the_shipped_weights_are_valid_and_say_how_they_were_chosen() -> None:
    shipped = load_weights(relevance_ranking.WEIGHTS_PATH)
    assert shipped != RelevanceWeights() and sum(shipped.weights) == pytest.approx(1.0, abs=1e-3)
    assert "CV" in shipped.fitted_on


def test_listing_weights_fall_back_to_the_answerers(tmp_path: Path) -> None:
    assert relevance_ranking.load_listing_weights(tmp_path / "missing.json") == load_weights()
    own = RelevanceWeights(weights=[0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0], fitted_on="test")
    save_weights(own, tmp_path / "listing.json")
    assert relevance_ranking.load_listing_weights(tmp_path / "listing.json") == own
