"""Correction notices and revisions: text that retracts or replaces a figure an answer would repeat.

A correction restates the error ("An article published on July 17 said that 46 homes had been destroyed")
and gives the right value ("The correct figure … is 64 homes"). Quoted as evidence, its first sentence
confirms the very figure it retracts. When a read passage holds such a notice and the answer's value is the one
it retracts, the answer says so: the value is not shown in bold, and the notice's correcting sentences are
quoted with their citation. A notice is a whole article whose title says so (newsroom convention: "Correction",
"Clarification", "Erratum"), or one paragraph of an article that opens with such a label ("CORRECTION: A story
on March 17 said …", the common form at the foot of a news story) or with "An earlier version of this story …".

A revision gives a figure as an earlier value it replaces ("peaked at 6.45 metres, revising an earlier reading
of 6.2 metres", "revised from 1,800", "previously reported 14,000"): for a question about the present state that
figure is superseded wherever it is stated (``revisions`` and ``superseding``). General English, not tied to any outlet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rag.models import Citation, ShortAnswer, Source
from rag.prompts import CORRECTION_LEAD
from rag.questions import FIGURE
from rag.text import (
    CALENDAR_WORDS,
    STOPWORDS,
    YEAR_PATTERN,
    amount_spans,
    normalize_number,
    numbers,
    split_sentences,
    unwrapped,
)

_NOTICE_TITLE = re.compile(r"^\W*(?:corrections?|clarifications?|errat(?:um|a)|editor['’]s note)\b", re.I)
# A paragraph inside an article: the label needs its colon or dash ("Corrections officers said …" is news).
_NOTICE_LABEL = re.compile(r"\W*(?:corrections?|clarifications?|errat(?:um|a))[*_]*\s*[:—–-]", re.I)
# An editor's note is a notice only when it speaks of an earlier, wrong text (``restates_the_error``).
_EDITORS_NOTE = re.compile(r"\W*editor['’]s\s+note[*_]*\s*[:—–-]", re.I)
_EARLIER_VERSION = re.compile(
    r"\W*(?:an?\s+)?(?:earlier|previous|prior|original)\s+versions?\s+of\s+this\b"
    r"|\W*this\s+(?:article|story|report|item)\s+(?:has\s+been|was)\s+(?:corrected|amended)\b",
    re.I,
)


@dataclass(frozen=True)
class Notice:
    """A correction notice within a read passage: ``source.text[start:end]``."""

    source: Source
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]


def _whole(source: Source) -> bool:
    first = source.text.lstrip().split("\n", 1)[0] if source.start_char == 0 else ""
    return bool(_NOTICE_TITLE.match(source.title or "") or _NOTICE_TITLE.match(first))


@lru_cache(maxsize=512)
def _notice_paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of the paragraphs of ``text`` that are notices; a line only a layout wrapped continues its
    paragraph (``unwrapped``)."""
    out = []
    start = 0
    for line in unwrapped(text).split("\n"):
        end = start + len(line)
        paragraph = text[start:end]
        opens = _NOTICE_LABEL.match(paragraph) or _EARLIER_VERSION.match(paragraph)
        if opens or (_EDITORS_NOTE.match(paragraph) and restates_the_error(paragraph)):
            out.append((start, end))
        start = end + 1
    return tuple(out)


def notices(source: Source) -> list[Notice]:
    """The correction notices in the passage: all of it when its title or first line says so, else each of its
    paragraphs that opens as a notice."""
    if _whole(source):
        return [Notice(source, 0, len(source.text))]
    return [Notice(source, start, end) for start, end in _notice_paragraphs(source.text)]


def in_notice(source: Source, offset: int) -> bool:
    """Whether ``source.text[offset]`` stands in one of its correction notices."""
    return any(n.start <= offset < n.end for n in notices(source))


def cited_in_notice(citation: Citation, sources: Sequence[Source]) -> bool:
    """Whether the quote stands in a correction notice of a read passage."""
    return any(
        s.path == citation.path
        and s.start_char <= citation.quote_start_char < s.end_char
        and in_notice(s, citation.quote_start_char - s.start_char)
        for s in sources
    )


# A sentence of a notice that reports what the earlier article said ("An article published on July 17 said that 46
# homes …"): it restates the error, so it is no evidence. General newsroom English.
_RESTATES = re.compile(
    r"\b(?:article|story|report|item|headline|caption|version)s?\b.*\b(?:said|stated|reported|misstated|"
    r"gave|described|misidentified|referred)\b|\b(?:incorrectly|wrongly|mistakenly|erroneously)\b",
    re.I,
)


