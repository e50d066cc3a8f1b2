"""Fit the retrieval rerank's weights on RealTime QA dev, with grouped cross-validation: the relevance
weights (rag/relevance_ranking.py) and, on top of them, the time features' (rag/time_ranking.py).

For every question the retriever's rerank pool is collected once, as of its ``question_date`` and as of
today (no as-of), with each candidate's relevance features and stored vector. Label: "chunk of a gold
article". On the training questions:

1. **relevance**: a logistic regression of "gold chunk holding the reference answer" on the relevance
   features of both pool sets (centred per question); its coefficients, scaled to sum to one, are the
   weights (the regularisation ``C`` is chosen from ``CS`` by the ranking it gives on the training questions);
2. **time**: a logistic regression on [relevance, window, recency, as_of] gives weights in units of
   relevance (coefficient / relevance coefficient); the as-of feature's decay is chosen from ``DECAYS`` the
   same way.

Rankings are what ``Assistant.search`` returns (same-story grouping and MMR included), scored by the mean
of hits@4, hits@10 and MRR@10. Cross-validation is grouped by question: each fold's weights are chosen and
fitted on the other folds' questions and the fold is ranked with them, so the figures printed (with and
without as-of) are held-out ones. The rerank's earlier hand-set blend (``BASELINE``) goes through the same CV
with its time weights fitted per fold; ``--save`` keeps the fit only when it ranks the held-out pools better
by more than one standard error of the paired difference (mean of hits@4, hits@10 and MRR@10 per pool; the
one-standard-error rule: a tie keeps the simpler, established blend), fits it on all questions and writes
the search listing's ``rag/data/listing_relevance_weights.json`` and ``listing_time_weights.json``; after
them the listing's spread over files (per-file cap, MMR lambda) is chosen from ``DIVERSITIES`` (the
settings' defaults are what it chose).

The passages the answerer reads are ranked with ``rag/data/relevance_weights.json`` and
``time_weights.json``: the blend and the time weights this script saved on top of it (commit f0a9064).
Weights fitted here find gold articles better, but an answer model refitted on the passages they select
answered worse (README, "Dates"), so the reading weights are not rewritten here: a change to them is
judged by ``bench/fit_answer_ranker.py``'s cross-validated answers, not by hits.

It also prints why gold articles are missed: gold articles outside the question's phrase window, gold
articles not in the candidate pool.

Usage::

    .venv/bin/python bench/fit_retrieval_weights.py --cache /tmp/rtqa [--bench ../shared/benchmarks/realtimeqa-news]
                                                    [--folds 5] [--pools /tmp/pools.pkl] [--save]

The cache folder is the one ``rag eval --suite realtimeqa --cache DIR`` uses (corpus/ and store/).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from evals import dataset, metrics
from evals.harness import eval_settings
from rag import relevance_ranking, time_ranking
from rag.assistant import Assistant
from rag.conversation import strip_instructions
from rag.models import DateWindow, Diversity, RetrievedChunk
from rag.questions import condense
from rag.relevance_ranking import RelevanceWeights
from rag.settings import BUNDLED_CORPUS, Settings
from rag.time_ranking import TimeWeights

SEARCH_K = 10
DECAYS = (7.0, 14.0, 30.0, 60.0, 120.0, 240.0)  # candidate decays (days) of the as-of feature
CS = (0.01, 0.1, 1.0, 10.0)  # candidate inverse regularisation strengths of the relevance model
# Candidate spreads of a search listing over files (per-file cap, MMR lambda), chosen after the weights.
DIVERSITIES = tuple(Diversity(per_file_cap=c, mmr_lambda=m) for c in (1, 2, 3) for m in (0.5, 0.75, 1.0))
# What relevance and time weights are chosen under: the spread of the passages the answerer reads.
READING = Diversity(per_file_cap=2, mmr_lambda=0.75)
# The rerank's hand-set blend before the weights were fitted (0.7 x [0.45 best sentence, 0.25 chunk, 0.15 overlap,
# 0.15 names] + 0.3 fusion rank): printed beside the fit, cross-validated the same way (time weights per fold).
BASELINE = RelevanceWeights(weights=[0.315, 0.175, 0.105, 0.105, 0.3, 0.0, 0.0], fitted_on="baseline blend")


@dataclass
class Pool:
    qid: str
    group: str  # questions of one group stay in one CV fold (a seed item's follow-ups)
    gold: set[str]
    answers: list[str]  # what marks an evidence chunk: the reference answer (RealTime QA), gold quotes (seed)
    window: DateWindow
    hits: list[RetrievedChunk]
    features: np.ndarray  # relevance features (rag.relevance_ranking.FEATURES), one row per hit
    vecs: np.ndarray
    by_passage: bool = False  # scored by the chunks holding a gold quote (seed), not by gold articles

    def hit_flags(self, ranked: list[RetrievedChunk]) -> list[bool]:
        """Which ranked chunks count as found: a gold article's (RealTime QA) or an evidence chunk (seed)."""
        if not self.by_passage:
            return [doc_id(h.path) in self.gold for h in ranked]
        evidence = {h.id for h, e in zip(self.hits, self.evidence(), strict=True) if e}
        return [h.id in evidence for h in ranked]

    def relevance(self, weights: RelevanceWeights | None = None) -> np.ndarray:
        return relevance_ranking.relevance(self.features, weights)

    def labels(self) -> np.ndarray:
        """Chunks of a gold article (what hits@k and MRR count)."""
        return np.array([doc_id(h.path) in self.gold for h in self.hits], dtype=int)

    def evidence(self) -> np.ndarray:
        """The relevance model's labels: chunks of a gold article that hold the reference answer or a gold
        quote (the chunks the answerer needs), or every gold chunk when none holds one."""
        gold = self.labels()
        holds = [any(metrics.contains(h.text, a, loose=True) for a in self.answers) for h in self.hits]
        evidence = np.array(holds, dtype=int) * gold
        return evidence if evidence.any() else gold


