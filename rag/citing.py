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
from rag.embeddings import Embedder
from rag.generator import Source
from rag.models import Citation
from rag.rendering import MARKER_RE, MARKERS_RUN, marker_numbers
from rag.tables import sentences as table_sentences
from rag.text import (
    STOPWORDS,
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
    words_around,
)

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


def _figures(quote: str) -> list[tuple[str, str, set[str], frozenset[str]]]:
    """(as written, normalised value, terms within four words, what it counts) for each figure in a quote."""
    out = []
    for value, (start, end) in amount_spans(quote):
        around = words_around(quote, start, end)
        context = {term(w) for w in around if w not in STOPWORDS and w.isalpha() and len(w) > 2}
        out.append((quote[start:end], value, context, _counted(quote, end)))
    return out


def _counted(quote: str, end: int) -> frozenset[str]:
    """What a figure counts: the content words of the four after it, up to a clause mark, names skipped
    ("1,000 military soldiers" -> soldier, military; "5,000 probable or confirmed monkeypox cases" -> …,
    monkeypox); none when a clause mark comes first ("Brandvoll, 52, has …")."""
    out = set()
    for token in re.findall(r"[A-Za-z][\w’'-]*(?:\.[A-Z]\.?)*|[,;:()]|\.(?!\w)", quote[end : end + 60])[:4]:
        if not token[0].isalnum():
            break
        if token.islower() and token.isalpha() and token not in STOPWORDS:
            out.add(term(token))
    return frozenset(out)


def _same_thing(a: tuple[set[str], frozenset[str]], b: tuple[set[str], frozenset[str]]) -> bool:
    """Two figures count the same thing: the words after them share one ("1,200 households" and "2,100
    hectares" do not); where one has none, the other's are among the words around it ("Brandvoll, 52," and "46
    homes" do not); where neither has, they share a word around them."""
    (xa, ua), (xb, ub) = a, b
    if ua and ub:
        return bool(ua & ub)
    if ua or ub:
        return bool((ua or ub) & (xb if ua else xa))
    return bool(xa & xb)


def _comparable(a: str, b: str) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return x != y and x > 0 and y > 0 and max(x, y) / min(x, y) <= 2.5


def same_slot(quote_a: str, text_a: str, quote_b: str, text_b: str) -> bool:
    """Two figures (``text_*`` as written in ``quote_*``) give different values for the same thing, as
    ``conflicts`` notes them: comparable values, the same currency, and the words after them counting the same."""
    a = next(((raw, v, (c, u)) for raw, v, c, u in _figures(quote_a) if raw in text_a), None)
    b = next(((raw, v, (c, u)) for raw, v, c, u in _figures(quote_b) if raw in text_b), None)
    if a is None or b is None:
        return False
    return _comparable(a[1], b[1]) and _same_thing(a[2], b[2]) and a[0].startswith("$") == b[0].startswith("$")


def dated(cit: Citation, other: Citation) -> str:
    """ " (2026-07-14)" after a value when its article and the other's are dated differently: an evolving story's
    figures change, and which is newer is what a reader weighs first."""
    return f" ({cit.published})" if cit.published and other.published and cit.published != other.published else ""


def conflicts(citations: Sequence[Citation]) -> str | None:
    """A note when two files give different figures for the same thing (``_same_thing``: "1,200 households" and
    "2,100 hectares" are not; nor an age and a count of homes)."""
    figures = [(cit, raw, value, (ctx, unit)) for cit in citations for raw, value, ctx, unit in _figures(cit.quote)]
    notes: list[str] = []
    for i, (ca, ra, va, xa) in enumerate(figures):
        for cb, rb, vb, xb in figures[i + 1 :]:
            same_currency = ra.startswith("$") == rb.startswith("$")
            if ca.file != cb.file and _comparable(va, vb) and _same_thing(xa, xb) and same_currency:
                notes.append(f"{ra} [{ca.n}]{dated(ca, cb)} vs {rb} [{cb.n}]{dated(cb, ca)}")
    if not notes:
        return None
    return f"{prompts.CONFLICT_LEAD} " + "; ".join(dict.fromkeys(notes)) + "."
