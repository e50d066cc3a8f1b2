"""The viewer for PDFs and web articles, and the "Add from URL" box, through the UI's handlers."""

from __future__ import annotations

from html import escape
from pathlib import Path

from tests.format_fixtures import SEAWALL, news_page, write_format_corpus
from tests.web_server import local_site
from ui.app import Handlers
from ui.viewer_html import article_html

CLOSED = "http://127.0.0.1:9"


def test_viewer_links_only_http_urls_without_referrer_or_opener() -> None:
    html = article_html("Text", "T", "web/a.md", url="https://news.example/a?b=1&c=2")
    assert '<a href="https://news.example/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">' in html
    for url in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,<script>x()</script>"):
        html = article_html("Text", "T", "web/a.md", url=url)
        assert "<a " not in html and "<script>" not in html and '<span class="url-text">' in html


def test_viewer_shows_the_page_number_and_lines_within_the_page() -> None:
    html = article_html("one\ntwo cited\nthree", "Report", "r.pdf", 2, 2, (4, 13), label="[1]", page=7)
    assert "p. 7" in html and "lines 2" in html
    assert '<div class="line hl" data-line="2">' in html and "<mark>two cited</mark>" in html


def test_pdf_citation_opens_its_page_with_the_quote_highlighted(assistant_for, tmp_path: Path) -> None:
    a = assistant_for(write_format_corpus(tmp_path / "c"), llm__ollama_url=CLOSED)
    a.index()
    answer = a.ask("How much water did the Kestrel reservoir hold at the end of June?", backend="extractive")
    citation = answer.citations[0]
    assert citation.page == 2
    html = Handlers(a).show_citation(citation)
    assert "p. 2" in html and "water-report.pdf" in html
    assert "Millbrook" not in html and "met four times" not in html  # only page 2 is shown
    marked = html.split("<mark>", 1)[1].split("</mark>", 1)[0]
    assert marked == escape(citation.quote.split("\n")[0])
    first_line = citation.start_line - citation.page_line + 1
    assert f'<div class="line hl" data-line="{first_line}">' in html


def test_web_article_citation_shows_main_text_and_original_link(assistant_for, tmp_path: Path) -> None:
    a = assistant_for(write_format_corpus(tmp_path / "c"), llm__ollama_url=CLOSED)
    a.index()
    answer = a.ask("How long will the Gullport seawall be?", backend="extractive")
    html = Handlers(a).show_citation(answer.citations[0])
    assert 'href="https://gazette.example/news/seawall"' in html and 'rel="noopener noreferrer"' in html
    assert "free cruise" not in html and "900-metre seawall" in html


def test_add_from_url_box(assistant_for, tiny_corpus: Path) -> None:
    a = assistant_for(tiny_corpus, llm__ollama_url=CLOSED)
    a.index()
    h = Handlers(a)
    with local_site() as site:
        url = site.page("/seawall", news_page("Harbour council approves seawall", SEAWALL))
        message, _, sources, box = h.add_url(url)
        assert "added web/127_0_0_1/seawall-" in message and "Indexed: 1 added" in message and box == ""
        assert "seawall" in sources
        message, _, _, box = h.add_url(site.redirect("/evil", "file:///etc/passwd"))
        assert "non-HTTP" in message and box.endswith("/evil")
        message, *_ = h.add_url("file:///etc/passwd")
        assert "only http and https" in message
    # A path on the server typed into the page's box is refused: only who runs it copies its files in.
    secret = tiny_corpus.parent / "private-notes.txt"
    secret.write_text("Private notes\n\nThe board meets on Friday.\n")
    message, _, sources, box = h.add_url(str(secret))
    assert "not a web address" in message and "private-notes" not in sources and box == str(secret)
    assert not any(p.name.startswith("private-notes") for p in tiny_corpus.rglob("*"))
