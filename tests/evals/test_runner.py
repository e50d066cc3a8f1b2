"""The seed runner end to end on a small subset, through `rag eval`, and the threshold gate."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evals import dataset, gate

SUBSET = ["single-01", "multi-01", "unanswerable-01", "followup-01"]  # incl. a 3-turn follow-up


@pytest.fixture
def subset_suite(tmp_path: Path) -> Path:
    """A seed-format file with four items (a follow-up and an unanswerable one among them)."""
    lines = [line for line in dataset.SEED_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    picked = [line for line in lines if json.loads(line)["id"] in SUBSET]
    extra = [line for line in lines if json.loads(line)["id"] not in SUBSET][:2]
    path = tmp_path / "subset.jsonl"
    path.write_text("\n".join(picked + extra) + "\n", encoding="utf-8")  # --limit 4 drops the two extra items
    return path


def _thresholds(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.slow
def test_seed_subset_writes_results_summary_and_self_contained_report(cli, subset_suite: Path, tmp_path: Path):
    out = tmp_path / "out"
    cache = tmp_path / "cache"
    code, stdout, _ = cli(
        "eval", "--suite", str(subset_suite), "--limit", "4", "--out", str(out), "--cache", str(cache), "--no-gate"
    )
    assert code == 0, stdout
    assert {"results.jsonl", "summary.json", "report.html"} <= {p.name for p in out.iterdir()}
    assert (cache / "store" / "chroma").is_dir()  # its own store, not the user's
    assert not (tmp_path / "store").exists()  # RAG_STORE_DIR (the "user's" store in tests) untouched

    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["item_id"] for r in rows] == ["single-01", "multi-01", "unanswerable-01"] + ["followup-01"] * 3
    for row in rows:
        assert {"question", "answer", "abstained", "citations", "retrieved", "timings_ms", "metrics"} <= set(row)
        assert {"retrieval", "fact_recall", "correct", "citations", "abstained"} <= set(row["metrics"])
        assert set(row["timings_ms"]) >= {"condense", "retrieve", "generate", "verify", "total"}
    assert rows[2]["metrics"]["retrieval"] is None  # unanswerable: no gold to retrieve

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["items"] == 4 and summary["turns"] == 6 and summary["backend"] == "extractive"
    for key in (
        "retrieval.file_recall@k",
        "retrieval.file_mrr",
        "retrieval.quote_recall@k",
        "retrieval.quote_mrr",
        "citations.checker.precision",
        "citations.checker.recall",
        "citations.gold.precision",
        "citations.gold.recall",
        "answer.fact_recall",
        "answer.accuracy",
        "abstention.precision",
        "abstention.recall",
        "abstention.false_abstention_rate",
        "latency.total.p50_ms",
        "latency.retrieve.p95_ms",
    ):
        assert key in summary["overall"], key
    assert summary["overall"]["retrieval.file_recall@k"] is not None
    assert set(summary["by_type"]) == {"single_source", "multi_source", "unanswerable", "followup"}
    assert "filter its citations" in summary["judges"]["checker"]

    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "Failures" in page
    assert "same checker" in page or "filter its citations" in page
    external = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not external, external
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page
    assert "report.html" in stdout or str(out) in stdout.replace("\n", "")


@pytest.mark.slow
def test_gate_exit_code(cli, subset_suite: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    impossible = _thresholds(
        tmp_path / "hard.toml",
        '[subset.min]\n"answer.accuracy" = 1.01\n[subset.max]\n"abstention.false_abstention_rate" = -1\n',
    )
    easy = _thresholds(tmp_path / "easy.toml", '[subset.min]\n"answer.accuracy" = 0.0\n')
    args = ["eval", "--suite", str(subset_suite), "--limit", "1", "--cache", str(tmp_path / "cache")]
    code, stdout, _ = cli(*args, "--out", str(tmp_path / "o1"), "--thresholds", str(impossible))
    assert code == 1
    assert "Gate FAILED" in stdout and "answer.accuracy" in stdout and "false_abstention_rate" in stdout
    summary = json.loads((tmp_path / "o1" / "summary.json").read_text())
    assert summary["gate"]["passed"] is False and len(summary["gate"]["checks"]) == 2

    code, stdout, _ = cli(*args, "--out", str(tmp_path / "o2"), "--thresholds", str(easy))
    assert code == 0 and "Gate passed" in stdout

    monkeypatch.setenv("RAG_EVAL_THRESHOLDS", str(impossible))  # the same file through the settings' environment
    code, _, _ = cli(*args, "--out", str(tmp_path / "o3"))
    assert code == 1


@pytest.mark.slow
def test_followups_get_the_previous_answers_as_history(assistant_for, tmp_path: Path, monkeypatch):
    from evals.runner import EvalOptions, run
    from rag.assistant import Assistant

    seen: list[tuple[str, list[str]]] = []
    original = Assistant.ask

    def spy(self, question, history=(), *args, **kwargs):
        seen.append((question, [a.question for a in history]))
        return original(self, question, history, *args, **kwargs)

    monkeypatch.setattr(Assistant, "ask", spy)
    assistant = assistant_for(dataset.BUNDLED_CORPUS, store__dir=tmp_path / "eval-store")
    result = run(
        EvalOptions(suite="seed", ids=["followup-01", "single-02"], out=tmp_path / "o", gate=False, quiet=True),
        assistant=assistant,
    )
    turns = [t.question for t in dataset.select(dataset.load_seed(locate=False), ids=["followup-01"])[0].turns]
    assert seen == [
        (result.rows[0].question, []),  # single-02 comes first in file order: no history
        (turns[0], []),
        (turns[1], [turns[0]]),
        (turns[2], [turns[0], turns[1]]),
    ]


def test_gate_checks_and_backend_overrides(tmp_path: Path):
    path = _thresholds(
        tmp_path / "t.toml",
        '[seed.min]\n"a" = 0.5\n"b" = 0.5\n[seed.max]\n"c" = 0.2\n[seed.ollama.min]\n"a" = 0.9\n',
    )
    limits = gate.load_thresholds(path, "seed", "extractive")
    assert limits == {"min": {"a": 0.5, "b": 0.5}, "max": {"c": 0.2}}
    assert gate.load_thresholds(path, "seed", "ollama")["min"]["a"] == 0.9
    assert gate.load_thresholds(path, "other", "extractive") == {"min": {}, "max": {}}
    checks = {c.metric: c for c in gate.check({"a": 0.6, "b": 0.4, "c": 0.1}, limits)}
    assert checks["a"].passed and not checks["b"].passed and checks["c"].passed
    assert not gate.check({}, limits)[0].passed  # a missing metric fails
    assert "needs >= 0.5" in checks["b"].describe()
    with pytest.raises(FileNotFoundError):
        gate.load_thresholds(tmp_path / "none.toml", "seed", "extractive")


def test_default_thresholds_name_real_metrics():
    """Every gated key in evals/thresholds.toml is a metric the runner reports."""
    import tomllib

    from evals import realtimeqa, seed

    data = tomllib.loads(gate.DEFAULT_THRESHOLDS.read_text())
    seed_keys = set(seed.summarise_seed([]).overall)
    bench_keys = set(realtimeqa.summarise_bench([]).overall)
    assert data.get("seed"), "the seed suite must be gated"
    for suite, keys in (("seed", seed_keys), ("realtimeqa", bench_keys)):
        for kind in ("min", "max"):
            for metric in data.get(suite, {}).get(kind, {}):
                assert metric in keys, (suite, metric)


def test_unknown_suite_is_one_line_error(cli, tmp_path: Path):
    code, _, stderr = cli("eval", "--suite", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o"))
    assert code == 1 and "Unknown suite" in stderr
