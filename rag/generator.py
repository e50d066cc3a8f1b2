"""The answer generators' one small interface; the pipeline never looks inside an implementation.

- ``OllamaGenerator`` (rag/ollama.py): llama-index's Ollama LLM (official ``ollama`` client), streaming.
- ``ExtractiveGenerator`` (rag/extractive.py): quotes the best sentences; needs no model
  beyond the embedding model. The default wherever Ollama is not running.
- ``auto``: Ollama when reachable with the model pulled, otherwise extractive, with a note.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rag import prompts
from rag.errors import LLMError
from rag.models import Source
from rag.settings import Backend, Settings

if TYPE_CHECKING:
    from rag.embeddings import Embedder

__all__ = ["Generator", "History", "Source", "make_generator"]

History = Sequence[tuple[str, str]]


class Generator(ABC):
    backend: str = ""
    model: str | None = None
    note: str | None = None

    @abstractmethod
    def stream_answer(self, question: str, sources: Sequence[Source]) -> Iterator[str]:
        """Yield answer text with ``[n]`` markers pointing into ``sources``."""

    @abstractmethod
    def condense(self, question: str, history: History, passages: Sequence[str] = ()) -> str:
        """Rewrite a follow-up into a standalone question using (question, answer) history; ``passages``, the
        texts the earlier turns read, may tell which pronoun a person the conversation named takes."""


def make_generator(settings: Settings, embedder: Embedder, backend: Backend | str | None = None) -> Generator:
    """The generator for ``backend`` (auto|ollama|extractive); auto says why it fell back.

    A factory choosing an implementation: it imports both lazily, so neither imports this module's
    callers and loading the Ollama client is paid only when it is used.
    """
    from rag.extractive import ExtractiveGenerator  # import-graph: factory (it picks the implementation)
    from rag.ollama import OllamaGenerator, check_ollama  # import-graph: factory (it picks the implementation)

    choice = Backend.parse(backend or settings.answer.backend)
    if choice is Backend.EXTRACTIVE:
        return ExtractiveGenerator(embedder, settings.extractive)
    if choice is Backend.OLLAMA:
        check_ollama(settings.llm)
        return OllamaGenerator(settings.llm)
    try:
        check_ollama(settings.llm)
    except LLMError:
        fallback = ExtractiveGenerator(embedder, settings.extractive)
        fallback.note = (
            f"{prompts.EXTRACTIVE_NOTE} Ollama is not available at {settings.llm.ollama_url}, so auto fell back "
            f"to extractive. {prompts.OLLAMA_HINT}"
        )
        return fallback
    return OllamaGenerator(settings.llm)
