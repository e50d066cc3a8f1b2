"""Why a gold article is missed: a per-question failure analysis of retrieval on RealTime QA dev.

For every question whose gold article is not in the top 4 (or top 10) of the ranking ``Assistant.search``
would return (as of the question's date, or with ``--no-as-of`` as of today), the first reason that applies:

1. ``after as-of``: every gold article is dated after the question's date (it cannot be retrieved);
2. ``not in pool``: no chunk of a gold article reaches the rerank pool (a recall miss);
3. ``hidden as a copy``: a gold chunk was in the pool but same-story grouping listed it as "also reported by"
   under another article's chunk;
4. ``behind another week``: the gold article is ranked (or falls off the top k) behind an article on the same
   story from another week (cosine of the best chunks >= ``--story-cosine``, dated more than 7 days from the
   gold article);
5. ``behind others``: behind other articles only (of the same week, or on another story).

Independently it counts the questions whose gold article lies outside the question's date-phrase window and
whose gold text lacks the reference answer (normalised, loose). The ceiling is the share of questions whose gold
article is in the pool and not after as-of: no reordering of the pool can do better.

Usage::

    .venv/bin/python bench/retrieval_misses.py --cache /tmp/rtqa [--no-as-of] [--pools /tmp/pools.pkl] [--list]

``--pools`` reuses (or writes) the candidate pools ``bench/fit_retrieval_weights.py --pools`` caches.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fit_retrieval_weights import SEARCH_K, Pool, cached_pools, doc_id, ranked, run_header

from evals import dataset, metrics
from evals.harness import eval_settings
from rag import relevance_ranking, time_ranking
from rag.assistant import Assistant
from rag.settings import Settings

REASONS = ("after as-of", "not in pool", "hidden as a copy", "behind another week", "behind others")
SAME_WEEK_DAYS = 7


def _date(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def classify(assistant, pool: Pool, k: int, docs_date: dict[str, str | None], story_cosine: float) -> str | None:
    """The reason the gold article is not in the top ``k`` (None when it is)."""
    top = ranked(assistant, pool)
    if any(doc_id(h.path) in pool.gold for h in top[:k]):
        return None
    if all(_date(docs_date.get(g)) and _date(docs_date.get(g)) > pool.window.as_of for g in pool.gold):
        return "after as-of"
    gold_idx = [i for i, h in enumerate(pool.hits) if doc_id(h.path) in pool.gold]
    if not gold_idx:
        return "not in pool"
    if any(doc_id(c.path) in pool.gold for h in top for c in h.also_reported_by):
        return "hidden as a copy"
    relevance = pool.relevance()
    best = max(gold_idx, key=lambda i: relevance[i])
    gold_day = pool.hits[best].published_date
    above = top[:k]
    vec_of = {h.id: pool.vecs[i] for i, h in enumerate(pool.hits)}
    for h in above:
        other_day = h.published_date
        far = gold_day and other_day and abs((other_day - gold_day).days) > SAME_WEEK_DAYS
        if far and float(vec_of[h.id] @ pool.vecs[best]) >= story_cosine:
            return "behind another week"
    return "behind others"


def outside_phrase(pool: Pool, docs_date: dict[str, str | None]) -> bool:
    w = pool.window
    if not (w.phrase_since or w.phrase_until):
        return False
    days = [_date(docs_date.get(g)) for g in pool.gold]
    return all(
        d is not None and ((w.phrase_since and d < w.phrase_since) or (w.phrase_until and d > w.phrase_until))
        for d in days
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--bench", type=Path, default=dataset.REALTIMEQA_DIR)
    ap.add_argument("--pools", type=Path, help="pickle of (as-of pools, no-as-of pools), re-used when present")
    ap.add_argument("--no-as-of", action="store_true", help="analyse the questions asked as of today")
    ap.add_argument("--story-cosine", type=float, default=0.8)
    ap.add_argument("--list", action="store_true", help="one line per missed question (qid, reason, ranks)")
    args = ap.parse_args()

    print(run_header())
    suite = dataset.load_bench(args.bench, "realtimeqa")
    docs_date: dict[str, str | None] = {}
    docs_text: dict[str, str] = {}
    for doc_id_, _, body, meta in dataset.iter_bench_docs(suite.corpus_path):
        docs_date[doc_id_] = meta.get("published_at")
        docs_text[doc_id_] = body
    assistant = Assistant(eval_settings(Settings(), args.cache / "corpus", args.cache / "store"))
    collected = cached_pools(assistant, suite.queries, args.pools)
    pools = collected.plain if args.no_as_of else collected.dated
    answers = {q.qid: q.answer for q in suite.queries}
    n = len(pools)
    print(f"{n} questions, as of {'today' if args.no_as_of else 'question_date'}")
    print(
        f"weights: relevance {relevance_ranking.load_weights().fitted_on!r};",
        f"time {time_ranking.load_weights().fitted_on!r}",
    )

    lacking = sum(not any(metrics.contains(docs_text[g], answers[p.qid], loose=True) for g in p.gold) for p in pools)
    in_pool = sum(any(doc_id(h.path) in p.gold for h in p.hits) for p in pools)
    outside = [p for p in pools if outside_phrase(p, docs_date)]
    rows = {}
    for k in (4, SEARCH_K):
        reasons = Counter(classify(assistant, p, k, docs_date, args.story_cosine) for p in pools)
        rows[k] = reasons
        print(f"\nmissed at top {k}: {n - reasons[None]} of {n} (hits@{k} {reasons[None] / n:.3f})")
        for r in REASONS:
            print(f"  {r:22s} {reasons[r]:3d}  ({reasons[r] / n:.3f} of all questions)")
    print(f"\nceiling (gold in the rerank pool, not after as-of): {in_pool / n:.3f}")
    print(f"gold outside the question's date-phrase window: {len(outside)} questions")
    print(f"gold text lacks the reference answer (loose match): {lacking} questions ({lacking / n:.3f})")
    if args.list:
        print("\nqid  reason@4  gold rank in pool by relevance  gold date  as-of  lacks-answer")
        for p in pools:
            r4 = classify(assistant, p, 4, docs_date, args.story_cosine)
            if r4 is None:
                continue
            order = np.argsort(-p.relevance())
            rank = next((int(j) + 1 for j, i in enumerate(order) if doc_id(p.hits[i].path) in p.gold), None)
            lacks = not any(metrics.contains(docs_text[g], answers[p.qid], loose=True) for g in p.gold)
            gdates = ",".join(str(docs_date.get(g)) for g in p.gold)
            print(f"{p.qid}  {r4:20s}  {rank}  {gdates}  {p.window.as_of}  {'lacks' if lacks else ''}")
    print(f"load average (1 min) at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
