"""Run an eval suite through the normal answer path and score it.

``run(EvalOptions(...))`` is what ``rag eval`` and the tests call. The seed suite indexes the bundled
corpus into its own store (never the user's), asks every turn with ``Assistant.ask`` — a follow-up gets
the conversation's previous Answers as history — and scores each turn: retrieval of gold files and gold
quotes, ALCE citation precision/recall under two judges, reference facts in the answer, abstention and
latency. External suites (``realtimeqa`` or a folder in its format) are run by ``evals.realtimeqa``.

Every run writes results.jsonl (one line per turn or question, written as it goes), summary.json and a
self-contained report.html into the out folder, then compares the summary with the gate thresholds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from evals import dataset, gate, metrics
from rag import prompts
from rag.rendering import progress_bar, progress_callback
from rag.settings import BUNDLED_CORPUS, PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.embeddings import Embedder
    from rag.generator import Generator
    from rag.models import Answer, Citation, IndexSummary, RetrievedChunk

STAGES = ("condense", "retrieve", "generate", "verify", "total")
DEFAULT_OUT_ROOT = PROJECT_ROOT / "eval-results"

CHECKER_NOTE = (
    "checker = the project's own support checker (rag.citing.support with the Assistant's embeddings and "
    "threshold answer.min_support, applied to the cited quotes). The answerer uses this same checker to "
    "filter its citations, so checker precision is close to 1 by construction; it shows that the filter "
    "works, not that the citations are right."
)
GOLD_NOTE = (
    "gold = overlap with the turn's gold quotes: a citation is correct when its quote overlaps a gold "
    "quote's character span in the same file, or contains all of the turn's reference facts. The answerer "
    "never sees the gold quotes."
)


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


@dataclass
class RunResult:
    out_dir: Path
    summary: dict[str, Any]
    rows: list[dict[str, Any]]
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


def eval_settings(corpus_dir: Path, store_dir: Path) -> Settings:
    """The user's settings (RAG_* variables, rag.toml) with the eval's own corpus and embedded store."""
    s = Settings()
    s.corpus.dir = corpus_dir
    s.store.dir = store_dir
    s.chroma.host = None
    return s


def open_assistant(settings: Settings, embedder: Embedder | None = None) -> Assistant:
    from rag.assistant import Assistant

    return Assistant(settings, embedder=embedder)


def index_corpus(assistant: Assistant, corpus_dir: Path, console: Console, quiet: bool) -> IndexSummary:
    """Incremental index of ``corpus_dir`` into the eval store; rebuilt if another model built it."""
    from rag.errors import ModelMismatchError

    with progress_bar(console, quiet) as bar:
        update = progress_callback(bar, "Indexing")
        try:
            return assistant.index(corpus_dir, progress=update)
        except ModelMismatchError:
            return assistant.index(corpus_dir, rebuild=True, progress=update)


@contextmanager
def results_writer(path: Path) -> Iterator[Callable[[dict[str, Any]], None]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:

        def write(row: dict[str, Any]) -> None:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            fh.flush()

        yield write


def run(
    options: EvalOptions,
    embedder: Embedder | None = None,
    assistant: Assistant | None = None,
    console: Console | None = None,
) -> RunResult:
    """Run a suite, write results.jsonl, summary.json and report.html, and check the gate."""
    from evals import report

    load_pipeline()
    console = console or Console(stderr=True, highlight=False)
    kind, name, path = suite_kind(options.suite)
    out_dir = Path(options.out) if options.out else default_out(name)
    out_dir.mkdir(parents=True, exist_ok=True)
    if kind == "seed":
        summary, rows = run_seed(path, name, options, out_dir, embedder, assistant, console)
    else:
        from evals import realtimeqa

        summary, rows = realtimeqa.run_bench(path, name, options, out_dir, embedder, assistant, console)
    summary["out_dir"] = str(out_dir)
    checks: list[gate.Check] = []
    if options.gate:
        tpath = gate.thresholds_path(options.thresholds)
        limits = gate.load_thresholds(tpath, name, summary["backend"])
        checks = gate.check(summary["overall"], limits)
        summary["gate"] = {
            "thresholds_file": str(tpath),
            "passed": all(c.passed for c in checks),
            "checks": [c.to_json() for c in checks],
        }
    else:
        summary["gate"] = {"thresholds_file": None, "passed": True, "checks": []}
    report.write_summary(out_dir / "summary.json", summary)
    report.write_html(out_dir / "report.html", summary, rows)
    return RunResult(out_dir, summary, rows, checks)


def load_pipeline() -> None:
    """Import the whole answer pipeline up front: a long run then uses one consistent version of the code even
    if the files are edited while it indexes (a lazy import half an hour later could mix two versions)."""
    import rag.answering
    import rag.citing
    import rag.extractive
    import rag.generator
    import rag.ollama
    import rag.retrieving  # noqa: F401


# -- the seed suite ----------------------------------------------------------------------------------


@dataclass
class Prepared:
    """An indexed eval store and what every question of the run is asked with."""

    assistant: Assistant
    index_summary: IndexSummary
    index_s: float
    generator: Generator
    k: int


def prepare(
    assistant: Assistant | None,
    corpus_dir: Path,
    store_dir: Path,
    embedder: Embedder | None,
    options: EvalOptions,
    console: Console,
    t0: float,
) -> Prepared:
    """Open (unless given) and index the eval's own store, warm it up and pick the generator."""
    if assistant is None:
        assistant = open_assistant(eval_settings(corpus_dir, store_dir), embedder)
    index_summary = index_corpus(assistant, corpus_dir, console, options.quiet)
    index_s = time.perf_counter() - t0
    warm_up(assistant)
    generator = assistant.generator(options.backend)
    return Prepared(assistant, index_summary, index_s, generator, options.k or assistant.settings.retrieval.top_k)


