"""Plain renderings shared by every shell: an ``Answer`` as pieces, text or Markdown, and the progress bar.

The CLI, the UI and the Markdown export split an answer the same way (``answer_pieces``), find its
``[n]`` markers with the same pattern (``MARKER_RE``) and describe it with the same ``meta_line``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from rag.dates import date_of, describe
from rag.models import (
    DATE_INFERRED,
    AddSummary,
    Answer,
    Citation,
    DateWindow,
    IndexSummary,
    Passage,
    RetrievedChunk,
    SourceInfo,
    StoryCopy,
    WatchBatch,
)
from rag.time_ranking import in_phrase_window

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

_ONE_MARKER = r"\[\d+(?:\s*[,;]\s*\d+)*\]"
MARKER_RE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
"""One citation marker: "[1]" or "[1, 2]"; group 1 holds the numbers."""
MARKERS_RUN = re.compile(rf"{_ONE_MARKER}(?:\s*{_ONE_MARKER})*")
"""A run of markers: "[1]", "[1, 2]", "[1][3]", "[1] [2]"."""


def marker_numbers(text: str) -> list[int]:
    """Every number cited by the markers in ``text``, in order (repeats kept)."""
    return [int(n) for group in MARKER_RE.findall(text) for n in re.split(r"\s*[,;]\s*", group)]


def answer_pieces(text: str, unsupported: Sequence[str]) -> list[tuple[str, bool]]:
    """``text`` as (piece, is_unsupported) in order, finding each unsupported sentence verbatim.

    Searching for the sentences the verifier listed, instead of re-splitting the answer at full
    stops, keeps "The N.Y. pier cost $1.5 million." whole.
    """
    spans: list[tuple[int, int]] = []
    for sentence in unsupported:
        sentence = sentence.strip()
        start = text.find(sentence) if sentence else -1
        if start >= 0 and not any(a < start + len(sentence) and start < b for a, b in spans):
            spans.append((start, start + len(sentence)))
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(spans):
        pieces += [(text[pos:start], False), (text[start:end], True)]
        pos = end
    pieces.append((text[pos:], False))
    return [(piece, flag) for piece, flag in pieces if piece]


def meta_line(answer: Answer) -> str:
    """Who produced the answer and how long it took: "Quoted from the articles (extractive) · 0.2 s"."""
    if answer.abstained:
        n = len(answer.retrieved)
        who = f"Searched {n} passage{'s' if n != 1 else ''} · {answer.backend}"
    elif answer.backend == "extractive":
        who = "Quoted from the articles (extractive)"
    else:
        who = f"Written by {answer.backend}" + (f" · {answer.model}" if answer.model else "")
    seconds = answer.timings_ms.get("total", 0) / 1000
    return f"{who} · {seconds:.1f} s"


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


SEARCH_RESULT_FIELDS = {
    "file", "path", "title", "start_line", "end_line", "score", "retrievers", "text", "page", "page_line",
    "published", "date_source", "outlet", "byline",
}  # fmt: skip


def chunk_json(hit: RetrievedChunk) -> dict:
    """One search result as ``rag search --json`` prints it."""
    return hit.model_dump(mode="json", include=SEARCH_RESULT_FIELDS)


def quote_block(text: str) -> str:
    return " ".join(text.split())


def dated(published: str | None, date_source: str | None) -> str:
    """The date as shown beside a source: "2026-03-17 (year inferred)" when the article wrote no year and it was
    taken from the folder's other articles."""
    if published and date_source == DATE_INFERRED:
        return f"{published} (year inferred)"
    return published or ""


def provenance(citation: Citation | Passage) -> str:
    """ "Valley Post, by Jane Doe, 2024-05-03" when the article states them: who reported it, and when."""
    when = dated(citation.published, citation.date_source)
    parts = [citation.outlet or "", f"by {citation.byline}" if citation.byline else "", when]
    return ", ".join(p for p in parts if p)


def page_lines(cited: Citation | Passage) -> tuple[int, int]:
    """The cited lines as a reader counts them: within the page for a PDF, else within the file."""
    start, end = cited.start_line, cited.end_line
    if cited.page is not None and cited.page_line is not None:
        return start - cited.page_line + 1, end - cited.page_line + 1
    return start, end


def lines_label(cited: Citation | Passage) -> str:
    """ "lines 12-15", or "p. 3, lines 2-5" (lines counted within the page) for a paged format."""
    start, end = page_lines(cited)
    lines = f"lines {start}-{end}"
    return f"p. {cited.page}, {lines}" if cited.page is not None else lines


def index_line(summary: IndexSummary) -> str:
    return (
        f"{len(summary.added)} added, {len(summary.updated)} updated, {len(summary.removed)} removed, "
        f"{len(summary.skipped)} skipped; {summary.chunks_embedded} chunks embedded in {summary.seconds:.1f} s"
    )


def add_lines(result: AddSummary) -> list[str]:
    """One line per article saved, per input refused and per warning, then the index run."""
    lines = [f"{a.status} {a.path}" + (f" ({a.url})" if a.url else "") for a in result.saved]
    lines += [
        f"refused: {r.reason}" if r.file in r.reason else f"refused {r.file}: {r.reason}" for r in result.rejected
    ]
    lines += [f"warning: {w}" for w in result.warnings]
    if result.index is not None:
        mine = {a.path for a in result.saved}
        lines += [f"warning: {w}" for w in result.index.warnings if w.split(": ", 1)[0] in mine]
        lines += [f"skipped {s.file}: {s.reason}" for s in result.index.skipped if s.file in mine]
        lines.append("Indexed: " + index_line(result.index))
    return lines


