"""Typed records shared by the library, the CLI, the UI and the evals.

``Answer`` is the one thing the library returns for a question; every shell renders it and
the evals score it. JSON keys are snake_case and stable (see docs/architecture.md).
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

# The ``date_source`` of an article whose dateline gave no year and whose text states none: the year was taken
# from the other dated articles of its folder (index.loading.date_yearless).
DATE_INFERRED = "inferred"


class Entity(BaseModel):
    """A named entity found at index time (spaCy label), with offsets into its passage's text."""

    start: int
    end: int
    label: str


class Diversity(BaseModel):
    """How a ranked list is spread over files: at most ``per_file_cap`` passages of one file in the top k
    (until fewer files than k match), MMR trade-off ``mmr_lambda`` (1: relevance only)."""

    model_config = ConfigDict(frozen=True)

    per_file_cap: int = Field(ge=1)
    mmr_lambda: float = Field(ge=0, le=1)


class DateWindow(BaseModel):
    """The dates a question may draw on.

    Hard limits (the user's): nothing dated after ``as_of`` is retrieved, nor anything outside
    ``since``/``until``. Soft (read from the question by ``rag.dates.resolve``): the window its date
    ``phrase`` names (``phrase_since``/``phrase_until``) boosts what falls in it, and ``present`` ("latest",
    "now") prefers recent evidence. ``as_of_given``: the user (or the benchmark) chose the as-of day, so the
    question is asked as a reader of that day would ask it, and articles close before it are preferred.
    """

    as_of: date | None = None
    as_of_given: bool = False
    since: date | None = None
    until: date | None = None
    phrase: str | None = None
    phrase_since: date | None = None
    phrase_until: date | None = None
    present: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> DateWindow:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"empty date range: since {self.since} is after until {self.until}")
        return self


class Passage(BaseModel):
    """A span of one source file, with exact offsets so a citation can point into the file.

    For paged formats (PDF) ``page`` is the 1-based page the passage lies on (chunks never
    cross pages) and ``page_line`` the line of the extracted text where that page starts, so
    "p. 3, lines 2–4" counts lines within the page.
    """

    id: str
    text: str
    file: str
    path: str
    title: str
    start_char: int
    end_char: int
    start_line: int
    end_line: int
    content_hash: str
    byline: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD), None when the article states none
    outlet: str | None = None
    date_source: str | None = None  # header, html_meta, front_matter, inferred (DATE_INFERRED) or none
    # Where the file writes its date: the 1-based line, that line's text, and where that text starts (in the
    # article's text for a dateline; in the file's decoded text for a front-matter line, which is blanked out
    # of the article's text and so is in no chunk).
    date_line: int | None = None
    date_quote: str | None = None
    date_char: int | None = None
    # The same for a byline written only in front matter ("author: Jane Roe"); a byline line in the text is
    # on a chunk already.
    byline_line: int | None = None
    byline_quote: str | None = None
    byline_char: int | None = None
    # And for the outlet, when only front matter or a page's metadata line states it.
    outlet_line: int | None = None
    outlet_quote: str | None = None
    outlet_char: int | None = None
    page: int | None = None
    page_line: int | None = None
    # The header cells of a table the passage starts inside, whose header line lies before it (``rag.tables``):
    # what its first rows are read with.
    table_header: list[str] | None = None
    # Entities found at index time: private, so they stay out of JSON output and API schemas.
    _entities: list[Entity] = PrivateAttr(default_factory=list)

    @property
    def entities(self) -> list[Entity]:
        """Named entities of ``text`` (offsets into it), as the indexer's NER found them."""
        return self._entities

    def with_entities(self, entities: list[Entity]) -> Self:
        self._entities = list(entities)
        return self

    @property
    def published_date(self) -> date | None:
        """The publication date, e.g. for a ranker's "days between question and article" feature."""
        try:
            return date.fromisoformat(self.published) if self.published else None
        except ValueError:
            return None


class Chunk(Passage):
    """A passage as the indexer cut it: its place among its file's chunks."""

    chunk_index: int
    n_chunks: int


class SkippedFile(BaseModel):
    file: str
    reason: str


class IndexSummary(BaseModel):
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    skipped: list[SkippedFile] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    repaired_chunks: int = 0
    chunks_embedded: int = 0
    duplicates_reused: int = 0
    dates_added: int = 0  # unchanged files whose stored dates were missing or read differently: set in place
    undated: list[str] = Field(default_factory=list)  # indexed files that state no publication date
    embedding_precision: str | None = None
    ner_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.repaired_chunks or self.dates_added)

    def to_json(self) -> dict:
        data = self.model_dump()
        data["skipped"] = [s.file for s in self.skipped]
        data["skipped_reasons"] = {s.file: s.reason for s in self.skipped}
        return data


class AddedArticle(BaseModel):
    """An article ``rag add`` saved into the corpus (``status``: added, updated or unchanged)."""

    path: str
    title: str
    status: Literal["added", "updated", "unchanged"]
    url: str | None = None


class AddSummary(BaseModel):
    """What ``rag add`` did: articles saved, inputs refused (one line each), then the index run."""

    saved: list[AddedArticle] = Field(default_factory=list)
    rejected: list[SkippedFile] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    index: IndexSummary | None = None


class WatchBatch(BaseModel):
    """One debounced batch of changes in the watched corpus and the index run it caused."""

    changes: int
    files: list[str] = Field(default_factory=list)
    index: IndexSummary | None = None
    error: str | None = None
    note: str | None = Field(None, description="What happened to the watch itself (the folder removed, back).")