def warm_up(assistant: Assistant) -> None:
    """One untimed search so the first question's latency does not include loading the keyword index."""
    try:
        assistant.search("warm up", k=1)
    except Exception:  # noqa: BLE001 - a failing search will show up, timed, on the first question
        pass


def run_seed(
    path: Path,
    name: str,
    options: EvalOptions,
    out_dir: Path,
    embedder: Embedder | None,
    assistant: Assistant | None,
    console: Console,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    items = dataset.select(dataset.load_seed(path, BUNDLED_CORPUS), options.limit, options.ids)
    t0, cpu0 = time.perf_counter(), time.process_time()
    cache = Path(options.cache) if options.cache else dataset.CACHE_ROOT / name
    ready = prepare(assistant, BUNDLED_CORPUS, cache / "store", embedder, options, console, t0)
    assistant, generator, k = ready.assistant, ready.generator, ready.k
    rows: list[dict[str, Any]] = []
    n_turns = sum(len(i.turns) for i in items)
    t1 = time.perf_counter()
    with results_writer(out_dir / "results.jsonl") as write, progress_bar(console, options.quiet) as bar:
        task = bar.add_task(f"Asking ({generator.backend})", total=n_turns)
        for item in items:
            history: list[Answer] = []
            for i, turn in enumerate(item.turns):
                row = seed_row(item, i, turn)
                start = time.perf_counter()
                try:
                    answer = assistant.ask(turn.question, history=list(history), k=k, generator=generator)
                except Exception as exc:  # noqa: BLE001 - one failing turn is a result, not the end of the run
                    row["error"] = f"{type(exc).__name__}: {exc}"
                    row["metrics"] = error_metrics(turn)
                    row["failure_reasons"] = [f"error: {row['error']}"]
                else:
                    history.append(answer)
                    row.update(answer_json(answer))
                    row["metrics"] = score_seed_turn(turn, answer, assistant.embedder, assistant.settings)
                    row["failure_reasons"] = seed_failures(turn, row["metrics"])
                row["wall_ms"] = round((time.perf_counter() - start) * 1000, 1)
                rows.append(row)
                write(row)
                bar.advance(task)
    summary = summarise_seed(rows)
    summary.update(
        suite=name,
        suite_path=str(path),
        backend=generator.backend,
        model=generator.model,
        k=k,
        limit=options.limit,
        items=len(items),
        turns=len(rows),
        created_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        index={"seconds": round(ready.index_s, 2), **index_counts(ready.index_summary)},
        wall_seconds={
            "index": round(ready.index_s, 2),
            "questions": round(time.perf_counter() - t1, 2),
            "total": round(time.perf_counter() - t0, 2),
            "process_cpu": round(time.process_time() - cpu0, 2),
        },
        judges={"checker": CHECKER_NOTE, "gold": GOLD_NOTE},
        definitions=SEED_DEFINITIONS,
        settings=settings_snapshot(assistant.settings),
    )
    return summary, rows


SEED_DEFINITIONS = {
    "retrieval.file_recall@k": "share of the turn's gold files among the files of the k chunks the answerer read",
    "retrieval.file_mrr": "1 / rank of the first retrieved chunk from a gold file",
    "retrieval.quote_recall@k": "share of gold quotes whose character span overlaps a retrieved chunk",
    "retrieval.quote_mrr": "1 / rank of the first retrieved chunk overlapping a gold quote",
    "citations.*.precision / recall": "ALCE citation precision and recall (see judges); abstentions excluded",
    "answer.fact_recall": "share of reference facts present in the answer (normalised), answerable turns",
    "answer.all_facts": "answerable turns whose answer holds every reference fact",
    "answer.accuracy": "all facts present on answerable turns, abstained on unanswerable ones",
    "abstention.precision / recall": "abstaining on unanswerable turns",
    "abstention.false_abstention_rate": "answerable turns the assistant declined",
}


def index_counts(summary: IndexSummary) -> dict[str, Any]:
    return {
        "added": len(summary.added),
        "updated": len(summary.updated),
        "removed": len(summary.removed),
        "unchanged": len(summary.unchanged),
        "skipped": len(summary.skipped),
        "chunks_embedded": summary.chunks_embedded,
    }


def settings_snapshot(s: Settings) -> dict[str, Any]:
    return {
        "retrieval": s.retrieval.model_dump(mode="json"),
        "answer": s.answer.model_dump(mode="json"),
        "index": s.index.model_dump(mode="json"),
        "embedding_model": s.embedding.model,
        "store": str(s.store.dir),
    }


def seed_row(item: dataset.SeedItem, i: int, turn: dataset.Turn) -> dict[str, Any]:
    return {
        "id": f"{item.id}#{i + 1}" if len(item.turns) > 1 else item.id,
        "item_id": item.id,
        "type": item.type,
        "turn": i + 1,
        "n_turns": len(item.turns),
        "question": turn.question,
        "answerable": turn.answerable,
        "reference_answer": turn.reference_answer,
        "facts": turn.facts,
        "gold_files": turn.gold_files,
        "gold_quotes": [q.to_json() for q in turn.gold_quotes],
        "error": None,
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "standalone_question": answer.standalone_question,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "backend": answer.backend,
        "citations": [
            {
                "n": c.n,
                "file": c.file,
                "path": c.path,
                "start_line": c.start_line,
                "end_line": c.end_line,
                "quote": c.quote,
                "quote_start_char": c.quote_start_char,
                "quote_end_char": c.quote_end_char,
                "support_score": c.support_score,
            }
            for c in answer.citations
        ],
        "unsupported_sentences": answer.unsupported_sentences,
        "retrieved": [
            {
                "rank": r + 1,
                "file": h.file,
                "path": h.path,
                "start_line": h.start_line,
                "end_line": h.end_line,
                "start_char": h.start_char,
                "end_char": h.end_char,
                "score": h.score,
                "retrievers": h.retrievers,
            }
            for r, h in enumerate(answer.retrieved)
        ],
        "timings_ms": answer.timings_ms,
    }


# -- scoring one seed turn ---------------------------------------------------------------------------


def answer_sentences(answer: Answer) -> list[tuple[str, list[Citation]]]:
    """The answer's sentences with the Citation objects their [n] markers point to.

    The figure-conflict note ("The sources give different figures: …") is left out: the pipeline writes it
    from the cited quotes themselves, and its markers repeat citations already attached above.
    """
    from rag.citing import parse_claims

    by_n = {c.n: c for c in answer.citations}
    out = []
    for claim in parse_claims(answer.answer):
        if claim.text.startswith(prompts.CONFLICT_LEAD):
            continue
        out.append((claim.text, [by_n[n] for n in claim.cited if n in by_n]))
    return out


def cited_chunk(citation: Citation, retrieved: Sequence[RetrievedChunk]) -> RetrievedChunk | None:
    """The retrieved chunk the quote was cut from (the passage the answerer checked it against)."""
    for chunk in retrieved:
        if chunk.path == citation.path and chunk.start_char <= citation.quote_start_char < chunk.end_char:
            return chunk
    return None


def checker_judge(embedder: Embedder, min_support: float) -> metrics.Judge:
    """The project's support checker as an ALCE judge, applied as the answerer applies it: the passage is
    the cited quote (several citations: their quotes joined), and a sentence is supported when
    ``rag.citing.support`` reaches ``answer.min_support`` with the best of the quote embeddings."""
    from rag.citing import support

    def judge(sentence: str, cites: Sequence[Citation]) -> bool:
        if not cites:
            return False
        quotes = list(dict.fromkeys(c.quote for c in cites))
        passage = " ".join(quotes)
        claim_vec = embedder.embed_cached([sentence])[0]
        vecs = embedder.embed_cached(quotes + ([passage] if len(quotes) > 1 else []))
        return max(support(sentence, passage, claim_vec, v) for v in vecs) >= min_support

    return judge


def citation_scores(answer: Answer, turn: dataset.Turn, embedder: Embedder, min_support: float) -> dict[str, Any]:
    sentences = answer_sentences(answer)
    gold_spans = [(q.file, q.start, q.end) for q in turn.gold_quotes]
    gold = metrics.gold_judge(gold_spans, turn.facts)

    def as_gold(cites: Sequence[Citation]) -> list[tuple[metrics.Span, str]]:
        return [((c.path, c.quote_start_char, c.quote_end_char), c.quote) for c in cites]

    checker = metrics.alce_citations(sentences, checker_judge(embedder, min_support))
    gold_scores = metrics.alce_citations(
        [(s, as_gold(cites)) for s, cites in sentences], lambda s, cites: gold(s, cites)
    )
    return {"checker": checker, "gold": gold_scores}


def retrieval_scores(turn: dataset.Turn, retrieved: Sequence[RetrievedChunk]) -> dict[str, float | None]:
    files = [h.path for h in retrieved]
    chunks = [(h.path, h.start_char, h.end_char) for h in retrieved]
    quotes = [(q.file, q.start, q.end) for q in turn.gold_quotes]
    return {
        "file_recall": metrics.recall_at_k(files, turn.gold_files),
        "file_mrr": metrics.mrr(files, turn.gold_files),
        "quote_recall": metrics.quote_recall(chunks, quotes),
        "quote_mrr": metrics.quote_mrr(chunks, quotes),
    }


def score_seed_turn(turn: dataset.Turn, answer: Answer, embedder: Embedder, settings: Settings) -> dict[str, Any]:
    found = metrics.facts_present(answer.answer, turn.facts) if not answer.abstained else [False] * len(turn.facts)
    all_facts = all(found) if turn.facts else None
    correct = (bool(all_facts) and not answer.abstained) if turn.answerable else answer.abstained
    out: dict[str, Any] = {
        "answerable": turn.answerable,
        "abstained": answer.abstained,
        "retrieval": retrieval_scores(turn, answer.retrieved) if turn.answerable else None,
        "facts_found": dict(zip(turn.facts, found, strict=True)),
        "fact_recall": (sum(found) / len(found)) if turn.facts else None,
        "all_facts": all_facts,
        "correct": correct,
        "citations": None,
    }
    if not answer.abstained:
        out["citations"] = citation_scores(answer, turn, embedder, settings.answer.min_support)
    return out


def error_metrics(turn: dataset.Turn) -> dict[str, Any]:
    return {
        "answerable": turn.answerable,
        "abstained": False,
        "retrieval": None,
        "facts_found": dict.fromkeys(turn.facts, False),
        "fact_recall": 0.0 if turn.facts else None,
        "all_facts": False if turn.facts else None,
        "correct": False,
        "citations": None,
    }


def seed_failures(turn: dataset.Turn, m: dict[str, Any]) -> list[str]:
    reasons = []
    if turn.answerable and m["abstained"]:
        reasons.append("abstained on an answerable question")
    elif turn.answerable and not m["all_facts"]:
        missing = [f for f, ok in m["facts_found"].items() if not ok]
        reasons.append("missing facts: " + ", ".join(missing))
    if not turn.answerable and not m["abstained"]:
        reasons.append("answered an unanswerable question")
    cit = m.get("citations")
    if cit and turn.answerable:
        gold = cit["gold"]
        if gold["precision"] is not None and gold["precision"] < 1:
            reasons.append(f"citations off the gold evidence (gold precision {gold['precision']:.2f})")
        if cit["checker"]["recall"] is not None and cit["checker"]["recall"] < 1:
            reasons.append(f"sentence not supported by its citations (checker recall {cit['checker']['recall']:.2f})")
    return reasons


# -- aggregation -------------------------------------------------------------------------------------


def _flat(rows: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    ms = [r["metrics"] for r in rows]
    ret = [m["retrieval"] for m in ms if m.get("retrieval")]
    cit = [m["citations"] for m in ms if m.get("citations")]
    answerable = [m for m in ms if m["answerable"]]
    out: dict[str, float | None] = {
        "retrieval.file_recall@k": metrics.mean(r["file_recall"] for r in ret),
        "retrieval.file_mrr": metrics.mean(r["file_mrr"] for r in ret),
        "retrieval.quote_recall@k": metrics.mean(r["quote_recall"] for r in ret),
        "retrieval.quote_mrr": metrics.mean(r["quote_mrr"] for r in ret),
    }
    for judge in ("checker", "gold"):
        out[f"citations.{judge}.precision"] = metrics.mean(c[judge]["precision"] for c in cit)
        out[f"citations.{judge}.recall"] = metrics.mean(c[judge]["recall"] for c in cit)
    out["answer.fact_recall"] = metrics.mean(m["fact_recall"] for m in answerable)
    out["answer.all_facts"] = metrics.mean(float(bool(m["all_facts"])) for m in answerable) if answerable else None
    out["answer.accuracy"] = metrics.mean(float(m["correct"]) for m in ms)
    abst = metrics.abstention_scores([m["abstained"] for m in ms], [m["answerable"] for m in ms])
    out["abstention.precision"] = abst["precision"]
    out["abstention.recall"] = abst["recall"]
    out["abstention.false_abstention_rate"] = abst["false_abstention_rate"]
    out["errors"] = float(sum(1 for r in rows if r.get("error")))
    return out


def latency_block(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    timings = [r.get("timings_ms") or {} for r in rows if not r.get("error")]
    return metrics.latency_summary(timings, STAGES)


def add_latency(flat: dict[str, Any], latency: dict[str, dict[str, float | None]]) -> None:
    for stage, vals in latency.items():
        flat[f"latency.{stage}.p50_ms"] = vals["p50"]
        flat[f"latency.{stage}.p95_ms"] = vals["p95"]


def summarise_seed(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    overall = _flat(rows)
    latency = latency_block(rows)
    add_latency(overall, latency)
    by_type = {}
    for type_ in dataset.TYPES:
        subset = [r for r in rows if r["type"] == type_]
        if subset:
            by_type[type_] = {"turns": len(subset), **_flat(subset)}
    counts = {
        "turns": len(rows),
        "answerable": sum(1 for r in rows if r["answerable"]),
        "unanswerable": sum(1 for r in rows if not r["answerable"]),
        "abstained": sum(1 for r in rows if r.get("abstained")),
        "failures": sum(1 for r in rows if r.get("failure_reasons")),
    }
    return {"kind": "seed", "overall": overall, "by_type": by_type, "latency_ms": latency, "counts": counts}
