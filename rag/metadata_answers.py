"""Questions about the articles themselves: who wrote it, when it was published, the latest on a topic.

The indexer read each article's byline and date from its header lines; the answer quotes those lines
from the article's first chunk (the pipeline adds first chunks to the sources for such questions), so
the citation points at the line the byline or date came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rag.models import Source
from rag.questions import MetaKind, meta_kind
from rag.text import split_sentences

_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%Y-%m-%dT%H:%M:%S")


def published_date(text: str | None) -> datetime | None:
    """The date an article's header gave, or None when it gave none or one we cannot read."""
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


def header_line(source: Source, value: str | None) -> str | None:
    """The line of ``source`` holding ``value`` (a byline or date), when the chunk holds it."""
    if not value:
        return None
    return next((s.text for s in split_sentences(source.text) if value in s.text and len(s.text) < 200), None)


def answer_metadata(question: str, sources: Sequence[Source]) -> tuple[str, Source] | None:
    """Text with a ``[n]`` marker quoting the byline or date line, and the source it is from; None for
    other questions, or when no source holds such a line. For "the latest on Z" it is the date line of
    the newest article among the sources."""
    kind = meta_kind(question)
    if kind is None:
        return None
    if kind is MetaKind.LATEST:
        dated = [s for s in sources if published_date(s.published) and header_line(s, s.published)]
        if not dated:
            return None
        newest = max(dated, key=lambda s: (published_date(s.published), -s.n))
        return f"{header_line(newest, newest.published).rstrip('.')}. [{newest.n}]", newest
    # The article asked about is the best-ranked one; another article's byline would answer a different question.
    field = "byline" if kind is MetaKind.AUTHOR else "published"
    for source in (s for s in sources if sources and s.path == sources[0].path):
        line = header_line(source, getattr(source, field))
        if line:
            return f"{line} [{source.n}]", source
    return None


def metadata_value(question: str, source: Source) -> str | None:
    """The short answer of a metadata question: the byline or the date of the cited article."""
    kind = meta_kind(question)
    if kind is MetaKind.AUTHOR:
        return source.byline
    if kind in (MetaKind.PUBLISHED, MetaKind.LATEST):
        return source.published
    return None
