"""The answer generators behind one small interface; the pipeline never looks inside.

- ``OllamaGenerator``: llama-index's Ollama LLM (official ``ollama`` client), streaming.
- ``ExtractiveGenerator`` (rag/extractive.py): quotes the best sentences; needs no model
  beyond the embedding model. The default wherever Ollama is not running.
- ``auto``: Ollama when reachable with the model pulled, otherwise extractive, with a note.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rag import prompts
from rag.errors import LLMError
from rag.models import RetrievedChunk
from rag.settings import LLMSettings, Settings

if TYPE_CHECKING:
    from rag.embeddings import Embedder

History = Sequence[tuple[str, str]]


@dataclass
class Source:
    """A retrieved chunk as numbered for the generator: ``[n]`` in the answer refers to it."""

    n: int
    chunk: RetrievedChunk

    @property
    def file(self) -> str:
        return self.chunk.file

    @property
    def title(self) -> str:
        return self.chunk.title

    @property
    def start_line(self) -> int:
        return self.chunk.start_line

    @property
    def end_line(self) -> int:
        return self.chunk.end_line

    @property
    def text(self) -> str:
        return self.chunk.text

    @property
    def byline(self) -> str | None:
        return self.chunk.byline

    @property
    def published(self) -> str | None:
        return self.chunk.published


class Generator(ABC):
    backend: str = ""
    model: str | None = None
    note: str | None = None

    @abstractmethod
    def stream_answer(self, question: str, sources: Sequence[Source]) -> Iterator[str]:
        """Yield answer text with ``[n]`` markers pointing into ``sources``."""

    @abstractmethod
    def condense(self, question: str, history: History) -> str:
        """Rewrite a follow-up into a standalone question using (question, answer) history."""


def check_ollama(settings: LLMSettings) -> list[str]:
    """Names of the pulled models, or an LLMError naming the fix, within the probe timeout."""
    import httpx

    url = settings.ollama_url.rstrip("/")
    try:
        response = httpx.get(f"{url}/api/tags", timeout=settings.probe_timeout_s)
        response.raise_for_status()
        names = [m.get("name", "") for m in response.json().get("models", [])]
    except (httpx.HTTPError, ValueError) as exc:
        raise LLMError(
            f"Ollama is not reachable at {url} ({type(exc).__name__}): start it with `ollama serve`, "
            "or use --backend extractive"
        ) from exc
    wanted = settings.ollama_model
    if not any(n == wanted or n == f"{wanted}:latest" or n.split(":")[0] == wanted for n in names):
        raise LLMError(f"Ollama model '{wanted}' is not pulled at {url}: run `ollama pull {wanted}`")
    return names


class OllamaGenerator(Generator):
    backend = "ollama"

    def __init__(self, settings: LLMSettings) -> None:
        from llama_index.llms.ollama import Ollama

        self.settings = settings
        self.model = settings.ollama_model
        self.llm = Ollama(
            model=settings.ollama_model,
            base_url=settings.ollama_url,
            temperature=settings.temperature,
            context_window=settings.context_window,
            request_timeout=settings.timeout_s,
        )

    @staticmethod
    def _messages(pairs: list[tuple[str, str]]) -> list[Any]:
        from llama_index.core.llms import ChatMessage, MessageRole

        roles = {"system": MessageRole.SYSTEM, "user": MessageRole.USER, "assistant": MessageRole.ASSISTANT}
        return [ChatMessage(role=roles[role], content=content) for role, content in pairs]

    def stream_answer(self, question: str, sources: Sequence[Source]) -> Iterator[str]:
        messages = self._messages(prompts.answer_messages(question, sources))
        try:
            for part in self.llm.stream_chat(messages):
                if part.delta:
                    yield part.delta
        except Exception as exc:
            raise LLMError(f"Ollama failed while answering ({type(exc).__name__}: {str(exc)[:160]})") from exc

    def condense(self, question: str, history: History) -> str:
        if not history:
            return question
        prompt = prompts.condense_prompt(question, history)
        try:
            reply = self.llm.chat(self._messages([("user", prompt)])).message.content or ""
        except Exception as exc:
            raise LLMError(f"Ollama failed while condensing the question ({type(exc).__name__})") from exc
        line = next((ln.strip() for ln in reply.splitlines() if ln.strip()), "")
        line = re.sub(r"^(standalone question:)\s*", "", line, flags=re.I).strip().strip('"“”')
        return line or question


def make_generator(settings: Settings, embedder: Embedder, backend: str | None = None) -> Generator:
    """The generator for ``backend`` (auto|ollama|extractive); auto says why it fell back."""
    from rag.extractive import ExtractiveGenerator

    choice = backend or settings.answer.backend
    if choice == "extractive":
        return ExtractiveGenerator(embedder, settings.answer)
    if choice == "ollama":
        check_ollama(settings.llm)
        return OllamaGenerator(settings.llm)
    if choice != "auto":
        raise LLMError(f"Unknown backend '{choice}': use auto, ollama or extractive")
    try:
        check_ollama(settings.llm)
    except LLMError:
        fallback = ExtractiveGenerator(embedder, settings.answer)
        fallback.note = (
            f"{prompts.EXTRACTIVE_NOTE} Ollama is not available at {settings.llm.ollama_url}, so auto fell back "
            f"to extractive. {prompts.OLLAMA_HINT}"
        )
        return fallback
    return OllamaGenerator(settings.llm)