@dataclass
class Pools:
    """The collected pools: RealTime QA as of each question's date and as of today (same order), the seed."""

    dated: list[Pool]
    plain: list[Pool]
    seed: list[Pool]

    def units(self) -> list[list[Pool]]:
        """What a CV fold holds or leaves out together: a RealTime QA question's two pools, a seed turn."""
        return [[d, p] for d, p in zip(self.dated, self.plain, strict=True)] + [[s] for s in self.seed]


@dataclass
class Fitted:
    """The weights one fit chose: relevance, then time on top of it, then the listing's spread over files."""

    relevance: RelevanceWeights
    time: TimeWeights
    diversity: Diversity = READING


def run_header() -> str:
    """The CPU, Python and load a run's figures come from (printed first by the retrieval scripts)."""
    from bench.machine import machine

    return machine().line()


def doc_id(path: str) -> str:
    return Path(path).stem


def cached_pools(assistant, queries, path: Path | None, seed_store: Path | None = None) -> Pools:
    """The pools: read from ``path`` when it exists, else collected (and written there). The seed suite is
    indexed in ``seed_store`` (a temporary folder by default)."""
    if path and path.exists():
        return pickle.loads(path.read_bytes())
    pools = Pools(
        collect(assistant, queries, with_as_of=True),
        collect(assistant, queries, with_as_of=False),
        collect_seed(seed_store or Path(tempfile.mkdtemp(prefix="fit-retrieval-seed-"))),
    )
    if path:
        path.write_bytes(pickle.dumps(pools))
    return pools


def _pool(assistant, qid: str, group: str, question: str, window: DateWindow, gold: set[str], answers: list[str]):
    hits, feats, vecs = assistant.retriever.candidate_features(question, SEARCH_K, window=window)
    return Pool(qid, group, gold, answers, window, hits, feats, vecs)


def collect(assistant, queries, with_as_of: bool) -> list[Pool]:
    pools = []
    for q in queries:
        given = (
            DateWindow(as_of=date.fromisoformat(q.question_date), as_of_given=True)
            if with_as_of and q.question_date
            else None
        )
        window = assistant.window_for(q.query, given)
        pools.append(_pool(assistant, q.qid, q.qid, q.query, window, set(q.evidence_doc_ids), [q.answer]))
    return pools


