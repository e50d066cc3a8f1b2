"""Fit the extractive answerer's sentence ranker and abstention model; print cross-validated figures.

Data: the seed suite (bundled corpus) and the RealTime QA dev split (../shared/benchmarks/realtimeqa-news),
each question retrieved once through the normal pipeline (k = 5, the passages the answerer reads; RealTime
QA as of each question's date, as `rag eval` asks it). Every candidate sentence gets the features of
``rag.answer_ranking``; its label is whether it holds the reference answer (RealTime QA: the answer string;
seed: a reference fact or a gold quote). Unanswerable seed turns are the positives of the question-level
abstention model.

5-fold cross-validation grouped by question (a question's sentences never sit on both sides): every
figure printed under "CV" comes from models fitted without that question. The abstention threshold is
chosen on the out-of-fold predictions (fewest errors on the unanswerable labels); the keep ratio (how
close to the best sentence's probability another must come to be quoted, hence how many sentences an
answer quotes) is chosen for each fold on the other folds (see ``choose_ratio`` below), and the printed
trade-off curve shows what every ratio on the grid would give. The
printout splits RealTime QA misses into the buckets of ``bench/answer_failures.py``. The final weights,
fitted on all questions, go to rag/data/answer_ranker.json with the CV figures; run time applies them with
numpy.

    python bench/fit_answer_ranker.py --rtqa-cache /tmp/x-rtqa [--rtqa-dir DIR] [--features /tmp/x.pkl] [--refresh]
        [--compare-trees [--shape DEPTH TREES]] [--compare-without FEATURE ...]

``--compare-trees`` also cross-validates gradient-boosted trees as the sentence model (every later choice made
out of fold for them too) and prints the paired per-question difference from the logistic model with its
standard error; the logistic model is what is written either way (the trees have not beaten it; see README).
``--compare-without`` does the same for the logistic model without some features (a new feature's test: keep it
only if the model with it wins by more than one standard error and the seed's facts do not fall).

Retrieval (the slow part) and the sentence vectors are cached in --features, so a refit after a feature
change only recomputes features. The RealTime QA cache is the one `rag eval --suite realtimeqa --cache DIR`
indexed (DIR/corpus, DIR/store). scikit-learn is a dev dependency used only here.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.answer_failures import bucket, mc_bucket
from bench.logistic_fit import fit_logistic, logistic_weights, predict_logistic
from bench.machine import machine
from evals import dataset, metrics
from evals.harness import eval_settings
from evals.realtimeqa import choose
from rag.answer_ranking import (
    FEATURES,
    QUESTION_FEATURES,
    WEIGHTS_FILE,
    candidates,
    dissenting,
    question_features,
)
from rag.answering import weak_retrieval
from rag.assistant import Assistant
from rag.conversation import context_of, strip_instructions
from rag.extractive import (
    asked_slot_values,
    no_date_of_the_event,
    no_figure_of_the_topic,
    no_person_for_the_role,
    not_about_the_numbered_thing,
    nothing_to_look_for,
    tagged_reliably,
)
from rag.models import Citation, Source
from rag.questions import analyse, condense
from rag.settings import BUNDLED_CORPUS, Settings
from rag.short_answers import short_answer
from rag.text import mentioned, question_name_tokens, split_sentences

FOLDS = 5
# Shown as at run time: the short answer's fitted confidence must reach the default minimum. (Its model was
# fitted on all questions by bench/fit_short_answers.py, so this part of the simulation is in-sample.)
MIN_CONFIDENCE = Settings().answer.short_answer_min_confidence


@dataclass
class Retrieved:
    """One question as the answerer sees it: the standalone question and the k passages it reads."""

    qid: str
    suite: str
    question: str
    reference: str
    facts: list[str]
    quotes: list[str]
    answerable: bool
    weak: bool
    sources: list[Source]
    choices: list[str] = field(default_factory=list)
    answer_index: list[int] = field(default_factory=list)

    def holds_answer(self, text: str) -> bool:
        """The label of a sentence: RealTime QA, the reference string; seed, a reference fact or gold quote."""
        if not self.answerable:
            return False
        if self.suite == "realtimeqa":
            return metrics.contains(text, self.reference, loose=True)
        return self._in_quote(text) or any(metrics.contains(text, f) for f in self.facts)

    def supports_all(self, text: str) -> bool:
        """What ``metrics.gold_judge`` accepts for a sentence quoting ``text`` alone: it lies in a gold quote or
        holds every reference fact (RealTime QA: the reference)."""
        if not self.answerable or self.suite == "realtimeqa":
            return self.holds_answer(text)
        return self._in_quote(text) or (bool(self.facts) and all(metrics.contains(text, f) for f in self.facts))

    def _in_quote(self, text: str) -> bool:
        return any(text in g or (len(g) > 40 and g in text) for g in self.quotes)


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
    # Whether the tagger finds most mentions of the expected kind: only then does the type rule abstain.
    type_tagged_reliably: bool
    top_chunk_score: float
    topic_in_evidence: float
    texts: list[str] = field(default_factory=list)
    rows: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    # What the seed's gold judge accepts for a quote: inside a gold quote, or every reference fact in it.
    gold: list[int] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    answer_index: list[int] = field(default_factory=list)
    in_context: bool = False
    in_passages: bool = False
    in_sentence: bool = False
    # The answerer's other parameter-free abstention rules (rag.extractive), so the CV answers are its answers.
    other_rules: bool = False
    # Each candidate's file and the values it gives for the asked slot (the disagreement rule).
    files: list[str] = field(default_factory=list)
    values: list[frozenset[tuple[str, frozenset[str]]]] | None = None
    # The passages read and, per candidate, its passage and offset there: the short answer of a simulated
    # answer is found as the answerer finds it (multiple choice reads it first).
    sources: list[Source] = field(default_factory=list)
    spans: list[tuple[Source, int]] = field(default_factory=list)

    def short_answer(self, chosen: list[int], embedder) -> str | None:
        """The short answer the answerer would open the answer of these quoted candidates with."""
        cits = []
        for j in chosen:
            src, start = self.spans[j]
            at = src.start_char + start
            cits.append(
                Citation(
                    n=src.n, file=src.path, path=src.path, title=src.title, start_line=0, end_line=0,
                    quote=self.texts[j], quote_start_char=at, quote_end_char=at + len(self.texts[j]),
                    content_hash="", support_score=1.0,
                )
            )  # fmt: skip
        info, context = analyse(self.question), context_of(self.question)
        found = short_answer(info, cits, self.sources, context, embedder, MIN_CONFIDENCE)
        return found.text if found else None


class CachedEmbedder:
    """The vectors of an earlier run, so refitting after a feature change embeds only new texts."""

    def __init__(self, vectors: dict[str, np.ndarray], fallback=None) -> None:
        self.vectors, self.fallback = vectors, fallback

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            if self.fallback is None:
                from rag.embeddings import get_embedder
                from rag.settings import Settings

                self.fallback = get_embedder(Settings().embedding)
            self.vectors.update(zip(missing, self.fallback.embed_cached(missing), strict=True))
        return np.stack([self.vectors[t] for t in texts])


def featurise(r: Retrieved, embedder) -> Question:
    """The ranker's features and labels for every candidate sentence of one retrieved question."""
    info = analyse(r.question)
    cands = candidates(info, r.question, r.sources, embedder)
    wanted = question_name_tokens(info.text)
    evidence = " ".join(s.text for s in r.sources)
    q = Question(
        qid=r.qid,
        suite=r.suite,
        question=r.question,
        reference=r.reference,
        facts=r.facts,
        answerable=r.answerable,
        weak=r.weak,
        names_in_evidence=len(mentioned(wanted, evidence)) / len(wanted) if wanted else 1.0,
        type_in_evidence=float(any(c.features["expected_type_present"] for c in cands)) if info.labels else 1.0,
        type_tagged_reliably=tagged_reliably(info.labels),
        top_chunk_score=max((s.score for s in r.sources), default=0.0),
        topic_in_evidence=question_features(info, cands, r.sources)["topic_in_evidence"],
        choices=r.choices,
        answer_index=r.answer_index,
    )
    q.values = asked_slot_values(info, cands) if info.labels else None
    q.sources = r.sources
    for c in cands:
        q.spans.append((c.source, c.start))
        q.files.append(c.source.path)
        q.texts.append(c.text)
        q.rows.append([c.features[f] for f in FEATURES])
        q.labels.append(int(r.holds_answer(c.text)))
        q.gold.append(int(r.supports_all(c.text)))
    q.in_context = any(q.labels)
    typed_store = any(s.entities for s in r.sources)
    q.other_rules = nothing_to_look_for(info, r.question) or (
        typed_store
        and (
            no_figure_of_the_topic(info, cands, embedder)
            or no_date_of_the_event(info, cands, embedder)
            or no_person_for_the_role(info, cands)
            or not_about_the_numbered_thing(info, cands)
        )
    )
    q.in_passages = any(r.holds_answer(s.text) for s in r.sources)
    q.in_sentence = any(r.holds_answer(s.text) for src in r.sources for s in split_sentences(src.text))
    return q