class StoryCopy(BaseModel):
    """Another article of the same story (a wire copy or an update), grouped under its representative."""

    file: str
    path: str
    title: str
    outlet: str | None = None
    published: str | None = None


class RetrievedChunk(Passage):
    """A chunk as retrieval ranked it; ``retrievers`` says which retrievers found it."""

    score: float
    retrievers: list[str] = Field(default_factory=list)
    date_boost: float = 0.0  # added to ``score`` for ranking: the question's date window / recency
    also_reported_by: list[StoryCopy] = Field(default_factory=list)


class Source(RetrievedChunk):
    """A retrieved chunk as numbered for the generator: ``[n]`` in the answer refers to it."""

    n: int

    @classmethod
    def number(cls, hits: list[RetrievedChunk]) -> list[Source]:
        return [cls(n=i + 1, **hit.model_dump()).with_entities(hit.entities) for i, hit in enumerate(hits)]


class SourceInfo(BaseModel):
    file: str
    path: str
    title: str
    chunks: int
    content_hash: str
    indexed_at: str
    byline: str | None = None
    published: str | None = None
    outlet: str | None = None
    date_source: str | None = None


class ArticleHeader(BaseModel):
    """What an indexed file's opening chunk says about the article: its title, byline and date."""

    path: str
    file: str
    title: str
    byline: str | None = None
    published: str | None = None  # ISO date, None when the article states none


class StoreStatus(BaseModel):
    files: int
    chunks: int
    embedding_model: str
    last_indexed: str | None
    location: str


class Citation(BaseModel):
    """One ``[n]`` marker: the file, the line range and the exact quote that supports the claim."""

    n: int
    file: str
    path: str
    title: str
    start_line: int
    end_line: int
    quote: str
    quote_start_char: int
    quote_end_char: int
    content_hash: str
    support_score: float
    byline: str | None = None
    published: str | None = None
    page: int | None = None
    page_line: int | None = None
    outlet: str | None = None
    also_reported_by: list[StoryCopy] = Field(default_factory=list)
    date_source: str | None = None  # DATE_INFERRED when ``published`` has a year the article does not write

    @classmethod
    def in_chunk(cls, n: int, chunk: RetrievedChunk, quote: str, rel_start: int, score: float = 1.0) -> Citation:
        """The citation of ``quote``, which starts ``rel_start`` characters into ``chunk``'s text."""
        line = chunk.start_line + chunk.text[:rel_start].count("\n")
        return cls.quoting(n, chunk, quote, chunk.start_char + rel_start, line, score)

    @classmethod
    def quoting(cls, n: int, chunk: RetrievedChunk, quote: str, start: int, line: int, score: float = 1.0) -> Citation:
        """The citation of ``quote``, which starts at ``start`` (a character offset into the file) on ``line``,
        with the file, title, date, byline and outlet of ``chunk``'s article."""
        return cls(
            n=n,
            file=chunk.file,
            path=chunk.path,
            title=chunk.title,
            start_line=line,
            end_line=line + quote.count("\n"),
            quote=quote,
            quote_start_char=start,
            quote_end_char=start + len(quote),
            content_hash=chunk.content_hash,
            support_score=score,
            byline=chunk.byline,
            published=chunk.published,
            page=chunk.page,
            page_line=chunk.page_line,
            outlet=chunk.outlet,
            also_reported_by=chunk.also_reported_by,
            date_source=chunk.date_source,
        )


class ShortAnswer(BaseModel):
    """The entity (or byline, or date) that answers the question, with the ``[n]`` of its citation."""

    text: str
    citation: int
    label: str | None = None
    confidence: float | None = Field(
        None, description="The fitted gate's chance that it is right (None: read from a byline or date line)."
    )


class Answer(BaseModel):
    question: str
    standalone_question: str
    answer: str
    abstained: bool
    backend: str
    model: str | None = None
    note: str | None = None
    short_answer: ShortAnswer | None = None
    citations: list[Citation] = Field(default_factory=list)
    unsupported_sentences: list[str] = Field(default_factory=list)
    retrieved: list[RetrievedChunk] = Field(default_factory=list)
    window: DateWindow | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)


class AnswerDelta(BaseModel):
    """A piece of streamed answer text; the stream ends with the final ``Answer``."""

    text: str


class Check(BaseModel):
    """One line of ``rag doctor``: a part of the system, whether it works, and the fix when it does not."""

    name: str
    status: Literal["ok", "warn", "fail"]
    detail: str
    fix: str | None = None


class ArticleText(BaseModel):
    """An indexed article as a shell shows it: decoded exactly as the indexer read it."""

    path: str
    title: str
    text: str
    content_hash: str
    url: str | None = None
    pages: list[tuple[int, int]] | None = None  # each page's (start, end) in ``text``, for paged formats

    def page_text(self, page: int) -> tuple[str, int]:
        """(text of 1-based ``page``, its offset in ``text``); the whole text for an unpaged article."""
        if not self.pages or not 1 <= page <= len(self.pages):
            return self.text, 0
        start, end = self.pages[page - 1]
        return self.text[start:end], start


class AddedArticles(BaseModel):
    """What ``Assistant.add_articles`` did with each file: saved under a corpus path, or rejected with why."""

    saved: list[str] = Field(default_factory=list)
    rejected: list[SkippedFile] = Field(default_factory=list)
