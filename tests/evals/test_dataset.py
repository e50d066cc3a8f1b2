"""Loading and validating suites: seed items with located gold quotes, benchmark folders, the corpus cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import dataset
from index.loading import Article, read_article


def test_seed_loads_and_locates_every_quote():
    items = dataset.load_seed()
    assert len(items) >= 60
    texts = {}
    for item in items:
        for turn in item.turns:
            for q in turn.gold_quotes:
                texts.setdefault(q.file, (dataset.BUNDLED_CORPUS / q.file).read_text(encoding="utf-8"))
                assert texts[q.file][q.start : q.end] == q.quote


def test_select_by_ids_and_limit():
    items = dataset.load_seed(locate=False)
    picked = dataset.select(items, ids=["followup-01", "single-02"])
    assert [i.id for i in picked] == ["single-02", "followup-01"]  # file order
    assert len(dataset.select(items, limit=3)) == 3
    with pytest.raises(dataset.DatasetError, match="unknown item ids"):
        dataset.select(items, ids=["nope"])


def _turn(**over):
    turn = {
        "question": "Q?",
        "reference_answer": "A.",
        "facts": ["A"],
        "answerable": True,
        "gold_files": ["000_66acf2913ab27397.txt"],
        "gold_quotes": [{"file": "000_66acf2913ab27397.txt", "quote": "not in the file at all"}],
    }
    turn.update(over)
    return turn


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"id": "x", "type": "weird", "turns": [_turn()]}, "unknown type"),
        ({"id": "x", "type": "single_source", "turns": []}, "non-empty"),
        ({"id": "x", "type": "single_source", "turns": [{"question": "Q?"}]}, "exactly the keys"),
        ({"id": "x", "type": "single_source", "turns": [_turn()]}, "not found verbatim"),
    ],
)
def test_seed_validation_errors(tmp_path: Path, item, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(item) + "\n", encoding="utf-8")
    with pytest.raises(dataset.DatasetError, match=message):
        dataset.load_seed(path)


def _bench(folder: Path, docs: list[dict], queries: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    (folder / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries), encoding="utf-8")
    return folder


def test_load_bench_sorts_by_qid_and_normalises_answer_index(tmp_path: Path):
    folder = _bench(
        tmp_path / "b",
        [{"doc_id": "d1", "title": "T", "body": "B"}],
        [
            {"qid": "2", "query": "q2", "answer": "x", "evidence_doc_ids": ["d1"], "answer_index": 1},
            {"qid": "1", "query": "q1", "answer": "y", "evidence_doc_ids": ["d1"], "answer_index": [0]},
        ],
    )
    suite = dataset.load_bench(folder)
    assert [q.qid for q in suite.queries] == ["1", "2"]
    assert suite.queries[1].answer_index == [1]
    assert dataset.is_bench_folder(folder) and not dataset.is_bench_folder(tmp_path)
    (folder / "queries.jsonl").write_text(json.dumps({"qid": "1"}) + "\n")
    with pytest.raises(dataset.DatasetError, match="missing"):
        dataset.load_bench(folder)


def test_materialise_corpus_is_incremental(tmp_path: Path):
    docs = [{"doc_id": "d1", "title": "Title one", "body": "Body one."}, {"doc_id": "d2", "title": "", "body": "B2"}]
    folder = _bench(tmp_path / "b", docs, [])
    target = tmp_path / "cache" / "corpus"
    assert dataset.materialise_corpus(folder / "corpus.jsonl", target) == {"written": 2, "unchanged": 0, "removed": 0}
    assert (target / "d1.md").read_text() == "Title one\n\nBody one.\n"
    assert (target / "d2.md").read_text() == "B2\n"
    assert dataset.materialise_corpus(folder / "corpus.jsonl", target)["unchanged"] == 2
    (target / "d1.txt").write_text("Title one\nsource.example | 2020-01-01\n\nBody one.\n")  # an older cache's copy
    _bench(folder, docs[:1], [])
    assert dataset.materialise_corpus(folder / "corpus.jsonl", target)["removed"] == 2
    assert sorted(p.name for p in target.iterdir()) == ["d1.md"]


def test_article_file_states_date_and_outlet_in_front_matter(tmp_path: Path):
    """The benchmark's published_at and source go into YAML front matter, which the loader reads as the
    article's date and outlet and blanks line for line: the text and its line numbers are those of the file."""
    docs = [{"doc_id": "d1", "title": "Ferry Fares: Up Again", "source": "tide: weekly", "published_at": "2022-06-10",
             "body": "The ferry raised its fares.\n\nRiders object."}]  # fmt: skip
    folder = _bench(tmp_path / "b", docs, [])
    target = tmp_path / "corpus"
    dataset.materialise_corpus(folder / "corpus.jsonl", target)
    path = target / "d1.md"
    article = read_article(path, target, 10**6)
    assert isinstance(article, Article)
    assert (article.published, article.outlet, article.date_source) == ("2022-06-10", "tide: weekly", "front_matter")
    assert article.text.lstrip("\n") == "Ferry Fares: Up Again\n\nThe ferry raised its fares.\n\nRiders object.\n"
    assert article.text.splitlines() == [""] * 4 + path.read_text().splitlines()[4:]
