"""Fit the weights of the time features (rag/time_ranking.py) on RealTime QA dev, with grouped cross-validation.

For every question the retriever's rerank pool is collected once, within the question's hard as-of
filter (its ``question_date``), with each candidate's relevance and time features. A logistic regression
on [relevance, window, recency, as_of] -> "chunk of a gold article" gives weights in units of relevance
(coefficient / relevance coefficient). The decay of the as-of feature is chosen from ``DECAYS`` by the
ranking it gives on the training questions (weights fitted on them, mean of hits@4, hits@10 and MRR@10).
Cross-validation is grouped by question: each fold's decay and weights are chosen and fitted on the other
folds' questions and the fold is ranked with them (same-story grouping and MMR included), so the figures
printed are held-out ones. ``--save`` then chooses and fits on all questions and writes
``rag/data/time_weights.json``.

It also prints the same metrics with no as-of date (the default "today", which filters nothing in this
corpus), and why gold articles are missed: gold articles outside the question's phrase window, gold
articles not in the candidate pool.

Usage::

    .venv/bin/python bench/fit_time_weights.py --cache /tmp/rtqa [--bench ../shared/benchmarks/realtimeqa-news]
                                               [--folds 5] [--save]

The cache folder is the one ``rag eval --suite realtimeqa --cache DIR`` uses (corpus/ and store/).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import subprocess
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from evals import dataset, metrics
from evals.harness import eval_settings
from rag.assistant import Assistant
from rag.models import DateWindow, RetrievedChunk
from rag.settings import Settings
from rag.time_ranking import TimeWeights, feature_matrix, load_weights, save_weights

SEARCH_K = 10
DECAYS = (7.0, 14.0, 30.0, 60.0, 120.0, 240.0)  # candidate decays (days) of the as-of feature


@dataclass
class Pool:
    qid: str
    gold: set[str]
    window: DateWindow
    hits: list[RetrievedChunk]
    relevance: np.ndarray
    vecs: np.ndarray


def doc_id(path: str) -> str:
    return Path(path).stem


def cached_pools(assistant, queries, path: Path | None) -> tuple[list[Pool], list[Pool]]:
    """The pools with and without as-of: read from ``path`` when it exists, else collected (and written there)."""
    if path and path.exists():
        return pickle.loads(path.read_bytes())
    pools = (collect(assistant, queries, with_as_of=True), collect(assistant, queries, with_as_of=False))
    if path:
        path.write_bytes(pickle.dumps(pools))
    return pools


def collect(assistant, queries, with_as_of: bool) -> list[Pool]:
    pools = []
    for q in queries:
        given = (
            DateWindow(as_of=date.fromisoformat(q.question_date), as_of_given=True)
            if with_as_of and q.question_date
            else None
        )
        window = assistant.window_for(q.query, given)
        hits, rel, vecs = assistant.retriever.candidates(q.query, SEARCH_K, window=window)
        pools.append(Pool(q.qid, set(q.evidence_doc_ids), window, hits, rel, vecs))
    return pools


def ranked(assistant, pool: Pool, weights: TimeWeights) -> list[RetrievedChunk]:
    hits = [h.model_copy(deep=True) for h in pool.hits]
    return assistant.retriever.rank(hits, pool.relevance, pool.vecs, pool.window, SEARCH_K, weights)


def per_question(assistant, pool: Pool, weights: TimeWeights) -> tuple[float, float, float]:
    """hits@4, hits@10 and reciprocal rank of one question ranked with ``weights``."""
    flags = [doc_id(h.path) in pool.gold for h in ranked(assistant, pool, weights)]
    return (
        metrics.hits_at_k(flags, 4),
        metrics.hits_at_k(flags, SEARCH_K),
        metrics.reciprocal_rank(flags, SEARCH_K),
    )


def scores(assistant, pools: list[Pool], weights_for) -> dict[str, float]:
    rows = np.array([per_question(assistant, pool, weights_for(i)) for i, pool in enumerate(pools)]).reshape(-1, 3)
    h4, h10, rr = rows.mean(axis=0) if len(rows) else (0.0, 0.0, 0.0)
    return {"hits@4": float(h4), "hits@10": float(h10), "mrr@10": float(rr)}


def design(pools: list[Pool], decay: float = 30.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs, ys, groups = [], [], []
    for g, pool in enumerate(pools):
        if not pool.hits:
            continue
        feats = feature_matrix(pool.hits, pool.window, decay)
        xs.append(np.column_stack([pool.relevance, feats]))
        ys.append(np.array([doc_id(h.path) in pool.gold for h in pool.hits], dtype=int))
        groups.append(np.full(len(pool.hits), g))
    return np.vstack(xs), np.concatenate(ys), np.concatenate(groups)


def fit(x: np.ndarray, y: np.ndarray, note: str, decay: float = 30.0) -> TimeWeights:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    coef = model.coef_[0]
    scale = coef[0] if coef[0] > 1e-6 else 1.0
    window, recency, as_of = (max(0.0, float(c / scale)) for c in coef[1:])
    return TimeWeights(
        window=round(window, 4),
        recency=round(recency, 4),
        as_of=round(as_of, 4),
        as_of_decay_days=decay,
        fitted_on=note,
    )


def choose(assistant, pools: list[Pool], train: list[int], note: str) -> TimeWeights:
    """The decay (from ``DECAYS``) and weights that rank the ``train`` questions best, fitted on them only."""
    best, best_score = None, -1.0
    for decay in DECAYS:
        x, y, _ = design([pools[i] for i in train], decay)
        weights = fit(x, y, note, decay)
        score = float(np.mean([per_question(assistant, pools[i], weights) for i in train]))
        if score > best_score:
            best, best_score = weights, score
    return best


def _folds(pools: list[Pool], folds: int) -> list[list[int]]:
    """The questions of each CV fold (GroupKFold over questions)."""
    from sklearn.model_selection import GroupKFold

    idx = np.arange(len(pools))
    return [test.tolist() for _, test in GroupKFold(n_splits=folds).split(idx, groups=idx)]


def cross_validate(assistant, pools: list[Pool], folds: int) -> tuple[dict[str, float], list[TimeWeights]]:
    fold_of = np.zeros(len(pools), dtype=int)
    fitted = []
    for f, test in enumerate(_folds(pools, folds)):
        held = set(test)
        fitted.append(choose(assistant, pools, [i for i in range(len(pools)) if i not in held], f"fold {f}"))
        fold_of[test] = f
    return scores(assistant, pools, lambda i: fitted[fold_of[i]]), fitted


def _fold_index(pools: list[Pool], folds: int) -> list[int]:
    """The CV fold of each question, as ``cross_validate`` assigns them."""
    fold_of = [0] * len(pools)
    for f, test in enumerate(_folds(pools, folds)):
        for i in test:
            fold_of[i] = f
    return fold_of


def gold_diagnostics(pools: list[Pool], docs_date: dict[str, str]) -> dict[str, float]:
    n = len(pools)
    in_pool = sum(any(doc_id(h.path) in p.gold for h in p.hits) for p in pools)
    with_phrase = [p for p in pools if p.window.phrase_since or p.window.phrase_until]
    outside = 0
    for p in with_phrase:
        for g in p.gold:
            d = date.fromisoformat(docs_date[g]) if docs_date.get(g) else None
            if d and (
                (p.window.phrase_since and d < p.window.phrase_since)
                or (p.window.phrase_until and d > p.window.phrase_until)
            ):
                outside += 1
                break
    after = sum(
        all(docs_date.get(g) and date.fromisoformat(docs_date[g]) > p.window.as_of for g in p.gold) for p in pools
    )
    return {
        "questions": n,
        "gold_in_candidate_pool": in_pool / n,
        "questions_with_date_phrase": len(with_phrase),
        "of_those_gold_outside_phrase_window": outside,
        "questions_whose_gold_is_dated_after_as_of": after,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--bench", type=Path, default=dataset.REALTIMEQA_DIR)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--save", action="store_true")
    ap.add_argument("--pools", type=Path, help="cache the collected pools in this pickle file (re-used when present)")
    args = ap.parse_args()

    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next((ln.split(":", 1)[1].strip() for ln in cpu.splitlines() if ln.startswith("Model name")), "?")
    print(f"cpu: {model}; python {platform.python_version()}; load average (1 min) {os.getloadavg()[0]:.1f}")
    suite = dataset.load_bench(args.bench, "realtimeqa")
    docs_date = {}
    with open(suite.corpus_path, encoding="utf-8") as fh:
        for line in fh:
            raw = json.loads(line)
            docs_date[raw["doc_id"]] = raw.get("published_at")
    assistant = Assistant(eval_settings(Settings(), args.cache / "corpus", args.cache / "store"))
    assistant.search("warm up", k=1)
    t = time.perf_counter()
    pools, plain = cached_pools(assistant, suite.queries, args.pools)
    print(f"pools collected in {time.perf_counter() - t:.0f} s for {len(pools)} questions")
    zero = TimeWeights()
    current = load_weights()
    print("no as-of (today), current weights:", json.dumps(scores(assistant, plain, lambda i: current)))
    print("as-of, filter only (zero weights):", json.dumps(scores(assistant, pools, lambda i: zero)))
    print("as-of, current weights in rag/data:", json.dumps(scores(assistant, pools, lambda i: current)))
    cv, fitted = cross_validate(assistant, pools, args.folds)
    print(f"as-of, {args.folds}-fold CV grouped by question (held-out):", json.dumps(cv))
    fold_of = _fold_index(pools, args.folds)
    for label, keep in (
        ("with a date phrase", lambda p: bool(p.window.phrase)),
        ("without a date phrase", lambda p: not p.window.phrase),
    ):
        part = [p for p in pools if keep(p)]
        idx = [i for i, p in enumerate(pools) if keep(p)]
        print(
            f"  CV, questions {label} ({len(part)}):",
            json.dumps(scores(assistant, part, lambda j, idx=idx: fitted[fold_of[idx[j]]])),
        )
    print(
        "fold weights (window, recency, as_of, decay):",
        [(w.window, w.recency, w.as_of, w.as_of_decay_days) for w in fitted],
    )
    print("diagnostics:", json.dumps(gold_diagnostics(pools, docs_date)))
    print(f"load average (1 min) at the end {os.getloadavg()[0]:.1f}")
    if args.save:
        note = (
            f"RealTime QA dev ({len(pools)} questions, as-of = question_date); "
            f"{args.folds}-fold CV grouped by question (decay and weights chosen without the held-out fold): "
            f"hits@4 {cv['hits@4']:.3f}, hits@10 {cv['hits@10']:.3f}, mrr@10 {cv['mrr@10']:.3f}"
        )
        weights = choose(assistant, pools, list(range(len(pools))), note)
        save_weights(weights)
        print("saved:", weights.model_dump_json())


if __name__ == "__main__":
    main()