def restates_the_error(sentence: str) -> bool:
    """A sentence of a notice that reports the earlier, wrong text: never quoted as evidence."""
    return bool(_RESTATES.search(sentence))


def restated_in_notice(source: Source, sentence: str, start: int) -> bool:
    """A sentence at ``start`` in the passage that stands in a correction notice and restates its error."""
    return restates_the_error(sentence) and in_notice(source, start)


def _values(text: str) -> set[str]:
    return {value for value, _ in amount_spans(text)}


def _wrong_and_right(notice: Notice) -> tuple[set[str], set[str]]:
    """The figures a notice retracts (those of its sentences restating the error, else of its first sentence
    with a figure: a notice states the error before it corrects it) and the others it gives."""
    stated = [_values(s.text) for s in split_sentences(notice.text)]
    restating = [v for s, v in zip(split_sentences(notice.text), stated, strict=True) if restates_the_error(s.text)]
    wrong = set().union(*restating) if restating else next((v for v in stated if v), set())
    return wrong, set().union(*stated) - wrong


def _given(short: ShortAnswer | None, citations: Sequence[Citation], sources: Sequence[Source]) -> set[str]:
    """The figures the answer gives: its short answer's ("About 620", "81-year-old" too; a name or a calendar date
    gives none, so a notice about another figure of the quotes does not touch it), else, without a short answer,
    its quotes' outside notices."""
    if short is not None:
        calendar_date = short.label == "DATE" and _CALENDAR_DATE.search(short.text)
        return set() if calendar_date else numbers(short.text)
    return {v for c in citations if not cited_in_notice(c, sources) for v in _values(c.quote)}


# A date as a calendar writes it (a month, a weekday or a year), whose day is no figure a notice corrects.
_CALENDAR_DATE = re.compile(
    r"\b(?:" + "|".join(sorted(CALENDAR_WORDS, key=len, reverse=True)) + rf")\b|\b{YEAR_PATTERN}\b", re.I
)


def retracted(
    short: ShortAnswer | None, citations: Sequence[Citation], sources: Sequence[Source]
) -> list[tuple[Notice, set[str]]]:
    """The notices among ``sources`` that retract a figure the answer gives (``_given``) and give another, each
    with the figures of the answer it retracts."""
    given = _given(short, citations, sources)
    found = []
    for source in sources:
        for notice in notices(source):
            wrong, right = _wrong_and_right(notice)
            if given & wrong and right:
                found.append((notice, given & wrong))
    return found


def correcting_quotes(notice: Notice, wrong: set[str]) -> list[tuple[str, int]]:
    """The notice's sentences that give a figure other than the wrong one (the correct value), with their
    offsets in the passage; the sentences that only restate the error are left out."""
    out = []
    for sentence in split_sentences(notice.text, notice.start):
        values = _values(sentence.text)
        if values and not values <= wrong and sentence.text not in (notice.source.title or ""):
            out.append((sentence.text, sentence.start))
    return out


def _shown(value: str) -> str:
    """A normalised figure as a reader writes it: "410000" -> "410,000"."""
    return f"{int(value):,}" if value.isdigit() else value


def correction_note(
    short: ShortAnswer | None, citations: Sequence[Citation], sources: Sequence[Source]
) -> tuple[str, list[Citation]] | None:
    """The note (text with ``[n]`` markers) and its new citations when a read correction notice retracts the
    answer's figure; None otherwise. New citations are numbered after ``citations``."""
    found = retracted(short, citations, sources)
    if not found:
        return None
    parts: list[str] = []
    added: list[Citation] = []
    n = max((c.n for c in citations), default=0)
    for notice, wrong in found:
        for quote, start in correcting_quotes(notice, wrong):
            source = notice.source
            existing = next((c for c in [*citations, *added] if c.path == source.path and c.quote == quote), None)
            if existing is None:
                n += 1
                existing = Citation.in_chunk(n, source, quote, start)
                added.append(existing)
            parts.append(f"{quote} [{existing.n}]")
    if not parts:
        return None
    first = found[0][0].source
    dated = f" ({first.published})" if first.published else ""
    values = ", ".join(_shown(v) for v in sorted(set().union(*(wrong for _, wrong in found))))
    return f"{CORRECTION_LEAD}{dated} retracts {values}: " + " ".join(parts), added


