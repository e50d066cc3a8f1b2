"""The typed records of an eval run: one row per turn or question (results.jsonl) and the summary
(summary.json), shared by the suites, the runner and the report.

A row carries the suite's gold and scores beside the ``Answer`` it scored. In results.jsonl the Answer is
written flat into the row with ``model_dump``, so every field of ``rag.models.Answer`` (a new one included)
reaches the file; only ``ANSWER_LEFT_OUT`` is left out, each entry for a stated reason.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from evals.dataset import GoldQuote
from evals.gate import Check
from rag.models import Answer
from rag.settings import AnswerSettings, IndexSettings, RetrievalSettings

# The row has the question already (the same text), and a chunk's text is in its indexed file at the
# row's offsets (for an external benchmark it is the publisher's article, which eval output should not copy).
ANSWER_LEFT_OUT: dict[str, Any] = {"question": True, "retrieved": {"__all__": {"text"}}}

Figure = float | None  # a metric's value; None when nothing was there to measure


class Row(BaseModel):
    """One scored turn or question; ``response`` is the Answer (None when asking failed: see ``error``)."""

    id: str
    type: str
    question: str
    reference_answer: str
    gold_files: list[str] = Field(default_factory=list)
    response: Answer | None = None
    error: str | None = None
    failure_reasons: list[str] = Field(default_factory=list)
    wall_ms: float | None = None

    @property
    def abstained(self) -> bool:
        return bool(self.response and self.response.abstained)

    @model_serializer(mode="wrap")
    def _flatten_answer(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        data.pop("response", None)
        if self.response is not None:
            answer = self.response.model_dump(mode="json", exclude=ANSWER_LEFT_OUT)
            for rank, chunk in enumerate(answer.get("retrieved", []), start=1):
                chunk["rank"] = rank
            data.update(answer)
        return data


# -- seed rows ---------------------------------------------------------------------------------------


class RetrievalScores(BaseModel):
    file_recall: Figure
    file_mrr: Figure
    quote_recall: Figure
    quote_mrr: Figure


class SentenceScore(BaseModel):
    sentence: str
    n_citations: int
    supported: bool
    correct: int


class AlceScores(BaseModel):
    """ALCE citation recall and precision of one answer under one judge (``metrics.alce_citations``)."""

    recall: Figure
    precision: Figure
    sentences: int
    citations: int
    detail: list[SentenceScore]


class CitationScores(BaseModel):
    checker: AlceScores
    gold: AlceScores


class SeedMetrics(BaseModel):
    answerable: bool
    abstained: bool
    retrieval: RetrievalScores | None
    facts_found: dict[str, bool]
    fact_recall: Figure
    all_facts: bool | None
    correct: bool
    citations: CitationScores | None = None


class SeedRow(Row):
    item_id: str
    turn: int
    n_turns: int
    answerable: bool
    facts: list[str]
    gold_quotes: list[GoldQuote]
    metrics: SeedMetrics | None = None


# -- benchmark rows ----------------------------------------------------------------------------------


class SearchHit(BaseModel):
    rank: int
    doc_id: str
    start_char: int
    end_char: int


class BenchMetrics(BaseModel):
    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    gold_rank: int | None
    hits_at_4: float = Field(alias="hits@4")
    hits_at_10: float = Field(alias="hits@10")
    mrr_at_10: float = Field(alias="mrr@10")
    lenient_at_10: float = Field(alias="lenient@10")
    answer_in_context: float
    abstained: bool
    contains_reference: float
    mc_pick: int | None
    mc_correct: Figure
    mc_pick_top10: int | None
    mc_correct_top10: Figure
    citations: int
    citations_gold_doc: Figure
    citations_gold_or_answer: Figure


class BenchRow(Row):
    qid: str
    choices: list[str] = Field(default_factory=list)
    answer_index: list[int] = Field(default_factory=list)
    evidence_facts: list[str] = Field(default_factory=list)
    question_date: str | None = None
    search_top10: list[SearchHit] | None = None
    metrics: BenchMetrics | None = None


# -- summaries ---------------------------------------------------------------------------------------


class LatencyStats(BaseModel):
    p50: Figure
    p95: Figure
    n: int


class Figures(BaseModel):
    """A suite's figures over its rows: ``overall`` and ``by_type`` are keyed by the dotted metric names
    that evals/thresholds.toml gates (``by_type`` also holds ``turns``, the rows of that type)."""

    overall: dict[str, Figure]
    by_type: dict[str, dict[str, int | Figure]]
    latency_ms: dict[str, LatencyStats]
    counts: dict[str, int]


class IndexCounts(BaseModel):
    seconds: float
    added: int
    updated: int
    removed: int
    unchanged: int
    skipped: int
    chunks_embedded: int


class WallSeconds(BaseModel):
    index: float | None = None
    questions: float | None = None
    total: float | None = None
    process_cpu: float | None = None


class SettingsSnapshot(BaseModel):
    retrieval: RetrievalSettings
    answer: AnswerSettings
    index: IndexSettings
    embedding_model: str
    store: str


class GateResult(BaseModel):
    thresholds_file: str | None = None
    passed: bool = True
    checks: list[Check] = Field(default_factory=list)


class RunFields(BaseModel):
    """How a run was made, reported the same way by every suite (``harness.Prepared.run_fields``)."""

    backend: str
    model: str | None = None
    k: int
    created_at: str | None = None
    index: IndexCounts | None = None
    wall_seconds: WallSeconds = Field(default_factory=WallSeconds)
    settings: SettingsSnapshot | None = None


class RunSummary(Figures, RunFields):
    """What every suite's summary.json holds: its figures, how the run was made, where it went, the gate."""

    suite: str
    suite_path: str = ""
    limit: int | None = None
    definitions: dict[str, str] = Field(default_factory=dict)
    out_dir: str = ""
    gate: GateResult = Field(default_factory=GateResult)


class Judges(BaseModel):
    checker: str
    gold: str


class SeedSummary(RunSummary):
    kind: Literal["seed"] = "seed"
    items: int
    turns: int
    judges: Judges


class BaselineRow(BaseModel):
    """A published system's figures, printed beside ours (None: not reported for that system)."""

    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    system: str
    mc_accuracy: Figure = None
    gen_em: Figure = None
    gen_f1: Figure = None
    hits_at_4: Figure = Field(None, alias="hits@4")
    hits_at_10: Figure = Field(None, alias="hits@10")
    mrr_at_10: Figure = Field(None, alias="mrr@10")


class ComparisonRow(BaselineRow):
    """A row of the report's comparison table: ours or a published baseline."""

    contains_reference: Figure = None
    note: str = ""


class Baselines(BaseModel):
    authors: list[BaselineRow]
    naive_retrieval: list[BaselineRow]
    naive_other: dict[str, float]


class BenchSummary(RunSummary):
    kind: Literal["bench"] = "bench"
    search_k: int
    as_of: str = "question_date"  # each question asked as of its question_date, or "today" (--no-as-of)
    sample: str
    questions: int
    questions_in_suite: int | None = None
    cache: str = ""
    corpus_files: dict[str, int] = Field(default_factory=dict)  # written, unchanged, removed
    baselines: Baselines | None = None


Summary = SeedSummary | BenchSummary
