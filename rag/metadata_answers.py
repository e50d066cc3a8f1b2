"""Questions about the articles themselves: who wrote it, when it was published, the latest on a topic.

The indexer read each article's byline and date from its header lines; the answer quotes those lines
from the article's first chunk (the pipeline adds first chunks to the sources for such questions), so
the citation points at the line the byline, outlet or date came from. A date, author or outlet written only in
front matter is on no chunk (front matter is blanked out of the text): the indexer kept that line with the
chunks, and ``with_header_lines`` makes it a passage of its own, so the answer quotes and cites it the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, Field

from rag import prompts
from rag.bylines import Credits, credited, credited_people, name_words, newest_first
from rag.dates import date_of
from rag.models import Citation, DateWindow, Passage, RetrievedChunk, Source
from rag.questions import MetaKind, asks_for_outlets, author_of_subject, authored_name, latest_subject, meta_kind
from rag.text import (
    STOPWORDS,
    content_terms,
    mentioned,
    question_name_tokens,
    snowball,
    split_sentences,
    term,
    words,
)
from rag.time_ranking import allowed

if TYPE_CHECKING:
    from rag.retrieving import Retriever


def with_header_lines(hits: list[RetrievedChunk]) -> list[RetrievedChunk]:
    """``hits`` plus, for each of their files whose date or byline is written on a line that none of its hits
    holds (a front matter's ``date:`` or ``author:`` line), that line as a passage: its file, line number and
    offset, its text."""
    out = list(hits)
    for path in dict.fromkeys(h.path for h in hits):
        mine = [h for h in hits if h.path == path]
        first = mine[0]
        lines = (
            ("date-line", first.date_quote, first.date_line, first.date_char),
            ("byline-line", first.byline_quote, first.byline_line, first.byline_char),
            ("outlet-line", first.outlet_quote, first.outlet_line, first.outlet_char),
        )
        for kind, quote, line, char in lines:
            if not quote or line is None or char is None or any(quote in h.text for h in mine):
                continue
            update = {
                "id": f"{first.id}#{kind}",
                "text": quote,
                "start_char": char,
                "end_char": char + len(quote),
                "start_line": line,
                "end_line": line,
                "score": 0.0,
                "date_boost": 0.0,
                "retrievers": [kind.replace("-", " ")],
                "also_reported_by": [],
                "page": None,
                "page_line": None,
            }
            out.append(first.model_copy(update=update).with_entities([]))
    return out


def header_line(source: Source, value: str | None) -> str | None:
    """The line of ``source`` holding ``value`` (a byline or date), when the chunk holds it."""
    if not value:
        return None
    return next((s.text for s in split_sentences(source.text) if value in s.text and len(s.text) < 200), None)


def date_line(source: Source) -> str | None:
    """The line of ``source`` that states its date: the one the indexer read the date from when the passage
    holds it (a dateline, "PARIS, June 2 (Wire)", may write no year), else a short sentence that writes the
    date."""
    if source.published_date and source.date_quote and source.date_quote in source.text:
        return source.date_quote
    return header_line(source, stated_date(source))


def answer_metadata(question: str, sources: Sequence[Source]) -> tuple[str, Source] | None:
    """Text with a ``[n]`` marker quoting the byline, outlet or date line, and the source it is from; None for
    other questions, or when no source holds such a line. For "the latest on Z" it is the date line of
    the newest article among the sources."""
    kind = meta_kind(question)
    if kind is None or kind is MetaKind.AUTHORED:  # a list, made by ``authored_answer`` from every byline
        return None
    if kind is MetaKind.LATEST:
        dated = [s for s in _about(question, sources) if s.published_date and date_line(s)]
        if not dated:
            return None
        newest = max(dated, key=lambda s: (s.published_date, -s.n))
        return f"{date_line(newest).rstrip('.')}. [{newest.n}]", newest
    if kind is MetaKind.OUTLET and asks_for_outlets(question):
        # "Which outlets covered the vote?": every read article about it, each outlet once, cited to its line.
        lines: dict[str, str] = {}
        for source in _about(question, sources):
            line = header_line(source, source.outlet)
            if line and source.outlet not in lines:
                lines[source.outlet] = f"{line.rstrip('.')}. [{source.n}]"
        first = next((s for s in sources if s.outlet in lines), None)
        return (" ".join(lines.values()), first) if first else None
    # The article asked about: the one the question describes best, else the best-ranked; another article's
    # byline would answer a different question.
    asked = _described(question, sources)
    for source in (s for s in sources if s.path == asked):
        if kind is MetaKind.AUTHOR:
            line = header_line(source, source.byline)
        elif kind is MetaKind.OUTLET:
            line = header_line(source, source.outlet)
        else:
            line = date_line(source)
        if line:
            return f"{line} [{source.n}]", source
    return None


# Words of asking about an article's byline, outlet or date, not of what it is about; general English.
_META_WORDS = frozenset(
    term(w)
    for w in "wrote write written author authored writer article story piece report reported published publish "
    "outlet news interview column who when which".split()
)


def _described(question: str, sources: Sequence[Source]) -> str | None:
    """The file whose title and passages hold most of the words the question describes its article with ("the
    opinion piece on the recall": the one titled "Opinion: …", though every article of the story mentions the
    recall), a title word counting double and each word weighed by how few of the read files hold it; ties go to
    the best-ranked file. A follow-up's carried context counts
    too ("Who wrote the article?" after turns about the regatta)."""
    if not sources:
        return None
    wanted = _stems(question, content_terms(question) - _META_WORDS)
    score: dict[str, int] = {}
    titles: dict[str, str] = {}
    texts: dict[str, str] = {}
    for s in sources:
        titles.setdefault(s.path, s.title)
        texts[s.path] = f"{texts.get(s.path, '')} {s.text}"
    in_title = {path: wanted & _stems(titles[path]) for path in titles}
    in_text = {path: wanted & _stems(texts[path]) for path in titles}
    # A word every article of the story repeats (the subject's name) tells none of them apart: weigh each word
    # by how few of the read files hold it.
    held = {w: sum(w in in_title[p] or w in in_text[p] for p in titles) for w in wanted}
    weight = {w: math.log((len(titles) + 1) / (n + 0.5)) for w, n in held.items()}
    for path in titles:
        score[path] = sum(2 * weight[w] for w in in_title[path]) + sum(weight[w] for w in in_text[path])
    order = list(titles)  # in rank order
    return max(order, key=lambda path: (round(score[path], 6), -order.index(path)))


def _stems(text: str, only: frozenset[str] | None = None) -> frozenset[str]:
    """Snowball stems of the text's content words (of those whose ``term`` is in ``only``): "the story about
    the mediator" is the one titled "… named to mediate …"."""
    return frozenset(
        snowball().stemWord(w)
        for w in words(text.lower())
        if w not in STOPWORDS and len(w) > 1 and (only is None or term(w) in only)
    )


P = TypeVar("P", bound=Passage)


def _about(question: str, sources: Sequence[Source]) -> list[Source]:
    """The sources of the files that name everything the question names and hold a word of what it asks about
    ("the latest on the Vellum Foods recall": the articles that mention Vellum Foods and the recall, not the
    newest article retrieved, nor the newest that only names Vellum Foods); all of them when none does."""
    return _strictly_about(question, sources) or list(sources)


def _strictly_about(question: str, passages: Sequence[P]) -> list[P]:
    """``_about`` without the fallback: none when no file names what the question names and its topic."""
    wanted = question_name_tokens(question)
    by_file: dict[str, str] = {}
    for s in passages:
        by_file[s.path] = f"{by_file.get(s.path, s.title)} {s.text}"
    files = {path for path, text in by_file.items() if mentioned(wanted, text) == wanted} if wanted else set(by_file)
    topic = content_terms(latest_subject(question)) - {term(w) for w in wanted}
    on_topic = {path for path in files if topic & content_terms(by_file[path])}
    return [s for s in passages if s.path in (on_topic or files)]


# "The latest on Z" reads this many times as far down the ranking as other questions do: the best passages about
# Z are seldom the newest ones.
LATEST_POOL = 3


def with_newest(question: str, hits: list[RetrievedChunk], pool: Sequence[RetrievedChunk]) -> list[RetrievedChunk]:
    """``hits`` plus the best-ranked chunk of the newest dated article about the question's topic in ``pool``
    (a wider retrieval), when ``hits`` lack it: an April follow-up ranked below March's long report."""
    dated = [h for h in _strictly_about(question, pool) if h.published_date]
    if not dated:
        return hits
    newest = max(dated, key=lambda h: h.published_date or date.min)
    if any(h.path == newest.path for h in hits):
        return hits
    return [*hits, newest]


def metadata_value(question: str, source: Source) -> str | None:
    """The short answer of a metadata question: the byline or the date of the cited article."""
    kind = meta_kind(question)
    if kind is MetaKind.AUTHOR:
        return source.byline
    if kind is MetaKind.OUTLET:
        return source.outlet
    if kind in (MetaKind.PUBLISHED, MetaKind.LATEST):
        return stated_date(source)
    return None


def stated_date(source: Source) -> str | None:
    """The publication date as the article writes it ("April 9, 2024"), so it can be quoted, on one line (a
    PDF's layout may break it: "April" / "9, 2024"); the stored ISO date when the passage does not contain it in
    words."""
    from rag.dates import DATE_IN_TEXT_RE, parse_date

    day = source.published_date
    if day is None:
        return None
    written = (" ".join(m.group(0).split()) for m in DATE_IN_TEXT_RE.finditer(source.text))
    return next((w for w in written if parse_date(w) == day), source.published)


class AuthoredList(BaseModel):
    """The answer to "Which articles did X write?": the list with a ``[n]`` per article, each citing its byline."""

    text: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    passages: list[RetrievedChunk] = Field(default_factory=list)


def authored_answer(
    question: str, retriever: Retriever, most: int, k: int, window: DateWindow | None = None
) -> AuthoredList:
    """Every indexed article whose byline credits the person asked about, newest first, at most ``most`` of them
    (and how many more), each cited at its byline line; within the user's date limits (``window``: as-of,
    since, until), as retrieval is. The bylines come from the store, not from retrieval: an article need not be
    near the question to be theirs. "What else did the author of the article about Z write?" finds that article
    first (the best-ranked one, as "Who wrote …" does) and lists its authors' other articles."""
    name = authored_name(question)
    headers = [h for h in retriever.store.headers() if allowed(date_of(h.published), window)]
    if name is not None:
        credits = credited(name, headers)
        if credits.ambiguous:
            who = ", ".join(credits.people)
            return AuthoredList(
                text=f"{prompts.NO_ANSWER} The bylines credit more than one person of that name ({who}); "
                "ask with the full name.",
                abstained=True,
            )
        return _listed(credits, retriever, most)
    subject = author_of_subject(question) or question
    hits = retriever.search(subject, k, window=window)
    first = retriever.store.first_chunks([hits[0].path]) if hits else []
    people = credited_people(first[0].byline) if first else []
    if not people:
        return AuthoredList(text=prompts.NO_ANSWER, abstained=True)
    theirs = [credited(person, headers) for person in people]
    others = {a.path: a for c in theirs for a in c.articles if a.path != first[0].path}
    credits = Credits(people=people, articles=newest_first(list(others.values())))
    return _listed(credits, retriever, most, about=first[0])


def _listed(credits: Credits, retriever: Retriever, most: int, about: RetrievedChunk | None = None) -> AuthoredList:
    if not credits.articles and about is None:
        return AuthoredList(text=prompts.NO_ANSWER, abstained=True)
    shown = credits.articles[:most]
    chunks = {c.path: c for c in retriever.store.first_chunks([a.path for a in shown])}
    citations: list[Citation] = []
    passages: list[RetrievedChunk] = []
    who = " and ".join(credits.people)
    lead: list[str] = []
    if about is not None:
        cited = byline_citation(1, about, credits.people)
        if cited is not None:
            citations.append(cited)
            passages.append(about)
        marker = f" [{cited.n}]" if cited else ""
        lead.append(f"{_title(about.title, about.published)}{marker} is by {who}.")
        if not credits.articles:
            lead.append("No other indexed article credits them.")
            return AuthoredList(text=" ".join(lead), abstained=False, citations=citations, passages=passages)
    items: list[str] = []
    for article in shown:
        chunk = chunks.get(article.path)
        cited = byline_citation(len(citations) + 1, chunk, credits.people) if chunk is not None else None
        if cited is not None:
            citations.append(cited)
            passages.append(chunk)
        items.append(f"- {_title(article.title, article.published)}" + (f" [{cited.n}]" if cited else ""))
    count = len(credits.articles)
    other = " other" if about is not None else ""
    plural = f"{other} indexed article credits" if count == 1 else f"{other} indexed articles credit"
    lead.append(f"{count}{plural} {who} in the byline" + (":" if count == 1 else ", newest first:"))
    more = count - len(shown)
    tail = [f"… and {more} more, not listed (the list stops at {most}: RAG_ANSWER_MAX_LISTED_ARTICLES)."]
    return AuthoredList(
        text="\n\n".join([" ".join(lead), *items, *(tail if more else [])]),
        abstained=False,
        citations=citations,
        passages=passages,
    )


def _title(title: str, published: str | None) -> str:
    return f"“{' '.join(title.split()) or 'Untitled'}” ({published or 'undated'})"


def byline_citation(n: int, chunk: RetrievedChunk, people: Sequence[str]) -> Citation | None:
    """A citation of the line that credits ``people`` in ``chunk``'s article: the front-matter line the indexer
    kept when no chunk holds it, else the line of the opening chunk that writes the byline."""
    if chunk.byline_quote and chunk.byline_line is not None and chunk.byline_char is not None:
        if chunk.byline_quote not in chunk.text:
            quote, start, line = chunk.byline_quote, chunk.byline_char, chunk.byline_line
            return Citation.quoting(n, chunk, quote, start, line)
    wanted = [name_words(p) for p in people]
    lines: list[tuple[int, str]] = []
    offset = 0
    for raw in chunk.text.split("\n"):
        lines.append((offset, raw))
        offset += len(raw) + 1
    # The line that writes the stored byline; else one that names a credited person (a headline may name them too,
    # so the exact byline goes first).
    found = next((x for x in lines if chunk.byline and chunk.byline in x[1]), None) or next(
        (x for x in lines if x[1].strip() and any(w and w <= name_words(x[1]) for w in wanted)), None
    )
    if found is None:
        return None
    at, raw = found
    quote = raw.strip()
    return Citation.in_chunk(n, chunk, quote, at + len(raw) - len(raw.lstrip()))
