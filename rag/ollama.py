"""The Ollama backend: llama-index's Ollama LLM over the official ``ollama`` client, streaming.

``check_ollama`` probes ``/api/tags`` within a short timeout so a dead server or a model that is
not pulled is one line naming the fix, before any question waits on it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from typing import Any

from rag import prompts
from rag.errors import LLMError
from rag.generator import Generator, History, Source
from rag.settings import LLMSettings


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
            additional_kwargs={"num_predict": settings.max_answer_tokens},
        )

    @staticmethod
    def _messages(pairs: list[tuple[str, str]]) -> list[Any]:
        from llama_index.core.llms import ChatMessage, MessageRole

        roles = {"system": MessageRole.SYSTEM, "user": MessageRole.USER, "assistant": MessageRole.ASSISTANT}
        return [ChatMessage(role=roles[role], content=content) for role, content in pairs]

    def stream_answer(self, question: str, sources: Sequence[Source]) -> Iterator[str]:
        """The answer's pieces as Ollama streams them. ``timeout_s`` bounds the whole answer, not only each
        read: a model repeating itself, or a server that keeps sending, would otherwise stream forever."""
        messages = self._messages(prompts.answer_messages(question, sources))
        limit = self.settings.timeout_s
        deadline = time.monotonic() + limit
        try:
            for part in self.llm.stream_chat(messages):
                if time.monotonic() > deadline:
                    raise LLMError(f"Ollama took longer than {limit:g} s to answer (RAG_LLM_TIMEOUT_S)")
                if part.delta:
                    yield part.delta
        except LLMError:
            raise
        except Exception as exc:
            raise LLMError(f"Ollama failed while answering ({type(exc).__name__}: {str(exc)[:160]})") from exc

    def condense(self, question: str, history: History, passages: Sequence[str] = ()) -> str:
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