def watch_line(batch: WatchBatch, at: str) -> str:
    """One line per debounced batch of changes seen by ``rag watch``."""
    files = ", ".join(batch.files[:5]) + (f" and {len(batch.files) - 5} more" if len(batch.files) > 5 else "")
    head = f"{at} {batch.changes} change{'s' if batch.changes != 1 else ''} ({files or 'no article files'})"
    if batch.note:
        head = f"{at} {batch.note}"
    if batch.error:
        return f"{head}: error: {batch.error}"
    if batch.index is None:
        return head
    skipped = "".join(f"; skipped {s.file}: {s.reason}" for s in batch.index.skipped if s.file in batch.files)
    return f"{head}: {index_line(batch.index)}{skipped}"


def dateline(hit: Passage) -> str:
    """Outlet and date of a search hit; "no date" when its article states none."""
    return ", ".join(p for p in (hit.outlet, dated(hit.published, hit.date_source) or "no date") if p)


def source_date(source: SourceInfo) -> str:
    """The publication date of an indexed file and where it was read, or that the file states none."""
    if not source.published:
        return "no date found"
    labels = {"header": "article header", "html_meta": "HTML meta", "front_matter": "front matter"}
    where = labels.get(source.date_source or "") or ("year inferred" if source.date_source == DATE_INFERRED else None)
    return f"{source.published} ({where})" if where else source.published


def copy_label(copy: StoryCopy) -> str:
    return ", ".join(p for p in (copy.outlet or copy.path, copy.published) if p)


def also_reported(citation: Citation) -> str:
    """ "also reported by: AP, 2022-06-03; example.com, 2022-06-04" for a story grouped with its copies."""
    return "also reported by: " + "; ".join(copy_label(c) for c in citation.also_reported_by)


def window_note(window: DateWindow | None) -> str | None:
    """The "Dates: …" line shells show under a question, or None when nothing narrowed the dates (no
    phrase, no range, as of today)."""
    if window is None:
        return None
    if window.phrase or window.since or window.until or window.present or window.as_of != date.today():
        return f"Dates: {describe(window)}"
    return None


def answer_window_note(answer: Answer) -> str | None:
    """The "Dates: …" line of an answer, saying which cited articles are dated outside the window the question's
    date phrase names ("in May 2026" answered from a March article): the phrase only prefers articles in it,
    so the reader must see when the answer comes from elsewhere."""
    note = window_note(answer.window)
    window = answer.window
    if note is None or window is None or not window.phrase or answer.abstained:
        return note
    outside = [
        f"[{c.n}] {c.published}"
        for c in answer.citations
        if (day := date_of(c.published)) is not None and not in_phrase_window(day, window)
    ]
    if outside:
        note += f'; dated outside "{window.phrase}": ' + ", ".join(dict.fromkeys(outside))
    return note


def sources_lines(answer: Answer) -> list[str]:
    return [
        f"[{c.n}] {c.path}, {lines_label(c)}"
        + (f" ({dated})" if (dated := provenance(c)) else "")
        + f": “{quote_block(c.quote)}”"
        + (f" ({also_reported(c)})" if c.also_reported_by else "")
        for c in answer.citations
    ]


def split_short_answer(answer: Answer) -> tuple[str | None, str]:
    """("Henrik Adaire [1]", the rest of the answer) when the answer opens with its short answer."""
    short = answer.short_answer
    if short is None or answer.abstained:
        return None, answer.answer
    lead = f"{short.text} [{short.citation}]"
    if answer.answer.startswith(lead + "."):
        return lead, answer.answer[len(lead) + 1 :].lstrip()
    return lead, answer.answer


def confidence_note(answer: Answer) -> str | None:
    """ "confidence 78%": the fitted chance that the short answer is right (none for a byline or date line)."""
    short = answer.short_answer
    if short is None or short.confidence is None or answer.abstained:
        return None
    return f"confidence {round(100 * short.confidence)}%"


def answer_markdown(answer: Answer) -> str:
    lead, rest = split_short_answer(answer)
    text = "".join(
        f"**{piece}** _(unsupported)_" if flag else piece
        for piece, flag in answer_pieces(rest, answer.unsupported_sentences)
    )
    if lead and answer.short_answer is not None:
        note = f" _({sure})_" if (sure := confidence_note(answer)) else ""
        text = f"**{answer.short_answer.text}** [{answer.short_answer.citation}]{note}. {text}"
    parts = [text]
    if answer.unsupported_sentences:
        parts.append("Unsupported (no passage supports these): " + " | ".join(answer.unsupported_sentences))
    if answer.citations:
        parts.append("Sources:\n" + "\n".join(f"- {line}" for line in sources_lines(answer)))
    parts.append(f"_{meta_line(answer)}._")
    return "\n\n".join(parts)


def conversation_markdown(turns: Sequence[Answer], title: str = "Conversation") -> str:
    lines = [f"# {title}", ""]
    for i, turn in enumerate(turns, 1):
        lines += [f"## Q{i}: {turn.question}", ""]
        if turn.standalone_question and turn.standalone_question != turn.question:
            lines += [f"_Understood as: {turn.standalone_question}_", ""]
        if note := answer_window_note(turn):
            lines += [f"_{note}_", ""]
        lines += [answer_markdown(turn), ""]
    return "\n".join(lines).rstrip() + "\n"
