"""Summaries and the HTML report from hand-made result rows (no model, no store)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from rich.console import Console

from evals import realtimeqa, report, runner


def _seed_row(id_, type_, answerable, abstained, correct, total_ms, gold_p=1.0):
    cit = None
    if not abstained:
        cit = {
            "checker": {"precision": 1.0, "recall": 1.0},
            "gold": {"precision": gold_p, "recall": gold_p},
        }
    metrics = {
        "answerable": answerable,
        "abstained": abstained,
        "retrieval": {"file_recall": 1.0, "file_mrr": 0.5, "quote_recall": 1.0, "quote_mrr": 1.0}
        if answerable
        else None,
        "facts_found": {"x": correct} if answerable else {},
        "fact_recall": float(correct) if answerable else None,
        "all_facts": correct if answerable else None,
        "correct": correct,
        "citations": cit,
    }
    row = {
        "id": id_,
        "item_id": id_,
        "type": type_,
        "question": f"Q {id_} <b>?",
        "answerable": answerable,
        "reference_answer": "R",
        "facts": ["x"] if answerable else [],
        "gold_files": ["a.txt"] if answerable else [],
        "gold_quotes": [{"file": "a.txt", "quote": "x here", "start": 0, "end": 6}] if answerable else [],
        "answer": "x [1]" if not abstained else "The articles do not answer this question.",
        "abstained": abstained,
        "citations": [
            {"n": 1, "path": "a.txt", "start_line": 1, "end_line": 1, "quote": "x here", "quote_start_char": 0}
        ],
        "timings_ms": {"condense": 0, "retrieve": total_ms / 2, "generate": 1, "verify": 1, "total": total_ms},
        "metrics": metrics,
        "error": None,
    }
    row["failure_reasons"] = [] if correct else ["wrong"]
    return row


def test_seed_summary_and_self_contained_html(tmp_path: Path):
    rows = [
        _seed_row("s1", "single_source", True, False, True, 100),
        _seed_row("s2", "single_source", True, True, False, 120),
        _seed_row("u1", "unanswerable", False, True, True, 90),
        _seed_row("u2", "unanswerable", False, False, False, 60_000, gold_p=0.0),  # a slow outlier
    ]
    summary = runner.summarise_seed(rows)
    o = summary["overall"]
    assert o["answer.accuracy"] == 0.5
    assert o["answer.fact_recall"] == 0.5
    assert o["abstention.precision"] == 0.5 and o["abstention.recall"] == 0.5
    assert o["abstention.false_abstention_rate"] == 0.5
    assert o["citations.gold.precision"] == 0.5  # s1 (1.0) and u2 (0.0); abstentions have no citations
    assert o["retrieval.file_mrr"] == 0.5
    assert summary["by_type"]["unanswerable"]["turns"] == 2
    assert summary["counts"]["failures"] == 2
    summary.update(
        suite="seed", backend="extractive", model=None, k=5, items=4, turns=4, out_dir=str(tmp_path),
        judges={"checker": runner.CHECKER_NOTE, "gold": runner.GOLD_NOTE}, definitions=runner.SEED_DEFINITIONS,
        wall_seconds={"index": 1.0}, gate={"thresholds_file": "t.toml", "passed": False, "checks": [
            {"metric": "answer.accuracy", "kind": "min", "threshold": 0.9, "value": 0.5, "passed": False}]},
    )  # fmt: skip
    page_path = tmp_path / "report.html"
    report.write_html(page_path, summary, rows)
    page = page_path.read_text(encoding="utf-8")
    assert "Q s2 &lt;b&gt;?" in page and "<b>?" not in page  # escaped
    assert page.count("<svg") == 2 and "≥" in page  # the outlier gets its own bin
    assert "Failures (2 of 4)" in page and "FAILED" in page
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)

    buf = io.StringIO()
    report.print_summary(summary, Console(file=buf, width=200))
    text = buf.getvalue()
    assert "answer.accuracy" in text and "Gate FAILED" in text and "needs >= 0.9" in text
    report.write_summary(tmp_path / "summary.json", summary)
    assert json.loads((tmp_path / "summary.json").read_text())["overall"]["answer.accuracy"] == 0.5


def test_bench_summary_and_baselines_in_report(tmp_path: Path):
    def row(qid, abstained, mc, hits, cits):
        m = {
            "gold_rank": 1 if hits else None, "hits@4": float(hits), "hits@10": float(hits), "mrr@10": float(hits),
            "lenient@10": 1.0, "answer_in_context": 1.0, "abstained": abstained,
            "contains_reference": 0.0 if abstained else 1.0, "mc_pick": None if abstained else 0,
            "mc_correct": mc, "mc_pick_top10": 0, "mc_correct_top10": 1.0, "citations": cits,
            "citations_gold_doc": 0.5 if cits else None, "citations_gold_or_answer": 1.0 if cits else None,
        }  # fmt: skip
        return {
            "id": qid, "type": "single_evidence", "question": "q", "reference_answer": "a", "choices": ["a", "b"],
            "answer_index": [0], "gold_files": ["d.txt"], "answer": "a", "abstained": abstained, "citations": [],
            "timings_ms": {"total": 10.0}, "metrics": m, "error": None, "failure_reasons": [],
        }  # fmt: skip

    rows = [row("1", False, 1.0, True, 2), row("2", True, 0.0, False, 0), row("3", False, 0.0, True, 4)]
    summary = realtimeqa.summarise_bench(rows)
    o = summary["overall"]
    assert o["answer.mc_accuracy"] == 1 / 3 and o["answer.mc_accuracy_answered"] == 0.5
    assert o["retrieval.hits@10"] == 2 / 3 and o["abstention.rate"] == 1 / 3
    assert o["citations.gold_doc"] == 0.5 and o["citations.per_answer"] == 3
    summary.update(
        suite="realtimeqa", backend="extractive", model=None, k=5, questions=3, sample="first 3 questions by qid",
        out_dir=str(tmp_path), definitions=realtimeqa.DEFINITIONS, wall_seconds={"total": 2.0},
        gate={"thresholds_file": None, "passed": True, "checks": []},
    )  # fmt: skip
    report.write_html(tmp_path / "report.html", summary, rows)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "GPT-3 + GCS news" in page and "0.824" in page and "RRF of both" in page
    buf = io.StringIO()
    report.print_summary(summary, Console(file=buf, width=200))
    assert "GPT-3 + GCS news" in buf.getvalue() and "this assistant" in buf.getvalue()
