"""The steps every eval suite shares: open and index the eval's own store, warm it up, write rows to
results.jsonl as they come, time the run, and turn rows into the summary's figures.

A suite (``evals.seed``, ``evals.realtimeqa``) builds its rows and metrics; it takes everything else from here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from rich.console import Console

from evals import metrics
from evals.results import Figure, Figures, IndexCounts, LatencyStats, Row, RunFields, SettingsSnapshot, WallSeconds
from rag import prompts
from rag.rendering import progress_bar, progress_callback
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.embeddings import Embedder
    from rag.generator import Generator
    from rag.models import Answer, Citation, IndexSummary, RetrievedChunk

STAGES = ("condense", "retrieve", "generate", "verify", "total")

R = TypeVar("R", bound=Row)


@dataclass
class EvalOptions:
    suite: str = "seed"  # "seed", "realtimeqa" or a path (a seed-format .jsonl or a benchmark folder)
    backend: str = "extractive"
    limit: int | None = None
    out: Path | None = None
    k: int | None = None
    cache: Path | None = None
    thresholds: Path | None = None
    gate: bool = True
    ids: list[str] = field(default_factory=list)
    sample: str = "first"  # external suites: "first" N by qid, or "random" (fixed seed 0)
    quiet: bool = False
    as_of: bool = True  # external suites: ask each question as of its question_date


@dataclass
class RunContext:
    """What a suite runs with: the options, the user's settings, where to write, and (from tests) a ready
    embedder or assistant."""

    options: EvalOptions
    settings: Settings
    out_dir: Path
    console: Console
    embedder: Embedder | None = None
    assistant: Assistant | None = None

    @property
    def cache_root(self) -> Path:
        """Root of the evals' caches (setting ``eval.cache``, RAG_EVAL_CACHE)."""
        return self.settings.eval.cache.expanduser()


def load_pipeline() -> None:
    """Import the whole answer pipeline up front: a long run then uses one consistent version of the code even
    if the files are edited while it indexes (a lazy import half an hour later could mix two versions)."""
    import rag.answering
    import rag.citing
    import rag.extractive
    import rag.generator
    import rag.ollama
    import rag.retrieving  # noqa: F401


def eval_settings(base: Settings, corpus_dir: Path, store_dir: Path) -> Settings:
    """The user's settings (RAG_* variables, rag.toml) with the eval's own corpus and embedded store."""
    s = base.model_copy(deep=True)
    s.corpus.dir = corpus_dir
    s.store.dir = store_dir
    s.chroma.host = None
    return s


class Stopwatch:
    """Wall and process CPU time of a run, split into indexing and asking."""

    def __init__(self) -> None:
        self.t0, self.cpu0 = time.perf_counter(), time.process_time()
        self.index_s = 0.0
        self.t_asking = self.t0

    def indexed(self) -> None:
        self.index_s = time.perf_counter() - self.t0

    def asking(self) -> None:
        self.t_asking = time.perf_counter()

    def wall(self) -> WallSeconds:
        now = time.perf_counter()
        return WallSeconds(
            index=round(self.index_s, 2),
            questions=round(now - self.t_asking, 2),
            total=round(now - self.t0, 2),
            process_cpu=round(time.process_time() - self.cpu0, 2),
        )


@dataclass
class Prepared:
    """An indexed eval store and what every question of the run is asked with."""

    assistant: Assistant
    index_summary: IndexSummary
    generator: Generator
    k: int
    watch: Stopwatch

    def run_fields(self) -> RunFields:
        """How the run was made, taken when it ends (the wall times run to now)."""
        s = self.assistant.settings
        return RunFields(
            backend=self.generator.backend,
            model=self.generator.model,
            k=self.k,
            created_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            index=index_counts(self.index_summary, self.watch.index_s),
            wall_seconds=self.watch.wall(),
            settings=SettingsSnapshot(
                retrieval=s.retrieval,
                answer=s.answer,
                index=s.index,
                embedding_model=s.embedding.model,
                store=str(s.store.dir),
            ),
        )


def prepare(ctx: RunContext, corpus_dir: Path, store_dir: Path, watch: Stopwatch) -> Prepared:
    """Open (unless given) and index the eval's own store, warm it up and pick the generator."""
    assistant = ctx.assistant
    if assistant is None:
        from rag.assistant import Assistant

        assistant = Assistant(eval_settings(ctx.settings, corpus_dir, store_dir), embedder=ctx.embedder)
    index_summary = index_corpus(assistant, corpus_dir, ctx.console, ctx.options.quiet)
    watch.indexed()
    warm_up(assistant)
    generator = assistant.generator(ctx.options.backend)
    k = ctx.options.k or assistant.settings.retrieval.top_k
    return Prepared(assistant, index_summary, generator, k, watch)


