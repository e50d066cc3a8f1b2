"""Plain renderings of an ``Answer`` shared by every shell (terminal, exported Markdown)."""

from __future__ import annotations

from collections.abc import Sequence

from rag.models import Answer


def quote_block(text: str) -> str:
    return " ".join(text.split())


def sources_lines(answer: Answer) -> list[str]:
    return [f"[{c.n}] {c.path}, lines {c.start_line}-{c.end_line}: “{quote_block(c.quote)}”" for c in answer.citations]


def answer_markdown(answer: Answer) -> str:
    parts = [answer.answer]
    if answer.unsupported_sentences:
        parts.append("Unsupported (no passage supports these): " + " | ".join(answer.unsupported_sentences))
    if answer.citations:
        parts.append("Sources:\n" + "\n".join(f"- {line}" for line in sources_lines(answer)))
    backend = answer.backend + (f" ({answer.model})" if answer.model else "")
    parts.append(f"_Answered by {backend}{' — abstained' if answer.abstained else ''}._")
    return "\n\n".join(parts)


def conversation_markdown(turns: Sequence[Answer], title: str = "Conversation") -> str:
    lines = [f"# {title}", ""]
    for i, turn in enumerate(turns, 1):
        lines += [f"## Q{i}: {turn.question}", ""]
        if turn.standalone_question and turn.standalone_question != turn.question:
            lines += [f"_Understood as: {turn.standalone_question}_", ""]
        lines += [answer_markdown(turn), ""]
    return "\n".join(lines).rstrip() + "\n"
