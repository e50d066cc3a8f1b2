"""The seed suite: grounded conversations over the bundled corpus (evals/data/seed.jsonl or a file in its format).

The corpus is indexed into the eval's own store (never the user's), every turn is asked with
``Assistant.ask`` — a follow-up gets the conversation's previous Answers as history — and each turn is
scored: retrieval of gold files and gold quotes, ALCE citation precision/recall under two judges, reference
facts in the answer, abstention and latency.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evals import dataset, harness, metrics
from evals.results import (
    AlceScores,
    CitationScores,
    Figure,
    Figures,
    Judges,
    RetrievalScores,
    SeedMetrics,
    SeedRow,
    SeedSummary,
)
from rag.settings import BUNDLED_CORPUS

if TYPE_CHECKING:
    from rag.embeddings import Embedder
    from rag.models import Answer, Citation, RetrievedChunk

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


def run_seed(path: Path, name: str, ctx: harness.RunContext) -> tuple[SeedSummary, list[SeedRow]]:
    options = ctx.options
    items = dataset.select(dataset.load_seed(path, BUNDLED_CORPUS), options.limit, options.ids)
    watch = harness.Stopwatch()
    cache = Path(options.cache) if options.cache else ctx.cache_root / name
    ready = harness.prepare(ctx, BUNDLED_CORPUS, cache / "store", watch)
    assistant, generator, k = ready.assistant, ready.generator, ready.k
    min_support = assistant.settings.answer.min_support
    n_turns = sum(len(i.turns) for i in items)
    watch.asking()
    with harness.recording(ctx, generator, n_turns) as rec:
        for item in items:
            history: list[Answer] = []
            for i, turn in enumerate(item.turns):
                row = seed_row(item, i, turn)
                start = time.perf_counter()
                try:
                    answer = assistant.ask(turn.question, history=list(history), k=k, generator=generator)
                except Exception as exc:  # noqa: BLE001 - one failing turn is a result, not the end of the run
                    harness.failed(row, exc)
                    row.metrics = error_metrics(turn)
                else:
                    history.append(answer)
                    row.response = answer
                    row.metrics = score_seed_turn(turn, answer, assistant.embedder, min_support)
                    row.failure_reasons = seed_failures(turn, row.metrics)
                rec.add(row, start)
    rows: list[SeedRow] = rec.rows
    summary = SeedSummary(
        **dict(summarise_seed(rows)),
        **dict(ready.run_fields()),
        suite=name,
        suite_path=str(path),
        limit=options.limit,
        items=len(items),
        turns=len(rows),
        judges=Judges(checker=CHECKER_NOTE, gold=GOLD_NOTE),
        definitions=SEED_DEFINITIONS,
    )
    return summary, rows


def seed_row(item: dataset.SeedItem, i: int, turn: dataset.Turn) -> SeedRow:
    return SeedRow(
        id=f"{item.id}#{i + 1}" if len(item.turns) > 1 else item.id,
        item_id=item.id,
        type=item.type,
        turn=i + 1,
        n_turns=len(item.turns),
        question=turn.question,
        answerable=turn.answerable,
        reference_answer=turn.reference_answer,
        facts=turn.facts,
        gold_files=turn.gold_files,
        gold_quotes=turn.gold_quotes,
    )


# -- scoring one turn --------------------------------------------------------------------------------


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


def citation_scores(answer: Answer, turn: dataset.Turn, embedder: Embedder, min_support: float) -> CitationScores:
    sentences = harness.answer_sentences(answer)
    gold_spans = [(q.file, q.start, q.end) for q in turn.gold_quotes]
    gold = metrics.gold_judge(gold_spans, turn.facts)

    def as_gold(cites: Sequence[Citation]) -> list[tuple[metrics.Span, str]]:
        return [((c.path, c.quote_start_char, c.quote_end_char), c.quote) for c in cites]

    checker = metrics.alce_citations(sentences, checker_judge(embedder, min_support))
    gold_scores = metrics.alce_citations(
        [(s, as_gold(cites)) for s, cites in sentences], lambda s, cites: gold(s, cites)
    )
    return CitationScores(checker=AlceScores(**checker), gold=AlceScores(**gold_scores))


def retrieval_scores(turn: dataset.Turn, retrieved: Sequence[RetrievedChunk]) -> RetrievalScores:
    files = [h.path for h in retrieved]
    chunks = [(h.path, h.start_char, h.end_char) for h in retrieved]
    quotes = [(q.file, q.start, q.end) for q in turn.gold_quotes]
    return RetrievalScores(
        file_recall=metrics.recall_at_k(files, turn.gold_files),
        file_mrr=metrics.mrr(files, turn.gold_files),
        quote_recall=metrics.quote_recall(chunks, quotes),
        quote_mrr=metrics.quote_mrr(chunks, quotes),
    )


def score_seed_turn(turn: dataset.Turn, answer: Answer, embedder: Embedder, min_support: float) -> SeedMetrics:
    said = "" if answer.abstained else answer.answer  # an abstention states no facts
    found = metrics.facts_present(said, turn.facts)
    all_facts = all(found) if turn.facts else None
    correct = (bool(all_facts) and not answer.abstained) if turn.answerable else answer.abstained
    return SeedMetrics(
        answerable=turn.answerable,
        abstained=answer.abstained,
        retrieval=retrieval_scores(turn, answer.retrieved) if turn.answerable else None,
        facts_found=dict(zip(turn.facts, found, strict=True)),
        fact_recall=metrics.fact_recall(said, turn.facts),
        all_facts=all_facts,
        correct=correct,
        citations=None if answer.abstained else citation_scores(answer, turn, embedder, min_support),
    )


def error_metrics(turn: dataset.Turn) -> SeedMetrics:
    return SeedMetrics(
        answerable=turn.answerable,
        abstained=False,
        retrieval=None,
        facts_found=dict.fromkeys(turn.facts, False),
        fact_recall=metrics.fact_recall("", turn.facts),
        all_facts=False if turn.facts else None,
        correct=False,
    )


def seed_failures(turn: dataset.Turn, m: SeedMetrics) -> list[str]:
    reasons = []
    if turn.answerable and m.abstained:
        reasons.append("abstained on an answerable question")
    elif turn.answerable and not m.all_facts:
        missing = [f for f, ok in m.facts_found.items() if not ok]
        reasons.append("missing facts: " + ", ".join(missing))
    if not turn.answerable and not m.abstained:
        reasons.append("answered an unanswerable question")
    if m.citations and turn.answerable:
        gold, checker = m.citations.gold, m.citations.checker
        if gold.precision is not None and gold.precision < 1:
            reasons.append(f"citations off the gold evidence (gold precision {gold.precision:.2f})")
        if checker.recall is not None and checker.recall < 1:
            reasons.append(f"sentence not supported by its citations (checker recall {checker.recall:.2f})")
    return reasons


# -- aggregation -------------------------------------------------------------------------------------


def _flat(rows: Sequence[SeedRow]) -> dict[str, Figure]:
    ms = [r.metrics for r in rows if r.metrics]
    ret = [m.retrieval for m in ms if m.retrieval]
    cit = [m.citations for m in ms if m.citations]
    answerable = [m for m in ms if m.answerable]
    out: dict[str, Figure] = {
        "retrieval.file_recall@k": metrics.mean(r.file_recall for r in ret),
        "retrieval.file_mrr": metrics.mean(r.file_mrr for r in ret),
        "retrieval.quote_recall@k": metrics.mean(r.quote_recall for r in ret),
        "retrieval.quote_mrr": metrics.mean(r.quote_mrr for r in ret),
    }
    for judge in ("checker", "gold"):
        scores = [getattr(c, judge) for c in cit]
        out[f"citations.{judge}.precision"] = metrics.mean(s.precision for s in scores)
        out[f"citations.{judge}.recall"] = metrics.mean(s.recall for s in scores)
    out["answer.fact_recall"] = metrics.mean(m.fact_recall for m in answerable)
    out["answer.all_facts"] = metrics.mean(float(bool(m.all_facts)) for m in answerable) if answerable else None
    out["answer.accuracy"] = metrics.mean(float(m.correct) for m in ms)
    abst = metrics.abstention_scores([m.abstained for m in ms], [m.answerable for m in ms])
    out["abstention.precision"] = abst["precision"]
    out["abstention.recall"] = abst["recall"]
    out["abstention.false_abstention_rate"] = abst["false_abstention_rate"]
    out["errors"] = harness.errors(rows)
    return out


def summarise_seed(rows: Sequence[SeedRow]) -> Figures:
    counts = {
        "turns": len(rows),
        "answerable": sum(1 for r in rows if r.answerable),
        "unanswerable": sum(1 for r in rows if not r.answerable),
        "abstained": sum(1 for r in rows if r.abstained),
        "failures": sum(1 for r in rows if r.failure_reasons),
    }
    return harness.figures(rows, _flat, dataset.TYPES, counts)
