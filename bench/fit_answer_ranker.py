"""Fit the extractive answerer's sentence ranker and abstention model; print cross-validated figures.

Data: the seed suite (bundled corpus) and the RealTime QA dev split (../shared/benchmarks/realtimeqa-news),
each question retrieved once through the normal pipeline (k = 5, the passages the answerer reads).
Every candidate sentence gets the features of ``rag.answer_ranking``; its label is whether it holds the
reference answer (RealTime QA: the answer string; seed: a reference fact or a gold quote). Unanswerable seed
turns are the positives of the question-level abstention model.

5-fold cross-validation grouped by question (a question's sentences never sit on both sides): every
figure printed under "CV" comes from models fitted without that question. The thresholds are chosen on
those out-of-fold predictions (keep a further sentence: best F1 of the sentence labels; abstain: fewest
errors on the unanswerable labels, since a wrong abstention costs as much as a wrong answer). The final
weights, fitted on all questions, go to rag/data/answer_ranker.json with the CV figures; run time applies
them with numpy.

    python bench/fit_answer_ranker.py --rtqa-cache /tmp/x-rtqa [--features /tmp/x-features.pkl] [--refresh]

The RealTime QA cache is the one `rag eval --suite realtimeqa --cache DIR` indexed (DIR/corpus, DIR/store).
scikit-learn is a dev dependency used only here.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from evals import dataset, metrics
from evals.realtimeqa import choose
from evals.runner import eval_settings, open_assistant
from rag.answer_ranking import FEATURES, QUESTION_FEATURES, WEIGHTS_FILE, candidates, question_features
from rag.answering import weak_retrieval
from rag.conversation import rewrite, strip_instructions
from rag.models import Source
from rag.questions import analyse
from rag.settings import BUNDLED_CORPUS
from rag.text import mentioned, question_name_tokens

FOLDS = 5
C = 1.0  # inverse L2 strength; the default of scikit-learn, not tuned


@dataclass
class Question:
    qid: str
    suite: str
    question: str
    reference: str
    facts: list[str]
    answerable: bool
    weak: bool
    names_in_evidence: float
    type_in_evidence: float
    top_chunk_score: float
    topic_in_evidence: float
    texts: list[str] = field(default_factory=list)
    rows: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    answer_index: list[int] = field(default_factory=list)
    in_context: bool = False


def _question(qid, suite, standalone, ref, facts, answerable, assistant, label_fn, k) -> Question:
    hits = assistant.search(standalone, k=k) if standalone else []
    sources = Source.number(hits)
    info = analyse(standalone)
    cands = candidates(info, standalone, sources, assistant.embedder)
    wanted = question_name_tokens(info.text)
    evidence = " ".join(s.text for s in sources)
    q = Question(
        qid=qid,
        suite=suite,
        question=standalone,
        reference=ref,
        facts=facts,
        answerable=answerable,
        weak=weak_retrieval(standalone, hits, assistant.settings.answer),
        names_in_evidence=len(mentioned(wanted, evidence)) / len(wanted) if wanted else 1.0,
        type_in_evidence=float(any(c.features["expected_type_present"] for c in cands)) if info.labels else 1.0,
        top_chunk_score=max((s.score for s in sources), default=0.0),
        topic_in_evidence=question_features(info, cands, sources)["topic_in_evidence"],
    )
    for c in cands:
        q.texts.append(c.text)
        q.rows.append([c.features[f] for f in FEATURES])
        q.labels.append(int(answerable and label_fn(c.text)))
    q.in_context = any(q.labels)
    return q


def collect_rtqa(cache: Path, k: int, folder: Path) -> tuple[list[Question], object]:
    suite = dataset.load_bench(folder)
    assistant = open_assistant(eval_settings(cache / "corpus", cache / "store"))
    out = []
    for bq in suite.queries:
        q = _question(
            bq.qid, "realtimeqa", strip_instructions(bq.query), bq.answer, [bq.answer], True, assistant,
            lambda t, a=bq.answer: metrics.contains(t, a, loose=True), k,
        )  # fmt: skip
        q.choices, q.answer_index = bq.choices, bq.answer_index
        out.append(q)
    return out, assistant.embedder


def collect_seed(store: Path, k: int) -> list[Question]:
    items = dataset.load_seed()
    assistant = open_assistant(eval_settings(BUNDLED_CORPUS, store))
    assistant.index(BUNDLED_CORPUS)
    out = []
    for item in items:
        history: list[tuple[str, str]] = []
        for i, turn in enumerate(item.turns):
            standalone = strip_instructions(rewrite(turn.question, history) if history else turn.question)
            quotes = [g.quote for g in turn.gold_quotes]

            def label(text: str, facts=turn.facts, quotes=quotes) -> bool:
                in_quote = any(text in g or (len(g) > 40 and g in text) for g in quotes)
                return in_quote or any(metrics.contains(text, f) for f in facts)

            out.append(
                _question(
                    f"{item.id}#{i}",
                    "seed",
                    standalone,
                    turn.reference_answer,
                    turn.facts,
                    turn.answerable,
                    assistant,
                    label,
                    k,
                )
            )
            history.append((turn.question, turn.reference_answer))
    return out


def _fit(x: np.ndarray, y: np.ndarray, balanced: bool = False):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    scaler.scale_[scaler.scale_ == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced" if balanced else None)
    model.fit(scaler.transform(x), y)
    return scaler, model


def _predict(fitted, x: np.ndarray) -> np.ndarray:
    scaler, model = fitted
    return model.predict_proba(scaler.transform(x))[:, 1]


def _best(p: np.ndarray, y: np.ndarray, objective: str = "f1") -> tuple[float, float, float, float]:
    """(threshold, objective, precision, recall) with the best F1 (or accuracy) over the predicted values."""
    best = (1.01, -1.0, 0.0, 0.0)
    for t in [*np.unique(np.round(p, 3)), 1.01]:
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        prec = tp / max(pred.sum(), 1)
        rec = tp / max((y == 1).sum(), 1)
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        value = f1 if objective == "f1" else float((pred == (y == 1)).mean())
        if value > best[1]:
            best = (float(t), value, prec, rec)
    return best


_TOPIC = FEATURES.index("topic_overlap")


def _qrow(q: Question, probs: np.ndarray) -> list[float]:
    """The question model's row, from the sentence probabilities the ranker gave this question."""
    best = int(np.argmax(probs))
    return [float(probs[best]), q.top_chunk_score, q.topic_in_evidence, q.rows[best][_TOPIC]]


