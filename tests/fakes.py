"""A scripted generator implementing the real ``Generator`` interface."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence

from rag.generator import Generator, History, Source


class FakeLLM(Generator):
    backend = "fake"
    model = "scripted"

    def __init__(self) -> None:
        self.replies: deque[str] = deque()
        self.condensed: deque[str] = deque()
        self.calls: list[tuple[str, list[Source]]] = []

    def enqueue(self, *replies: str) -> FakeLLM:
        self.replies.extend(replies)
        return self

    def enqueue_condensed(self, *questions: str) -> FakeLLM:
        self.condensed.extend(questions)
        return self

    def stream_answer(self, question: str, sources: Sequence[Source]) -> Iterator[str]:
        self.calls.append((question, list(sources)))
        reply = self.replies.popleft() if self.replies else "No scripted reply."
        for word in reply.split(" "):
            yield word + " "

    def condense(self, question: str, history: History, passages: Sequence[str] = ()) -> str:
        return self.condensed.popleft() if self.condensed else question
