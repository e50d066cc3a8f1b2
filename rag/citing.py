"""Parse ``[n]`` markers, find the exact supporting quote, and check that it really supports the claim.

A citation survives only if its passage supports the sentence it is attached to: embedding
similarity plus coverage of the claim's content words, with every number and name in the
claim required to appear in the passage. Markers for sources that were never given are
removed; a sentence left without a supporting citation is reported as unsupported.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from rag import prompts
from rag.attachment import Matcher, WordVectors, focus_of
from rag.embeddings import Embedder
from rag.generator import Source
from rag.models import Citation
from rag.questions import counted_words
from rag.rendering import MARKER_RE, MARKERS_RUN, marker_numbers
from rag.tables import sentences as table_sentences
from rag.text import (
    CALENDAR_WORDS,
    NUMBER_WORDS,
    STOPWORDS,
    YEAR_RE,
    Sentence,
    amount_spans,
    content_terms,
    looks_like_injection,
    mentioned,
    name_tokens,
    numbers,
    split_sentences,
    stem,
    term,
    words,
)
from rag.units import CURRENCY_UNITS, DIMENSION_UNITS, SCALED_CURRENCY_UNITS, TIME_UNIT

_LEADING_MARKERS = re.compile(rf"\s*(?:{MARKERS_RUN.pattern})")
_NOT_STATED = re.compile(
    r"\b(do(es)? not (say|state|mention|specify|answer|give|report)|not (stated|mentioned|specified|reported|known)|"
    r"unclear|no information|differ|different figures)\b",
    re.I,
)


@dataclass
class Claim:
    text: str
    cited: list[int] = field(default_factory=list)


@dataclass
class Verified:
    answer: str
    citations: list[Citation]
    unsupported: list[str]
    supported_sentences: int


def parse_claims(text: str) -> list[Claim]:
    """Sentences with the markers that follow them; markers before the full stop or after it both count."""
    claims: list[Claim] = []
    for sent in split_sentences(text.replace("\n", " ")):
        raw = sent.text
        lead = _LEADING_MARKERS.match(raw)
        if lead and claims:
            claims[-1].cited += marker_numbers(lead.group(0))
            raw = raw[lead.end() :]
        cited = marker_numbers(raw)
        clean = " ".join(MARKER_RE.sub(" ", raw).split())
        clean = re.sub(r"\s+([.,;:!?])", r"\1", clean)
        if clean.strip(" .") or cited:
            if not clean.strip(" .") and claims:
                claims[-1].cited += cited
            else:
                claims.append(Claim(clean, cited))
    for claim in claims:
        claim.cited = list(dict.fromkeys(claim.cited))
    return claims


def support(claim: str, passage: str, claim_vec: np.ndarray, quote_vec: np.ndarray) -> float:
    """0..1: how well ``passage`` (the quoted sentence or two) supports ``claim``: every number in the
    claim must be in it, its names should be, and its content words and meaning should match."""
    claim_numbers = numbers(claim)
    passage_numbers = numbers(passage)
    if claim_numbers - passage_numbers:
        return 0.0
    claim_names = name_tokens(claim)
    name_share = len(mentioned(claim_names, passage)) / len(claim_names) if claim_names else 1.0
    terms = content_terms(claim)
    passage_terms = {stem(w) for w in words(passage)}
    coverage = len(terms & passage_terms) / len(terms) if terms else 1.0
    cosine = float(claim_vec @ quote_vec)
    return round((0.5 * cosine + 0.5 * coverage) * (0.5 + 0.5 * name_share), 4)


def _windows(passage: str, table_header: Sequence[str] | None = None) -> tuple[list[Sentence], int]:
    """Candidate quotes: single sentences (a table row read with its header, ``rag.tables``: the claim is
    checked against that reading, the quote is the row as written), then pairs of adjacent prose sentences for
    claims that span two; and how many of them are single sentences."""
    read = [(q, row) for q, row in table_sentences(passage, table_header) if len(q.text) > 3]
    sentences = [q for q, _ in read if not looks_like_injection(q.text)]
    prose = [q for q, row in read if row is None and not looks_like_injection(q.text)]
    pairs = [
        Sentence(passage[a.start : b.end], a.start, b.end)
        for a, b in itertools.pairwise(prose)
        if "\n\n" not in passage[a.start : b.end] and b.end - a.start < 600
    ]
    return sentences + pairs, len(sentences)


def _scores(
    claim: str, claim_vec: np.ndarray, windows: list[Sentence], singles: int, embedder: Embedder
) -> list[float]:
    """Support of each window: the ``singles`` sentences first, then the pairs. A sentence that fully
    supports the claim (1.0, the most any window scores: the claim quotes it) cannot be beaten, so the
    pairs, new texts to embed, are then skipped (scored 0): the best window is the same either way."""
    scores: list[float] = []
    for part in (windows[:singles], windows[singles:]):
        if part and max(scores, default=0.0) < 1.0:
            vecs = embedder.embed_cached([q.text for q in part])
            scores += [support(claim, q.text, claim_vec, v) for q, v in zip(part, vecs, strict=True)]
    return scores + [0.0] * (len(windows) - len(scores))


def verify(text: str, sources: Sequence[Source], embedder: Embedder, min_support: float) -> Verified:
    by_n = {s.n: s for s in sources}
    claims = parse_claims(text)
    quotes = {s.n: _windows(s.text, s.table_header) for s in sources}
    claim_vecs = embedder.embed_cached([c.text for c in claims]) if claims else None
    citations: list[Citation] = []
    keys: dict[tuple[int, int], int] = {}
    parts: list[str] = []
    unsupported: list[str] = []
    supported_sentences = 0
    for i, claim in enumerate(claims):
        markers: list[int] = []
        for n in claim.cited:
            source = by_n.get(n)
            if source is None or not quotes.get(n, ([], 0))[0]:
                continue
            qs, singles = quotes[n]
            scores = _scores(claim.text, claim_vecs[i], qs, singles, embedder)
            best = int(np.argmax(scores))
            score = scores[best]
            if score < min_support:
                continue
            key = (n, qs[best].start)
            if key not in keys:
                keys[key] = len(citations) + 1
                quote = source.text[qs[best].start : qs[best].end]  # a row's reading quotes the row as written
                citations.append(Citation.in_chunk(keys[key], source, quote, qs[best].start, score))
            markers.append(keys[key])
        is_meta = bool(_NOT_STATED.search(claim.text)) or claim.text.strip() == prompts.NO_ANSWER
        if markers:
            supported_sentences += 1
            parts.append(claim.text + " " + "".join(f"[{m}]" for m in dict.fromkeys(markers)))
        else:
            parts.append(claim.text)
            if not is_meta:
                unsupported.append(claim.text)
    return Verified(" ".join(parts).strip(), citations, unsupported, supported_sentences)


# The unit a figure is written in: what it measures, never what it counts ("7.9 percent inflation" counts inflation).
_PERCENT = re.compile(r"\s*(?:%|percent\b|per\s+cent\b|percentage\s+points?\b)", re.I)
_UNIT_WORDS = frozenset(
    {*CURRENCY_UNITS, *SCALED_CURRENCY_UNITS, *(u for units in DIMENSION_UNITS.values() for u in units)}
    | {"hour", "hours", "minute", "minutes", "second", "seconds", "day", "days", "week", "weeks", "month", "months"}
    | {"year", "years", "decade", "decades", "century", "centuries"}
)
# Words that say when, not what: calendar and time words, and the words that point at one ("last year").
_WHEN_WORDS = CALENDAR_WORDS | _UNIT_WORDS | {"last", "next", "past", "previous", "coming", "ago", "earlier", "later"}
# Where a figure's clause begins, read backwards: punctuation and the words that open a clause (closed-class English).
_CLAUSE_START = re.compile(
    r"[,;:()\u2013\u2014]|\s-\s|\b(?:and|but|or|after|before|when|while|because|since|although|though|until|"
    r"unless|whereas|that|which|who|whom|whose|where|if)\b",
    re.I,
)
# Words that turn a figure's clause against what it states: "voted against", "did not", "opposed".
_AGAINST = frozenset({"not", "no", "never", "against", "without", "nor", "neither", "n't"})
# A figure per unit of time ("45 million marks a day", "the daily cost"): a rate, never the same thing as a total.
_PER_TIME = re.compile(rf"\s*(?:a|an|per|each|every)\s+{TIME_UNIT}\b", re.I)
_RATE_WORDS = frozenset({"hourly", "daily", "weekly", "monthly", "yearly", "annual", "annually"})
_BEFORE = 8  # content words of a figure's clause before it: its subject may open a long clause
_TOKEN = re.compile(r"[A-Za-z][\w’'-]*(?:\.[A-Z]\.?)*|\d[\d,.]*|[,;:()]|\.(?!\w)")


@dataclass(frozen=True)
class Figure:
    """A figure in a quote and what it is a figure of.

    ``counted``: the content words after it, past its unit ("1,100 US soldiers" -> soldiers; "a 6 percent pay
    rise" -> pay, rise; "58 percent of members" -> members); ``before``: those of its clause before it, what
    it is of when nothing follows ("a rise of 6 percent" -> rise; "which cost more than $100 million" -> cost).
    Words of time ("7.9 percent last year") are neither: they say when."""

    raw: str
    value: str
    unit: str
    counted: frozenset[str]
    before: frozenset[str]
    against: bool
    years: frozenset[str]
    rate: bool

    def about(self, other: Figure) -> set[str]:
        """The words saying both figures are of the same thing (empty when nothing says so): what one counts is
        all among what the other counts ("1,000 military soldiers", "1,100 soldiers"; not "a 3 percent pay offer"
        and "a 5 percent pay rise"), or among the words of the other's clause before it ("a 9 percent pay rise",
        "a pay rise of 6 percent"; not "council tax will rise 4.5 percent"); failing both, the words of their
        clauses before them share one ("which cost more than $100 million", "built at a cost of $110 million")."""
        if self.counted and other.counted:
            return _within(self.counted, other.counted) or _within(other.counted, self.counted)
        if self.counted or other.counted:
            return _within(self.counted or other.counted, other.before if self.counted else self.before)
        return _shared(self.before, other.before)


def _shared(a: frozenset[str], b: frozenset[str]) -> set[str]:
    stems = {term(w) for w in b}
    return {w for w in a if term(w) in stems}


def _within(a: frozenset[str], b: frozenset[str]) -> set[str]:
    """``a`` when all its words are among ``b``'s (by stem), else nothing."""
    shared = _shared(a, b)
    return shared if len(shared) == len(a) else set()


