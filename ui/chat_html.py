"""HTML for the conversation panel: one block per turn, built from the ``Answer`` the library returned.

Every piece of text that comes from a question, an answer or an article goes through
``html.escape``; the only markup is ours. A citation marker ``[n]`` becomes a button carrying
``data-turn`` and ``data-n``; the panel's click handler (ui/assets.py) turns a click into a
``cite`` event, and the app looks the citation up in the session's own history.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from rag.models import Answer, Citation
from rag.rendering import (
    MARKERS_RUN,
    also_reported,
    answer_pieces,
    answer_window_note,
    confidence_note,
    marker_numbers,
    meta_line,
    page_lines,
    provenance,
    split_short_answer,
)
from ui.timeline_html import timeline_html


@dataclass
class Pending:
    """The turn in progress: the question, the text streamed so far, or the error that ended it."""

    question: str
    text: str = ""
    error: str | None = None


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters (article titles can be a whole first paragraph)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _cite_button(turn: int, citation: Citation, label: str | None = None) -> str:
    title = f"{citation.path}, {_lines(citation)}"
    return (
        f'<button type="button" class="cite" data-turn="{turn}" data-n="{citation.n}" '
        f'title="{escape(title)}" aria-label="Citation {citation.n}: {escape(title)}">'
        f"{escape(label or str(citation.n))}</button>"
    )


def _lines(citation: Citation) -> str:
    """ "lines 4–6", or "p. 2, lines 1–3" for a PDF (lines counted within the page, as the viewer shows)."""
    start, end = page_lines(citation)
    lines = f"lines {start}" if start == end else f"lines {start}–{end}"
    return f"p. {citation.page}, {lines}" if citation.page is not None else lines


def _with_markers(text: str, turn: int, by_n: dict[int, Citation]) -> str:
    """Escape ``text`` and turn each ``[n]`` that names a citation into a clickable marker.

    The word before a marker is kept on the same line as the marker (``.cites`` does not wrap),
    so a marker never starts a line on its own.
    """
    out: list[str] = []
    pos = 0
    for match in MARKERS_RUN.finditer(text):
        before = text[pos : match.start()]
        numbers = list(dict.fromkeys(marker_numbers(match.group(0))))
        if any(n in by_n for n in numbers):
            word = re.search(r"(\S+)\s*$", before)
            head, tail = (before[: word.start()], word.group(1) + "\u00a0") if word else (before, "")
            buttons = "".join(_cite_button(turn, by_n[n]) if n in by_n else escape(f"[{n}]") for n in numbers)
            out.append(f'{escape(head)}<span class="cites">{escape(tail)}{buttons}</span>')
        else:
            out.append(escape(before + match.group(0)))
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _answer_body(answer: Answer, turn: int) -> str:
    by_n = {c.n: c for c in answer.citations}
    paragraphs = []
    lead, rest = split_short_answer(answer)
    if lead:
        sure = confidence_note(answer)
        note = (
            f' <span class="confidence" title="The fitted chance that this short answer is right">{sure}</span>'
            if sure
            else ""
        )
        paragraphs.append(f'<div class="short-answer">{_with_markers(lead, turn, by_n)}{note}</div>')
    items: list[str] = []  # consecutive "- " paragraphs (a list of articles) make one bulleted list
    for paragraph in (p.strip() for p in rest.split("\n\n")):
        if not paragraph:
            continue
        is_item = paragraph.startswith("- ")
        if items and not is_item:
            paragraphs.append(f"<ul class='answer-list'>{''.join(items)}</ul>")
            items = []
        if is_item:
            paragraph = paragraph[2:]
        parts = []
        for text, flagged in answer_pieces(paragraph, answer.unsupported_sentences):
            body = _with_markers(text, turn, by_n)
            if flagged:
                parts.append(
                    f'<span class="unsupported" title="No passage in the articles supports this sentence">{body}</span>'
                    '<span class="flag">unsupported</span>'
                )
            else:
                parts.append(body)
        if is_item:
            items.append(f"<li>{''.join(parts)}</li>")
        else:
            paragraphs.append(f"<p>{''.join(parts)}</p>")
    if items:
        paragraphs.append(f"<ul class='answer-list'>{''.join(items)}</ul>")
    return "".join(paragraphs)


def _sources_block(answer: Answer, turn: int) -> str:
    if not answer.citations:
        return ""
    items = []
    for c in answer.citations:
        quote = " ".join(c.quote.split())
        items.append(
            '<li class="source">'
            f"{_cite_button(turn, c)}"
            '<div class="source-body">'
            f'<div class="source-head"><span class="source-title">{escape(shorten(c.title, 110))}</span></div>'
            f'<div class="source-loc">{escape(c.path)} · {_lines(c)}'
            + (f" · {escape(dated)}" if (dated := provenance(c)) else "")
            + "</div>"
            f'<blockquote class="quote">“{escape(quote)}”</blockquote>'
            + (f'<div class="also">{escape(also_reported(c))}</div>' if c.also_reported_by else "")
            + "</div></li>"
        )
    return f'<div class="sources"><div class="sources-label">Sources</div><ol>{"".join(items)}</ol></div>'


def _meta(answer: Answer) -> str:
    return f'<div class="meta">{escape(meta_line(answer))}</div>'


def answer_html(answer: Answer, turn: int) -> str:
    """One finished turn: question, verified answer with clickable markers, sources, metadata."""
    parts = [_question(answer.question)]
    understood = ""
    if answer.standalone_question and answer.standalone_question.strip() != answer.question.strip():
        understood = f'<div class="understood">Understood as: {escape(answer.standalone_question)}</div>'
    if note := answer_window_note(answer):
        understood += f'<div class="dates-understood">{escape(note)}</div>'
    if answer.abstained:
        drafts = ""
        if answer.unsupported_sentences:
            items = "".join(f"<li>{escape(s)}</li>" for s in answer.unsupported_sentences)
            drafts = (
                f"<details><summary>{len(answer.unsupported_sentences)} draft sentence(s) no passage supports"
                f"</summary><ul>{items}</ul></details>"
            )
        parts.append(
            '<div class="bubble answer abstained">'
            f"{understood}"
            '<div class="abstain-label">Not in the articles</div>'
            f"<p>{escape(answer.answer)}</p>"
            '<p class="hint">Try naming the people, places or events you mean, or add articles that cover it.</p>'
            f"{drafts}{_meta(answer)}</div>"
        )
    else:
        warning = ""
        if answer.unsupported_sentences:
            n = len(answer.unsupported_sentences)
            which = "1 sentence is" if n == 1 else f"{n} sentences are"
            warning = (
                f'<div class="unsupported-note">{which} marked <em>unsupported</em>: '
                "no passage in the articles backs it, so treat it with care.</div>"
            )
        parts.append(
            '<div class="bubble answer">'
            f"{understood}{_answer_body(answer, turn)}{warning}{_sources_block(answer, turn)}"
            f"{timeline_html(answer, turn)}{_meta(answer)}</div>"
        )
    return f'<div class="turn" data-turn="{turn}">{"".join(parts)}</div>'


def _question(text: str) -> str:
    return f'<div class="ask"><div class="bubble question">{escape(text)}</div></div>'


def pending_html(pending: Pending) -> str:
    if pending.error:
        body = (
            '<div class="bubble answer failed" role="alert">'
            '<div class="error-label">Could not answer</div>'
            f"<p>{escape(pending.error)}</p></div>"
        )
    elif pending.text.strip():
        body = (
            '<div class="bubble answer streaming">'
            f'<p>{escape(pending.text.strip())}<span class="caret"></span></p>'
            '<div class="meta">Writing… every citation is checked when the answer is complete.</div></div>'
        )
    else:
        body = (
            '<div class="bubble answer streaming"><div class="thinking">'
            "<span></span><span></span><span></span> Searching the articles…</div></div>"
        )
    return f'<div class="turn pending">{_question(pending.question)}{body}</div>'


def welcome_html(examples: Sequence[str], status: str) -> str:
    chips = "".join(
        f'<button type="button" class="example" data-example="{escape(q)}">{escape(q)}</button>' for q in examples
    )
    examples_block = f'<div class="examples-label">Try one of these</div><div class="examples">{chips}</div>'
    status_block = f'<div class="welcome-status" role="status">{escape(status)}</div>'
    return (
        '<div class="welcome">'
        '<div class="welcome-title">Ask a question about your articles</div>'
        '<p class="welcome-text">Every answer cites the article, the lines and the exact quote it rests on. '
        "Click a numbered citation to read the passage in its article. Follow-up questions remember the "
        "conversation. Sentences no passage supports are flagged, and when the articles do not say, the "
        "assistant says so.</p>"
        f"{examples_block if chips else ''}{status_block if status else ''}</div>"
    )


def conversation_html(
    history: Sequence[Answer],
    pending: Pending | None = None,
    examples: Sequence[str] = (),
    status: str = "",
) -> str:
    """The whole conversation panel for one browser session."""
    if not history and pending is None:
        return f'<div class="conversation">{welcome_html(examples, status)}</div>'
    turns = [answer_html(answer, i) for i, answer in enumerate(history)]
    if pending is not None:
        turns.append(pending_html(pending))
    return f'<div class="conversation">{"".join(turns)}</div>'