def _retrieve(assistant, k: int, window=None, **fields) -> Retrieved:
    standalone = fields["question"]
    hits = assistant.passages(standalone, k=k, window=window) if standalone else []
    return Retrieved(
        **fields,
        weak=weak_retrieval(standalone, hits, assistant.settings.answer, assistant.retriever.articles_text),
        sources=Source.number(hits),
    )


def collect_rtqa(cache: Path, k: int, folder: Path) -> tuple[list[Retrieved], object]:
    suite = dataset.load_bench(folder)
    assistant = Assistant(eval_settings(Settings(), cache / "corpus", cache / "store"))
    out = []
    for bq in suite.queries:
        # As `rag eval` asks it: nothing published after the question's date.
        window = assistant.user_window(bq.question_date) if bq.question_date else None
        out.append(
            _retrieve(
                assistant, k, window, qid=bq.qid, suite="realtimeqa", question=strip_instructions(bq.query),
                reference=bq.answer, facts=[bq.answer], quotes=[], answerable=True,
                choices=bq.choices, answer_index=bq.answer_index,
            )
        )  # fmt: skip
    return out, assistant.embedder


def collect_seed(store: Path, k: int) -> list[Retrieved]:
    items = dataset.load_seed()
    assistant = Assistant(eval_settings(Settings(), BUNDLED_CORPUS, store))
    assistant.index(BUNDLED_CORPUS)
    out = []
    for item in items:
        history: list[tuple[str, str]] = []
        for i, turn in enumerate(item.turns):
            standalone = strip_instructions(condense(turn.question, history))
            out.append(
                _retrieve(
                    assistant, k, qid=f"{item.id}#{i}", suite="seed", question=standalone,
                    reference=turn.reference_answer, facts=turn.facts, quotes=[g.quote for g in turn.gold_quotes],
                    answerable=turn.answerable,
                )
            )  # fmt: skip
            history.append((turn.question, turn.reference_answer))
    return out


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


