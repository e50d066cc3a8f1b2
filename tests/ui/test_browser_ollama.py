"""In Chromium with an LLM backend (the offline fake Ollama): text streams in, then the verified
answer replaces it, with the sentence no passage supports visibly flagged."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_ollama import FakeOllama
from tests.ui.conftest import UIServer, start_server
from tests.ui.test_browser import ANSWER_TIMEOUT_MS, ARGS, CHROMIUM

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:gradio.queueing"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: install Debian's chromium package"),
]

# Which number a passage gets depends on retrieval, so each claim cites them all; only the
# passages that really support a claim survive verification.
REPLY = (
    "Russian troops entered Air Base 101 in Niamey [1][2][3][4][5]. "
    "It is estimated there were 1,100 US soldiers stationed in Niger [1][2][3][4][5]. "
    "The base was handed over in a ceremony attended by 3,000 guests."
)


@pytest.fixture(scope="module")
def ollama_server(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[tuple[UIServer, FakeOllama]]:
    with pytest.MonkeyPatch.context() as mp, FakeOllama(delay_s=0.12) as fake:
        for key in list(os.environ):
            if key.startswith("RAG_"):
                mp.delenv(key)
        tmp = tmp_path_factory.mktemp("ui-ollama")
        mp.chdir(tmp)
        server = start_server(tmp, embedder, llm__ollama_url=fake.url, answer__backend="auto")
        try:
            yield server, fake
        finally:
            server.demo.close()


def test_streams_then_shows_the_verified_answer(ollama_server, artifacts: Path) -> None:
    from playwright.sync_api import sync_playwright

    server, fake = ollama_server
    fake.enqueue(REPLY)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(server.url)
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
        browser.close()
