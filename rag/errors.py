"""User-facing errors: each carries one line that tells what went wrong and how to fix it.

The CLI and the UI show ``str(error)`` and nothing else (a traceback only with ``--debug``).
"""

from __future__ import annotations


class RagError(Exception):
    """Base class for every error a user should see as one line."""


class CorpusError(RagError):
    """The corpus folder is missing, empty or unusable."""


class StoreError(RagError):
    """The vector store is unreachable, unreadable or was built differently."""


class ModelMismatchError(StoreError):
    """The store was built with another embedding model than the one configured."""


class IndexLockedError(RagError):
    """Another indexing run holds the store's lock."""


class EmbeddingError(RagError):
    """The embedding model could not be loaded offline."""


class LLMError(RagError):
    """The language model backend is unreachable or failed."""


class UnsafePathError(RagError):
    """A requested file lies outside the indexed corpus."""


class FormatError(CorpusError):
    """A file cannot be read as its type says (encrypted or scanned PDF, corrupt DOCX, zip bomb)."""


class FetchError(RagError):
    """A URL could not be fetched or holds no article (network, HTTP status, scheme, size)."""


class InputError(RagError):
    """A question, option or upload that cannot be used as given (empty, too long, out of range)."""


class NLPModelError(RagError):
    """The spaCy English pipeline is missing."""


class DateError(RagError):
    """A date the user typed could not be read, or a date range is empty."""


def first_line(exc: BaseException, limit: int = 200) -> str:
    """The first line of an exception's message, cut at ``limit`` characters ("" when it has none): a
    library's message can run to pages."""
    text = str(exc).strip()
    return text.splitlines()[0][:limit] if text else ""


def unexpected_line(exc: BaseException) -> str:
    """An error that is no ``RagError`` as one line (its type and the first line of its message, cut), for a
    loop that reports it and goes on (the watcher)."""
    first = first_line(exc)
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def error_line(exc: BaseException) -> str:
    """What a server shows a user for an error: a ``RagError``'s own line, else the unexpected error's type and
    first line, pointing to the server log (where the traceback is)."""
    if isinstance(exc, RagError):
        return str(exc)
    first = first_line(exc)
    return f"Unexpected error ({type(exc).__name__}{': ' + first if first else ''}); see the server log"
