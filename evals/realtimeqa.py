"""The external benchmark: RealTime QA news questions over 1,709 articles (../shared/benchmarks/realtimeqa-news),
or any folder with corpus.jsonl + queries.jsonl in the same format.

The articles are written as ``<doc_id>.md`` (front matter with the date and outlet, title line, blank line,
body) into a cache folder outside
the repository (default ~/.cache/rag-evals/realtimeqa/corpus), indexed with the normal pipeline into a
store beside them (incremental: a rerun only checks hashes), and every question goes through the normal
``Assistant.ask`` path. Retrieval metrics use ``Assistant.search(query, k=10)``; a document counts at its
best-ranked chunk, so Hits@4 means "a gold article among the top 4 chunks".

The texts belong to their publishers and have no licence: they are read from the benchmark folder at
run time and never copied into the repository.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evals import dataset, harness, metrics
from evals.results import BaselineRow, Baselines, BenchMetrics, BenchRow, BenchSummary, Figure, Figures, SearchHit
from rag.settings import PROJECT_ROOT
from rag.text import STOPWORDS

if TYPE_CHECKING:
    from rag.embeddings import Embedder
    from rag.models import Answer, RetrievedChunk

SEARCH_K = 10
SAMPLE_SEED = 0

# From ../shared/benchmarks/realtimeqa-news/README.md (dev split, 136 questions): the authors' baselines
# (computed there from their released predictions) and the README's naive retrieval floor.
BASELINES = Baselines(
    authors=[
        BaselineRow(system="closed-book GPT-3", mc_accuracy=0.456, gen_em=0.176, gen_f1=0.261),
        BaselineRow(system="closed-book T5", mc_accuracy=0.463, gen_em=0.132, gen_f1=0.183),
        BaselineRow(system="GPT-3 + DPR (Wikipedia)", mc_accuracy=0.478, gen_em=0.162, gen_f1=0.226),
        BaselineRow(system="GPT-3 + GCS news", mc_accuracy=0.824, gen_em=0.463, gen_f1=0.576),
        BaselineRow(system="RAG + DPR", mc_accuracy=0.294, gen_em=0.037, gen_f1=0.063),
        BaselineRow(system="RAG + GCS", mc_accuracy=0.662, gen_em=0.353, gen_f1=0.433),
    ],
    naive_retrieval=[
        BaselineRow(system="BM25 (English stopwords)", hits_at_4=0.706, hits_at_10=0.853, mrr_at_10=0.560),
        BaselineRow(system="MiniLM dense (cosine)", hits_at_4=0.691, hits_at_10=0.882, mrr_at_10=0.577),
        BaselineRow(system="RRF of both (k = 60)", hits_at_4=0.750, hits_at_10=0.890, mrr_at_10=0.616),
    ],
    naive_other={
        "mc_accuracy (best cosine question+option vs top-10 RRF chunks + word share)": 0.816,
        "top-3 question-similar sentences of top-10 chunks contain the answer": 0.522,
        "top-1 sentence contains the answer": 0.338,
    },
)

DEFINITIONS = {
    "retrieval.hits@4 / hits@10": "a gold article among the top 4 / 10 chunks of Assistant.search(query, k=10)",
    "retrieval.mrr@10": "1 / rank of the first chunk of a gold article within the top 10",
    "retrieval.lenient@10": "the reference answer string (normalised) occurs in one of the top-10 chunks",
    "retrieval.answer_in_context": "the reference answer occurs in one of the k chunks the answerer read",
    "answer.contains_reference": "the reference answer string (normalised) occurs in the answer text",
    "answer.mc_accuracy": (
        "multiple choice from the answer: the choice its short answer names (the nearest when all are figures), "
        "else for each choice the best cosine between 'question + choice' and the answer's sentences and cited "
        "quotes, plus the share of the choice's words (those the question holds aside) in them, plus 1 when the "
        "whole choice occurs there; argmax vs answer_index. Abstentions count as wrong"
    ),
    "answer.mc_accuracy_answered": "the same over the questions that were not abstained on",
    "answer.mc_accuracy_top10": (
        "the same evidence score over the top-10 retrieved chunks instead of the answer (no answerer, no short answer)"
    ),
    "citations.gold_doc": "share of citations that point into a gold article",
    "citations.gold_or_answer": "share of citations into a gold article or into a passage holding the reference answer",
    "abstention.rate": "share of questions the assistant declined to answer",
}


def cache_root(name: str, folder: Path, explicit: Path | None, root: Path) -> Path:
    """--cache, else a folder under ``root`` (``eval.cache``) named for the suite."""
    if explicit:
        return Path(explicit)
    if name == "realtimeqa" and folder.resolve() == dataset.REALTIMEQA_DIR.resolve():
        return root / "realtimeqa"
    tag = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:8]
    return root / f"{name}-{tag}"


IGNORED_IN_REPO = (".rag", "eval-results")


def check_cache_location(root: Path) -> None:
    """The benchmark's texts must not land where they could be committed: outside the repository, or under
    one of its git-ignored folders (.rag/, eval-results/)."""
    resolved = root.expanduser().resolve()
    repo = PROJECT_ROOT.resolve()
    if resolved.is_relative_to(repo) and not any(resolved.is_relative_to(repo / d) for d in IGNORED_IN_REPO):
        raise dataset.DatasetError(
            f"Refusing to write the benchmark's article texts into the repository ({root}); use a --cache folder "
            f"outside it (or set RAG_EVAL_CACHE) or under {' or '.join(d + '/' for d in IGNORED_IN_REPO)}"
        )


def sample_queries(queries: list[dataset.BenchQuery], limit: int | None, how: str) -> list[dataset.BenchQuery]:
    """First N by qid ("first"), or N drawn with a fixed seed ("random", seed 0) and put back in qid order."""
    if not limit or limit >= len(queries):
        return queries
    if how == "random":
        picked = set(random.Random(SAMPLE_SEED).sample(range(len(queries)), limit))
        return [q for i, q in enumerate(queries) if i in picked]
    return queries[:limit]


def doc_id_of(path: str) -> str:
    return Path(path).stem


def run_bench(folder: Path, name: str, ctx: harness.RunContext) -> tuple[BenchSummary, list[BenchRow]]:
    options = ctx.options
    suite = dataset.load_bench(folder, name)
    queries = sample_queries(suite.queries, options.limit, options.sample)
    root = cache_root(name, folder, options.cache, ctx.cache_root)
    check_cache_location(root)
    corpus_dir = root / "corpus"
    watch = harness.Stopwatch()
    written = dataset.materialise_corpus(suite.corpus_path, corpus_dir)
    ready = harness.prepare(ctx, corpus_dir, root / "store", watch)
    assistant, generator, k = ready.assistant, ready.generator, ready.k
    watch.asking()
    with harness.recording(ctx, generator, len(queries)) as rec:
        for q in queries:
            row = query_row(q)
            start = time.perf_counter()
            # As a reader of that week's quiz would ask: nothing published after the question's date.
            window = assistant.user_window(q.question_date) if options.as_of and q.question_date else None
            try:
                answer = assistant.ask(q.query, k=k, generator=generator, window=window)
                hits = assistant.search(q.query, k=SEARCH_K, window=window)
            except Exception as exc:  # noqa: BLE001 - one failing question is a result, not the end of the run
                harness.failed(row, exc)
            else:
                row.response = answer
                row.search_top10 = [
                    SearchHit(rank=i + 1, doc_id=doc_id_of(h.path), start_char=h.start_char, end_char=h.end_char)
                    for i, h in enumerate(hits)
                ]
                row.metrics = score_query(q, answer, hits, assistant.embedder)
                row.failure_reasons = bench_failures(row.metrics)
            rec.add(row, start)
    rows: list[BenchRow] = rec.rows
    summary = BenchSummary(
        **dict(summarise_bench(rows)),
        **dict(ready.run_fields()),
        suite=name,
        suite_path=str(folder),
        search_k=SEARCH_K,
        as_of="question_date" if options.as_of else "today",
        limit=options.limit,
        sample=sample_note(len(queries), len(suite.queries), options),
        questions=len(rows),
        questions_in_suite=len(suite.queries),
        cache=str(root),
        corpus_files=written,
        definitions=DEFINITIONS,
        baselines=BASELINES,
    )
    return summary, rows


def sample_note(picked: int, in_suite: int, options: harness.EvalOptions) -> str:
    if not options.limit or options.limit >= in_suite:
        return "all questions"
    if options.sample == "random":
        return f"{picked} questions drawn with random.Random({SAMPLE_SEED}), in qid order"
    return f"first {picked} questions by qid"


def query_row(q: dataset.BenchQuery) -> BenchRow:
    return BenchRow(
        id=q.qid,
        qid=q.qid,
        type=q.question_type or "all",
        question=q.query,
        reference_answer=q.answer,
        choices=q.choices,
        answer_index=q.answer_index,
        gold_files=[dataset.doc_file(d) for d in q.evidence_doc_ids],
        evidence_facts=q.evidence_facts,
        question_date=q.question_date,
    )


def evidence_sentences(answer: Answer) -> list[str]:
    if answer.abstained:
        return []
    sents = [s for s, _ in harness.answer_sentences(answer)]
    return list(dict.fromkeys(sents + [c.quote for c in answer.citations]))


def chunk_sentences(chunks: Sequence[RetrievedChunk]) -> list[str]:
    from rag.text import split_sentences

    return list(dict.fromkeys(s.text for c in chunks for s in split_sentences(c.text) if len(s.text) > 20))


def choose(
    query: str,
    choices: Sequence[str],
    evidence: Sequence[str],
    embedder: Embedder,
    short: str | None = None,
    answer: bool = True,
) -> int | None:
    """The choice the answer gives: the one its short answer names (``metrics.short_answer_choice``), else the
    one its lead sentence names (``metrics.lead_choice``: a reader takes the first quote as the answer and the
    rest as support; not with ``answer=False``, for passages in retrieval order), else the one best supported
    by the evidence sentences: cosine to the question with the choice, share of the choice's words found
    (words the question holds aside: any evidence repeats them), and the whole choice found. None without
    evidence or choices."""
    if not choices or not evidence:
        return None
    if short:
        named = metrics.short_answer_choice(short, choices)
        if named is not None:
            return named
    lead = evidence[1] if short and len(evidence) > 1 else evidence[0]
    named = metrics.lead_choice(lead, choices, query) if answer else None
    if named is not None:
        return named
    ev_vecs = embedder.embed_cached(list(evidence))
    ch_vecs = embedder.embed_cached([f"{query} {c}" for c in choices])
    cosines = [float((ev_vecs @ v).max()) for v in ch_vecs]
    text = " ".join(evidence)
    asked = STOPWORDS | set(metrics.tokens(query))
    shares = [metrics.word_share(c, text, asked) for c in choices]
    phrases = [metrics.phrase_in(c, text, query) for c in choices]
    return metrics.pick_choice(cosines, shares, phrases)


def score_query(
    q: dataset.BenchQuery, answer: Answer, hits: Sequence[RetrievedChunk], embedder: Embedder
) -> BenchMetrics:
    gold = set(q.evidence_doc_ids)
    flags = [doc_id_of(h.path) in gold for h in hits]
    ref = q.answer
    lenient = any(metrics.contains(h.text, ref, loose=True) for h in hits[:SEARCH_K])
    in_context = any(metrics.contains(h.text, ref, loose=True) for h in answer.retrieved)
    contains_ref = (not answer.abstained) and metrics.contains(answer.answer, ref, loose=True)
    short = answer.short_answer.text if answer.short_answer and not answer.abstained else None
    pick = choose(q.query, q.choices, evidence_sentences(answer), embedder, short)
    pick_top10 = choose(q.query, q.choices, chunk_sentences(hits[:SEARCH_K]), embedder, answer=False)
    gold_doc = gold_or_answer = 0
    for c in answer.citations:
        chunk = harness.cited_chunk(c, answer.retrieved)
        passage = chunk.text if chunk else c.quote
        in_gold = doc_id_of(c.path) in gold
        gold_doc += in_gold
        gold_or_answer += in_gold or metrics.contains(passage, ref, loose=True)
    n_cit = len(answer.citations)
    return BenchMetrics(
        gold_rank=metrics.first_rank(flags, SEARCH_K),
        hits_at_4=metrics.hits_at_k(flags, 4),
        hits_at_10=metrics.hits_at_k(flags, SEARCH_K),
        mrr_at_10=metrics.reciprocal_rank(flags, SEARCH_K),
        lenient_at_10=float(lenient),
        answer_in_context=float(in_context),
        abstained=answer.abstained,
        contains_reference=float(contains_ref),
        mc_pick=pick,
        mc_correct=None if not q.answer_index else float(pick is not None and pick in q.answer_index),
        mc_pick_top10=pick_top10,
        mc_correct_top10=None if not q.answer_index else float(pick_top10 in q.answer_index),
        citations=n_cit,
        citations_gold_doc=gold_doc / n_cit if n_cit else None,
        citations_gold_or_answer=gold_or_answer / n_cit if n_cit else None,
    )


def bench_failures(m: BenchMetrics) -> list[str]:
    reasons = []
    if m.abstained:
        reasons.append("abstained")
    elif not m.contains_reference:
        reasons.append("reference answer not in the answer")
    if m.mc_correct == 0.0:
        reasons.append("multiple choice wrong")
    if not m.hits_at_10:
        reasons.append("no gold article in the top 10")
    return reasons


def _flat(rows: Sequence[BenchRow]) -> dict[str, Figure]:
    ms = [r.metrics for r in rows if r.metrics]
    answered = [m for m in ms if not m.abstained]
    n_cit = sum(m.citations for m in ms)

    def cited(share: Callable[[BenchMetrics], Figure]) -> Figure:
        # micro-average over all citations of the run
        return sum((share(m) or 0) * m.citations for m in ms) / n_cit if n_cit else None

    n = len(rows)
    return {
        "retrieval.hits@4": metrics.mean(m.hits_at_4 for m in ms),
        "retrieval.hits@10": metrics.mean(m.hits_at_10 for m in ms),
        "retrieval.mrr@10": metrics.mean(m.mrr_at_10 for m in ms),
        "retrieval.lenient@10": metrics.mean(m.lenient_at_10 for m in ms),
        "retrieval.answer_in_context": metrics.mean(m.answer_in_context for m in ms),
        "answer.contains_reference": metrics.mean(m.contains_reference for m in ms),
        "answer.mc_accuracy": metrics.mean(m.mc_correct for m in ms),
        "answer.mc_accuracy_answered": metrics.mean(m.mc_correct for m in answered),
        "answer.mc_accuracy_top10": metrics.mean(m.mc_correct_top10 for m in ms),
        "citations.gold_doc": cited(lambda m: m.citations_gold_doc),
        "citations.gold_or_answer": cited(lambda m: m.citations_gold_or_answer),
        "citations.per_answer": metrics.mean(m.citations for m in answered),
        "abstention.rate": sum(1 for m in ms if m.abstained) / n if n else None,
        "errors": harness.errors(rows),
    }


def summarise_bench(rows: Sequence[BenchRow]) -> Figures:
    counts = {
        "questions": len(rows),
        "abstained": sum(1 for r in rows if r.abstained),
        "failures": sum(1 for r in rows if r.failure_reasons),
    }
    return harness.figures(rows, _flat, sorted({r.type for r in rows}), counts)
