"""Fit the model that says how sure a short answer is (the gate on showing it); print cross-validated figures.

Data: the answers of the extractive pipeline to the seed suite (bundled corpus, follow-ups with their
history, as `rag eval` asks them) and to the RealTime QA dev split (as of each question's date). Every
candidate entity of ``rag.entity_candidates.entity_candidates`` in an answer's cited quotes is one example; its
label is whether it is right: it contains the reference answer or is contained in it (RealTime QA), or a
reference fact (seed; on an unanswerable turn every candidate is wrong). A standardised logistic model
(scikit-learn, a dev dependency used only here) is cross-validated in 5 folds grouped by question (a seed
item's turns stay together): the figures under "CV" come from models fitted without that question. The short
answer is the candidate ``rag.short_answers.first_choice`` picks (the printout also shows the model's own
likeliest candidate: it picks no better); it is shown when the model gives it at least an even chance
(``answer.short_answer_min_confidence`` = 0.5, not fitted: the point where showing it is more often right than
wrong); the printout shows other thresholds. Multiple choice is recomputed with the short answers each way
(`rag eval`'s picker), out of fold.

    python bench/fit_short_answers.py --rtqa-cache /tmp/x-rtqa [--rtqa-dir DIR] [--seed-store DIR] [--out FILE]

The final model, fitted on all answers, goes to rag/data/short_answer_confidence.json with the CV figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.logistic_fit import fit_logistic, logistic_weights, predict_logistic
from bench.machine import machine
from evals import dataset, metrics
from evals.harness import eval_settings
from evals.realtimeqa import choose
from rag import short_answers
from rag.assistant import Assistant
from rag.conversation import context_of
from rag.entity_candidates import FEATURES, entity_candidates
from rag.generator import Source
from rag.models import Answer
from rag.questions import analyse
from rag.settings import BUNDLED_CORPUS, Settings
from rag.short_answers import MODEL_FILE, first_choice, untagged_name_nearer

FOLDS = 5
THRESHOLD = 0.5  # an even chance: not tuned (see the module docstring)
GRID = (0.3, 0.4, 0.5, 0.6, 0.7)


@dataclass
class Example:
    """One answer with candidate entities: their features and whether each is right."""

    group: str
    suite: str
    texts: list[str]
    rows: list[list[float]]
    right: list[bool]
    rule: int  # the candidate the rule before the model picks
    question: str = ""
    choices: list[str] = field(default_factory=list)
    answer_index: list[int] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)


def _right(short: str, references: list[str]) -> bool:
    return any(
        metrics.contains(short, ref, loose=True) or metrics.contains(ref, short, loose=True)
        for ref in references
        if ref
    )


def _example(answer: Answer, assistant: Assistant, group: str, suite: str, references: list[str]) -> Example | None:
    if answer.abstained or not answer.citations:
        return None
    info = analyse(answer.standalone_question)
    if info.meta is not None:
        return None
    sources = Source.number(answer.retrieved)
    found = entity_candidates(
        info, answer.citations, sources, context_of(answer.standalone_question), assistant.embedder
    )
    if not found or untagged_name_nearer(found[first_choice(found)], info, answer.citations, sources):
        return None  # the answerer shows no short answer here, whatever the model would say
    return Example(
        group=group,
        suite=suite,
        texts=[c.answer.text for c in found],
        rows=[[c.features[f] for f in FEATURES] for c in found],
        right=[_right(c.answer.text, references) for c in found],
        rule=first_choice(found),
        quotes=[c.quote for c in answer.citations],
    )


def collect(rtqa_cache: Path | None, rtqa_dir: Path, seed_store: Path) -> list[Example]:
    """The answers, asked with no confidence model in use (the committed one may be for other features)."""
    with mock.patch.object(short_answers, "load_entity_model", lambda *_: None):
        return _collect(rtqa_cache, rtqa_dir, seed_store)


def _collect(rtqa_cache: Path | None, rtqa_dir: Path, seed_store: Path) -> list[Example]:
    base = Settings()
    base.answer.short_answer_min_confidence = 0.0
    out: list[Example] = []
    seed = Assistant(eval_settings(base, BUNDLED_CORPUS, seed_store))
    seed.index(BUNDLED_CORPUS)
    generator = seed.generator("extractive")
    for item in dataset.load_seed():
        history: list[Answer] = []
        for turn in item.turns:
            answer = seed.ask(turn.question, history=list(history), generator=generator)
            history.append(answer)
            refs = turn.facts if turn.answerable else []
            ex = _example(answer, seed, item.id, "seed", refs)
            if ex is not None:
                out.append(ex)
    if rtqa_cache is None:
        return out
    rtqa = Assistant(eval_settings(base, rtqa_cache / "corpus", rtqa_cache / "store"))
    generator = rtqa.generator("extractive")
    for q in dataset.load_bench(rtqa_dir).queries:
        window = rtqa.user_window(q.question_date) if q.question_date else None
        answer = rtqa.ask(q.query, generator=generator, window=window)
        ex = _example(answer, rtqa, q.qid, "realtimeqa", [q.answer])
        if ex is not None:
            ex.question, ex.choices, ex.answer_index = q.query, q.choices, q.answer_index
            out.append(ex)
    return out


def chosen(examples: list[Example], p: np.ndarray | None, rule: bool = False) -> list[tuple[int, float]]:
    """Per answer, the candidate picked (the likeliest by ``p``; the rule's with ``rule``) and its probability
    by ``p`` (1 without ``p``)."""
    out, at = [], 0
    for e in examples:
        n = len(e.rows)
        best = e.rule if rule or p is None else int(np.argmax(p[at : at + n]))
        out.append((best, 1.0 if p is None else float(p[at + best])))
        at += n
    return out


def shown_figures(examples: list[Example], picks: list[tuple[int, float]], threshold: float) -> dict[str, float]:
    shown = [(e.right[i], prob >= threshold) for e, (i, prob) in zip(examples, picks, strict=True)]
    right = sum(r and s for r, s in shown)
    n_shown = sum(s for _, s in shown)
    reachable = sum(any(e.right) for e in examples)
    return {
        "answers": len(examples),
        "some_candidate_right": reachable,
        "shown": n_shown,
        "right_shown": right,
        "wrong_shown": n_shown - right,
        "precision": round(right / n_shown, 3) if n_shown else 0.0,
        "right_of_reachable": round(right / reachable, 3) if reachable else 0.0,
    }


def mc_right(examples: list[Example], picks: list[tuple[int, float]], threshold: float, embedder) -> tuple[int, int]:
    """(right, asked) multiple choice over the RealTime QA answers with candidates, the short answer as picked."""
    right = asked = 0
    for e, (i, prob) in zip(examples, picks, strict=True):
        if e.suite != "realtimeqa" or not e.choices:
            continue
        short = e.texts[i] if prob >= threshold else None
        evidence = ([f"{short}."] if short else []) + e.quotes
        picked = choose(e.question, e.choices, evidence, embedder, short)
        right += picked is not None and picked in e.answer_index
        asked += 1
    return right, asked


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rtqa-cache", type=Path, help="the --cache folder of `rag eval --suite realtimeqa`")
    ap.add_argument("--rtqa-dir", type=Path, default=dataset.REALTIMEQA_DIR, help="the benchmark folder")
    ap.add_argument("--seed-store", type=Path, default=Path(tempfile.gettempdir()) / "fit-short-answers-seed")
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    args = ap.parse_args()
    from sklearn.model_selection import GroupKFold

    print(machine().line())
    t0 = time.perf_counter()
    examples = collect(args.rtqa_cache, args.rtqa_dir, args.seed_store)
    x = np.array([r for e in examples for r in e.rows], dtype=float)
    y = np.array([int(r) for e in examples for r in e.right])
    groups = np.array([f"{e.suite}:{e.group}" for e in examples for _ in e.rows])
    print(f"{len(examples)} answers, {len(y)} candidate entities ({y.sum()} right) in {time.perf_counter() - t0:.0f} s")

    oof = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        oof[test] = predict_logistic(fit_logistic(x[train], y[train]), x[test])
    embedder = Assistant(eval_settings(Settings(), BUNDLED_CORPUS, args.seed_store)).embedder
    model_picks, rule_picks, gated_rule = chosen(examples, oof), chosen(examples, None), chosen(examples, oof, True)
    cv: dict[str, object] = {"folds": FOLDS, "threshold": THRESHOLD}
    for suite in ("realtimeqa", "seed"):
        idx = [i for i, e in enumerate(examples) if e.suite == suite]
        if not idx:
            continue
        sub = [examples[i] for i in idx]
        picks = [model_picks[i] for i in idx]
        cv[suite] = {
            "rule, always shown": shown_figures(sub, [rule_picks[i] for i in idx], THRESHOLD),
            "model, always shown": shown_figures(sub, picks, 0.0),
            "model, shown at the threshold": shown_figures(sub, picks, THRESHOLD),
            "rule's pick, shown at the model's threshold": shown_figures(sub, [gated_rule[i] for i in idx], THRESHOLD),
            "trade_off": {str(t): shown_figures(sub, [gated_rule[i] for i in idx], t) for t in GRID},
        }
    rule_mc, asked = mc_right(examples, rule_picks, THRESHOLD, embedder)
    model_mc, _ = mc_right(examples, model_picks, THRESHOLD, embedder)
    ungated_mc, _ = mc_right(examples, model_picks, 0.0, embedder)
    gated_rule_mc, _ = mc_right(examples, gated_rule, THRESHOLD, embedder)
    cv["mc_over_realtimeqa_answers_with_candidates"] = {
        "asked": asked, "rule": rule_mc, "model_always_shown": ungated_mc, "model_at_threshold": model_mc,
        "rule_pick_model_threshold": gated_rule_mc,
    }  # fmt: skip
    data = {"fitted_by": "bench/fit_short_answers.py", **logistic_weights(FEATURES, fit_logistic(x, y)), "cv": cv}
    print(json.dumps(cv, indent=1))
    print("weights:", dict(zip(FEATURES, data["coef"], strict=True)))
    args.out.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {args.out} ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
