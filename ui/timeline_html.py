"""A small date axis under an answer: the cited articles placed by publication date (inline SVG).

Each point carries ``data-turn`` and ``data-n`` like a citation marker, so the conversation's click
handler opens the article in the viewer. The question's date window is shaded and the as-of date
marked; undated citations are listed beside the axis rather than placed on it. No external resources.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from rag.models import Answer, Citation

WIDTH, HEIGHT, PAD = 600, 58, 36
AXIS_Y = 30


def _x(day: date, start: date, span_days: int) -> float:
    return PAD + (WIDTH - 2 * PAD) * (day - start).days / span_days


def _dated(citations: list[Citation]) -> list[tuple[date, Citation]]:
    out = []
    for c in citations:
        if c.published:
            try:
                out.append((date.fromisoformat(c.published), c))
            except ValueError:
                continue
    return out


def timeline_html(answer: Answer, turn: int) -> str:
    """The timeline of one answer's citations; empty when no cited article is dated."""
    dated = _dated(answer.citations)
    if not dated:
        return ""
    window = answer.window
    days = [d for d, _ in dated]
    if window and window.phrase_since and window.phrase_until:
        days += [window.phrase_since, window.phrase_until]
    if window and window.as_of and (window.as_of - max(days)).days <= 3 * max(7, (max(days) - min(days)).days):
        days.append(window.as_of)
    start, end = min(days) - timedelta(days=1), max(days) + timedelta(days=1)
    span = max(1, (end - start).days)
    parts = [
        f'<line class="tl-axis" x1="{PAD}" y1="{AXIS_Y}" x2="{WIDTH - PAD}" y2="{AXIS_Y}" />',
        f'<text class="tl-tick" x="{PAD}" y="{HEIGHT - 4}" text-anchor="start">{start + timedelta(days=1)}</text>',
        f'<text class="tl-tick" x="{WIDTH - PAD}" y="{HEIGHT - 4}" text-anchor="end">{end - timedelta(days=1)}</text>',
    ]
    if window and (window.phrase_since or window.phrase_until):
        lo = max(start, window.phrase_since or start)
        hi = min(end, window.phrase_until or end)
        if lo <= hi:
            x0, x1 = _x(lo, start, span), _x(hi, start, span)
            parts.insert(
                0,
                f'<rect class="tl-window" x="{x0:.1f}" y="{AXIS_Y - 12}" width="{max(3.0, x1 - x0):.1f}" height="24">'
                f"<title>{escape(window.phrase or 'date window')}: {lo} to {hi}</title></rect>",
            )
    if window and window.as_of and start <= window.as_of <= end:
        x = _x(window.as_of, start, span)
        parts.append(
            f'<line class="tl-asof" x1="{x:.1f}" y1="{AXIS_Y - 14}" x2="{x:.1f}" y2="{AXIS_Y + 14}">'
            f"<title>as of {window.as_of}</title></line>"
        )
    stacked: dict[int, int] = {}
    for day, c in sorted(dated, key=lambda item: (item[0], item[1].n)):
        x = _x(day, start, span)
        level = stacked.get(round(x / 14), 0)
        stacked[round(x / 14)] = level + 1
        y = AXIS_Y - 10 * level
        label = f"[{c.n}] {c.outlet + ', ' if c.outlet else ''}{day.isoformat()}: {c.title}"
        parts.append(
            f'<g class="tl-point" data-turn="{turn}" data-n="{c.n}" role="button" tabindex="0" '
            f'aria-label="{escape(label)}"><title>{escape(label)}</title>'
            f'<circle cx="{x:.1f}" cy="{y}" r="7" />'
            f'<text x="{x:.1f}" y="{y + 3.5}" text-anchor="middle">{c.n}</text></g>'
        )
    undated = [c for c in answer.citations if not c.published]
    note = f'<div class="tl-undated">No date: {", ".join(f"[{c.n}]" for c in undated)}</div>' if undated else ""
    return (
        f'<div class="timeline"><svg class="tl" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" '
        f'aria-label="Cited articles by publication date" preserveAspectRatio="xMidYMid meet">{"".join(parts)}</svg>'
        f"{note}</div>"
    )
