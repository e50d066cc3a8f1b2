"""The embedded default answerer: selects and quotes the sentences that best answer the question.

Each sentence of the retrieved chunks is scored by embedding similarity to the question,
overlap of content words, the question's names and numbers, and whether it holds the kind of
answer asked for ("how many" wants a figure, "who" a person or organisation, "when" a date,
"where" a place). The best ones are de-duplicated, put in a readable order and each is
followed by its citation. Nothing is generated, so nothing can be invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from rag import prompts
from rag.conversation import context_of, main_question, rewrite
from rag.embeddings import Embedder
from rag.generator import Generator, History, Source
from rag.settings import ExtractiveSettings
from rag.text import (
    DATE_RE,
    DURATION_RE,
    STOPWORDS,
    amount_spans,
    amounts,
    content_terms,
    exact_match,
    looks_like_injection,
    name_tokens,
    names,
    normalize_number,
    numbers,
    people,
    split_sentences,
    term,
)

_YEAR = re.compile(r"^(19|20)\d\d$")
_HOW_MANY = re.compile(
    r"\b(how (many|much|far|long|old|big|large|close|near)|what (number|percentage|share|amount|sum|size|distance)|"
    r"number of|cost|price|figure)\b",
    re.I,
)
_PERSON = re.compile(
    r"\bname of\b|^\W*who (is|was|are|were)\b|\bwhich (person|official|general|spokesperson|spokesman|"
    r"spokeswoman|leader|secretary|president|minister|reporter|journalist|author)\b|\bwho wrote\b",
    re.I,
)
_AGENT = re.compile(r"^\W*(who|whom|whose)\b|\bwhich (group|company|organi[sz]ation|agency|news agency|outlet)\b", re.I)
_WHEN = re.compile(r"^\W*when\b|\bwhat (year|date|month|day|time)\b|\bsince when\b|\bhow long ago\b", re.I)
_WHY = re.compile(r"^\W*why\b|\bwhat (prompted|caused|led|drove|made|motivated)\b|\b(for what|the) reasons?\b", re.I)
_CAUSAL = re.compile(
    r"\b(because|due to|owing to|as a result|prompting|prompted|led to|leading to|in order to|so that|amid|"
    r"in response to|reasons?|to (combat|counter|fight|help|protect|secure)|seeking|sought|driven by|"
    r"concerns? (over|about|that)|after)\b",
    re.I,
)
_WHERE = re.compile(r"^\W*where\b|\bwhich (country|countries|city|cities|base|region|place|town|capital)\b", re.I)
# "Which air base", "which army camp": the answer is a name of that kind of facility ("Air Base 101").
_FACILITY = re.compile(r"\bwhich (?:\w+ )?(base|camp|airport|airfield|port|facility|compound)s?\b", re.I)
_GENERIC = frozenset(
    "name number amount year date time day month place happen happened cost many much who what when where which "
    "kind type reason way thing article articles report reported say said tell use used happen mean do did make "
    "made become became go went get got take took role purpose".split()
)
_HOW_MANY_ONLY = re.compile(r"\bhow many\b", re.I)


def _raw_amounts(sentence: str) -> list[str]:
    return [sentence[a:b] for _, (a, b) in amount_spans(sentence)]


# A distance spelled out ("two miles") answers "how far" / "how close"; "eight months" does not answer a cost.
_HOW_FAR = re.compile(r"\bhow (far|close|near)\b|\bwhat distance\b", re.I)
_WORD_AMOUNT = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|dozens?|hundreds|thousands)"
    r"\s+(?:[A-Z][\w.]*\s+)?[a-z]{3,}s\b",
    re.I,
)
_HOW_LONG = re.compile(r"\bhow long\b", re.I)
_STRICT = frozenset({"number", "date", "person", "place"})


def expected_type(question: str) -> str | None:
    """What kind of answer the question wants; "agent" (a plain "who") and "reason" (a "why", answered by a
    sentence that gives a cause) are preferences, not musts."""
    q = main_question(question)
    kinds = (("number", _HOW_MANY), ("date", _WHEN), ("person", _PERSON), ("place", _WHERE), ("place", _FACILITY))
    for kind, pattern in kinds:
        if pattern.search(q):
            return kind
    if _AGENT.search(q):
        return "agent"
    return "reason" if _WHY.search(q) else None


def _fresh_names(sentence: str, question: str) -> set[str]:
    asked = content_terms(question)
    return {n for n in names(sentence) - names(question) if not content_terms(n) <= asked}


def _spelled_amount(sentence: str, question: str) -> bool:
    """A figure in words ("six coups"), unless the question itself states it ("citing two officials")."""
    asked = set(re.findall(r"[a-z]+", question.lower()))
    return any(m.group(1).lower() not in asked for m in _WORD_AMOUNT.finditer(sentence))


def has_type(kind: str | None, sentence: str, question: str) -> bool:
    if kind is None:
        return True
    if kind == "number":
        if _HOW_MANY_ONLY.search(question):
            return any(not a.startswith("$") for a in _raw_amounts(sentence)) or _spelled_amount(sentence, question)
        duration = _HOW_LONG.search(question) is not None and bool(DURATION_RE.search(sentence))
        spelled = _HOW_FAR.search(question) is not None and _spelled_amount(sentence, question)
        return bool(amounts(sentence)) or duration or spelled
    if kind == "date":
        return bool(DATE_RE.search(sentence))
    if kind == "reason":
        return bool(_CAUSAL.search(sentence))
    fresh = _fresh_names(sentence, question)
    if kind == "place":
        if facility := _FACILITY.search(question):
            head = re.compile(rf"{facility.group(1)}s?\b", re.I)
            return any(head.search(n) for n in fresh)
        lead = r"\b(in|at|near|to|from|outside)\s+(the\s+)?"
        return any(re.search(lead + re.escape(n), sentence, re.I) for n in fresh)
    if kind == "agent":
        asked = question.lower()
        return any(p not in asked for p in people(sentence))
    if kind == "person":
        asked = question.lower()
        return any(p not in asked for p in people(sentence))
    return bool(fresh)


def focus(kind: str | None, sentence: str, question: str) -> float:
    """-1..1: is the figure or date next to what the question is about, and not about something else?

    "How many US troops" is answered by "1,100 US soldiers", not by "60 Russian troops".
    """
    if kind not in ("number", "date"):
        return 0.0
    tokens = re.findall(r"\$?[\w.,’'-]*\w", sentence)
    lowered = [t.lower().rstrip(".,") for t in tokens]
    asked_terms = content_terms(question)
    asked_names = name_tokens(question)
    best = -1.0
    for i, token in enumerate(tokens):
        typed = bool(numbers(token)) and not _YEAR.match(token) if kind == "number" else bool(DATE_RE.match(token))
        if not typed:
            continue
        window = lowered[max(0, i - 6) : i] + lowered[i + 1 : i + 5]
        near = {term(w) for w in window} & asked_terms
        dist = min((abs(j - i) for j, w in enumerate(lowered) if term(w) in asked_terms and j != i), default=99)
        after = tokens[i + 1 : i + 4]
        rival = any(t[:1].isupper() and content_terms(t) and not content_terms(t) & asked_names for t in after)
        score = (0.5 if near else 0.0) + max(0.0, 0.5 - dist / 20) - (0.7 if rival else 0.0)
        if kind == "date" and i + 1 < len(tokens) and _YEAR.match(tokens[i + 1]):
            score += 0.1
        best = max(best, score)
    return best


_MODIFIED = re.compile(r"\b([A-Z][\w.’'-]*)\s+([a-z]+)")


def agreement(sentence: str, question: str) -> float:
    """+1 when the question's own name qualifies its subject ("US troops"), -1 for a rival ("Russian troops")."""
    asked_terms = content_terms(question)
    asked_names = {term(n) for n in name_tokens(question)}
    result = 0.0
    for match in _MODIFIED.finditer(sentence):
        modifier, noun = match.group(1), match.group(2)
        if term(noun) not in asked_terms or (modifier.lower() in STOPWORDS and not modifier.isupper()):
            continue
        mod_terms = content_terms(modifier)
        if not mod_terms:
            continue
        if mod_terms & asked_names:
            result = max(result, 1.0)
        elif asked_names and min(result, 0.0) == 0.0:
            result = -1.0 if result == 0.0 else result
    return result


