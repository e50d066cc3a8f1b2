"""Sentence-aware chunks with exact character offsets and line numbers in the source text.

llama-index's ``SentenceSplitter`` decides where chunks end; we then locate every chunk in
the article so that ``text[start_char:end_char] == chunk.text`` always holds: a citation
can then point at lines of the real file, not at a normalised copy.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence

from llama_index.core.node_parser import SentenceSplitter

from index.entities import within
from index.formats import page_of, page_span
from index.loading import Article
from rag.models import Chunk, Entity
from rag.settings import IndexSettings
from rag.tables import header_at

_WORD_RE = re.compile(r"\S+")


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def make_splitter(settings: IndexSettings) -> SentenceSplitter:
    """Sizes are in words: a chunk of ~180 words stays within MiniLM's 256-token window."""
    return SentenceSplitter(
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        tokenizer=_words,
        paragraph_separator="\n\n",
    )


class LineIndex:
    """Maps character offsets to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def _locate(text: str, chunk: str, cursor: int) -> tuple[int, int] | None:
    """Find ``chunk`` in ``text`` at or after ``cursor``, tolerating whitespace changes."""
    pos = text.find(chunk, cursor)
    if pos < 0:
        pos = text.find(chunk)
    if pos >= 0:
        return pos, pos + len(chunk)
    words = _words(chunk)
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    match = pattern.search(text, cursor) or pattern.search(text)
    return (match.start(), match.end()) if match else None


def chunk_id(article: Article, index: int) -> str:
    path_key = hashlib.sha1(article.rel_path.encode()).hexdigest()[:10]
    return f"{path_key}-{article.content_hash[:12]}-{index:05d}"


def _spans(text: str, start: int, end: int, splitter: SentenceSplitter) -> list[tuple[int, int]]:
    """Chunk spans of ``text[start:end]`` as offsets into ``text``."""
    part = text[start:end]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in splitter.split_text(part):
        piece = piece.strip()
        if not piece:
            continue
        span = _locate(part, piece, cursor)
        if span is None:
            continue
        spans.append((start + span[0], start + span[1]))
        cursor = span[0] + 1
    return spans


def _stated_columns(article: Article) -> dict[str, int | str | None]:
    """The lines that state the article's date, byline and outlet, as chunk fields (``date_line``, …)."""
    out: dict[str, int | str | None] = {}
    for prefix, stated in (
        ("date", article.date_stated),
        ("byline", article.byline_stated),
        ("outlet", article.outlet_stated),
    ):
        out[f"{prefix}_line"] = stated.line if stated else None
        out[f"{prefix}_quote"] = stated.quote if stated else None
        out[f"{prefix}_char"] = stated.start_char if stated else None
    return out


def chunk_article(article: Article, splitter: SentenceSplitter, entities: Sequence[Entity] = ()) -> list[Chunk]:
    """Chunks with exact offsets; a paged article is split page by page, so each chunk has one page.
    ``entities`` (offsets into the article) are kept with the chunk they fall in."""
    text = article.text
    stated_lines = _stated_columns(article)
    lines = LineIndex(text)
    spans: list[tuple[int, int, int | None]] = []
    if article.pages:
        for number in range(1, len(article.pages) + 1):
            start, end = page_span(text, article.pages, number)
            spans += [(a, b, number) for a, b in _spans(text, start, end, splitter)]
    else:
        spans = [(a, b, None) for a, b in _spans(text, 0, len(text), splitter)]
    if not spans:
        stripped = text.strip()
        start = text.find(stripped)
        page = page_of(article.pages, start) if article.pages else None
        spans = [(start, start + len(stripped), page)]
    return [
        Chunk(
            id=chunk_id(article, i),
            text=text[start:end],
            file=article.file,
            path=article.rel_path,
            title=article.title,
            start_char=start,
            end_char=end,
            start_line=lines.line_of(start),
            end_line=lines.line_of(max(start, end - 1)),
            content_hash=article.content_hash,
            chunk_index=i,
            n_chunks=len(spans),
            byline=article.byline,
            published=article.published,
            page=page,
            page_line=lines.line_of(article.pages[page - 1]) if article.pages and page else None,
            outlet=article.outlet,
            date_source=article.date_source,
            table_header=list(header) if (header := header_at(text, start)) else None,
            **stated_lines,
        ).with_entities(within(entities, start, end))
        for i, (start, end, page) in enumerate(spans)
    ]
