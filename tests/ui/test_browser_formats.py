"""PDF, DOCX, web pages and URLs in a real headless Chromium: click a PDF citation and see its page
with the cited passage highlighted; a web article links to its original; "Add from URL" adds a page.

Screenshots: test-artifacts/ui-pdf-citation.png, ui-web-citation.png, ui-add-url.png.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.format_fixtures import SEAWALL, news_page, write_format_corpus
from tests.ui.support import ANSWER_TIMEOUT_MS, UIServer, ask, needs_chromium, serve_corpus
from tests.web_server import LocalSite, local_site

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:gradio.queueing"),
    needs_chromium,
]


@pytest.fixture(scope="module")
def formats_server(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[UIServer]:
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("RAG_")]:
            mp.delenv(key)
        tmp = tmp_path_factory.mktemp("ui-formats")
        mp.chdir(tmp)
        server = serve_corpus(write_format_corpus(tmp / "corpus"), tmp / "store", embedder)
        try:
            yield server
        finally:
            server.demo.close()


@pytest.fixture
def page(browser, formats_server: UIServer) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(formats_server.url)
    page.wait_for_selector("#conversation")
    yield page
    context.close()


def test_clicking_a_pdf_citation_shows_its_page_with_the_passage_highlighted(page, artifacts: Path) -> None:
    answer = ask(page, "How much water did the Kestrel reservoir hold at the end of June?")
    assert "4.2 million cubic metres" in " ".join(answer.inner_text().split())
    assert "water-report.pdf, p. 2" in answer.locator("p button.cite").first.get_attribute("title")
    answer.locator("p button.cite").first.click()
    mark = page.locator("#viewer .line.hl mark").first
    mark.wait_for(state="visible")
    page.wait_for_timeout(300)
    assert "4.2 million cubic metres" in " ".join(page.locator("#viewer .line.hl").all_inner_texts())
    assert page.locator("#viewer .viewer-page").inner_text() == "p. 2"
    assert "water-report.pdf" in page.locator("#viewer .viewer-loc").inner_text()
    article = page.locator("#viewer .article").inner_text()
    assert "Reservoir levels" in article and "Millbrook" not in article  # the cited page, not the whole file
    page.screenshot(path=artifacts / "ui-pdf-citation.png")


def test_web_article_citation_links_to_the_original(page, artifacts: Path) -> None:
    answer = ask(page, "How long will the Gullport seawall be?")
    answer.locator("p button.cite").first.click()
    link = page.locator("#viewer .viewer-url a")
    link.wait_for(state="visible")
    assert link.get_attribute("href") == "https://gazette.example/news/seawall"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "free cruise" not in page.locator("#viewer .article").inner_text()
    page.screenshot(path=artifacts / "ui-web-citation.png")


def test_add_from_url_box(page, artifacts: Path) -> None:
    site: LocalSite
    with local_site() as site:
        url = site.page("/seawall-vote", news_page("Seawall vote: council decides", SEAWALL[:2]))
        page.locator("#add-url textarea, #add-url input").first.fill(url)
        page.locator("#add-url-button").click()
        page.locator("#upload-messages .msg.ok", has_text="Indexed: 1 added").wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert "added web/127_0_0_1/seawall-vote-" in page.locator("#upload-messages").inner_text()
        page.locator("button.source-link", has_text="Seawall vote: council decides").wait_for()
        page.screenshot(path=artifacts / "ui-add-url.png")