def collect_seed(store: Path) -> list[Pool]:
    """The seed suite's answerable turns over the bundled corpus (follow-ups rewritten as the assistant
    rewrites them); gold: the turn's gold files; evidence: chunks holding a gold quote."""
    assistant = Assistant(eval_settings(Settings(), BUNDLED_CORPUS, store))
    assistant.index(BUNDLED_CORPUS)
    pools = []
    for item in dataset.load_seed():
        history: list[tuple[str, str]] = []
        for i, turn in enumerate(item.turns):
            question = strip_instructions(condense(turn.question, history))
            history.append((turn.question, turn.reference_answer))
            if not turn.answerable or not turn.gold_files:
                continue
            gold = {doc_id(f) for f in turn.gold_files}
            quotes = [g.quote for g in turn.gold_quotes]
            pools.append(
                _pool(assistant, f"{item.id}#{i}", item.id, question, assistant.window_for(question), gold, quotes)
            )
    return pools


def ranked(assistant, pool: Pool, fitted: Fitted | None = None) -> list[RetrievedChunk]:
    """The top ``SEARCH_K`` as ``Assistant.search`` ranks them with ``fitted`` (default: the committed weights)."""
    fitted = fitted or committed(assistant)
    hits = [h.model_copy(deep=True) for h in pool.hits]
    relevance = pool.relevance(fitted.relevance)
    return assistant.retriever.rank(
        hits, relevance, pool.vecs, pool.window, SEARCH_K, fitted.time, diversity=fitted.diversity
    )


def committed(assistant) -> Fitted:
    """The committed listing weights and the settings' listing spread: what ``Assistant.search`` uses."""
    listing = assistant.retriever.listing_ranking()
    return Fitted(listing.relevance, listing.time, listing.diversity)


def per_question(assistant, pool: Pool, fitted: Fitted) -> tuple[float, float, float]:
    """hits@4, hits@10 and reciprocal rank of one question ranked with ``fitted``."""
    flags = pool.hit_flags(ranked(assistant, pool, fitted))
    return (
        metrics.hits_at_k(flags, 4),
        metrics.hits_at_k(flags, SEARCH_K),
        metrics.reciprocal_rank(flags, SEARCH_K),
    )


def scores(assistant, pools: list[Pool], fitted_for) -> dict[str, float]:
    """Mean hits@4, hits@10 and MRR@10 of ``pools``, each ranked with ``fitted_for(pool)``."""
    rows = np.array([per_question(assistant, pool, fitted_for(pool)) for pool in pools]).reshape(-1, 3)
    h4, h10, rr = rows.mean(axis=0) if len(rows) else (0.0, 0.0, 0.0)
    return {"hits@4": float(h4), "hits@10": float(h10), "mrr@10": float(rr)}


def quality(assistant, pools: list[Pool], fitted: Fitted) -> float:
    """The selection criterion: mean of hits@4, hits@10 and MRR@10 over ``pools``."""
    return float(np.mean([per_question(assistant, pool, fitted) for pool in pools]))


def fit_relevance(pools: list[Pool], c: float, note: str) -> RelevanceWeights:
    """Logistic "gold chunk holding the answer" (``Pool.evidence``) on the relevance features, each centred
    on its question's maximum (so the model learns contrasts within a question, which is all a ranking
    uses; a per-question shift changes no ranking) and standardised for the fit; the coefficients, mapped
    back to raw units, are scaled to sum to one."""
    from sklearn.linear_model import LogisticRegression

    kept = [p for p in pools if p.hits]
    x = np.vstack([p.features - p.features.max(axis=0) for p in kept])
    y = np.concatenate([p.evidence() for p in kept])
    std = x.std(axis=0)
    std[std == 0] = 1.0
    coef = LogisticRegression(C=c, max_iter=2000).fit(x / std, y).coef_[0] / std
    total = coef.sum() if coef.sum() > 1e-9 else np.abs(coef).sum() or 1.0
    return RelevanceWeights(weights=[round(float(w / total), 4) for w in coef], fitted_on=note)


