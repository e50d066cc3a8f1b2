"""Eval metrics as pure functions: retrieval ranks, ALCE-style citation precision/recall, answer facts,
abstention, multiple choice and latency percentiles. Nothing here loads a model or touches a store.

Text matching is normalised the same way everywhere (``normalize``): case-insensitive, curly quotes and
apostrophes made straight, dashes unified, thousands separators dropped ("12,000" = "12000"), and
whitespace collapsed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from rag.text import NUMBER_WORDS

T = TypeVar("T")

_QUOTES = str.maketrans({"’": "'", "‘": "'", "‛": "'", "`": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s$%.]|(?<!\d)\.|\.(?!\d)")
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize(text: str) -> str:
    """Lower-case, straight quotes, one kind of dash, no thousands separators, single spaces."""
    text = text.translate(_QUOTES).replace("\u00a0", " ").lower()
    while _THOUSANDS.search(text):
        text = _THOUSANDS.sub("", text)
    return _SPACE.sub(" ", text).strip()


def normalize_loose(text: str) -> str:
    """``normalize`` plus SQuAD-style clean-up: punctuation (except decimal points, $ and %) and articles go."""
    text = _PUNCT.sub(" ", normalize(text))
    return _SPACE.sub(" ", _ARTICLES.sub(" ", text)).strip()


def contains(text: str, needle: str, loose: bool = False) -> bool:
    """``needle`` occurs in ``text`` after normalisation, starting at a word boundary.

    A needle ending in a digit must also end at one ("60" is not in "600" or "1,600"); a needle ending in
    a letter may continue ("drone" is in "drones", "expel" in "expelled").
    """
    norm = normalize_loose if loose else normalize
    hay, pin = norm(text), norm(needle)
    if not pin:
        return False
    tail = r"(?![\d])" if pin[-1].isdigit() else ""
    head = r"(?<![\w])" if pin[0].isalnum() else ""
    return re.search(head + re.escape(pin) + tail, hay) is not None


def facts_present(answer: str, facts: Sequence[str]) -> list[bool]:
    return [contains(answer, f) for f in facts]


def fact_recall(answer: str, facts: Sequence[str]) -> float | None:
    """Share of reference facts present in the answer; None when there are no facts."""
    if not facts:
        return None
    found = facts_present(answer, facts)
    return sum(found) / len(found)


# -- retrieval ---------------------------------------------------------------------------------------


def first_rank(flags: Sequence[bool], k: int | None = None) -> int | None:
    """1-based rank of the first True within the top ``k``."""
    for i, flag in enumerate(flags[:k] if k else flags):
        if flag:
            return i + 1
    return None


def reciprocal_rank(flags: Sequence[bool], k: int | None = None) -> float:
    rank = first_rank(flags, k)
    return 1.0 / rank if rank else 0.0


def hits_at_k(flags: Sequence[bool], k: int) -> float:
    return 1.0 if first_rank(flags, k) else 0.0


def recall_at_k(ranked: Sequence[T], gold: Iterable[T], k: int | None = None) -> float | None:
    """Share of distinct gold ids found among the top ``k`` ranked ids; None without gold."""
    wanted = set(gold)
    if not wanted:
        return None
    top = set(ranked[:k] if k else ranked)
    return len(wanted & top) / len(wanted)


def mrr(ranked: Sequence[T], gold: Iterable[T], k: int | None = None) -> float | None:
    wanted = set(gold)
    if not wanted:
        return None
    return reciprocal_rank([r in wanted for r in ranked], k)


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Half-open character spans [start, end) share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


Span = tuple[str, int, int]  # (file, start_char, end_char)


def chunk_has_quote(chunk: Span, quotes: Iterable[Span]) -> bool:
    """A retrieved chunk "contains" a gold quote when their spans overlap in the same file."""
    return any(chunk[0] == q[0] and spans_overlap((chunk[1], chunk[2]), (q[1], q[2])) for q in quotes)


def quote_recall(chunks: Sequence[Span], quotes: Sequence[Span]) -> float | None:
    """Share of gold quotes overlapped by at least one retrieved chunk."""
    if not quotes:
        return None
    return sum(1 for q in quotes if chunk_has_quote(q, chunks)) / len(quotes)


def quote_mrr(chunks: Sequence[Span], quotes: Sequence[Span]) -> float | None:
    if not quotes:
        return None
    return reciprocal_rank([chunk_has_quote(c, quotes) for c in chunks])


# -- citations (ALCE) ----------------------------------------------------------------------------


Judge = Callable[[str, Sequence[Any]], bool]


def alce_citations(sentences: Sequence[tuple[str, Sequence[Any]]], judge: Judge) -> dict[str, Any]:
    """Citation recall and precision as in ALCE (Gao et al., 2023), for one answer.

    ``sentences`` are (sentence, its citations); ``judge(sentence, citations)`` says whether those
    citations jointly support it. A sentence counts toward recall when its citations jointly support it
    (a sentence without citations does not). A citation is correct (precision) when the sentence is
    supported and the citation supports it on its own, or removing it breaks the support of the rest;
    with a single citation that is simply "it supports the sentence".
    """
    supported = cited = correct = 0
    per_sentence = []
    for sentence, cites in sentences:
        joint = bool(cites) and judge(sentence, list(cites))
        supported += joint
        cited += len(cites)
        good = 0
        if joint and len(cites) > 1:
            for i, c in enumerate(cites):
                rest = [x for j, x in enumerate(cites) if j != i]
                if judge(sentence, [c]) or not judge(sentence, rest):
                    good += 1
        elif joint:
            good = len(cites)
        correct += good
        per_sentence.append({"sentence": sentence, "n_citations": len(cites), "supported": joint, "correct": good})
    n = len(sentences)
    return {
        "recall": supported / n if n else None,
        "precision": correct / cited if cited else None,
        "sentences": n,
        "citations": cited,
        "detail": per_sentence,
    }


def gold_judge(gold_quotes: Sequence[Span], facts: Sequence[str]) -> Judge:
    """A ``Judge`` over citations given as (span, quote text): jointly correct when one of them overlaps a
    gold quote or their quotes together hold every fact. It never looks at the answer sentence."""

    def judge(sentence: str, cites: Sequence[tuple[Span, str]]) -> bool:
        if any(chunk_has_quote(span, gold_quotes) for span, _ in cites):
            return True
        joined = " ".join(text for _, text in cites)
        return bool(facts) and all(contains(joined, f) for f in facts)

    return judge


# -- abstention --------------------------------------------------------------------------------------


def abstention_scores(abstained: Sequence[bool], answerable: Sequence[bool]) -> dict[str, float | None]:
    """Precision and recall of abstaining on unanswerable turns; false-abstention rate on answerable ones."""
    tp = sum(1 for a, ok in zip(abstained, answerable, strict=True) if a and not ok)
    n_abst = sum(abstained)
    n_unans = sum(1 for ok in answerable if not ok)
    n_ans = len(answerable) - n_unans
    false_abst = sum(1 for a, ok in zip(abstained, answerable, strict=True) if a and ok)
    return {
        "precision": tp / n_abst if n_abst else None,
        "recall": tp / n_unans if n_unans else None,
        "false_abstention_rate": false_abst / n_ans if n_ans else None,
        "abstained": n_abst,
        "unanswerable": n_unans,
        "answerable": n_ans,
    }


# -- multiple choice ---------------------------------------------------------------------------------


_TOKEN = re.compile(r"[\w$%.]+")


def tokens(text: str) -> list[str]:
    """Loose-normalised words, number words as digits ("six months" -> ["6", "months"])."""
    out = [t.strip(".") for t in _TOKEN.findall(normalize_loose(text)) if t.strip(".")]
    return [NUMBER_WORDS.get(t, t) for t in out]


def word_share(choice: str, evidence: str, stopwords: Iterable[str] = ()) -> float:
    """Share of the choice's words (stopwords aside, unless nothing is left) found in the evidence."""
    stop = set(stopwords)
    words = [w for w in tokens(choice) if w not in stop] or tokens(choice)
    if not words:
        return 0.0
    have = set(tokens(evidence))
    return sum(1 for w in words if w in have) / len(words)


