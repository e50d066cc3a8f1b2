"""The HTML the UI renders from an Answer: markers, sources, flags, abstentions, escaping."""

from __future__ import annotations

import re

from rag.models import Answer, Citation
from ui.chat_html import Pending, answer_html, conversation_html, shorten
from ui.viewer_html import article_html, viewer_message

SCRIPT = "<script>window.__pwned = 1</script>"


def citation(n: int, quote: str = "The bridge reopened on Monday.", **kw: object) -> Citation:
    data = dict(
        n=n, file="alpha.txt", path="alpha.txt", title="Harbor Bridge Reopens", start_line=4, end_line=4,
        quote=quote, quote_start_char=10, quote_end_char=10 + len(quote), content_hash="h",
        support_score=0.9,
    )  # fmt: skip
    data.update(kw)
    return Citation(**data)


def answer(text: str, citations: list[Citation], **kw: object) -> Answer:
    data = dict(question="When did it reopen?", standalone_question="When did it reopen?", answer=text,
                abstained=False, backend="extractive", citations=citations, timings_ms={"total": 420.0})  # fmt: skip
    data.update(kw)
    return Answer(**data)


def test_markers_become_numbered_buttons_that_name_the_turn() -> None:
    html = answer_html(answer("It reopened on Monday. [1] It cost $42 million. [2]", [citation(1), citation(2)]), 3)
    buttons = re.findall(r'<button type="button" class="cite" data-turn="(\d+)" data-n="(\d+)"', html)
    # two in the text, two in the sources block
    assert buttons == [("3", "1"), ("3", "2"), ("3", "1"), ("3", "2")]
    assert "[1]" not in html and "[2]" not in html


def test_unknown_markers_stay_plain_text() -> None:
    html = answer_html(answer("It reopened. [1] [7]", [citation(1)]), 0)
    assert "[7]" in html and 'data-n="7"' not in html


def test_sources_block_lists_file_lines_and_quote() -> None:
    html = answer_html(answer("It reopened. [1]", [citation(1, start_line=4, end_line=6)]), 0)
    sources = html[html.index('class="sources"') :]
    assert "Sources" in sources and "alpha.txt · lines 4–6" in sources
    assert "“The bridge reopened on Monday.”" in sources and "Harbor Bridge Reopens" in sources


def test_unsupported_sentences_are_flagged() -> None:
    text = "It reopened on Monday. [1] The mayor cried with joy."
    html = answer_html(answer(text, [citation(1)], unsupported_sentences=["The mayor cried with joy."]), 0)
    assert re.search(r'<span class="unsupported"[^>]*>The mayor cried with joy\.</span><span class="flag">', html)
    assert "1 sentence is marked <em>unsupported</em>" in html
    assert html.count('class="unsupported"') == 1


def test_abstention_is_neutral_not_an_error() -> None:
    html = answer_html(answer("The articles do not answer this question.", [], abstained=True), 0)
    assert "abstained" in html and "Not in the articles" in html
    assert "failed" not in html and "Could not answer" not in html and "sources" not in html


def test_errors_render_as_one_readable_line() -> None:
    html = conversation_html([], Pending("Why?", error="Ollama is not reachable at http://x: start it"))
    assert 'role="alert"' in html and "Could not answer" in html and "Ollama is not reachable" in html


def test_follow_up_shows_how_it_was_understood() -> None:
    html = answer_html(
        answer("Niamey. [1]", [citation(1)], question="Which city?", standalone_question="Which city? (x)"), 1
    )
    assert "Understood as: Which city? (x)" in html


def test_everything_from_the_articles_and_the_user_is_escaped() -> None:
    evil = answer(
        f"Bridge {SCRIPT} reopened. [1]",
        [citation(1, quote=f'Quote <img src=x onerror="alert(1)"> {SCRIPT}', title=f"Title {SCRIPT}")],
        question=f"Q {SCRIPT}",
        unsupported_sentences=[],
    )
    html = conversation_html([evil])
    assert "<script" not in html and "<img" not in html
    assert html.count("&lt;script&gt;window.__pwned = 1&lt;/script&gt;") == 4  # question, answer, title, quote
    pending = conversation_html([], Pending(SCRIPT, text=SCRIPT))
    assert "<script" not in pending


