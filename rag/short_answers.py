"""The short answer that opens an answer, and disagreements between sources about it.

Works on a verified answer of any backend: the entities inside each cited quote were found at index
time, so the first entity of the kind the question asks for ("which country" -> a GPE) that the
question does not already name is the short answer, cited like its quote. When quotes from different
files put different entities in the same slot (the words around them overlap each other and the
question), both are shown with their citations.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag import prompts
from rag.metadata_answers import metadata_value
from rag.models import Citation, ShortAnswer, Source
from rag.questions import FIGURE, QuestionInfo, head_noun
from rag.text import STOPWORDS, content_terms, term, words


def _source_of(cit: Citation, sources: Sequence[Source]) -> Source | None:
    return next((s for s in sources if s.path == cit.path and s.start_char <= cit.quote_start_char < s.end_char), None)


def _typed(
    cit: Citation, source: Source, info: QuestionInfo, any_label: bool = False
) -> list[tuple[str, frozenset[str], str]]:
    """(entity text, the terms within four words of it, label) for expected-kind entities in the quote
    (every entity with ``any_label``)."""
    lo, hi = cit.quote_start_char - source.start_char, cit.quote_end_char - source.start_char
    asked = content_terms(info.text)
    out = []
    for e in source.entities:
        if (e.label not in info.labels and not any_label) or e.start < lo or e.end > hi:
            continue
        text = source.text[e.start : e.end]
        if content_terms(text) <= asked:
            continue
        around = words(source.text[max(lo, e.start - 60) : e.start])[-4:] + words(source.text[e.end : e.end + 60])[:4]
        context = frozenset(term(w) for w in around if w not in STOPWORDS and w.isalpha() and len(w) > 2)
        out.append((text, context, e.label))
    return out


def short_answer(info: QuestionInfo, citations: Sequence[Citation], sources: Sequence[Source]) -> ShortAnswer | None:
    """The first expected-kind entity in the cited quotes, in citation order; the byline or date for a
    question about the articles themselves."""
    head = head_noun(info.text)
    kind = {term(w) for w in words(head)} if head else set()
    typed: list[tuple[Citation, str, str]] = []
    named: list[tuple[Citation, str, str]] = []
    for cit in citations:
        source = _source_of(cit, sources)
        if source is None:
            continue
        if info.meta is not None:
            value = metadata_value(info.text, source)
            return ShortAnswer(text=value, citation=cit.n, label=None) if value and value in cit.quote else None
        for text, _, label in _typed(cit, source, info, any_label=bool(info.labels and kind)):
            if label in info.labels:
                typed.append((cit, text, label))
            if info.labels and kind & {term(w) for w in words(text)}:
                named.append((cit, text, label))
    # "Which bridge…?" is answered first by a name that says it is a bridge ("Calder Bridge"), whatever label the
    # small NER model gave it, then by the first entity of the expected kind.
    best = (named or typed or [None])[0]
    if best is None:
        return None
    cit, text, label = best
    return ShortAnswer(text=text, citation=cit.n, label=label)


def entity_conflicts(info: QuestionInfo, citations: Sequence[Citation], sources: Sequence[Source]) -> str | None:
    """A note when quotes from different files name different entities for the asked slot.

    Figures are left to ``citing.conflicts``, which compares the values themselves.
    """
    if not info.labels or info.labels <= FIGURE:
        return None
    asked = content_terms(info.text)
    slots = []
    for cit in citations:
        source = _source_of(cit, sources)
        if source is None:
            continue
        for text, context, _ in _typed(cit, source, info)[:1]:
            if context & asked:
                slots.append((cit, text, context))
    notes = []
    for i, (ca, ta, xa) in enumerate(slots):
        for cb, tb, xb in slots[i + 1 :]:
            different = ta.lower() not in cb.quote.lower() and tb.lower() not in ca.quote.lower()
            if ca.file != cb.file and different and xa & xb:
                notes.append(f"{ta} [{ca.n}] vs {tb} [{cb.n}]")
    if not notes:
        return None
    return f"{prompts.DISAGREE_LEAD} " + "; ".join(dict.fromkeys(notes)) + "."