def fit_time(pools: list[Pool], relevance: RelevanceWeights, decay: float, note: str) -> TimeWeights:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack(
        [
            np.column_stack([p.relevance(relevance), time_ranking.feature_matrix(p.hits, p.window, decay)])
            for p in pools
            if p.hits
        ]
    )
    y = np.concatenate([p.labels() for p in pools if p.hits])
    coef = LogisticRegression(C=1.0, max_iter=1000).fit(x, y).coef_[0]
    scale = coef[0] if coef[0] > 1e-6 else 1.0
    window, recency, as_of = (max(0.0, float(c / scale)) for c in coef[1:])
    return TimeWeights(
        window=round(window, 4),
        recency=round(recency, 4),
        as_of=round(as_of, 4),
        as_of_decay_days=decay,
        fitted_on=note,
    )


def choose(assistant, units: list[list[Pool]], note: str, fixed: RelevanceWeights | None = None) -> Fitted:
    """Relevance weights (``C`` from ``CS``; or ``fixed``), then the decay (from ``DECAYS``) and time weights,
    that rank the training ``units`` best (every pool: with and without as-of, seed), fitted on them only;
    the time weights on the pools asked as of a chosen date; last, the listing's spread (``DIVERSITIES``)."""
    pools = [p for unit in units for p in unit]
    zero = TimeWeights()
    options = [fixed.model_copy(update={"fitted_on": note})] if fixed else [fit_relevance(pools, c, note) for c in CS]
    relevance = max(options, key=lambda r: quality(assistant, pools, Fitted(r, zero)))
    dated = [p for p in pools if p.window.as_of_given]
    candidates = [Fitted(relevance, fit_time(dated, relevance, d, note)) for d in DECAYS]
    best = max(candidates, key=lambda f: quality(assistant, pools, f))
    spreads = [Fitted(best.relevance, best.time, d) for d in DIVERSITIES]
    return max(spreads, key=lambda f: quality(assistant, pools, f))


def fold_of(units: list[list[Pool]], folds: int) -> dict[str, int]:
    """The CV fold of each group (GroupKFold: a seed item's turns, a question's two pools stay together)."""
    from sklearn.model_selection import GroupKFold

    groups = [unit[0].group for unit in units]
    split = GroupKFold(n_splits=folds).split(np.arange(len(units)), groups=groups)
    return {groups[i]: f for f, (_, test) in enumerate(split) for i in test}