def _content(word: str) -> bool:
    return (
        word.isalpha()
        and word.islower()
        and len(word) > 2
        and word not in STOPWORDS
        and word not in NUMBER_WORDS
        and word not in _WHEN_WORDS
    )


def _unit(quote: str, raw: str, end: int) -> tuple[str, int]:
    """The figure's unit ("percent", "$", a currency or measure word, "" for a bare count) and where it ends."""
    found = _PERCENT.match(quote, end)
    if found:
        return "percent", found.end()
    if raw.startswith("$"):
        return "$", end
    word = re.match(r"[\s-]*([A-Za-z/]+)", quote[end:])
    if word and word.group(1).lower() in _UNIT_WORDS:
        return term(word.group(1).lower()), end + word.end()
    return "", end


# Words inside the noun phrase a figure counts: determiners and the partitive "of" ("62 percent of the members").
_NOUN_PHRASE_GLUE = frozenset({"of", "or", "the", "a", "an", "its", "their", "his", "her", "our", "this", "these"})


def _counted(quote: str, end: int) -> frozenset[str]:
    """What a figure counts: the content words of the noun phrase after it (its unit passed; up to four of them
    among the eight tokens after it), names, numbers and words of time skipped ("1,000 military soldiers" ->
    soldiers, military; "5,000 probable or confirmed monkeypox cases" -> …, monkeypox; "62 percent of the
    households"). It ends at a clause mark, a preposition or other function word ("30 million crowns in flood
    aid": none), and at a participle that closes it ("1,100 soldiers stationed in …", "71 percent of members
    backed the deal")."""
    tokens = _TOKEN.findall(quote[end : end + 80])[:8]
    out: set[str] = set()
    for i, token in enumerate(tokens):
        if len(out) == 4:
            break
        low = token.lower()
        if low in _NOUN_PHRASE_GLUE or token[0].isdigit() or token[0].isupper():
            continue
        if not token[0].isalnum() or low in STOPWORDS or _CLAUSE_START.fullmatch(token):
            break
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if out and low.endswith(("ed", "ing")) and not (_content(following) or following[:1].isupper()):
            break
        if _content(token):
            out.add(token)
    return frozenset(out)


