"""The UI in a real headless Chromium: ask, read the cited passage, stay safe with hostile articles.

Screenshots go to test-artifacts/ (git-ignored): ui-empty.png, ui-answer.png (the UI answering
with citations), ui-citation.png, ui-follow-up.png, ui-hostile.png, ui-abstain.png, ui-upload.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.ui.support import ANSWER_TIMEOUT_MS, HOSTILE_NAME, HOSTILE_QUESTION, UIServer, ask, needs_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:gradio.queueing"),
    needs_chromium,
]


@pytest.fixture
def page(browser, ui_server: UIServer) -> Iterator[object]:
    """A fresh page (a new Gradio session) that records every request leaving 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.external_requests = []
    page.console_errors = []

    def on_request(request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in ("127.0.0.1", "localhost"):
            page.external_requests.append(request.url)

    page.on("request", on_request)
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    page.set_default_timeout(30_000)
    page.goto(ui_server.url)
    page.wait_for_selector("#conversation button.example")
    yield page
    assert page.external_requests == [], "the page must work offline"
    assert page.console_errors == [], "the page logged errors"
    context.close()


def assert_in_viewport(page, locator) -> None:
    assert locator.is_visible()
    box = locator.bounding_box()
    view = page.viewport_size
    assert box is not None
    assert 0 <= box["y"] < view["height"] - 10 and box["y"] + min(box["height"], 60) <= view["height"]
    assert 0 <= box["x"] and box["x"] + box["width"] <= view["width"]
    article = page.locator("#viewer .article").bounding_box()
    assert article["y"] - 1 <= box["y"] < article["y"] + article["height"], "inside the article's visible area"


def test_answer_with_citations_then_open_the_cited_passage(page, artifacts: Path) -> None:
    page.screenshot(path=artifacts / "ui-empty.png")
    answer = ask(page, "Which air base did Russian troops enter?")
    assert "101" in answer.inner_text()
    markers = answer.locator("p button.cite")
    assert markers.count() >= 1
    assert answer.locator(".sources li.source").count() == answer.locator(".sources button.cite").count() >= 1
    page.screenshot(path=artifacts / "ui-answer.png")

    markers.first.click()
    highlighted = page.locator("#viewer .line.hl").first
    highlighted.wait_for(state="visible")
    page.wait_for_timeout(300)  # the scroll happens on the next animation frame
    assert_in_viewport(page, highlighted)
    quote = answer.locator(".sources .quote").first.inner_text().strip("“” ")
    assert page.locator("#viewer .line.hl mark").first.inner_text() == quote
    page.screenshot(path=artifacts / "ui-citation.png")

    # A follow-up whose passage lies far down a long article: the viewer scrolls to it.
    follow = ask(page, "Which city?")
    assert "Niamey" in follow.inner_text() and "Understood as" in follow.inner_text()
    follow.locator("p button.cite").first.click()
    page.wait_for_function("() => (document.querySelector('#viewer .article') || {}).scrollTop > 0")
    page.wait_for_timeout(300)
    far = page.locator("#viewer .line.hl").first
    # The viewer scrolled (waited for above) and the cited line is in view, wherever the answerer's quote lies.
    assert int(far.get_attribute("data-line")) > 1
    assert_in_viewport(page, far)
    page.screenshot(path=artifacts / "ui-follow-up.png")

    with page.expect_download() as download:
        page.locator("#export").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "## Q1: Which air base did Russian troops enter?" in exported and "## Q2: Which city?" in exported
    assert re.search(r"\[1\] \S+\.txt, lines \d+-\d+: “", exported)


def test_hostile_article_shows_as_text_and_runs_nothing(page, artifacts: Path) -> None:
    answer = ask(page, HOSTILE_QUESTION)
    assert 'onerror="window.__pwned = 2"' in answer.inner_text()  # shown literally…
    assert page.locator("#conversation img").count() == 0  # …never turned into an element

    page.locator(f'button.source-link[data-path="{HOSTILE_NAME}"]').click()
    literal = page.locator("#viewer .viewer-title", has_text="<script>window.__pwned = 1</script>")
    literal.wait_for(state="visible")
    assert page.locator("#viewer", has_text="`${window.__pwned = 3}`").is_visible()
    assert page.locator("#viewer script, #viewer img").count() == 0

    answer.locator("p button.cite").first.click()
    page.locator("#viewer .line.hl mark", has_text="onerror").wait_for(state="visible")
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    page.screenshot(path=artifacts / "ui-hostile.png")


def test_abstention_is_shown_as_not_in_the_articles(page, artifacts: Path) -> None:
    answer = ask(page, "What did the mayor of Lisbon say about tram fares?")
    assert "not in the articles" in answer.inner_text().lower()
    assert "abstained" in answer.get_attribute("class") and "failed" not in answer.get_attribute("class")
    page.screenshot(path=artifacts / "ui-abstain.png")


def test_upload_indexes_good_files_and_explains_rejections(
    page, ui_server: UIServer, tmp_path: Path, artifacts
) -> None:
    good = tmp_path / "Port Elms ferry.md"
    good.write_text("# Ferry Timetable Changes\n\nThe Port Elms ferry will run every 20 minutes from June.\n")
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.7")
    before = len(ui_server.assistant.sources())
    page.locator("#upload-box input[type=file]").set_input_files([str(good), str(bad)])
    messages = page.locator("#upload-messages")
    messages.locator(".msg.ok", has_text="Added Port_Elms_ferry.md").wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "notes.pdf" in messages.inner_text() and "not a readable PDF" in messages.inner_text()
    page.locator('button.source-link[data-path="Port_Elms_ferry.md"]').wait_for()
    assert len(ui_server.assistant.sources()) == before + 1
    assert f"{before + 1}" in page.locator("#index-status").inner_text()
    page.screenshot(path=artifacts / "ui-upload.png")

    answer = ask(page, "How often will the Port Elms ferry run from June?")
    assert "20 minutes" in answer.inner_text() and "Port_Elms_ferry.md" in answer.inner_text()

    page.locator("#reindex").click()
    page.locator("#index-messages .msg.ok", has_text="0 added").wait_for(timeout=ANSWER_TIMEOUT_MS)
