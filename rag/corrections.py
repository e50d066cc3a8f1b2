"""Correction notices: a newsroom's "Correction: …" article that retracts a figure an answer would repeat.

A correction restates the error ("An article published on July 17 said that 46 homes had been destroyed")
and gives the right value ("The correct figure … is 64 homes"). Quoted as evidence, its first sentence
confirms the very figure it retracts. When a read passage is such a notice and the answer's value is the one
it retracts, the answer says so: the value is not shown in bold, and the notice's correcting sentences are
quoted with their citation. What a notice is comes from its title (newsroom convention: "Correction",
"Clarification", "Erratum"), general English, not tied to any outlet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.models import Citation, ShortAnswer, Source
from rag.prompts import CORRECTION_LEAD
from rag.text import amount_spans, split_sentences

_NOTICE_TITLE = re.compile(r"^\W*(?:corrections?|clarifications?|errat(?:um|a)|editor['’]s note)\b", re.I)


def is_notice(source: Source) -> bool:
    """Whether the passage is from a correction notice (its title, or the first line of its text, says so)."""
    first = source.text.lstrip().split("\n", 1)[0] if source.start_char == 0 else ""
    return bool(_NOTICE_TITLE.match(source.title or "") or _NOTICE_TITLE.match(first))


# A sentence of a notice that reports what the earlier article said ("An article published on July 17 said that 46
# homes …"): it restates the error, so it is no evidence. General newsroom English.
_RESTATES = re.compile(
    r"\b(?:article|story|report|item|headline|caption|version)s?\b.*\b(?:said|stated|reported|misstated|"
    r"gave|described|misidentified|referred)\b|\b(?:incorrectly|wrongly|mistakenly|erroneously)\b",
    re.I,
)


def restates_the_error(sentence: str) -> bool:
    """A sentence of a notice (``is_notice``) that reports the earlier, wrong text: never quoted as evidence."""
    return bool(_RESTATES.search(sentence))


def _values(text: str) -> set[str]:
    return {value for value, _ in amount_spans(text)}


def _given(short: ShortAnswer | None, citations: Sequence[Citation]) -> set[str]:
    """The figures the answer gives: its short answer's, else its quotes'."""
    given = _values(short.text) if short is not None and short.label != "DATE" else set()
    return given or {v for c in citations for v in _values(c.quote)}


def retracted(short: ShortAnswer | None, citations: Sequence[Citation], sources: Sequence[Source]) -> list[Source]:
    """The notices among ``sources`` that restate a figure the answer gives (``_given``) and give another: that
    figure is the one they correct."""
    given = _given(short, citations)
    found = []
    for source in sources:
        if not is_notice(source):
            continue
        stated = _values(source.text)
        if given & stated and stated - given:
            found.append(source)
    return found


def correcting_quotes(notice: Source, wrong: set[str]) -> list[tuple[str, int]]:
    """The notice's sentences that give a figure other than the wrong one (the correct value), with their
    offsets in the passage; the sentences that only restate the error are left out."""
    out = []
    for sentence in split_sentences(notice.text):
        values = _values(sentence.text)
        if values and not values <= wrong and sentence.text not in (notice.title or ""):
            out.append((sentence.text, sentence.start))
    return out


def correction_note(
    short: ShortAnswer | None, citations: Sequence[Citation], sources: Sequence[Source]
) -> tuple[str, list[Citation]] | None:
    """The note (text with ``[n]`` markers) and its new citations when a read correction notice retracts the
    answer's figure; None otherwise. New citations are numbered after ``citations``."""
    notices = retracted(short, citations, sources)
    if not notices:
        return None
    wrong = _given(short, citations)
    parts: list[str] = []
    added: list[Citation] = []
    n = max((c.n for c in citations), default=0)
    for notice in notices:
        for quote, start in correcting_quotes(notice, wrong):
            existing = next((c for c in [*citations, *added] if c.path == notice.path and c.quote == quote), None)
            if existing is None:
                n += 1
                existing = Citation.in_chunk(n, notice, quote, start)
                added.append(existing)
            parts.append(f"{quote} [{existing.n}]")
    if not parts:
        return None
    dated = f" ({notices[0].published})" if notices[0].published else ""
    values = ", ".join(sorted(wrong & set().union(*(_values(x.text) for x in notices))))
    return f"{CORRECTION_LEAD}{dated} retracts {values}: " + " ".join(parts), added
