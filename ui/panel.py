"""HTML for the side panel: the answering backend, the index status, the indexed sources."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from html import escape

from rag.models import Check, IndexSummary, SkippedFile, SourceInfo, StoreStatus
from rag.settings import BUNDLED_CORPUS

BUNDLED_EXAMPLES = (
    "Which air base did Russian troops enter?",
    "Which international airport is Airbase 101 close to?",
    "How many French troops did Niger's post-coup government expel?",
)


def _when(iso: str | None) -> str:
    if not iso:
        return "never"
    try:
        return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso


def backend_html(backend: str | None, model: str | None, note: str | None, error: str | None = None) -> str:
    if error:
        return (
            '<div class="panel-card warn"><div class="panel-strong">Answering backend unavailable</div>'
            f'<div class="panel-small">{escape(error)}</div></div>'
        )
    if backend == "extractive":
        explain = note or (
            "Answers quote the best-supported sentences from the articles. For written answers set the backend "
            "to auto or ollama and run Ollama (`ollama serve`)."
        )
        return (
            '<div class="panel-card"><div class="panel-strong"><span class="dot grey"></span>Extractive '
            '<span class="panel-muted">(quotes, no LLM)</span></div>'
            f'<div class="panel-small">{escape(explain)}</div></div>'
        )
    name = f"{backend or 'unknown'}" + (f" · {model}" if model else "")
    return (
        f'<div class="panel-card"><div class="panel-strong"><span class="dot green"></span>{escape(name)}</div>'
        '<div class="panel-small">Answers are written by the local model; every citation is checked against '
        "the articles.</div></div>"
    )


def status_html(status: StoreStatus | None, error: str | None = None) -> str:
    if error:
        return f'<div class="panel-card warn"><div class="panel-small">{escape(error)}</div></div>'
    if status is None or not status.chunks:
        return (
            '<div class="panel-card warn"><div class="panel-strong">The index is empty</div>'
            '<div class="panel-small">Add articles below or click Re-index.</div></div>'
        )
    rows = [
        ("Articles", f"{status.files:,}"),
        ("Passages", f"{status.chunks:,}"),
        ("Last indexed", _when(status.last_indexed)),
        ("Embeddings", status.embedding_model or "—"),
    ]
    cells = "".join(
        f"<dt>{escape(k)}</dt><dd{' class=mono' if k == 'Embeddings' else ''}>{escape(v)}</dd>" for k, v in rows
    )
    return f'<div class="panel-card"><dl class="stats">{cells}</dl></div>'


def summary_line(summary: IndexSummary) -> str:
    parts = [f"{len(summary.added)} added", f"{len(summary.updated)} updated", f"{len(summary.removed)} removed"]
    line = f"Indexed: {', '.join(parts)}, {len(summary.unchanged)} unchanged ({summary.seconds:.1f} s)."
    if summary.skipped:
        line += f" {len(summary.skipped)} skipped."
    return line


def messages_html(lines: Sequence[str] = (), problems: Sequence[SkippedFile] = (), error: str | None = None) -> str:
    """Result of an index run or an upload: what happened, one line per rejected file."""
    items = [f'<div class="msg ok">{escape(line)}</div>' for line in lines]
    items += [f'<div class="msg warn"><b>{escape(p.file)}</b>: {escape(p.reason)}</div>' for p in problems]
    if error:
        items.append(f'<div class="msg error" role="alert">{escape(error)}</div>')
    return f'<div class="messages">{"".join(items)}</div>' if items else ""


def sources_html(sources: Sequence[SourceInfo]) -> str:
    if not sources:
        return '<div class="source-list empty">No articles indexed yet.</div>'
    items = "".join(
        f'<li><button type="button" class="source-link" data-path="{escape(s.path)}" title="{escape(s.path)}">'
        f'<span class="sl-title">{escape(s.title or s.path)}</span>'
        f'<span class="sl-meta">{escape(s.path)} · {s.chunks} passage{"s" if s.chunks != 1 else ""}</span>'
        "</button></li>"
        for s in sources
    )
    return f'<ul class="source-list">{items}</ul>'


@cache
def _bundled_hashes() -> frozenset[str]:
    if not BUNDLED_CORPUS.is_dir():
        return frozenset()
    return frozenset(hashlib.sha256(p.read_bytes()).hexdigest() for p in BUNDLED_CORPUS.glob("*.txt"))


def example_questions(sources: Sequence[SourceInfo], limit: int = 3) -> list[str]:
    """Curated questions for the bundled articles, else one question per article title."""
    if any(s.content_hash in _bundled_hashes() for s in sources):
        return list(BUNDLED_EXAMPLES)
    titles = [" ".join(s.title.split()) for s in sources if s.title.strip()]
    return [f"What does “{t[:70]}{'…' if len(t) > 70 else ''}” report?" for t in titles[:limit]]


def loading_html(text: str) -> str:
    return f'<div class="panel-card"><div class="panel-small">{escape(text)}</div></div>'


def checks_html(checks: Sequence[Check]) -> str:
    """The ``rag doctor`` checks: one line each, the fix under any that is not ok."""
    items = []
    for c in checks:
        kind = {"ok": "ok", "warn": "warn", "fail": "error"}[c.status]
        fix = f'<div class="panel-small">Fix: {escape(c.fix)}</div>' if c.fix and c.status != "ok" else ""
        name = escape(c.name)
        items.append(f'<div class="msg {kind}" data-check="{name}"><b>{name}</b>: {escape(c.detail)}{fix}</div>')
    return f'<div class="messages checks">{"".join(items)}</div>'
