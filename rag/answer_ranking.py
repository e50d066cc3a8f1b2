"""Which retrieved sentences answer the question: a few features, combined by fitted weights.

Every candidate sentence gets the features below; a logistic model whose weights were fitted by
``bench/fit_answer_ranker.py`` (grouped 5-fold cross-validation on the seed suite and RealTime QA dev)
turns them into a probability that the sentence holds the answer. The weights, the keep ratio (how
close to the best sentence's probability another must come to be quoted too) and the abstention
threshold live in ``rag/data/answer_ranker.json`` and are applied with numpy.
No weight in this module is set by hand.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.entities import within
from rag.conversation import context_of
from rag.corrections import restated_in_notice
from rag.embeddings import Embedder
from rag.logistic import Logistic
from rag.models import Entity, Source
from rag.questions import (
    FIGURE,
    NAMES,
    PLACE,
    QuestionInfo,
    asks_for_a_moment,
    asks_where,
    follows_locative,
    kind_terms,
    span_of_time,
    without_how_phrase,
)
from rag.tables import sentences as table_sentences
from rag.text import (
    CALENDAR_WORDS,
    STOPWORDS,
    YEAR_RE,
    content_terms,
    exact_match,
    looks_like_injection,
    mentioned,
    numbers,
    question_name_tokens,
    snowball,
    term,
    words,
    words_around,
)
from rag.word_forms import lemma_term

WEIGHTS_FILE = Path(__file__).with_name("data") / "answer_ranker.json"
FEATURES = (
    "similarity",
    "similarity_gap",
    "bm25",
    "term_overlap",
    "topic_overlap",
    "context_overlap",
    "context_similarity",
    "name_coverage",
    "stated_figures",
    "expected_type_present",
    "expected_type_missing",
    "type_agreement",
    "type_proximity",
    "neighbour_similarity",
    "position",
    "chunk_rank",
    "chunk_score",
    "length",
)
QUESTION_FEATURES = ("best_probability", "top_chunk_score", "topic_in_evidence", "best_topic_overlap")
# Words any question may use without naming its topic; general English, not tied to any articles.
_GENERIC = frozenset(
    "name number amount year date time day month place happen happened cost many much kind type reason way thing "
    "article articles report reported say said tell use used mean do did make made become became go went get got "
    "take took role purpose people person hold held must may might shall ought anyone anybody anything someone "
    "somebody something everyone everybody everything".split()
)
_GENERIC_TERMS = frozenset(term(w) for w in _GENERIC)  # compared with stemmed question terms
_CALENDAR_TERMS = frozenset(term(w) for w in CALENDAR_WORDS)


@dataclass
class Candidate:
    """One sentence of a retrieved chunk, with its features and, once scored, its probability."""

    source: Source
    text: str
    start: int
    entities: list[Entity]
    vector: np.ndarray
    features: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0

    def typed_entities(self, labels: frozenset[str], question: str) -> list[str]:
        """Entities of the expected kinds that the question does not already name, in reading order: by label
        (a span of time, "eight years", not for "when"), or a name that says it is the asked kind ("the River
        Aldon" for "which river", whatever the tagger called it), or for "where" a name a locative preposition
        introduces ("recorded at Hadley Cross", tagged as an organisation)."""
        asked = content_terms(question)
        moment = asks_for_a_moment(labels)
        kind = kind_terms(question) if labels else frozenset()
        where = bool(labels) and labels <= PLACE and asks_where(question)
        out = []
        for e in self.entities:
            text = self.text[e.start : e.end]
            terms = content_terms(text)
            if terms <= asked:
                continue
            if e.label in labels and not (moment and span_of_time(text)):
                out.append(text)
            elif e.label in NAMES and (kind & terms or (where and follows_locative(self.text[: e.start]))):
                out.append(text)
        return out


Slot = tuple[str, frozenset[str]]  # a value given for the asked slot, and the content terms around it


def slot_values(cand: Candidate, labels: frozenset[str], question: str) -> frozenset[Slot]:
    """The values a sentence gives for the asked slot, each with the content terms within four words of it
    that the question also holds (what the value is about): figures for a count or amount ("4,200" and "about
    4,200" are one value), otherwise the lower-cased expected-kind entities the question does not name."""
    asked = content_terms(question)
    out: set[Slot] = set()
    for e in cand.entities:
        text = cand.text[e.start : e.end]
        if e.label not in labels or content_terms(text) <= asked:
            continue
        around = words_around(cand.text, e.start, e.end)
        about = frozenset(term(w) for w in around if w not in STOPWORDS) & asked
        for value in numbers(text) if labels & FIGURE and numbers(text) else {text.lower()}:
            out.add((value, about))
    return frozenset(out)


def names_the_subject(question: str, source: Source) -> bool:
    """Whether the passage (or its title) names everything the question names: a value from a passage about
    another company or person ("Chief executive Tobias Wendt" for "Who is Pellmark's chief designer?") fills
    a different slot, so it is no disagreement."""
    wanted = question_name_tokens(question)
    return not wanted or mentioned(wanted, f"{source.title} {source.text}") == wanted


def dissenting(
    probabilities: Sequence[float],
    files: Sequence[str],
    values: Sequence[frozenset[Slot]],
    chosen: Sequence[int],
    ratio: float | None,
) -> int | None:
    """The sentence to quote as a disagreement with the chosen ones, if any: the likeliest sentence (its
    probability at least ``ratio`` times the best one's) from a file none of the chosen quotes come from
    that gives a value none of them gives, next to a word of the question (so it is about the asked thing,
    not another figure of the article), while they give one. Two sources that fill the same slot differently
    are both shown; which is right is the reader's call."""
    if ratio is None or not chosen:
        return None
    given = {v for i in chosen for v, _ in values[i]}
    quoted_files = {files[i] for i in chosen}
    if not given:
        return None
    floor = ratio * max(probabilities[i] for i in chosen)
    for i in sorted(range(len(probabilities)), key=lambda i: -probabilities[i]):
        if probabilities[i] < floor:
            return None
        if i in chosen or files[i] in quoted_files:
            continue
        if any(v not in given and a for v, a in values[i]):
            return i
    return None


@dataclass(frozen=True)
class RankerModel:
    """The fitted models: sentence (answers or not) and question (unanswerable or not), and the quoting ratios."""

    sentence: Logistic
    question: Logistic
    keep_ratio: float
    abstain_threshold: float
    # How close (times the best probability) a sentence from another file must come to be quoted as a
    # disagreement when it gives a different value of the asked kind; None: the fit found no use for it.
    dissent_ratio: float | None = None

    def sentence_probabilities(self, rows: np.ndarray) -> np.ndarray:
        return self.sentence.probabilities(rows)

    def unanswerable_probability(self, row: np.ndarray) -> float:
        return float(self.question.probabilities(row.reshape(1, -1))[0])


@lru_cache(maxsize=4)
def load_model(path: Path = WEIGHTS_FILE) -> RankerModel:
    data = json.loads(path.read_text())
    try:
        if "keep_ratio" not in data:
            raise ValueError("no keep ratio")
        sentence = Logistic.from_json(data["sentence"], FEATURES)
        question = Logistic.from_json(data["question"], QUESTION_FEATURES)
    except ValueError:
        raise ValueError(
            f"{path} was fitted for other features or keep rule; re-run bench/fit_answer_ranker.py"
        ) from None
    return RankerModel(
        sentence, question, float(data["keep_ratio"]), float(data["abstain_threshold"]),
        None if data.get("dissent_ratio") is None else float(data["dissent_ratio"]),
    )  # fmt: skip


def sentence_similarities(embedder: Embedder, question: str, sentences: Sequence[str]) -> np.ndarray:
    """Sentence vectors and the question vector: the one place the answerer embeds text, so a store of
    sentence vectors made at index time can replace it."""
    return embedder.embed_cached(list(sentences)), embedder.embed_cached([question])[0]


def _usable(text: str, title: str) -> bool:
    return (
        len(text.split()) >= 5
        and _ends_a_sentence(text)
        and not _is_the_headline(text, title)
        and not text.rstrip('"”’)').endswith("?")
        and not looks_like_injection(text)
    )


def _is_the_headline(text: str, title: str) -> bool:
    """The title quoted as a sentence: a headline is short. A plain-text wire story with no headline has its lead
    as the file's first line, which the loader takes for a title; the lead is the news and stays a candidate."""
    return text == title.strip() and len(text.split()) < _HEADLINE_WORDS


_HEADLINE_WORDS = 14


def _ends_a_sentence(text: str) -> bool:
    """Headings, title and date lines, captions and list items end without a full stop: they carry little
    evidence, and quoting one would fail the citation check (its words run into the next line)."""
    return text.rstrip().rstrip('"”’)]').endswith((".", "!", "?"))


def candidates(info: QuestionInfo, standalone: str, sources: Sequence[Source], embedder: Embedder) -> list[Candidate]:
    """Every usable sentence of the sources, with its features (not yet scored)."""
    stated = {n for n in numbers(info.text) if not YEAR_RE.match(n)}
    found = [  # a correction notice's sentences restating its error are left out
        (src, s, row) for src in sources for s, row in table_sentences(src.text, src.table_header)
        if _usable(s.text, src.title) and not restated_in_notice(src, s.text, s.start)
    ]  # fmt: skip
    if not found:
        return []
    vectors, qvec = sentence_similarities(embedder, info.text, [s.text for _, s, _ in found])
    sims = vectors @ qvec
    context = context_of(standalone)
    context_sims = vectors @ embedder.embed_cached([context])[0] if context else np.zeros(len(found))
    q_terms = content_terms(info.text)
    c_terms = content_terms(context) - q_terms
    core = topic_terms(info.text)
    bm25 = _bm25(list(q_terms), [content_terms(s.text) for _, s, _ in found])
    top_bm25 = max(bm25.max(), 1e-9)
    best_sim = float(sims.max())
    evidence = [src.text.lower() for src in sources]
    out = []
    for i, ((src, sent, row), vec, sim, csim, b) in enumerate(
        zip(found, vectors, sims, context_sims, bm25, strict=True)
    ):
        # A table row is read with its header; its entities are found in its cells.
        entities = row.entities(src.entities) if row else within(src.entities, sent.start, sent.end)
        cand = Candidate(src, sent.text, sent.start, entities, vec)
        terms = content_terms(sent.text)
        typed_texts = cand.typed_entities(info.labels, info.text) if info.labels else []
        typed = bool(typed_texts)
        cand.features = {
            "similarity": float(sim),
            "similarity_gap": float(sim) - best_sim,
            "bm25": float(b) / top_bm25,
            "term_overlap": len(q_terms & terms) / len(q_terms) if q_terms else 0.0,
            "topic_overlap": len(core & terms) / len(core) if core else 1.0,
            "context_overlap": len(c_terms & terms) / len(c_terms) if c_terms else 0.0,
            "context_similarity": float(csim),
            "name_coverage": exact_match(info.text, sent.text, src.text),
            # A figure the question states ("Pier 39", "the 1,500 troops") is seldom paraphrased.
            "stated_figures": len(stated & numbers(sent.text)) / len(stated) if stated else 1.0,
            "expected_type_present": float(typed),
            "expected_type_missing": float(bool(info.labels) and not typed),
            # An answer tends to recur: the share of read passages that mention its expected-kind entity.
            "type_agreement": max((sum(t.lower() in e for e in evidence) for t in typed_texts), default=0)
            / len(sources),
            "type_proximity": proximity(sent.text, typed_texts, q_terms),
            # The sentence before or after may be the one that matches the question ("… said Tuesday. It
            # will cost $5 million.").
            "neighbour_similarity": max(
                (float(sims[j]) for j in (i - 1, i + 1) if 0 <= j < len(found) and found[j][0] is src),
                default=0.0,
            ),
            "position": math.log1p((src.start_char + sent.start) / 500),
            "chunk_rank": math.log(src.n),
            "chunk_score": float(src.score),
            "length": math.log(len(words(sent.text)) + 1),
        }
        out.append(cand)
    return out


def proximity(sentence: str, typed: list[str], asked: frozenset[str]) -> float:
    """1 / (1 + the fewest words between an expected-kind entity and a question term), 0 without either."""
    tokens = words(sentence)
    near = [i for i, w in enumerate(tokens) if term(w) in asked]
    spots = [i for t in typed for i in _find(tokens, words(t))]
    if not near or not spots:
        return 0.0
    return 1.0 / (1 + min(abs(a - b) for a in near for b in spots))


def _find(tokens: list[str], needle: list[str]) -> list[int]:
    n = len(needle)
    return [i for i in range(len(tokens) - n + 1) if n and tokens[i : i + n] == needle]


def topic_terms(question: str) -> frozenset[str]:
    """What the question is about besides its names and the dates the window handles: "the population of
    Greenvale in June 2025" -> {"population"}."""
    names = {term(w) for w in question_name_tokens(question)} | {
        term(w.lower()) for w in question_name_tokens(question)
    }
    asked = content_terms(without_how_phrase(question))
    return frozenset(
        t
        for t in asked
        if t not in names
        and t.lower() not in names
        and t not in _GENERIC_TERMS
        and t not in _CALENDAR_TERMS
        and not YEAR_RE.match(t)
    )


def topic_words(question: str) -> tuple[str, ...]:
    """The words of ``topic_terms`` as the question writes them, in its order."""
    core = topic_terms(question)
    return tuple(dict.fromkeys(w for w in words(question) if len(w) > 1 and w not in STOPWORDS and term(w) in core))


def _bm25(query: list[str], docs: list[frozenset[str]], k1: float = 1.2, b: float = 0.75) -> np.ndarray:
    """Okapi BM25 of each sentence among the candidate sentences (term sets, so tf is 0/1)."""
    n = len(docs)
    lengths = np.array([len(d) for d in docs], dtype=float)
    avg = max(lengths.mean(), 1.0)
    scores = np.zeros(n)
    for t in query:
        has = np.array([t in d for d in docs], dtype=float)
        df = has.sum()
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        scores += idf * has * (k1 + 1) / (has + k1 * (1 - b + b * lengths / avg))
    return scores


def feature_rows(cands: Sequence[Candidate]) -> np.ndarray:
    return np.array([[c.features[f] for f in FEATURES] for c in cands], dtype=float).reshape(len(cands), -1)


def question_features(info: QuestionInfo, cands: Sequence[Candidate], sources: Sequence[Source]) -> dict[str, float]:
    """Evidence-level signals for abstaining: how likely the best sentence is, whether the question's names
    and an entity of the expected kind occur anywhere in what was retrieved."""
    wanted = question_name_tokens(info.text)
    evidence = " ".join(s.text for s in sources)
    typed_any = any(c.features.get("expected_type_present") for c in cands)
    core = topic_terms(info.text)
    best = max(cands, key=lambda c: c.probability, default=None)
    return {
        "best_probability": best.probability if best else 0.0,
        "names_in_evidence": len(mentioned(wanted, evidence)) / len(wanted) if wanted else 1.0,
        "type_in_evidence": float(typed_any) if info.labels else 1.0,
        "top_chunk_score": max((s.score for s in sources), default=0.0),
        "topic_in_evidence": topic_share(info.text, core, evidence),
        "best_topic_overlap": best.features["topic_overlap"] if best else 0.0,
    }


def topic_share(question: str, core: frozenset[str], evidence: str) -> float:
    """The share of the question's topic terms the evidence holds, an irregular form meeting its lemma's other
    forms ("winning time" is in "won the race in 2:17:42"; the light stemmer keeps "won" apart) and a derived
    form its base by the Snowball stemmer ("the mayoral election" in "re-elects Mayor Voss")."""
    if not core:
        return 1.0
    found = core & content_terms(evidence)
    missing = core - found
    if missing:
        evidence_words = [w for w in words(evidence) if w not in STOPWORDS]
        lemmas = {lemma_term(w) for w in evidence_words}
        stems = set(snowball().stemWords([w for part in evidence_words for w in part.split("-")]))
        asked = [w for w in topic_words(question) if term(w) in missing]
        found |= {term(w) for w in asked if lemma_term(w) in lemmas or snowball().stemWord(w) in stems}
    return len(found) / len(core)


# A question word and an evidence word this close (all-MiniLM-L6-v2 cosine of the lone words) say the same
# thing for the hard "topic absent" rule: "staff"/"employs" 0.61, "workforce"/"workers" 0.69, "killed"/"died"
# 0.79, but "injured"/"trapped" 0.31, "president"/"minister" 0.50, "embassy"/"ministry" 0.41 stay apart.
TOPIC_SYNONYM = 0.6


def closest_word(asked: Sequence[str], text: str, vectors: Embedder) -> float:
    """The highest cosine between a word of ``asked`` and a content word of ``text`` (lone words embedded); -1
    when either has none."""
    said = sorted({w for w in words(text.lower()) if w.isalpha() and len(w) > 2 and w not in STOPWORDS})
    if not asked or not said:
        return -1.0
    vecs = vectors.embed_cached([*asked, *said])
    return float((vecs[: len(asked)] @ vecs[len(asked) :].T).max())


def topic_said_otherwise(question: str, evidence: str, vectors: Embedder) -> bool:
    """Whether a topic word of the question has a close word in the evidence: the articles may say "employs
    2,050 people" for "How many staff …?". Read only when no topic word occurs as written (then the answerer
    would abstain)."""
    return closest_word(topic_words(question), evidence, vectors) >= TOPIC_SYNONYM


def score(cands: Sequence[Candidate], model: RankerModel) -> None:
    if not cands:
        return
    for cand, p in zip(cands, model.sentence_probabilities(feature_rows(cands)), strict=True):
        cand.probability = float(p)


def is_unanswerable(qf: dict[str, float], model: RankerModel) -> bool:
    row = np.array([qf[f] for f in QUESTION_FEATURES], dtype=float)
    return model.unanswerable_probability(row) >= model.abstain_threshold
