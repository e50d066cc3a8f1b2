"""The timeline under an answer: cited articles on a date axis (inline SVG, no external resources), each
point carrying the citation it opens; the date window shown like "Understood as"."""

from __future__ import annotations

import re
from datetime import date

from rag.models import Answer, Citation, DateWindow
from ui.chat_html import answer_html
from ui.timeline_html import timeline_html


def citation(n: int, published: str | None, outlet: str | None = None) -> Citation:
    return Citation(
        n=n, file=f"a{n}.txt", path=f"a{n}.txt", title=f"Article {n} <b>", start_line=1, end_line=1,
        quote="The council voted.", quote_start_char=0, quote_end_char=18, content_hash="h",
        support_score=1.0, published=published, outlet=outlet,
    )  # fmt: skip


def answer(*citations: Citation, window: DateWindow | None = None) -> Answer:
    return Answer(
        question="What did the council do this week?", standalone_question="What did the council do this week?",
        answer="The council voted [1].", abstained=False, backend="extractive", citations=list(citations),
        window=window,
    )  # fmt: skip


WINDOW = DateWindow(
    as_of=date(2023, 8, 16), phrase="this week", phrase_since=date(2023, 8, 10), phrase_until=date(2023, 8, 16)
)


def test_points_in_date_order_with_citation_numbers_and_window() -> None:
    html = timeline_html(answer(citation(1, "2023-08-14", "Northwire"), citation(2, "2023-08-01"), window=WINDOW), 3)
    points = re.findall(r'<g class="tl-point" data-turn="3" data-n="(\d)"', html)
    assert points == ["2", "1"]  # earliest first
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', html)]
    assert xs[0] < xs[1]
    assert 'class="tl-window"' in html and 'class="tl-asof"' in html
    assert "Article 1 &lt;b&gt;" in html and "<b>" not in html  # titles escaped
    assert not re.search(r"(?:href|src)=|url\(|https?://", html), "no external resources"


def test_undated_citations_are_listed_not_placed_and_no_dates_no_timeline() -> None:
    html = timeline_html(answer(citation(1, "2023-08-14"), citation(2, None), window=WINDOW), 0)
    assert html.count('class="tl-point"') == 1 and "No date: [2]" in html
    assert timeline_html(answer(citation(1, None)), 0) == ""


def test_answer_shows_dates_line_and_timeline() -> None:
    html = answer_html(answer(citation(1, "2023-08-14"), window=WINDOW), 0)
    assert 'Dates: "this week" = 2023-08-10 to 2023-08-16; nothing after 2023-08-16' in html.replace("&quot;", '"')
    assert '<div class="timeline">' in html
