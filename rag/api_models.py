"""What the HTTP API (``rag.api``) and its client (``rag.client``) send each other.

These are light on purpose: the forwarding client imports them, and a one-shot ``rag ask``
with a server running must not load anything heavier than pydantic. Answers, chunks and
sources travel as the library's own records (``rag.models``), so ``POST /ask`` returns the
same JSON as ``rag ask --json``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from rag.models import Answer, DateWindow, RetrievedChunk, SourceInfo

Backend = Literal["auto", "ollama", "extractive"]
AS_OF = "Answer as of this date (ISO, or text like 'yesterday'): nothing published later is used. Default: today."
SINCE = "Only articles published on or after this date (ISO, or text like '2 weeks ago')."
UNTIL = "Only articles published on or before this date."


class DateFields(BaseModel):
    """The dates a user types, as ``rag ask --as-of/--since/--until`` takes them; the server reads them."""

    as_of: str | None = Field(None, description=AS_OF)
    since: str | None = Field(None, description=SINCE)
    until: str | None = Field(None, description=UNTIL)

    @classmethod
    def of(cls, window: DateWindow | None) -> DateFields:
        """A window's own limits (not its date phrase: the server reads that from the question again)."""
        if window is None:
            return cls()
        return cls(**{key: d.isoformat() for key in ("as_of", "since", "until") if (d := getattr(window, key))})

    @property
    def given(self) -> bool:
        return bool(self.as_of or self.since or self.until)


class AskRequest(DateFields):
    question: str = Field(min_length=1, description="The question, or a follow-up to the answers in `history`.")
    history: list[Answer] = Field(
        default_factory=list, description="Earlier answers of the conversation, oldest first (as /ask returned them)."
    )
    backend: Backend | None = Field(None, description="auto (default of the server), ollama or extractive.")
    k: int | None = Field(
        None, ge=1, description="Chunks the answerer reads (default: the server's top_k; at most its max_top_k)."
    )
    stream: bool = Field(
        False, description="Stream NDJSON events: `delta` pieces of text, then one `answer` (or one `error`)."
    )


class IndexRequest(BaseModel):
    rebuild: bool = Field(False, description="Drop the store and index the configured corpus from scratch.")


class DeltaEvent(BaseModel):
    """One line of a streamed answer: a piece of its text as the generator produced it."""

    type: Literal["delta"] = "delta"
    text: str


class AnswerEvent(BaseModel):
    """The last line of a streamed answer: the verified ``Answer``, as ``rag ask --json`` prints it."""

    type: Literal["answer"] = "answer"
    answer: Answer


class ErrorEvent(BaseModel):
    """A failure after streaming began, as one line."""

    type: Literal["error"] = "error"
    detail: str


class SearchResponse(BaseModel):
    query: str
    window: DateWindow | None = Field(None, description="The dates searched within (as-of, since/until, phrase).")
    results: list[RetrievedChunk]


class SourcesResponse(BaseModel):
    sources: list[SourceInfo]


class Health(BaseModel):
    """Cheap to compute: forwarding clients probe it before every command."""

    status: Literal["ok"] = "ok"
    pid: int
    store: str = Field(description="The store this server answers from (folder, or chroma://host:port/collection).")
    collection: str


class ErrorResponse(BaseModel):
    detail: str