# A figure given as an earlier value the sentence replaces: "revising an earlier reading of 6.2 metres", "an initial
# estimate of 40", "revised its forecast from 2.5 percent", "previously reported 14,000". General English.
_EARLIER_VALUE = re.compile(
    r"\b(?:(?:earlier|previous|prior|initial|original|preliminary|first)\s+(?:reading|estimate|figure|count|tally|"
    r"forecast|projection|measurement|report|total|number)s?\s+(?:of|at|was)"
    r"|revis(?:ed|ing|es?)\s+(?:(?!(?:after|before|because|following|amid|when|since|as|with|over)\b)[\w$.,-]+\s+){0,4}?"
    r"from"
    r"|(?:previously|earlier|initially|originally)\s+(?:reported|estimated|stated|given|announced|put|"
    r"thought|published)(?:\s+(?:at|as|to\s+be))?)"
    r"\s+(?:(?:about|around|some|roughly|nearly|almost|approximately|more\s+than|fewer\s+than|less\s+than|over|"
    r"under|just)\s+)?"
    r"(\$?\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s(?:million|billion))?)(?![\d,]*\d)",
    re.I,
)
_FIGURE = re.compile(r"\$?\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s(?:million|billion))?")  # no closing comma: "1,800,"
_UNIT = re.compile(r"\s*(%|[A-Za-z]+)")


@dataclass(frozen=True)
class Figure:
    """A figure as stated: its normalised value and the word after it (its unit or what it counts), if any."""

    value: str
    unit: str | None

    def same(self, other: Figure) -> bool:
        """The same value of the same thing: "6.2 metres" is "6.2 metres", and "1,800" with no word after it is
        any 1,800."""
        return self.value == other.value and (self.unit is None or other.unit is None or self.unit == other.unit)


def _figure(text: str, start: int, end: int) -> Figure:
    after = _UNIT.match(text, end)
    word = after.group(1).lower() if after else None
    word = "percent" if word == "%" else word
    unit = None if word is None or word in STOPWORDS else word.removesuffix("s")
    return Figure(normalize_number(text[start:end]), unit)


@dataclass(frozen=True)
class Revision:
    """A read sentence that gives ``earlier`` as a value it replaces; ``start``/``end`` are file offsets."""

    earlier: Figure
    path: str
    start: int
    end: int


def revisions(sources: Sequence[Source]) -> list[Revision]:
    """The read sentences that give a figure as an earlier value they replace (``_EARLIER_VALUE``)."""
    out = []
    for source in sources:
        sentences = split_sentences(source.text)
        for found in _EARLIER_VALUE.finditer(source.text):
            sentence = next((s for s in sentences if s.start <= found.start(1) < s.end), None)
            if sentence is None:
                continue
            at = source.start_char
            out.append(
                Revision(_figure(source.text, *found.span(1)), source.path, at + sentence.start, at + sentence.end)
            )
    return out


def stated_as_earlier(text: str, start: int, end: int) -> bool:
    """Whether the figure within ``text[start:end]`` is given as an earlier value its sentence replaces."""
    return any(start <= m.start(1) < end for m in _EARLIER_VALUE.finditer(text, max(0, start - 120), end + 20))


def _stated(answer: ShortAnswer, citations: Sequence[Citation]) -> tuple[Figure, Citation, int] | None:
    """The figure a short answer gives, read in its quote, with the quote and its file offset."""
    cit = next((c for c in citations if c.n == answer.citation), None)
    at = cit.quote.find(answer.text) if cit is not None else -1
    found = _FIGURE.search(cit.quote, at, at + len(answer.text)) if cit is not None and at >= 0 else None
    if cit is None or found is None:
        return None
    return _figure(cit.quote, *found.span()), cit, cit.quote_start_char + found.start()


def superseding(
    answer: ShortAnswer, answers: Sequence[ShortAnswer], citations: Sequence[Citation], sources: Sequence[Source]
) -> ShortAnswer | None:
    """For a question about the present state: ``answer`` itself, unless a read sentence gives its figure as an
    earlier value it replaces ("peaked at 6.45 metres …, revising an earlier reading of 6.2 metres"). Then the
    candidate among ``answers`` that this sentence gives instead, of the same kind, or None when none is quoted
    (a superseded figure in bold misleads)."""
    mine = _stated(answer, citations) if answer.label in FIGURE else None
    if mine is None:
        return answer
    figure = mine[0]
    replacing = [r for r in revisions(sources) if r.earlier.same(figure)]
    if not replacing:
        return answer
    for other in answers:
        theirs = _stated(other, citations) if other is not answer else None
        if (
            theirs is None
            or theirs[0].same(figure)
            or not (other.label == answer.label or theirs[0].unit == figure.unit)
        ):
            continue
        if any(r.path == theirs[1].path and r.start <= theirs[2] < r.end for r in replacing):
            return other
    return None