def index_corpus(assistant: Assistant, corpus_dir: Path, console: Console, quiet: bool) -> IndexSummary:
    """Incremental index of ``corpus_dir`` into the eval store; rebuilt if another model built it."""
    from rag.errors import ModelMismatchError

    with progress_bar(console, quiet) as bar:
        update = progress_callback(bar, "Indexing")
        try:
            return assistant.index(corpus_dir, progress=update)
        except ModelMismatchError:
            return assistant.index(corpus_dir, rebuild=True, progress=update)


def warm_up(assistant: Assistant) -> None:
    """One untimed search so the first question's latency does not include loading the keyword index."""
    try:
        assistant.search("warm up", k=1)
    except Exception:  # noqa: BLE001 - a failing search will show up, timed, on the first question
        pass


def index_counts(summary: IndexSummary, seconds: float) -> IndexCounts:
    return IndexCounts(
        seconds=round(seconds, 2),
        added=len(summary.added),
        updated=len(summary.updated),
        removed=len(summary.removed),
        unchanged=len(summary.unchanged),
        skipped=len(summary.skipped),
        chunks_embedded=summary.chunks_embedded,
    )


# -- asking ------------------------------------------------------------------------------------------


class Recorder(Generic[R]):
    """Collects a run's rows, writing each to results.jsonl as it comes (a long run can be read while it
    goes) and advancing the progress bar."""

    def __init__(self, write: Callable[[str], object], advance: Callable[[], None]) -> None:
        self.rows: list[R] = []
        self._write = write
        self._advance = advance

    def add(self, row: R, started: float) -> None:
        """Record ``row``, timed from ``started`` (a ``time.perf_counter()`` value)."""
        row.wall_ms = round((time.perf_counter() - started) * 1000, 1)
        self.rows.append(row)
        self._write(row.model_dump_json() + "\n")
        self._advance()


@contextmanager
def recording(ctx: RunContext, generator: Generator, total: int) -> Iterator[Recorder]:
    path = ctx.out_dir / "results.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh, progress_bar(ctx.console, ctx.options.quiet) as bar:
        task = bar.add_task(f"Asking ({generator.backend})", total=total)

        def write(line: str) -> None:
            fh.write(line)
            fh.flush()

        yield Recorder(write, lambda: bar.advance(task))


def failed(row: Row, exc: Exception) -> None:
    """Mark ``row`` as a question that raised: one failing question is a result, not the end of the run."""
    row.error = f"{type(exc).__name__}: {exc}"
    row.failure_reasons = [f"error: {row.error}"]


# -- reading an Answer -------------------------------------------------------------------------------


def answer_sentences(answer: Answer) -> list[tuple[str, list[Citation]]]:
    """The answer's sentences with the Citation objects their [n] markers point to.

    The figure-conflict note ("The sources give different figures: …") is left out: the pipeline writes it
    from the cited quotes themselves, and its markers repeat citations already attached above.
    """
    from rag.citing import parse_claims

    by_n = {c.n: c for c in answer.citations}
    out = []
    for claim in parse_claims(answer.answer):
        if claim.text.startswith((prompts.CONFLICT_LEAD, prompts.DISAGREE_LEAD)):
            continue
        out.append((claim.text, [by_n[n] for n in claim.cited if n in by_n]))
    return out


def cited_chunk(citation: Citation, retrieved: Sequence[RetrievedChunk]) -> RetrievedChunk | None:
    """The retrieved chunk the quote was cut from (the passage the answerer checked it against)."""
    for chunk in retrieved:
        if chunk.path == citation.path and chunk.start_char <= citation.quote_start_char < chunk.end_char:
            return chunk
    return None


# -- figures -----------------------------------------------------------------------------------------


def latency_block(rows: Sequence[Row]) -> dict[str, LatencyStats]:
    timings = [r.response.timings_ms for r in rows if r.response and not r.error]
    return {s: LatencyStats(**v) for s, v in metrics.latency_summary(timings, STAGES).items()}


def figures(
    rows: Sequence[R],
    flat: Callable[[Sequence[R]], dict[str, Figure]],
    types: Sequence[str],
    counts: dict[str, int],
) -> Figures:
    """Overall figures (``flat`` of all rows, plus latency p50/p95 per stage), the same per question type
    (in ``types`` order, types without rows left out) and the suite's counts."""
    overall = flat(rows)
    latency = latency_block(rows)
    for stage, vals in latency.items():
        overall[f"latency.{stage}.p50_ms"] = vals.p50
        overall[f"latency.{stage}.p95_ms"] = vals.p95
    by_type: dict[str, dict[str, int | Figure]] = {}
    for type_ in types:
        subset = [r for r in rows if r.type == type_]
        if subset:
            by_type[type_] = {"turns": len(subset), **flat(subset)}
    return Figures(overall=overall, by_type=by_type, latency_ms=latency, counts=counts)


def errors(rows: Sequence[Row]) -> float:
    return float(sum(1 for r in rows if r.error))