def test_welcome_lists_examples_as_buttons() -> None:
    html = conversation_html([], examples=["Which air base?", 'Say "hi" <b>'], status="The index is empty")
    assert 'data-example="Which air base?"' in html
    assert 'data-example="Say &quot;hi&quot; &lt;b&gt;"' in html and "The index is empty" in html
    assert "Try one of these" not in conversation_html([])


def test_viewer_highlights_the_cited_lines_and_marks_the_quote() -> None:
    text = "Title\n\nFirst line.\nThe quote is here. More.\nLast line."
    start = text.index("The quote")
    html = article_html(text, "Title", "a.txt", 4, 4, (start, start + len("The quote is here.")), label="[2]")
    lines = re.findall(r'<div class="line( hl)?" data-line="(\d+)">', html)
    assert [n for hl, n in lines if hl] == ["4"] and len(lines) == 5
    assert "<mark>The quote is here.</mark> More." in html
    assert "a.txt · lines 4" in html and "[2]" in html


def test_viewer_escapes_article_text() -> None:
    text = f'Ferry {SCRIPT}\n<img src=x onerror="window.__pwned = 2">\n`${{window.__pwned = 3}}`'
    html = article_html(text, f"Ferry {SCRIPT}", "x.txt", 2, 2, (0, len(text)))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;" in html
    assert "&lt;" in viewer_message("<b>", "<i>") and "<b>" not in viewer_message("<b>", "<i>")


def test_viewer_ignores_a_span_outside_the_text() -> None:
    html = article_html("one\ntwo", "t", "x.txt", 2, 2, (50, 60))
    assert "<mark>" not in html and 'class="line hl" data-line="2"' in html


def test_shorten() -> None:
    assert shorten("short  title", 20) == "short title"
    assert shorten("a long title that goes on and on", 15) == "a long title…"


def test_markers_stay_on_the_line_of_their_sentence() -> None:
    html = answer_html(answer("It reopened on Monday.[1][2] Then [1, 2]", [citation(1), citation(2)]), 0)
    groups = re.findall(r'<span class="cites">(\S+)\xa0((?:<button[^>]*>\d</button>)+)</span>', html)
    assert [(word, body.count("<button")) for word, body in groups] == [("Monday.", 2), ("Then", 2)]


def test_the_short_answer_carries_its_confidence() -> None:
    from rag.models import ShortAnswer

    a = answer("Calder Bridge [1]. The bridge reopened on Monday. [1]", [citation(1)])
    a.short_answer = ShortAnswer(text="Calder Bridge", citation=1, label="FAC", confidence=0.64)
    html = answer_html(a, 1)
    assert 'class="short-answer"' in html and ">confidence 64%</span>" in html


def test_a_list_of_articles_renders_as_one_bulleted_list() -> None:
    text = (
        "2 indexed articles credit Ana Roos in the byline, newest first:\n\n"
        "- “Quay Repairs Approved” (2024-01-20) [1]\n\n- “Ferry Fares Rise” (2023-06-12) [2]\n\nThat is all."
    )
    html = answer_html(answer(text, [citation(1), citation(2)]), 0)
    body = html.split("class='answer-list'>", 1)[1].split("</ul>", 1)[0]
    assert body.count("<li>") == 2 and "- “" not in html
    assert 'data-n="1"' in body and 'data-n="2"' in body
    assert html.index("</ul>") < html.index("That is all.")


def test_a_source_whose_year_was_inferred_says_so() -> None:
    inferred = citation(1, outlet="Tidewire", published="2026-01-14", date_source="inferred")
    assert "Tidewire, 2026-01-14 (year inferred)" in answer_html(answer("It reopened. [1]", [inferred]), 0)