def _clause_before(quote: str, start: int) -> str:
    marks = [m.end() for m in _CLAUSE_START.finditer(quote, 0, start)]
    return quote[max(marks, default=0) : start]


def _figures(quote: str) -> list[Figure]:
    """Each figure in a quote (``amount_spans``: no years, clock times, ids or days of dates) with its unit, what it
    counts, the content words of its clause before it (the last eight), whether that clause is turned against
    it, and the years the clause names (else those before it: a fronted "In July 2008, …")."""
    out = []
    for value, (start, end) in amount_spans(quote):
        raw = quote[start:end]
        unit, past = _unit(quote, raw, end)
        clause = _clause_before(quote, start)
        before = [w for w in re.findall(r"[A-Za-z][\w’'-]*", clause) if _content(w)][-_BEFORE:]
        following = _CLAUSE_START.search(quote, past)
        rest = quote[past : following.start() if following else len(quote)]
        nearby = words(clause)[-4:] + words(rest)[:4]
        years = frozenset(w for w in words(clause) + words(rest) if YEAR_RE.match(w))
        # "In July 2008, gas prices peaked at $4.11": a year fronted before the figure's clause dates it too.
        years = years or frozenset(w for w in words(quote[: start - len(clause)]) if YEAR_RE.match(w))
        counted = _counted(quote, past)
        rate = bool(_PER_TIME.match(quote, past) or _RATE_WORDS & {*counted, *before})
        against = bool(_AGAINST & set(nearby))
        out.append(Figure(raw, value, unit, counted, frozenset(before), against, years, rate))
    return out


