"""The external benchmark runner on a small slice of realtimeqa-news (skipped when the folder is missing).

The slice is built at test time in a temp folder: the first 20 questions by qid, their gold articles and
the 100 shortest other articles, read from ../shared/benchmarks/realtimeqa-news. Nothing of the
benchmark's text is stored in the repository. Only the presence and range of the figures is checked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import dataset, realtimeqa
from evals.report import BENCH_TYPE_COLUMNS
from evals.runner import EvalOptions, run

SOURCE = dataset.REALTIMEQA_DIR
N_QUESTIONS = 20
N_DISTRACTORS = 100

pytestmark = pytest.mark.skipif(not dataset.is_bench_folder(SOURCE), reason=f"benchmark folder missing: {SOURCE}")


def build_slice(target: Path) -> Path:
    queries = sorted(
        (json.loads(line) for line in (SOURCE / "queries.jsonl").read_text(encoding="utf-8").splitlines() if line),
        key=lambda q: q["qid"],
    )[:N_QUESTIONS]
    gold = {d for q in queries for d in q["evidence_doc_ids"]}
    lines = (SOURCE / "corpus.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    docs = [(json.loads(line), line) for line in lines if line.strip()]
    gold_lines = [line for doc, line in docs if doc["doc_id"] in gold]
    others = sorted((d for d in docs if d[0]["doc_id"] not in gold), key=lambda d: (len(d[0]["body"]), d[0]["doc_id"]))
    docs = gold_lines + [line for _, line in others[:N_DISTRACTORS]]  # the shortest others keep the test quick
    target.mkdir(parents=True)
    (target / "corpus.jsonl").write_text("".join(docs), encoding="utf-8")
    (target / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries), encoding="utf-8")
    return target


def test_sample_queries_first_and_random():
    queries = [dataset.BenchQuery(qid=f"{i:02d}", query="q", answer="a", evidence_doc_ids=[]) for i in range(30)]
    assert [q.qid for q in realtimeqa.sample_queries(queries, 3, "first")] == ["00", "01", "02"]
    picked = realtimeqa.sample_queries(queries, 5, "random")
    assert picked == realtimeqa.sample_queries(queries, 5, "random")  # fixed seed
    assert [q.qid for q in picked] == sorted(q.qid for q in picked)
    assert realtimeqa.sample_queries(queries, None, "first") == queries


def test_benchmark_texts_never_go_into_the_repository(tmp_path: Path):
    from rag.settings import PROJECT_ROOT, Settings

    realtimeqa.check_cache_location(tmp_path / "cache")
    realtimeqa.check_cache_location(PROJECT_ROOT / ".rag" / "realtimeqa")  # git-ignored
    realtimeqa.check_cache_location(PROJECT_ROOT / "eval-results" / ".cache")  # git-ignored
    with pytest.raises(dataset.DatasetError, match="into the repository"):
        realtimeqa.check_cache_location(PROJECT_ROOT / "evals" / "data" / "rtqa")
    root = Settings().eval.cache.expanduser()
    assert realtimeqa.cache_root("realtimeqa", SOURCE, None, root) == root / "realtimeqa"
    assert realtimeqa.cache_root("x", tmp_path, None, root).parent == root
    assert realtimeqa.cache_root("x", tmp_path, tmp_path / "c", root) == tmp_path / "c"


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_realtimeqa_slice_produces_every_figure(tmp_path: Path, embedder):
    folder = build_slice(tmp_path / "rtqa-slice")
    cache = tmp_path / "cache"
    out = tmp_path / "out"
    options = EvalOptions(suite=str(folder), limit=N_QUESTIONS, out=out, cache=cache, gate=False, quiet=True)
    result = run(options, embedder=embedder)

    assert (cache / "corpus").is_dir() and len(list((cache / "corpus").glob("rtqa-*.md"))) > N_DISTRACTORS
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["questions"] == N_QUESTIONS and summary["kind"] == "bench"
    assert summary["sample"] == "all questions"
    for key in (*BENCH_TYPE_COLUMNS, "answer.mc_accuracy_top10", "latency.total.p50_ms"):
        value = summary["overall"][key]
        assert value is not None and value >= 0, key
        if not key.startswith("latency"):
            assert value <= 1, key
    assert "citations.gold_doc" in summary["overall"] and "citations.gold_or_answer" in summary["overall"]
    assert summary["baselines"]["authors"][3]["mc_accuracy"] == 0.824
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == N_QUESTIONS and all(len(r["search_top10"]) == 10 for r in rows if not r["error"])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "GPT-3 + GCS news" in page and "0.824" in page and "<svg" in page
    assert result.exit_code == 0

    # a rerun reuses the cache: nothing is re-embedded
    again = run(
        EvalOptions(suite=str(folder), limit=2, out=tmp_path / "out2", cache=cache, gate=False, quiet=True),
        embedder=embedder,
    )
    assert again.summary.index.chunks_embedded == 0
    assert again.summary.sample == "first 2 questions by qid"