def _select(
    probs: np.ndarray, ratio: float, max_sentences: int, q: Question | None = None, dissent: float | None = None
) -> list[int]:
    """As ``rag.extractive`` chooses: the best sentence, then the next ones while their probability is at
    least ``ratio`` times the best one's, then (``dissent``) a sentence from another file that fills the
    asked slot differently."""
    order = list(np.argsort(-probs))
    chosen = order[:1]
    floor = ratio * probs[order[0]]
    for i in order[1:]:
        if len(chosen) >= max_sentences or probs[i] < floor:
            break
        chosen.append(i)
    if q is not None and q.values is not None and len(chosen) < max_sentences:
        other = dissenting(list(probs), q.files, q.values, chosen, dissent)
        if other is not None:
            chosen.append(other)
    return chosen


MAX_SENTENCES = Settings().extractive.max_sentences
RATIO_GRID = tuple(round(0.05 * i, 2) for i in range(19))  # 0 … 0.9
DISSENT_GRID = tuple(round(0.05 * i, 2) for i in range(1, 12))  # 0.05 … 0.55
REFERENCE_SENTENCES = 3  # the keep rule must reach as many answers as quoting this many, every time


def report_of(
    questions, empty, per_q, q_oof, abstain_t, keep, max_sentences, embedder, mc=True, dissent=None, outcomes=None
) -> dict:
    """The answer each question would get from out-of-fold scores, scored as `rag eval` scores it.

    ``keep`` is the keep ratio, or a dict of it by question index (chosen per fold). Besides containment and
    multiple choice: the share of quoted sentences that hold the answer (pooled, and per answer as the
    gold judge averages it), and the seed's gold-judge citation precision as the fit can simulate it (a
    quote is right when it lies in a gold quote or holds every reference fact; the short-answer line cites
    the first quote with an expected-kind entity; an answered unanswerable turn scores 0).
    """
    report = {}
    for suite in ("realtimeqa", "seed"):
        idx = [i for i, q in enumerate(questions) if q.suite == suite]
        if not idx:
            continue
        contains = mc_right = abstained = hard = correct = 0
        quoted = holding = 0
        per_answer: list[float] = []
        gold: list[float] = []
        buckets: Counter = Counter()
        for i in idx:
            q, p = questions[i], per_q[i]
            no_type = q.type_in_evidence == 0.0 and q.type_tagged_reliably
            rules = q.weak or no_type or q.topic_in_evidence == 0.0 or q.other_rules
            abstain = rules or q_oof[i] >= abstain_t
            hard += rules
            abstained += abstain
            ratio = keep[i] if isinstance(keep, dict) else keep
            d = dissent.get(i) if isinstance(dissent, dict) else dissent
            chosen = [] if abstain else _select(p, ratio, max_sentences, q, d)
            text = " ".join(q.texts[j] for j in chosen)
            if q.answerable and chosen:
                quoted += len(chosen)
                holding += sum(q.labels[j] for j in chosen)
                per_answer.append(float(np.mean([q.labels[j] for j in chosen])))
            if chosen:
                gold.append(_gold_precision(q, chosen))
            has = bool(chosen) and metrics.contains(text, q.reference, loose=True)
            contains += has
            right = bool(chosen) and all(metrics.contains(text, f) for f in q.facts) if q.answerable else abstain
            correct += right
            picked = False
            if mc and q.choices and chosen:
                short = q.short_answer(chosen, embedder)
                evidence = ([f"{short}."] if short else []) + [q.texts[j] for j in chosen]
                pick = choose(q.question, q.choices, evidence, embedder, short)
                picked = pick is not None and pick in q.answer_index
                mc_right += picked
            if outcomes is not None:
                outcomes[q.qid] = (bool(has), bool(picked), bool(right))
            if suite == "realtimeqa":
                b = bucket(
                    abstained=abstain, contains=has, in_passages=q.in_passages, in_sentence=q.in_sentence,
                    in_chosen=any(q.labels[j] for j in chosen),
                )  # fmt: skip
                buckets[b] += 1
                buckets[f"mc: {mc_bucket(b, picked)}"] += 1
        missing = [q for q in empty if q.suite == suite]
        n = len(idx) + len(missing)
        abstained += len(missing)
        for q in missing:
            if outcomes is not None:
                outcomes[q.qid] = (False, False, False)  # as counted above: no answer, nothing right
            buckets[f"abstained, reference {'in' if q.in_passages else 'not in'} read passages"] += 1
        report[suite] = {
            "questions": n,
            "contains_reference": round(contains / n, 3),
            "mc_accuracy": round(mc_right / n, 3) if suite == "realtimeqa" and mc else None,
            "abstention": round(abstained / n, 3),
            "abstention_by_rules": round(hard / n, 3),
            "fact_accuracy": round(correct / n, 3),
            "quote_precision": round(holding / quoted, 3) if quoted else 0.0,
            "quote_precision_per_answer": round(float(np.mean(per_answer)), 3) if per_answer else 0.0,
            "gold_judge_precision": round(float(np.mean(gold)), 3) if gold else 0.0,
            "quotes_per_answer": round(quoted / max(len(per_answer), 1), 2),
            "ceiling_reference_in_read_passages": round(sum(questions[i].in_passages for i in idx) / n, 3),
            "ceiling_reference_in_a_candidate_sentence": round(sum(questions[i].in_context for i in idx) / n, 3),
            "top1_contains": round(sum(bool(questions[i].labels[int(np.argmax(per_q[i]))]) for i in idx) / n, 3),
            "failure_buckets": {k: round(v / n, 3) for k, v in sorted(buckets.items())},
        }
    return report


