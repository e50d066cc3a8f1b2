"""HTML for the source viewer: a whole article with the cited lines highlighted.

The article text is data, never markup: each line goes through ``html.escape``, so an article
containing ``<script>`` shows the tag as text. The panel's ``watch`` callback (ui/assets.py)
scrolls the first highlighted line into view whenever the value changes; ``nonce`` makes a
second click on the same citation a change too.
"""

from __future__ import annotations

import itertools
from html import escape
from urllib.parse import urlsplit

from ui.chat_html import shorten

_nonce = itertools.count(1)


def _mark(line: str, line_start: int, span: tuple[int, int] | None) -> str:
    """Escape one line, wrapping the part that falls inside ``span`` (absolute offsets) in <mark>."""
    if span is None:
        return escape(line)
    a = max(span[0] - line_start, 0)
    b = min(span[1] - line_start, len(line))
    if a >= b:
        return escape(line)
    return f"{escape(line[:a])}<mark>{escape(line[a:b])}</mark>{escape(line[b:])}"


def article_html(
    text: str,
    title: str,
    path: str,
    start_line: int = 0,
    end_line: int = 0,
    quote_span: tuple[int, int] | None = None,
    label: str | None = None,
    note: str | None = None,
    page: int | None = None,
    url: str | None = None,
) -> str:
    """The article with lines ``start_line``..``end_line`` (1-based) highlighted; 0 highlights nothing.

    ``page``: ``text`` is that page of a PDF, and the lines count within it. ``url``: the original
    web address, a link only when it is http(s) (opened without referrer or opener), else text.
    """
    if quote_span is not None and not (0 <= quote_span[0] < quote_span[1] <= len(text)):
        quote_span = None
    rows = []
    offset = 0
    for number, line in enumerate(text.split("\n"), 1):
        cited = start_line <= number <= end_line
        body = _mark(line, offset, quote_span if cited else None) or "&#8203;"
        rows.append(
            f'<div class="line{" hl" if cited else ""}" data-line="{number}">'
            f'<span class="no">{number}</span><span class="tx">{body}</span></div>'
        )
        offset += len(line) + 1
    where = escape(path) + (f' · <span class="viewer-page">p. {page}</span>' if page is not None else "")
    if start_line:
        lines = str(start_line) if start_line == end_line else f"{start_line}–{end_line}"
        where += f" · lines {lines}"
    badge = f'<span class="viewer-badge">{escape(label)}</span>' if label else ""
    warn = f'<div class="viewer-note">{escape(note)}</div>' if note else ""
    origin = f'<div class="viewer-url">{_link(url)}</div>' if url else ""
    return (
        f'<div class="viewer" data-nonce="{next(_nonce)}">'
        f'<div class="viewer-head">{badge}'
        f'<div class="viewer-title" title="{escape(title)}">{escape(shorten(title, 160))}</div>'
        f'<div class="viewer-loc">{where}</div>{origin}{warn}</div>'
        f'<div class="article" role="document">{"".join(rows)}</div></div>'
    )


def _link(url: str) -> str:
    """The original address: a link for http(s) only; anything else (javascript:, file:) stays text."""
    shown = escape(shorten(url, 120))
    if urlsplit(url).scheme.lower() in ("http", "https"):
        return f'<a href="{escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{shown}</a>'
    return f'<span class="url-text">{shown}</span>'


def viewer_message(title: str, text: str, kind: str = "empty") -> str:
    """The viewer's empty state, or a refusal/error (``kind`` = "empty" | "error")."""
    role = ' role="alert"' if kind == "error" else ""
    return (
        f'<div class="viewer viewer-{kind}" data-nonce="{next(_nonce)}"{role}>'
        f'<div class="viewer-message-title">{escape(title)}</div>'
        f'<p class="viewer-message">{escape(text)}</p></div>'
    )


EMPTY_VIEWER = (
    "Source viewer",
    "Click a numbered citation in an answer, or an article in the sidebar, to read it here with the "
    "cited lines highlighted.",
)
