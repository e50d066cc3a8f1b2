from pathlib import Path

import numpy as np
import pytest

from rag.models import RetrievedChunk
from rag.retrieving import rrf
from tests.conftest import TINY_ARTICLES, write_corpus


def _hit(cid: str, path: str, retriever: str) -> RetrievedChunk:
    return RetrievedChunk(
        id=cid, file=path, path=path, title="", text="", start_char=0, end_char=0, start_line=1, end_line=1,
        content_hash="h", score=0.0, retrievers=[retriever],
    )  # fmt: skip


def test_rrf_merges_and_records_retrievers() -> None:
    fused = rrf(
        [[_hit("a", "x", "vector"), _hit("b", "y", "vector")], [_hit("b", "y", "bm25"), _hit("c", "z", "bm25")]], 60
    )
    assert [h.id for h in fused] == ["b", "a", "c"]
    assert fused[0].retrievers == ["bm25", "vector"]
    assert fused[0].score == pytest.approx(1 / 62 + 1 / 61)


@pytest.fixture
def many(tmp_path: Path, assistant_for):
    articles = dict(TINY_ARTICLES)
    for i in range(6):
        articles[f"bridge_{i}.txt"] = (
            f"Bridge Update {i}\n\nThe Harbor Bridge toll will change in phase {i}. "
            f"Officials discussed the Harbor Bridge toll again in meeting number {i}.\n"
        )
    a = assistant_for(write_corpus(tmp_path / "many", articles))
    a.index()
    return a


def test_keyword_and_vector_both_contribute(many) -> None:
    exact = many.search("phase 4 toll", k=3)
    assert exact[0].path == "bridge_4.txt" and "bm25" in exact[0].retrievers
    para = many.search("How many cars drive over the crossing daily?", k=3)
    assert para[0].path == "alpha.txt" and "vector" in para[0].retrievers


DAM_REPORT = "Dam Report\n\n" + "\n\n".join(
    f"The river dam inspection found {i} cracks in section {i} of the river dam wall." for i in range(40)
)


def test_per_file_cap_and_near_duplicates_do_not_crowd_out_others(tmp_path: Path, assistant_for) -> None:
    corpus = write_corpus(tmp_path / "c", {**TINY_ARTICLES, "dam.txt": DAM_REPORT, "dam_copy.txt": DAM_REPORT})
    a = assistant_for(corpus, index__chunk_size=40, index__chunk_overlap=5)
    a.index()
    hits = a.retriever.search("river dam inspection cracks", k=5)
    per_file = {p: sum(h.path == p for h in hits) for p in {h.path for h in hits}}
    assert max(per_file.values()) <= a.settings.retrieval.per_file_cap
    assert len(hits) == 5 and len(per_file) >= 3


def test_a_listing_shows_distinct_articles_first_and_the_answerer_reads_deeper(tmp_path: Path, assistant_for) -> None:
    corpus = write_corpus(tmp_path / "c", {**TINY_ARTICLES, "dam.txt": DAM_REPORT})
    a = assistant_for(corpus, index__chunk_size=40, index__chunk_overlap=5)
    a.index()
    query = "river dam inspection cracks"
    listing = a.search(query, k=4)
    assert len({h.path for h in listing}) == 4 and listing[0].path == "dam.txt"
    read = a.retriever.search(query, k=4)
    assert sum(h.path == "dam.txt" for h in read) == 2
    # Fewer files than k: the listing fills up with the best remaining passages, in relevance order.
    more = a.search(query, k=8)
    assert len(more) == 8 and sum(h.path == "dam.txt" for h in more) >= 2
    assert [h.score for h in more] == sorted((h.score for h in more), reverse=True)


def _tiny_cross_encoder(path: Path) -> None:
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    words = {w.strip(".,$?").lower() for text in TINY_ARTICLES.values() for w in text.split()} | {"how", "much"}
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted(words)]
    path.mkdir(parents=True)
    (path / "vocab.txt").write_text("\n".join(vocab))
    BertTokenizer(str(path / "vocab.txt")).save_pretrained(str(path))
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=128, num_labels=1,
    )  # fmt: skip
    BertForSequenceClassification(config).save_pretrained(str(path))


@pytest.mark.slow
def test_cross_encoder_path_scores_with_the_configured_model(tiny_corpus: Path, tmp_path: Path, assistant_for) -> None:
    from sentence_transformers import CrossEncoder

    model_dir = tmp_path / "tiny-ce"
    _tiny_cross_encoder(model_dir)
    a = assistant_for(tiny_corpus, retrieval__cross_encoder=str(model_dir))
    a.index()
    query = "How much did the bridge repairs cost?"
    hits = a.search(query, k=3)
    assert len(hits) == 3
    direct = CrossEncoder(str(model_dir), device="cpu").predict([(query, h.text) for h in hits])
    expected = 1 / (1 + np.exp(-np.asarray(direct, dtype=float).reshape(-1)))
    assert [h.score for h in hits] == pytest.approx(sorted(expected, reverse=True), abs=1e-3)
    default = assistant_for(tiny_corpus).search(query, k=3)
    assert [h.score for h in hits] != [h.score for h in default]


def test_a_listing_ranks_with_its_own_weights(many, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag import relevance_ranking
    from rag.relevance_ranking import FEATURES, RelevanceWeights

    query = "Harbor Bridge toll phase 4"
    read = many.retriever.search(query, k=3)
    # Listing weights that prefer the least similar chunk: the listing must follow them, the answerer not.
    backwards = RelevanceWeights(weights=[-1.0 if f == "chunk_similarity" else 0.0 for f in FEATURES])
    monkeypatch.setattr(relevance_ranking, "load_listing_weights", lambda: backwards)
    listing = many.search(query, k=3)
    assert many.retriever.search(query, k=3)[0].id == read[0].id
    assert listing[0].id != read[0].id and listing[0].score < read[0].score