def phrase_in(choice: str, evidence: str, question: str) -> float:
    """1 when the whole choice occurs in the evidence and not in the question (which any evidence echoes)."""
    as_tokens = " ".join(tokens(choice))
    found = f" {as_tokens} " in f" {' '.join(tokens(evidence))} "
    return float(bool(as_tokens) and found and f" {as_tokens} " not in f" {' '.join(tokens(question))} ")


def pick_choice(cosines: Sequence[float], shares: Sequence[float], phrases: Sequence[float] | None = None) -> int:
    """Index of the best choice by cosine + word share (+ whole phrase found); the first one wins a tie."""
    extra = phrases or [0.0] * len(cosines)
    scores = [c + s + p for c, s, p in zip(cosines, shares, extra, strict=True)]
    return max(range(len(scores)), key=lambda i: (scores[i], -i))


_FIGURE = re.compile(r"\$?\d+(?:\.\d+)?(?:\s?(?:million|billion|thousand|trillion))?")
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def figure_of(text: str) -> float | None:
    """The one positive figure a text states ("$4.96", "1,600", "six", "$1 million"); None for none or several."""
    found = _FIGURE.findall(" ".join(tokens(text)))
    if len(found) != 1:
        return None
    raw = found[0].replace("$", "").split()
    value = float(raw[0]) * (_SCALES[raw[1]] if len(raw) > 1 else 1.0)
    return value if value > 0 else None