def cross_validate(
    assistant, units: list[list[Pool]], folds: dict[str, int], fixed: RelevanceWeights | None = None
) -> list[Fitted]:
    """One ``Fitted`` per fold, chosen and fitted without that fold's questions."""
    return [
        choose(assistant, [u for u in units if folds[u[0].group] != f], f"fold {f}", fixed)
        for f in range(max(folds.values()) + 1)
    ]


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

    print(run_header())
    suite = dataset.load_bench(args.bench, "realtimeqa")
    docs_date = {doc_id: meta.get("published_at") for doc_id, _, _, meta in dataset.iter_bench_docs(suite.corpus_path)}
    assistant = Assistant(eval_settings(Settings(), args.cache / "corpus", args.cache / "store"))
    assistant.search("warm up", k=1)
    t = time.perf_counter()
    pools = cached_pools(assistant, suite.queries, args.pools)
    print(
        f"pools collected in {time.perf_counter() - t:.0f} s:",
        f"{len(pools.dated)} questions, {len(pools.seed)} seed turns",
    )
    sets = (
        ("as-of", pools.dated),
        ("no as-of (today)", pools.plain),
        ("seed (chunks holding a gold quote)", pools.seed),
    )
    current = committed(assistant)
    print(
        "committed weights:",
        current.relevance.weights,
        current.time.model_dump(exclude={"fitted_on"}),
        "listing spread (settings):",
        current.diversity.model_dump(),
    )
    for label, part in sets:
        print(f"  {label}:", json.dumps(scores(assistant, part, lambda p: current)))
    t = time.perf_counter()
    units = pools.units()
    folds = fold_of(units, args.folds)
    fitted = cross_validate(assistant, units, folds)
    cv = {label: scores(assistant, part, lambda p: fitted[folds[p.group]]) for label, part in sets}
    print(f"{args.folds}-fold CV grouped by question (held-out), in {time.perf_counter() - t:.0f} s:")
    for label, figures in cv.items():
        print(f"  {label}:", json.dumps(figures))
    for label, keep in (
        ("with a date phrase", lambda p: bool(p.window.phrase)),
        ("without a date phrase", lambda p: not p.window.phrase),
    ):
        part = [p for p in pools.dated if keep(p)]
        print(
            f"  as-of, questions {label} ({len(part)}):",
            json.dumps(scores(assistant, part, lambda p: fitted[folds[p.group]])),
        )
    print("fold relevance weights", list(relevance_ranking.FEATURES), ":")
    for f in fitted:
        print("  ", f.relevance.weights)
    base = cross_validate(assistant, units, folds, BASELINE)
    print("the hand-set blend (BASELINE) with time weights fitted per fold, the same CV:")
    for label, part in sets:
        print(f"  {label}:", json.dumps(scores(assistant, part, lambda p: base[folds[p.group]])))
    every = [p for unit in units for p in unit]
    gain = np.array(
        [
            np.mean(per_question(assistant, p, fitted[folds[p.group]]))
            - np.mean(per_question(assistant, p, base[folds[p.group]]))
            for p in every
        ]
    )
    se = float(gain.std(ddof=1) / np.sqrt(len(gain)))
    keep_baseline = float(gain.mean()) <= se
    held_out = {"fit_minus_blend": round(float(gain.mean()), 4), "standard_error": round(se, 4)}
    print(
        "held-out criterion (mean of hits@4, hits@10, MRR@10 per pool), fit minus blend, paired over every pool: "
        f"{gain.mean():+.4f} (standard error {se:.4f}); --save keeps the "
        f"{'blend (the fit does not beat it by more than one standard error)' if keep_baseline else 'fit'}"
    )
    print(
        "fold time weights (window, recency, as_of, decay):",
        [(f.time.window, f.time.recency, f.time.as_of, f.time.as_of_decay_days) for f in fitted],
    )
    print(
        "fold listing spreads (per-file cap, MMR lambda), fit / blend:",
        [(f.diversity.per_file_cap, f.diversity.mmr_lambda) for f in fitted],
        [(f.diversity.per_file_cap, f.diversity.mmr_lambda) for f in base],
    )
    print("diagnostics:", json.dumps(gold_diagnostics(pools.dated, docs_date)))
    print(f"load average (1 min) at the end {os.getloadavg()[0]:.1f}")
    if args.save:
        kept = base if keep_baseline else fitted  # the CV figures of what is saved
        kept_cv = {label: scores(assistant, part, lambda p: kept[folds[p.group]]) for label, part in sets}
        figures = "; ".join(
            f"{label} hits@4 {f['hits@4']:.3f}, hits@10 {f['hits@10']:.3f}, mrr@10 {f['mrr@10']:.3f}"
            for label, f in kept_cv.items()
        )
        note = (
            f"RealTime QA dev ({len(pools.dated)} questions, with and without as-of) and the seed suite "
            f"({len(pools.seed)} answerable turns); {args.folds}-fold CV grouped by question (weights and choices "
            f"made without the held-out fold): {figures}"
        )
        if keep_baseline:
            note = f"the hand-set blend: the fit beats it by no more than one standard error ({held_out}); {note}"
        final = choose(assistant, units, note, BASELINE if keep_baseline else None)
        relevance_ranking.save_weights(final.relevance, relevance_ranking.LISTING_WEIGHTS_PATH)
        time_ranking.save_weights(final.time, time_ranking.LISTING_WEIGHTS_PATH)
        print("saved (search listing):", final.relevance.model_dump_json(), final.time.model_dump_json())
        if final.diversity != current.diversity:
            print(
                f"NOTE: the listing spread chosen on all questions is {final.diversity.model_dump()}, not the "
                "settings' (retrieval.search_per_file_cap, retrieval.search_mmr_lambda): change their defaults"
            )


if __name__ == "__main__":
    # Run through the module's own name so the pickled pools refer to ``fit_retrieval_weights.Pools``, not
    # ``__main__.Pools``: bench/retrieval_misses.py reads the same --pools file.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench.machine
    import fit_retrieval_weights

    fit_retrieval_weights.main()
