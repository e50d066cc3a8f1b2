"""In Chromium with an LLM backend (the offline fake Ollama): text streams in, then the verified
answer replaces it, with the sentence no passage supports visibly flagged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_ollama import FakeOllama
from tests.ui.support import ANSWER_TIMEOUT_MS, UIServer, needs_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:gradio.queueing"),
    needs_chromium,
]

# Which number a passage gets depends on retrieval, so each claim cites them all; only the
# passages that really support a claim survive verification.
REPLY = (
    "Russian troops entered Air Base 101 in Niamey [1][2][3][4][5]. "
    "It is estimated there were 1,100 US soldiers stationed in Niger [1][2][3][4][5]. "
    "The base was handed over in a ceremony attended by 3,000 guests."
)


@pytest.fixture
def with_ollama(ui_server: UIServer) -> Iterator[FakeOllama]:
    """The shared server's ``auto`` backend finds a (fake, offline) Ollama while the test runs."""
    llm = ui_server.assistant.settings.llm
    before = llm.ollama_url
    with FakeOllama(delay_s=0.12) as fake:
        llm.ollama_url = fake.url
        try:
            yield fake
        finally:
            llm.ollama_url = before


def test_streams_then_shows_the_verified_answer(browser, ui_server: UIServer, with_ollama, artifacts: Path) -> None:
    with_ollama.enqueue(REPLY)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(ui_server.url)
    page.locator(".panel-strong", has_text="ollama · llama3.2").wait_for(timeout=30_000)
    page.locator("#conversation button.example").first.wait_for()
    page.locator("#question textarea").fill("Which air base did Russian troops enter, and how many US troops?")
    page.locator("#ask").click()

    streaming = page.locator("#conversation .bubble.answer.streaming p")
    streaming.wait_for(timeout=ANSWER_TIMEOUT_MS)
    partial = streaming.inner_text()
    page.screenshot(path=artifacts / "ui-streaming.png")
    assert partial and len(partial) < len(REPLY)

    final = page.locator("#conversation .turn:not(.pending) .bubble.answer").last
    final.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert final.locator("p button.cite").count() >= 2
    flagged = final.locator(".unsupported")
    assert flagged.count() == 1 and "3,000 guests" in flagged.inner_text()
    assert final.locator(".flag").is_visible() and "Written by ollama" in final.inner_text()
    page.screenshot(path=artifacts / "ui-unsupported.png")
    context.close()
