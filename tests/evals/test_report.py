"""Summaries and the HTML report from hand-made result rows (no model, no store)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from rich.console import Console

from evals import realtimeqa, report, seed
from evals.dataset import GoldQuote
from evals.gate import Check
from evals.results import BenchMetrics, BenchRow, BenchSummary, GateResult, SeedMetrics, SeedRow, SeedSummary
from rag.models import Answer, Citation


def _alce(score):
    return {"precision": score, "recall": score, "sentences": 1, "citations": 1, "detail": []}


def _answer(text, abstained, timings, citations=()):
    return Answer(
        question="q", standalone_question="q", answer=text, abstained=abstained, backend="extractive",
        citations=list(citations), timings_ms=timings,
    )  # fmt: skip


def _seed_row(id_, type_, answerable, abstained, correct, total_ms, gold_p=1.0):
    cit = None
    if not abstained:
        cit = {"checker": _alce(1.0), "gold": _alce(gold_p)}
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
    citation = Citation(
        n=1, file="a.txt", path="a.txt", title="A", start_line=1, end_line=1, quote="x here", quote_start_char=0,
        quote_end_char=6, content_hash="h", support_score=1.0,
    )  # fmt: skip
    return SeedRow(
        id=id_,
        item_id=id_,
        type=type_,
        turn=1,
        n_turns=1,
        question=f"Q {id_} <b>?",
        answerable=answerable,
        reference_answer="R",
        facts=["x"] if answerable else [],
        gold_files=["a.txt"] if answerable else [],
        gold_quotes=[GoldQuote(file="a.txt", quote="x here", start=0, end=6)] if answerable else [],
        response=_answer(
            "x [1]" if not abstained else "The articles do not answer this question.",
            abstained,
            {"condense": 0, "retrieve": total_ms / 2, "generate": 1, "verify": 1, "total": total_ms},
            [citation],
        ),
        metrics=SeedMetrics.model_validate(metrics),
        failure_reasons=[] if correct else ["wrong"],
    )


def test_seed_summary_and_self_contained_html(tmp_path: Path):
    rows = [
        _seed_row("s1", "single_source", True, False, True, 100),
        _seed_row("s2", "single_source", True, True, False, 120),
        _seed_row("u1", "unanswerable", False, True, True, 90),
        _seed_row("u2", "unanswerable", False, False, False, 60_000, gold_p=0.0),  # a slow outlier
    ]
    figures = seed.summarise_seed(rows)
    o = figures.overall
    assert o["answer.accuracy"] == 0.5
    assert o["answer.fact_recall"] == 0.5
    assert o["abstention.precision"] == 0.5 and o["abstention.recall"] == 0.5
    assert o["abstention.false_abstention_rate"] == 0.5
    assert o["citations.gold.precision"] == 0.5  # s1 (1.0) and u2 (0.0); abstentions have no citations
    assert o["retrieval.file_mrr"] == 0.5
    assert figures.by_type["unanswerable"]["turns"] == 2
    assert figures.counts["failures"] == 2
    summary = SeedSummary(
        **dict(figures),
        suite="seed", backend="extractive", model=None, k=5, items=4, turns=4, out_dir=str(tmp_path),
        judges={"checker": seed.CHECKER_NOTE, "gold": seed.GOLD_NOTE}, definitions=seed.SEED_DEFINITIONS,
        wall_seconds={"index": 1.0}, gate=GateResult(thresholds_file="t.toml", passed=False, checks=[
            Check(metric="answer.accuracy", kind="min", threshold=0.9, value=0.5)]),
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
        return BenchRow(
            id=qid, qid=qid, type="single_evidence", question="q", reference_answer="a", choices=["a", "b"],
            answer_index=[0], gold_files=["d.txt"], response=_answer("a", abstained, {"total": 10.0}),
            metrics=BenchMetrics.model_validate(m), failure_reasons=[],
        )  # fmt: skip

    rows = [row("1", False, 1.0, True, 2), row("2", True, 0.0, False, 0), row("3", False, 0.0, True, 4)]
    figures = realtimeqa.summarise_bench(rows)
    o = figures.overall
    assert o["answer.mc_accuracy"] == 1 / 3 and o["answer.mc_accuracy_answered"] == 0.5
    assert o["retrieval.hits@10"] == 2 / 3 and o["abstention.rate"] == 1 / 3
    assert o["citations.gold_doc"] == 0.5 and o["citations.per_answer"] == 3
    summary = BenchSummary(
        **dict(figures),
        suite="realtimeqa", backend="extractive", model=None, k=5, search_k=10, questions=3,
        sample="first 3 questions by qid", out_dir=str(tmp_path), definitions=realtimeqa.DEFINITIONS,
        wall_seconds={"total": 2.0}, baselines=realtimeqa.BASELINES,
    )  # fmt: skip
    report.write_html(tmp_path / "report.html", summary, rows)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "GPT-3 + GCS news" in page and "0.824" in page and "RRF of both" in page
    buf = io.StringIO()
    report.print_summary(summary, Console(file=buf, width=200))
    assert "GPT-3 + GCS news" in buf.getvalue() and "this assistant" in buf.getvalue()
