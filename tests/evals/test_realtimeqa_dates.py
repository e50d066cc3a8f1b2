"""The benchmark is asked as a reader of that week's quiz would ask: each question's question_date is its
as-of date (the question text unchanged), and each article's published_at and source become its date and
outlet through the file's front matter, which stays out of the chunks' text. An invented benchmark folder
in the RealTime QA format."""

from __future__ import annotations

import json
from pathlib import Path

from evals.harness import eval_settings
from evals.runner import EvalOptions, run
from rag.assistant import Assistant
from rag.settings import Settings

DOCS = [
    (
        "rtqa-old",
        "Harbor Tax Raised",
        "northwire.example",
        "2021-03-10",
        "The Port Elms council raised the harbor tax to 3 percent.",
    ),
    (
        "rtqa-now",
        "Harbor Tax Cut",
        "courier.example",
        "2023-08-14",
        "The Port Elms council cut the harbor tax to 2 percent.",
    ),
    (
        "rtqa-later",
        "Harbor Tax Abolished",
        "northwire.example",
        "2024-02-01",
        "The Port Elms council abolished the harbor tax.",
    ),
]
QUERY = "What did the Port Elms council do to the harbor tax this week?"


def bench(folder: Path) -> Path:
    folder.mkdir()
    (folder / "corpus.jsonl").write_text(
        "".join(
            json.dumps({"doc_id": d, "title": t, "source": s, "published_at": p, "body": b}) + "\n"
            for d, t, s, p, b in DOCS
        )
    )
    q = {
        "qid": "20230816_1", "query": QUERY, "answer": "cut it to 2 percent", "evidence_doc_ids": ["rtqa-now"],
        "choices": ["cut it to 2 percent", "abolished it"], "answer_index": [0], "question_date": "2023-08-16",
    }  # fmt: skip
    (folder / "queries.jsonl").write_text(json.dumps(q) + "\n")
    return folder


def test_question_date_is_the_as_of_and_published_at_the_article_date(tmp_path: Path, embedder) -> None:
    folder = bench(tmp_path / "bench")
    options = EvalOptions(suite=str(folder), out=tmp_path / "out", cache=tmp_path / "cache", gate=False, quiet=True)
    result = run(options, embedder=embedder)
    text = (tmp_path / "cache" / "corpus" / "rtqa-now.md").read_text()
    assert text.splitlines()[:5] == ["---", "date: '2023-08-14'", "source: courier.example", "---", "Harbor Tax Cut"]
    row = json.loads((tmp_path / "out" / "results.jsonl").read_text().splitlines()[0])
    # The chunk starts at the title line: the front matter is neither in its text nor in its embedding, and
    # its lines are blank in the text as indexed, so the chunk's line numbers are those of the file.
    store = eval_settings(Settings(), tmp_path / "cache" / "corpus", tmp_path / "cache" / "store")
    assistant = Assistant(store, embedder=embedder)
    indexed = assistant.open_article("rtqa-now.md").text
    assert indexed.splitlines() == [""] * 4 + text.splitlines()[4:]
    hit = next(h for h in row["search_top10"] if h["doc_id"] == "rtqa-now")
    assert indexed[hit["start_char"] : hit["end_char"]].startswith("Harbor Tax Cut\n\nThe Port Elms council cut")
    dated = {s.path: (s.published, s.outlet, s.date_source) for s in assistant.sources()}
    assert dated["rtqa-now.md"] == ("2023-08-14", "courier.example", "front_matter")
    assert row["question"] == QUERY
    assert "rtqa-later" not in {h["doc_id"] for h in row["search_top10"]}
    assert row["window"]["as_of"] == "2023-08-16" and row["window"]["phrase"] == "this week"
    assert result.summary.as_of == "question_date"

    today = run(
        EvalOptions(
            suite=str(folder), out=tmp_path / "o2", cache=tmp_path / "cache", gate=False, quiet=True, as_of=False
        ),
        embedder=embedder,
    )
    row = json.loads((tmp_path / "o2" / "results.jsonl").read_text().splitlines()[0])
    assert "rtqa-later" in {h["doc_id"] for h in row["search_top10"]} and today.summary.as_of == "today"
