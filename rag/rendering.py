"""Plain renderings shared by every shell: an ``Answer`` as text or Markdown, and the progress bar."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rag.models import Answer, Citation

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


def progress_bar(console: Console, quiet: bool = False) -> Progress:
    """The one Rich progress style of the CLI and the eval runner; it disappears when done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet,
    )


def progress_callback(bar: Progress, description: str) -> Callable[[int, int], None]:
    """A ``(done, total)`` callback, the shape indexing reports progress in, driving one task of ``bar``."""
    task = bar.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return update


def quote_block(text: str) -> str:
    return " ".join(text.split())


def provenance(citation: Citation) -> str:
    """ "by Jane Doe, May 3, 2024" when the article states them: who reported it, and when."""
    parts = [f"by {citation.byline}" if citation.byline else "", citation.published or ""]
    return ", ".join(p for p in parts if p)


def sources_lines(answer: Answer) -> list[str]:
    return [
        f"[{c.n}] {c.path}, lines {c.start_line}-{c.end_line}"
        + (f" ({dated})" if (dated := provenance(c)) else "")
        + f": “{quote_block(c.quote)}”"
        for c in answer.citations
    ]


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