def _select(probs: np.ndarray, keep: float, max_sentences: int = 3) -> list[int]:
    order = list(np.argsort(-probs))
    chosen = order[:1]
    for i in order[1:]:
        if len(chosen) >= max_sentences or probs[i] < keep:
            break
        chosen.append(i)
    return chosen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--rtqa-cache", type=Path, help="the --cache folder of `rag eval --suite realtimeqa` (omit: seed only)"
    )
    ap.add_argument("--rtqa-dir", type=Path, default=dataset.REALTIMEQA_DIR, help="the benchmark folder")
    ap.add_argument("--seed-store", type=Path, default=Path(tempfile.gettempdir()) / "fit-answer-ranker-seed")
    ap.add_argument("--features", type=Path, default=Path(tempfile.gettempdir()) / "fit-answer-ranker.pkl")
    ap.add_argument("--refresh", action="store_true", help="retrieve again instead of reading --features")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    args = ap.parse_args()
    from sklearn.model_selection import GroupKFold

    t0 = time.perf_counter()
    embedder = None
    if args.features.exists() and not args.refresh:
        questions = pickle.loads(args.features.read_bytes())
    else:
        rtqa, embedder = collect_rtqa(args.rtqa_cache, args.k, args.rtqa_dir) if args.rtqa_cache else ([], None)
        questions = collect_seed(args.seed_store, args.k) + rtqa
        args.features.write_bytes(pickle.dumps(questions))
    print(f"{len(questions)} questions, {sum(len(q.rows) for q in questions)} candidate sentences "
          f"({time.perf_counter() - t0:.0f} s to collect/load)")  # fmt: skip
    # A question with no candidate sentence is scored as an abstention below, but has nothing to fit.
    empty = [q for q in questions if not q.rows]
    questions = [q for q in questions if q.rows]
    x = np.array([r for q in questions for r in q.rows], dtype=float)
    y = np.array([lab for q in questions for lab in q.labels])
    groups = np.array([i for i, q in enumerate(questions) for _ in q.rows])
    # Folds over questions; every question of one seed item (follow-ups) stays in one fold.
    item_of = np.array([q.qid.split("#")[0] for q in questions])
    qgroups = item_of[groups]
    oof = np.zeros(len(y))
    folds = list(GroupKFold(n_splits=FOLDS).split(x, y, qgroups))
    for train, test in folds:
        oof[test] = _predict(_fit(x[train], y[train]), x[test])
    keep, keep_f1, keep_p, keep_r = _best(oof, y)

    bounds = np.cumsum([0] + [len(q.rows) for q in questions])
    per_q = [oof[bounds[i] : bounds[i + 1]] for i in range(len(questions))]
    qx = np.array([_qrow(q, p) for q, p in zip(questions, per_q, strict=True)])
    qy = np.array([int(not q.answerable) for q in questions])
    q_oof = np.zeros(len(qy))
    q_item = item_of
    for train, test in GroupKFold(n_splits=FOLDS).split(qx, qy, q_item):
        q_oof[test] = _predict(_fit(qx[train], qy[train]), qx[test])
    abstain_t, ab_acc, ab_p, ab_r = _best(q_oof, qy, objective="accuracy")

    if embedder is None:
        from rag.embeddings import get_embedder
        from rag.settings import Settings

        embedder = get_embedder(Settings().embedding)
    report = {}
    for suite in ("realtimeqa", "seed"):
        idx = [i for i, q in enumerate(questions) if q.suite == suite]
        if not idx:
            continue
        contains = mc = abstained = hard = correct = 0
        for i in idx:
            q, p = questions[i], per_q[i]
            rules = q.weak or q.type_in_evidence == 0.0 or q.topic_in_evidence == 0.0
            abstain = rules or q_oof[i] >= abstain_t
            hard += rules
            abstained += abstain
            chosen = [] if abstain else _select(p, keep)
            text = " ".join(q.texts[j] for j in chosen)
            contains += bool(chosen) and metrics.contains(text, q.reference, loose=True)
            if q.answerable:
                correct += bool(chosen) and all(metrics.contains(text, f) for f in q.facts)
            else:
                correct += abstain
            if q.choices and chosen:
                pick = choose(q.question, q.choices, [q.texts[j] for j in chosen], embedder)
                mc += pick is not None and pick in q.answer_index
        missing = sum(q.suite == suite for q in empty)
        n = len(idx) + missing
        abstained += missing
        report[suite] = {
            "questions": n,
            "contains_reference": round(contains / n, 3),
            "mc_accuracy": round(mc / n, 3) if suite == "realtimeqa" else None,
            "abstention": round(abstained / n, 3),
            "abstention_by_rules": round(hard / n, 3),
            "fact_accuracy": round(correct / n, 3),
            "ceiling_reference_in_read_passages": round(sum(questions[i].in_context for i in idx) / n, 3),
            "top1_contains": round(sum(bool(questions[i].labels[int(np.argmax(per_q[i]))]) for i in idx) / n, 3),
        }

    final = _fit(x, y)
    final_q = _fit(np.array([_qrow(q, _predict(final, np.array(q.rows))) for q in questions]), qy)
    scaler, model = final
    qscaler, qmodel = final_q
    data = {
        "fitted_by": "bench/fit_answer_ranker.py",
        "sentence": {
            "features": list(FEATURES),
            "mean": scaler.mean_.round(6).tolist(),
            "scale": scaler.scale_.round(6).tolist(),
            "coef": model.coef_[0].round(6).tolist(),
            "intercept": round(float(model.intercept_[0]), 6),
        },
        "question": {
            "features": list(QUESTION_FEATURES),
            "mean": qscaler.mean_.round(6).tolist(),
            "scale": qscaler.scale_.round(6).tolist(),
            "coef": qmodel.coef_[0].round(6).tolist(),
            "intercept": round(float(qmodel.intercept_[0]), 6),
        },
        "keep_threshold": round(keep, 4),
        "abstain_threshold": round(abstain_t, 4),
        "cv": {
            "folds": FOLDS,
            "sentences": len(y),
            "positives": int(y.sum()),
            "keep_threshold_f1_precision_recall": [round(keep_f1, 3), round(keep_p, 3), round(keep_r, 3)],
            "abstain_accuracy_precision_recall": [round(ab_acc, 3), round(ab_p, 3), round(ab_r, 3)],
            **report,
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1) + "\n")
    print(f"CPU: {platform.processor() or platform.machine()}, load {os.getloadavg()[0]:.1f}")
    print("weights (standardised features):")
    for f, w in zip(FEATURES, data["sentence"]["coef"], strict=True):
        print(f"  {f:24s} {w:+.3f}")
    print("question model:", dict(zip(QUESTION_FEATURES, data["question"]["coef"], strict=True)))
    print(json.dumps(data["cv"], indent=1))
    print(f"wrote {args.out} ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
