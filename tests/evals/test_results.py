"""results.jsonl rows carry every field of the Answer they scored (a new field included), and the typed
summary keeps summary.json's keys."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from evals import harness, seed
from evals.results import ANSWER_LEFT_OUT, BenchMetrics, SeedRow
from rag.models import Answer, Citation, RetrievedChunk
from rag.settings import Settings


def full_answer(cls: type[Answer] = Answer, **extra) -> Answer:
    """An Answer with every optional field set, so a field left out of a row cannot hide behind a default."""
    chunk = RetrievedChunk(
        id="c1", text="The bridge cost $42 million.", file="a.txt", path="a.txt", title="A", start_char=0,
        end_char=28, start_line=1, end_line=1, content_hash="h", byline="J. Porter", published="2024-03-04",
        score=0.9, retrievers=["dense", "bm25"],
    )  # fmt: skip
    citation = Citation(
        n=1, file="a.txt", path="a.txt", title="A", start_line=1, end_line=1, quote="cost $42 million",
        quote_start_char=11, quote_end_char=27, content_hash="h", support_score=0.8,
        byline="J. Porter", published="2024-03-04",
    )  # fmt: skip
    return cls(
        question="What did it cost?", standalone_question="What did the bridge cost?", answer="$42 million [1].",
        abstained=False, backend="extractive", model="m", note="a note", citations=[citation],
        unsupported_sentences=["x"], retrieved=[chunk], timings_ms={"total": 5.0}, **extra,
    )  # fmt: skip


def seed_row(answer: Answer) -> SeedRow:
    return SeedRow(
        id="i", item_id="i", type="single_source", turn=1, n_turns=1, question=answer.question, answerable=True,
        reference_answer="$42 million", facts=["$42 million"], gold_files=["a.txt"], gold_quotes=[], response=answer,
    )  # fmt: skip


def test_every_answer_field_is_in_the_row():
    answer = full_answer()
    row = json.loads(seed_row(answer).model_dump_json())
    left_out = {name for name, rule in ANSWER_LEFT_OUT.items() if rule is True}
    assert left_out == {"question"} and row["question"] == answer.question  # the row's own copy
    assert set(Answer.model_fields) - left_out <= set(row)
    assert {k: row[k] for k in ("answer", "model", "note", "unsupported_sentences")} == {
        "answer": answer.answer, "model": "m", "note": "a note", "unsupported_sentences": ["x"]
    }  # fmt: skip
    assert set(row["citations"][0]) == set(Citation.model_fields)
    assert row["citations"][0] == answer.citations[0].model_dump(mode="json")
    assert set(row["retrieved"][0]) == (set(RetrievedChunk.model_fields) - {"text"}) | {"rank"}
    assert row["retrieved"][0]["rank"] == 1 and "response" not in row


def test_a_new_answer_field_reaches_results_jsonl(tmp_path: Path):
    class Later(Answer):
        confidence: float = 0.0  # a field the Answer might gain

    ctx = harness.RunContext(
        harness.EvalOptions(quiet=True), Settings(), tmp_path, Console(file=io.StringIO()), None, None
    )

    class Generator:
        backend = "extractive"

    with harness.recording(ctx, Generator(), total=1) as rec:
        rec.add(seed_row(full_answer(Later, confidence=0.7)), started=0.0)
    line = json.loads((tmp_path / "results.jsonl").read_text(encoding="utf-8"))
    assert line["confidence"] == 0.7 and line["wall_ms"] > 0


def test_a_failed_turn_has_no_answer_fields():
    row = seed_row(full_answer())
    row.response = None
    harness.failed(row, RuntimeError("boom"))
    row.metrics = seed.error_metrics(seed.dataset.Turn("q", "r", ["f"], True, [], []))
    data = json.loads(row.model_dump_json())
    assert data["error"] == "RuntimeError: boom" and data["failure_reasons"] == ["error: RuntimeError: boom"]
    assert "answer" not in data and data["metrics"]["fact_recall"] == 0.0


def test_bench_metrics_keep_their_dotted_names():
    m = BenchMetrics.model_validate(
        {"gold_rank": 2, "hits@4": 1.0, "hits@10": 1.0, "mrr@10": 0.5, "lenient@10": 1.0, "answer_in_context": 1.0,
         "abstained": False, "contains_reference": 1.0, "mc_pick": 0, "mc_correct": 1.0, "mc_pick_top10": 0,
         "mc_correct_top10": 1.0, "citations": 1, "citations_gold_doc": 1.0, "citations_gold_or_answer": 1.0}
    )  # fmt: skip
    assert m.mrr_at_10 == 0.5 and json.loads(m.model_dump_json())["mrr@10"] == 0.5