_TYPED = FEATURES.index("expected_type_present")


def _gold_precision(q: Question, chosen: list[int]) -> float:
    """One answer's gold-judge citation precision as simulated here (see ``report_of``)."""
    right = [q.gold[j] for j in chosen]
    typed = [j for j in chosen if q.rows[j][_TYPED]]
    if typed:
        right.append(q.gold[typed[0]])
    return float(np.mean(right))


class Logistic:
    """The sentence model run time has always applied: a standardised logistic regression."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.fitted = fit_logistic(x, y)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return predict_logistic(self.fitted, x)

    def weights(self) -> dict:
        return logistic_weights(FEATURES, self.fitted)


@dataclass(frozen=True)
class TreeShape:
    """Gradient boosting's size: few shallow trees, small enough to walk with numpy at run time if they won."""

    trees: int = 40
    depth: int = 3
    learning_rate: float = 0.1
    min_leaf: int = 20


DEPTHS = (2, 3, 4)
TREE_COUNTS = (20, 40, 80)
INNER_FOLDS = 3


def choose_shape(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> TreeShape:
    """The depth and number of trees with the lowest log-loss in grouped CV on these sentences only (an outer
    fold's training questions), so the size of the model is fitted, not picked by looking at the test fold.
    One fit per depth gives every tree count (staged predictions)."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.model_selection import GroupKFold

    loss: dict[TreeShape, float] = {}
    for depth in DEPTHS:
        for train, test in GroupKFold(n_splits=INNER_FOLDS).split(x, y, groups):
            base = TreeShape(max(TREE_COUNTS), depth)
            model = GradientBoostingClassifier(
                n_estimators=base.trees, max_depth=depth, learning_rate=base.learning_rate,
                min_samples_leaf=base.min_leaf, random_state=0,
            ).fit(x[train], y[train])  # fmt: skip
            for n, proba in enumerate(model.staged_predict_proba(x[test]), start=1):
                if n in TREE_COUNTS:
                    p = np.clip(proba[:, 1], 1e-9, 1 - 1e-9)
                    ll = -float(np.sum(y[test] * np.log(p) + (1 - y[test]) * np.log(1 - p)))
                    shape = TreeShape(n, depth)
                    loss[shape] = loss.get(shape, 0.0) + ll
    return min(loss, key=loss.get)


class Trees:
    """Gradient-boosted shallow trees on the raw features (a feature can matter only with another, e.g. an
    entity of the expected kind next to a similar sentence). Compared with the logistic model out of fold
    (``--compare-trees``); the run time applies only the logistic model, which the trees have not beaten."""

    def __init__(self, x: np.ndarray, y: np.ndarray, shape: TreeShape) -> None:
        from sklearn.ensemble import GradientBoostingClassifier

        self.model = GradientBoostingClassifier(
            n_estimators=shape.trees, max_depth=shape.depth, learning_rate=shape.learning_rate,
            min_samples_leaf=shape.min_leaf, random_state=0,
        ).fit(x, y)  # fmt: skip

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(x)[:, 1]


def fit_sentence_model(x: np.ndarray, y: np.ndarray, kind: str, shape: TreeShape | None):
    return Trees(x, y, shape or TreeShape()) if kind == "trees" else Logistic(x, y)


@dataclass
class CrossValidated:
    """Out-of-fold probabilities and every choice made from them, and the answers they give."""

    per_q: list[np.ndarray]
    q_oof: np.ndarray
    abstain: tuple[float, float, float, float]  # threshold, accuracy, precision, recall
    keep_of: dict[int, float]
    keep: float
    dissent_of: dict[int, float | None]
    dissent: float | None
    report: dict
    outcomes: dict[str, tuple[bool, bool, bool]]


def cross_validate(
    questions, empty, embedder, kind: str, shape: TreeShape | None, verbose: bool, drop: tuple[int, ...] = ()
) -> CrossValidated:
    """The sentence model (``kind``) fitted without each fold's questions, then the abstention model, the keep
    ratio and the dissent ratio chosen from those out-of-fold probabilities, as run time applies them. Trees
    without a ``shape`` get theirs chosen per fold on the fold's training questions (``choose_shape``).
    ``drop``: feature columns the sentence model does without (the ablation of ``--compare-without``)."""
    from sklearn.model_selection import GroupKFold

    x = np.delete(np.array([r for q in questions for r in q.rows], dtype=float), list(drop), axis=1)
    y = np.array([lab for q in questions for lab in q.labels])
    groups = np.array([i for i, q in enumerate(questions) for _ in q.rows])
    # Folds over questions; every question of one seed item (follow-ups) stays in one fold.
    item_of = np.array([q.qid.split("#")[0] for q in questions])
    qgroups = item_of[groups]
    oof = np.zeros(len(y))
    shapes = []
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, qgroups):
        if kind == "trees" and shape is None:
            shapes.append(choose_shape(x[train], y[train], qgroups[train]))
        oof[test] = fit_sentence_model(x[train], y[train], kind, shapes[-1] if shapes else shape).predict(x[test])
    if shapes:
        print("tree shapes chosen per fold (inner CV log-loss):", [(s.depth, s.trees) for s in shapes])

    bounds = np.cumsum([0] + [len(q.rows) for q in questions])
    per_q = [oof[bounds[i] : bounds[i + 1]] for i in range(len(questions))]
    qx = np.array([_qrow(q, p) for q, p in zip(questions, per_q, strict=True)])
    qy = np.array([int(not q.answerable) for q in questions])
    q_oof = np.zeros(len(qy))
    q_item = item_of
    for train, test in GroupKFold(n_splits=FOLDS).split(qx, qy, q_item):
        q_oof[test] = predict_logistic(fit_logistic(qx[train], qy[train]), qx[test])
    abstain_t, ab_acc, ab_p, ab_r = _best(q_oof, qy, objective="accuracy")

    def evaluate(keep, max_sentences: int = MAX_SENTENCES, with_mc: bool = True, dissent=None, outcomes=None):
        return report_of(
            questions, empty, per_q, q_oof, abstain_t, keep, max_sentences, embedder, with_mc, dissent, outcomes
        )

    # How many sentences an answer quotes: the best one, then the next ones while their probability is at
    # least `keep_ratio` times the best one's (a confident best sentence quotes alone, an unsure one brings
    # company). The rule: the highest ratio (fewest quotes, the most of them holding the answer) whose reach,
    # the share of answers holding the reference (RealTime QA) plus the share holding every reference fact
    # (seed), is no lower than that of quoting the top REFERENCE_SENTENCES sentences every time (the
    # answerer before this rule) on the same questions. Chosen for each fold on the other folds' questions,
    # so the figures printed are out-of-fold for it too; the final one on all questions.
    def choose_ratio(sub: list[int], max_sentences: int) -> float:
        qs, probs = [questions[i] for i in sub], [per_q[i] for i in sub]

        def reach(t: float, n: int = max_sentences) -> float:
            r = report_of(qs, [], probs, q_oof[sub], abstain_t, t, n, embedder, mc=False)
            return sum(r[s]["contains_reference" if s == "realtimeqa" else "fact_accuracy"] for s in r)

        floor = reach(0.0, REFERENCE_SENTENCES)
        return max((t for t in RATIO_GRID if reach(t) >= floor), default=0.0)

    fold_of = {int(i): f for f, (_, test) in enumerate(GroupKFold(n_splits=FOLDS).split(qx, qy, q_item)) for i in test}

    def per_fold(max_sentences: int) -> tuple[dict[int, float], dict]:
        by_fold = {
            f: choose_ratio([i for i in range(len(questions)) if fold_of[i] != f], max_sentences) for f in range(FOLDS)
        }
        keep_of = {i: by_fold[fold_of[i]] for i in range(len(questions))}
        return keep_of, evaluate(keep_of, max_sentences)

    if verbose:
        print(f"trade-off, up to {MAX_SENTENCES} sentences (out-of-fold probabilities; rows are fixed ratios):")
        for t in RATIO_GRID:
            r = evaluate(t)
            rt, sd = r["realtimeqa"], r["seed"]
            print(
                f"  keep p >= {t:.2f} x best: RealTime QA contains {rt['contains_reference']:.3f}, "
                f"MC {rt['mc_accuracy']:.3f}, quotes holding it {rt['quote_precision_per_answer']:.3f} "
                f"({rt['quotes_per_answer']:.2f} an answer); "
                f"seed facts {sd['fact_accuracy']:.3f}, quotes {sd['quote_precision_per_answer']:.3f}, "
                f"gold P {sd['gold_judge_precision']:.3f} ({sd['quotes_per_answer']:.2f})"
            )
    caps = sorted({3, 4, 5, MAX_SENTENCES}) if verbose else [MAX_SENTENCES]
    by_cap = {n_max: per_fold(n_max) for n_max in caps}
    if verbose:
        for n_max, (keep_n, r) in by_cap.items():
            rt, sd = r["realtimeqa"], r["seed"]
            print(
                f"up to {n_max} sentences, ratio chosen per fold {sorted(set(keep_n.values()))}: RealTime QA "
                f"contains {rt['contains_reference']}, MC {rt['mc_accuracy']}, quotes "
                f"{rt['quote_precision_per_answer']}; seed facts {sd['fact_accuracy']}, quotes "
                f"{sd['quote_precision_per_answer']}, gold P {sd['gold_judge_precision']}"
            )
    keep_of, _ = by_cap[MAX_SENTENCES]
    keep = choose_ratio(list(range(len(questions))), MAX_SENTENCES)
    if verbose:
        print(f"keep ratio chosen per fold: {sorted(set(keep_of.values()))}; on all questions: {keep}")

    # The disagreement rule: a sentence from another file giving a different value of the asked kind is quoted
    # when its probability is at least `dissent` times the best one's. The rule for `dissent`, like the keep
    # ratio's: the highest ratio (fewest added quotes) whose reach is no lower than the lowest ratio's on the
    # same questions; off when even the lowest ratio reaches no more answers than no rule at all. Chosen per
    # fold on the other folds, with that fold's keep ratio.
    def choose_dissent(sub: list[int], keep_at) -> float | None:
        qs, probs = [questions[i] for i in sub], [per_q[i] for i in sub]
        keeps = {j: keep_at(i) for j, i in enumerate(sub)}

        def reach(d: float | None) -> float:
            r = report_of(qs, [], probs, q_oof[sub], abstain_t, keeps, MAX_SENTENCES, embedder, False, d)
            return sum(r[s]["contains_reference" if s == "realtimeqa" else "fact_accuracy"] for s in r)

        most = reach(DISSENT_GRID[0])
        if reach(None) >= most:
            return None
        return max(d for d in DISSENT_GRID if reach(d) >= most)

    if verbose:
        print("disagreement rule, keep ratio as chosen per fold (rows are fixed dissent ratios):")
        for d in (None, *DISSENT_GRID):
            r = evaluate(keep_of, dissent=d)
            rt, sd = r["realtimeqa"], r["seed"]
            print(
                f"  dissent {'off ' if d is None else f'{d:.2f}'}: RealTime QA contains "
                f"{rt['contains_reference']:.3f}, MC {rt['mc_accuracy']:.3f}, quotes holding it "
                f"{rt['quote_precision_per_answer']:.3f} ({rt['quotes_per_answer']:.2f} an answer); seed facts "
                f"{sd['fact_accuracy']:.3f}, gold P {sd['gold_judge_precision']:.3f} ({sd['quotes_per_answer']:.2f})"
            )
    dissent_by_fold = {
        f: choose_dissent([i for i in range(len(questions)) if fold_of[i] != f], keep_of.get) for f in range(FOLDS)
    }
    dissent_of = {i: dissent_by_fold[fold_of[i]] for i in range(len(questions))}
    outcomes: dict[str, tuple[bool, bool, bool]] = {}
    report = evaluate(keep_of, dissent=dissent_of, outcomes=outcomes)
    dissent = choose_dissent(list(range(len(questions))), lambda i: keep)
    if verbose:
        print(f"dissent ratio chosen per fold: {list(dissent_by_fold.values())}; on all questions: {dissent}")
        for n_max in (1, 2, 3, 4, 5):
            r = evaluate(0.0, n_max)
            print(
                f"always {n_max} sentence(s): RealTime QA contains {r['realtimeqa']['contains_reference']}, "
                f"MC {r['realtimeqa']['mc_accuracy']}; seed facts {r['seed']['fact_accuracy']}"
            )
    return CrossValidated(
        per_q, q_oof, (abstain_t, ab_acc, ab_p, ab_r), keep_of, keep, dissent_of, dissent, report, outcomes
    )


def criterion(cv: CrossValidated, questions) -> dict[str, np.ndarray]:
    """Per question, by suite: RealTime QA, the mean of holding the reference and the multiple-choice pick
    being right; seed, every reference fact held (an unanswerable turn: abstained)."""
    out: dict[str, list[float]] = {"realtimeqa": [], "seed": []}
    for q in questions:
        has, picked, right = cv.outcomes[q.qid]
        out[q.suite].append((has + picked) / 2 if q.suite == "realtimeqa" else float(right))
    return {suite: np.array(v) for suite, v in out.items()}


def _summary(report: dict) -> dict:
    """The headline out-of-fold figures of one model, for the comparison written with the weights."""
    rt, sd = report["realtimeqa"], report["seed"]
    keys = ("contains_reference", "mc_accuracy", "abstention", "top1_contains", "quotes_per_answer")
    return {
        "realtimeqa": {k: rt[k] for k in keys} | {"ranking_failures": rt["failure_buckets"].get("ranking")},
        "seed": {k: sd[k] for k in ("fact_accuracy", "gold_judge_precision", "abstention", "top1_contains")},
    }


def paired(new: np.ndarray, old: np.ndarray) -> tuple[float, float]:
    """Mean paired difference and its standard error."""
    diff = new - old
    return float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(len(diff)))


def compare_trees(questions, empty, embedder, logistic: CrossValidated, shape: TreeShape | None) -> dict:
    """Trees against the logistic model, every choice (tree size, abstention, keep and dissent ratios) made out
    of fold for both: the paired per-question difference of the criterion and its standard error. The trees
    would be worth a run-time evaluator only if they won by more than one standard error."""
    trees = cross_validate(questions, empty, embedder, "trees", shape, verbose=False)
    return compare("trees", trees, "logistic", logistic, questions + empty)


def compare_without(questions, empty, embedder, full: CrossValidated, dropped: list[str]) -> dict:
    """The logistic model with every feature against the same model without ``dropped``, every choice made out
    of fold for both: a feature earns its place only if the full model wins by more than one standard error
    of the paired difference and the seed's facts do not fall."""
    drop = tuple(FEATURES.index(f) for f in dropped)
    without = cross_validate(questions, empty, embedder, "logistic", None, verbose=False, drop=drop)
    return compare("all features", full, f"without {'+'.join(dropped)}", without, questions + empty)


def compare(new_name: str, new: CrossValidated, old_name: str, old: CrossValidated, questions) -> dict:
    """Print and return the paired per-question difference of the criterion (new minus old) and its SE."""
    new_c, old_c = criterion(new, questions), criterion(old, questions)
    gain, se = paired(new_c["realtimeqa"], old_c["realtimeqa"])
    seed_gain, seed_se = paired(new_c["seed"], old_c["seed"])
    print(f"{new_name} {json.dumps(_summary(new.report), default=float)}")
    print(f"{old_name} {json.dumps(_summary(old.report), default=float)}")
    print(
        f"out-of-fold criterion (RealTime QA, mean of reference held and MC right per question): {new_name} "
        f"{new_c['realtimeqa'].mean():.4f}, {old_name} {old_c['realtimeqa'].mean():.4f}, difference {gain:+.4f} "
        f"(paired standard error {se:.4f}); seed facts {new_c['seed'].mean():.3f} vs {old_c['seed'].mean():.3f} "
        f"({seed_gain:+.3f} ± {seed_se:.3f}): "
        + (f"{new_name} ahead by more than one standard error" if gain > se else "no gain beyond one standard error")
    )
    return {"difference": gain, "standard_error": se, "seed_difference": seed_gain, "seed_standard_error": seed_se}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--rtqa-cache", type=Path, help="the --cache folder of `rag eval --suite realtimeqa` (omit: seed only)"
    )
    ap.add_argument("--rtqa-dir", type=Path, default=dataset.REALTIMEQA_DIR, help="the benchmark folder")
    ap.add_argument("--seed-store", type=Path, default=Path(tempfile.gettempdir()) / "fit-answer-ranker-seed")
    ap.add_argument("--features", type=Path, default=Path(tempfile.gettempdir()) / "fit-answer-ranker.pkl")
    ap.add_argument("--refresh", action="store_true", help="retrieve again instead of reading --features")
    ap.add_argument(
        "--k", type=int, default=Settings().retrieval.top_k, help="passages the answerer reads (default: top_k)"
    )
    ap.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    ap.add_argument(
        "--compare-trees",
        action="store_true",
        help="also cross-validate gradient-boosted trees as the sentence model and print the paired per-question "
        "difference from the logistic model with its standard error (the logistic model is what is written)",
    )
    ap.add_argument(
        "--shape",
        type=int,
        nargs=2,
        metavar=("DEPTH", "TREES"),
        help="fix the trees' depth and number (default: chosen by inner CV in each fold and for the final fit)",
    )
    ap.add_argument(
        "--ratios-only",
        action="store_true",
        help="keep the sentence and question models already in --out and write only the keep and dissent "
        "ratios chosen here (their choice rests on out-of-fold probabilities, not on the final models)",
    )
    ap.add_argument(
        "--compare-without",
        nargs="+",
        metavar="FEATURE",
        choices=FEATURES,
        help="also cross-validate the logistic model without these sentence features and print the paired "
        "per-question difference with its standard error (the model with every feature is what is written)",
    )
    args = ap.parse_args()
    shape = TreeShape(args.shape[1], args.shape[0]) if args.shape else None

    t0 = time.perf_counter()
    if args.features.exists() and not args.refresh:
        retrieved, vectors = pickle.loads(args.features.read_bytes())
        embedder = CachedEmbedder(vectors)
    else:
        rtqa, real = collect_rtqa(args.rtqa_cache, args.k, args.rtqa_dir) if args.rtqa_cache else ([], None)
        retrieved = collect_seed(args.seed_store, args.k) + rtqa
        embedder = CachedEmbedder({}, real)
    questions = [featurise(r, embedder) for r in retrieved]
    args.features.write_bytes(pickle.dumps((retrieved, embedder.vectors)))
    print(f"{len(questions)} questions, {sum(len(q.rows) for q in questions)} candidate sentences "
          f"({time.perf_counter() - t0:.0f} s to collect/load)")  # fmt: skip
    # A question with no candidate sentence is scored as an abstention below, but has nothing to fit.
    empty = [q for q in questions if not q.rows]
    questions = [q for q in questions if q.rows]
    x = np.array([r for q in questions for r in q.rows], dtype=float)
    y = np.array([lab for q in questions for lab in q.labels])

    cv = cross_validate(questions, empty, embedder, "logistic", None, verbose=True)
    if args.compare_trees:
        compare_trees(questions, empty, embedder, cv, shape)
    if args.compare_without:
        compare_without(questions, empty, embedder, cv, args.compare_without)
    abstain_t, ab_acc, ab_p, ab_r = cv.abstain
    final = Logistic(x, y)
    qy = np.array([int(not q.answerable) for q in questions])
    final_q = fit_logistic(np.array([_qrow(q, final.predict(np.array(q.rows))) for q in questions]), qy)
    data = {
        "fitted_by": "bench/fit_answer_ranker.py",
        "sentence": final.weights(),
        "question": logistic_weights(QUESTION_FEATURES, final_q),
        "keep_ratio": round(cv.keep, 4),
        "dissent_ratio": None if cv.dissent is None else round(cv.dissent, 4),
        "abstain_threshold": round(abstain_t, 4),
        "cv": {
            "folds": FOLDS,
            "passages_read": args.k,
            "max_sentences": MAX_SENTENCES,
            "sentences": len(y),
            "positives": int(y.sum()),
            "abstain_accuracy_precision_recall": [round(ab_acc, 3), round(ab_p, 3), round(ab_r, 3)],
            **cv.report,
        },
    }
    if args.ratios_only:
        kept = json.loads(args.out.read_text())
        data = {**kept, "keep_ratio": data["keep_ratio"], "dissent_ratio": data["dissent_ratio"]}
        data["cv"] = {**kept.get("cv", {}), "dissent_ratio_chosen_with": cv.report}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1) + "\n")
    print(machine().line())
    print("weights (standardised features):")
    for f, w in zip(FEATURES, data["sentence"]["coef"], strict=True):
        print(f"  {f:24s} {w:+.3f}")
    print("question model:", dict(zip(QUESTION_FEATURES, data["question"]["coef"], strict=True)))
    print(json.dumps(data["cv"], indent=1))
    print(f"wrote {args.out} ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