def short_answer_choice(short: str, choices: Sequence[str]) -> int | None:
    """The choice an answer's short answer names: the one choice that contains it or that it contains
    ("James" -> "LeBron James"); for choices that are all figures, the one nearest (by ratio) to the short
    answer's figure ("$4.96" -> "$5"). None when it names none of them or several."""
    value, values = figure_of(short), [figure_of(c) for c in choices]
    if value is not None and all(v is not None for v in values):
        distance = [abs(math.log(value / v)) for v in values if v is not None]
        return min(range(len(distance)), key=lambda i: (distance[i], i))
    named = [i for i, c in enumerate(choices) if contains(c, short, loose=True) or contains(short, c, loose=True)]
    return named[0] if len(named) == 1 else None


def lead_choice(lead: str, choices: Sequence[str], question: str) -> int | None:
    """The one choice found whole in an answer's lead sentence (not merely echoed from the question). None
    when it names none or several, and for figures, which a lead may state for another count: the reader
    then weighs all the quotes."""
    named = [i for i, c in enumerate(choices) if phrase_in(c, lead, question)]
    return named[0] if len(named) == 1 and figure_of(choices[named[0]]) is None else None


# -- aggregation -------------------------------------------------------------------------------------


def mean(values: Iterable[float | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), like numpy's default."""
    vals = sorted(float(v) for v in values)
    if not vals:
        return None
    pos = (len(vals) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return vals[lo] + (vals[hi] - vals[lo]) * (pos - lo)


def latency_summary(timings: Sequence[dict[str, float]], stages: Sequence[str]) -> dict[str, dict[str, float | None]]:
    out = {}
    for stage in stages:
        vals = [t[stage] for t in timings if t.get(stage) is not None]
        out[stage] = {"p50": percentile(vals, 50), "p95": percentile(vals, 95), "n": len(vals)}
    return out


def histogram(values: Sequence[float], bins: int = 12) -> list[tuple[float, float, int]]:
    """(low, high, count) bins spanning the values; empty input gives no bins."""
    if not values:
        return []
    lo, hi = min(values), max(values)
    if hi == lo:
        return [(lo, hi, len(values))]
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / width))] += 1
    return [(lo + i * width, lo + (i + 1) * width, c) for i, c in enumerate(counts)]