def _comparable(a: str, b: str, most: float = 2.5) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return x != y and x > 0 and y > 0 and max(x, y) / min(x, y) <= most


def _same_slot(a: Figure, b: Figure, most: float = 2.5) -> set[str]:
    """The words saying two figures give different values for the same thing (empty when they do not): comparable
    values in one unit, of the same thing (``Figure.about``), stated alike (not one "voted against" and the other
    "backed"), both rates or both totals ("45 million a day", "610 million in total"), and of no different years
    ("4 percent this year, 3 percent in 2027")."""
    if a.unit != b.unit or not _comparable(a.value, b.value, most) or a.against != b.against or a.rate != b.rate:
        return set()
    if a.years and b.years and not a.years & b.years:
        return set()
    return a.about(b)


def same_slot(quote_a: str, text_a: str, quote_b: str, text_b: str, growing: bool = False) -> bool:
    """Two figures (``text_*`` as written in ``quote_*``) give different values for the same thing, as
    ``conflicts`` notes them; ``growing`` (a later article's count of the same named thing) allows a count that
    grew tenfold (claims, cases and tolls often do) where two accounts of one moment differ by 2.5 at most."""
    a = next((f for f in _figures(quote_a) if f.raw in text_a), None)
    b = next((f for f in _figures(quote_b) if f.raw in text_b), None)
    if a is None or b is None:
        return False
    most = 10.0 if growing and a.counted and b.counted else 2.5  # both say what they count
    return bool(_same_slot(a, b, most))


def dated(cit: Citation, other: Citation) -> str:
    """ " (2026-07-14)" after a value when its article and the other's are dated differently: an evolving story's
    figures change, and which is newer is what a reader weighs first."""
    return f" ({cit.published})" if cit.published and other.published and cit.published != other.published else ""


def _asked(
    about: set[str], of_counted: bool, matcher: Matcher, counted: Sequence[str], vectors: WordVectors | None
) -> bool:
    """Whether the words saying two figures are of one thing are what the question asks about: what a figure
    counts, all of it ("cargo ships" for "How many cargo ships …?"), or all the question counts among it ("ships"
    for "How many ships …?"); of the words their clauses share ("put the damage at"), one."""
    if not of_counted:
        return any(matcher.matching(sorted(about)))
    if all(matcher.matching(sorted(about))):
        return True
    return bool(counted) and all(Matcher(focus_of("", sorted(about)), vectors).matching(list(counted)))


def conflicts(citations: Sequence[Citation], question: str = "", vectors: WordVectors | None = None) -> str | None:
    """A note when two files give different figures for the same thing (``_same_slot``: "1,200 households" and
    "2,100 hectares" are not; nor an age and a count of homes; nor inflation and a pay rise, both in percent).
    With a ``question``, only about what it asks: every word saying the figures are of the same thing is one of
    its content words (by stem, or a close word vector: "soldiers" for "troops"). Beside "How many dockworkers
    walked out?", differing counts of ships are noise, and so are pay rises beside "How much will council tax
    rise?"."""
    figures = [(cit, f) for cit in citations for f in _figures(cit.quote)]
    asked = [w for w in words(question) if _content(w)]
    matcher = Matcher(focus_of(question, asked), vectors) if asked else None
    counted = counted_words(question)
    notes: list[str] = []
    for i, (ca, fa) in enumerate(figures):
        for cb, fb in figures[i + 1 :]:
            if ca.file == cb.file:
                continue
            about = sorted(_same_slot(fa, fb))
            if about and (matcher is None or _asked(about, fa.counted or fb.counted, matcher, counted, vectors)):
                notes.append(f"{fa.raw} [{ca.n}]{dated(ca, cb)} vs {fb.raw} [{cb.n}]{dated(cb, ca)}")
    if not notes:
        return None
    return f"{prompts.CONFLICT_LEAD} " + "; ".join(dict.fromkeys(notes)) + "."
