"""Run an eval suite and check the gate: what ``rag eval`` and the tests call.

``run(EvalOptions(...))`` picks the suite (``evals.seed`` for the seed set or a file in its format,
``evals.realtimeqa`` for RealTime QA or a folder in its format), lets it ask and score every question
(results.jsonl is written as it goes), then writes summary.json and a self-contained report.html into the
out folder and compares the summary with the gate thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from evals import dataset, gate, realtimeqa, report, seed
from evals.harness import EvalOptions, RunContext, load_pipeline
from evals.results import GateResult, Row, Summary
from rag.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.embeddings import Embedder

__all__ = ["EvalOptions", "RunResult", "run"]

DEFAULT_OUT_ROOT = PROJECT_ROOT / "eval-results"


@dataclass
class RunResult:
    out_dir: Path
    summary: Summary
    rows: list[Row]
    checks: list[gate.Check]

    @property
    def failed_checks(self) -> list[gate.Check]:
        return [c for c in self.checks if not c.passed]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_checks else 0


def suite_kind(suite: str) -> tuple[str, str, Path]:
    """("seed" | "bench", display name, path) for a --suite value."""
    if suite == "seed":
        return "seed", "seed", dataset.SEED_PATH
    if suite == "realtimeqa":
        return "bench", "realtimeqa", dataset.REALTIMEQA_DIR
    path = Path(suite).expanduser()
    if path.is_file() and path.suffix == ".jsonl":
        return "seed", path.stem, path
    if dataset.is_bench_folder(path):
        return "bench", path.resolve().name, path
    raise dataset.DatasetError(
        f"Unknown suite {suite!r}: use seed, realtimeqa, a seed-format .jsonl file, "
        "or a folder holding corpus.jsonl and queries.jsonl"
    )


def default_out(name: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return DEFAULT_OUT_ROOT / f"{name}-{stamp}"


def run(
    options: EvalOptions,
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    assistant: Assistant | None = None,
    console: Console | None = None,
) -> RunResult:
    """Run a suite, write results.jsonl, summary.json and report.html, and check the gate.

    ``settings`` are the user's (default: read from RAG_* and rag.toml now); the eval swaps in its own
    corpus and store."""
    load_pipeline()
    settings = settings or Settings()
    kind, name, path = suite_kind(options.suite)
    out_dir = Path(options.out) if options.out else default_out(name)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = RunContext(options, settings, out_dir, console or Console(stderr=True, highlight=False), embedder, assistant)
    summary: Summary
    rows: list[Row]
    if kind == "seed":
        summary, seed_rows = seed.run_seed(path, name, ctx)
        rows = list(seed_rows)
    else:
        summary, bench_rows = realtimeqa.run_bench(path, name, ctx)
        rows = list(bench_rows)
    summary.out_dir = str(out_dir)
    checks: list[gate.Check] = []
    if options.gate:
        tpath = gate.thresholds_path(options.thresholds, settings.eval.thresholds)
        checks = gate.check(summary.overall, gate.load_thresholds(tpath, name, summary.backend))
        summary.gate = GateResult(thresholds_file=str(tpath), passed=all(c.passed for c in checks), checks=checks)
    report.write_summary(out_dir / "summary.json", summary)
    report.write_html(out_dir / "report.html", summary, rows)
    return RunResult(out_dir, summary, rows, checks)