@dataclass
class Candidate:
    source: Source
    text: str
    start: int
    score: float
    vector: np.ndarray
    typed: bool
    sim: float
    agrees: float = 0.0


class ExtractiveGenerator(Generator):
    backend = "extractive"
    model = None

    def __init__(self, embedder: Embedder, settings: ExtractiveSettings) -> None:
        self.embedder = embedder
        self.settings = settings
        self.note = prompts.EXTRACTIVE_NOTE

    def condense(self, question: str, history: History) -> str:
        return rewrite(question, history)

    def candidates(self, question: str, sources: Sequence[Source]) -> list[Candidate]:
        main, context = main_question(question), context_of(question)
        kind = expected_type(question)
        sentences = [
            (src, s)
            for src in sources
            for s in split_sentences(src.text)
            if len(s.text.split()) >= 5
            and not _is_heading(s.text)
            and s.text != src.title.strip()
            and not s.text.rstrip('"”’)').endswith("?")
            and not looks_like_injection(s.text)
        ]
        if not sentences:
            return []
        vectors = self.embedder.embed_cached([s.text for _, s in sentences])
        qvec = self.embedder.embed_cached([main])[0]
        cvec = self.embedder.embed_cached([context])[0] if context else None
        q_terms = content_terms(main)
        c_terms = content_terms(context) - q_terms
        context_weight = 0.25 if q_terms - _GENERIC else 0.5
        out = []
        for (src, sent), vec in zip(sentences, vectors, strict=True):
            terms = content_terms(sent.text)
            sim = float(vec @ qvec)
            if cvec is not None:
                sim = (1 - context_weight) * sim + context_weight * float(vec @ cvec)
            overlap = len(q_terms & terms) / len(q_terms) if q_terms else 0.0
            context_overlap = len(c_terms & terms) / len(c_terms) if c_terms else 0.0
            typed = has_type(kind, sent.text, question)
            agrees = agreement(sent.text, main)
            novelty = 0.0 if terms - q_terms - c_terms else -0.15
            score = (
                0.4 * sim
                + 0.2 * overlap
                + 0.2 * focus(kind, sent.text, main)
                + 0.1 * agrees
                + 0.05 * context_overlap
                + 0.1 * exact_match(question, sent.text)
                + (0.15 if typed and kind else -0.1 if kind in _STRICT else 0.0)
                + novelty
                - 0.01 * (src.n - 1)
            )
            out.append(Candidate(src, sent.text, sent.start, score, vec, typed, sim, agrees))
        return sorted(out, key=lambda c: c.score, reverse=True)

    def select(self, question: str, sources: Sequence[Source]) -> list[Candidate]:
        ranked = self.candidates(question, sources)
        kind = expected_type(question)
        digits = (normalize_number(n) for n in re.findall(r"\d[\d,]*", main_question(question)))
        named_numbers = {n for n in digits if not _YEAR.match(n)}
        if named_numbers:
            ranked = [c for c in ranked if named_numbers <= numbers(c.text)]
        strict = kind in _STRICT
        if strict:
            ranked = [c for c in ranked if c.typed] + [c for c in ranked if not c.typed]
        if not ranked or ranked[0].score < self.settings.min_answer_score:
            return []
        if strict and not ranked[0].typed:
            return []
        if ranked[0].sim < self.settings.min_answer_similarity or not self._on_topic(ranked[0], question):
            return []
        untyped = [c.sim for c in ranked if not c.typed]
        if strict and untyped and ranked[0].sim < max(untyped) - self.settings.max_type_gap:
            return []
        best = ranked[0]
        chosen = [best]
        for cand in ranked[1:]:
            if len(chosen) >= self.settings.max_sentences:
                break
            margin = 0.15 if kind == "number" and cand.typed and cand.source.file != best.source.file else 0.08
            if cand.score < best.score - margin or (strict and not cand.typed) or cand.agrees < 0 <= best.agrees:
                continue
            if any(_redundant(cand, c) for c in chosen):
                continue
            chosen.append(cand)
        rest = sorted(chosen[1:], key=lambda c: (c.source.n, c.start))
        return [best, *rest]

    def _on_topic(self, cand: Candidate, question: str) -> bool:
        """The sentence must mention what is asked about, not only who or where: "the population of
        Greenvale" is not answered by a sentence about a festival in Greenvale. Close paraphrases pass."""
        main = main_question(question)
        core = content_terms(main) - {term(t) for t in name_tokens(main)} - _GENERIC
        if not core or cand.sim >= self.settings.paraphrase_similarity:
            return True
        return bool(core & content_terms(cand.source.text))

    def stream_answer(self, question: str, sources: Sequence[Source]) -> Iterator[str]:
        chosen = self.select(question, sources)
        if not chosen:
            yield prompts.NO_ANSWER
            return
        for i, cand in enumerate(chosen):
            yield ("" if i == 0 else " ") + f"{cand.text} [{cand.source.n}]"


def _is_heading(text: str) -> bool:
    """Title-like lines ("Russian Troops Enter US Military Bases") carry little evidence."""
    if text.rstrip()[-1:] in '.!?"”’)':
        return False
    tokens = text.split()
    capitalised = sum(1 for t in tokens if t[:1].isupper() or not t[:1].isalpha())
    return capitalised / len(tokens) > 0.6


def _redundant(a: Candidate, b: Candidate) -> bool:
    """Near-duplicates add nothing, unless they disagree on a figure (then both are shown)."""
    if float(a.vector @ b.vector) < 0.9 and len(content_terms(a.text) ^ content_terms(b.text)) > 4:
        return False
    return numbers(a.text) == numbers(b.text)
