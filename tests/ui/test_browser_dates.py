"""The side panel's date controls in a real headless Chromium: as-of keeps later articles out, since/until
bound the answer, a bad date is one line; the timeline under an answer opens the article it points to.

Screenshot: test-artifacts/ui-dates-timeline.png (date control filled, answer with its timeline).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import write_corpus
from tests.ui.support import ANSWER_TIMEOUT_MS, needs_chromium, serve_corpus

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:gradio.queueing"),
    needs_chromium,
]

CUT = (
    "The Port Elms council voted to cut the harbor tax to 2 percent on Monday. Shipping firms had asked for the "
    "cut for two years, and the mayor said the lower rate would keep the container terminal busy through winter."
)
ARTICLES = {
    "tax_2021.txt": "Harbor Tax Raised\nNorthwire | 2021-03-10\n\nThe Port Elms council voted to raise the harbor "
    "tax to 3 percent on Tuesday.\n",
    "tax_2023.txt": f"Harbor Tax Cut\nValley Courier | 2023-08-14\n\n{CUT}\n",
    "tax_2023_copy.txt": f"Harbor Tax Cut\nNorthwire | 2023-08-15\n\n{CUT}\n",
    "tax_2024.txt": "Harbor Tax Abolished\nNorthwire | 2024-02-01\n\nThe Port Elms council voted to abolish the "
    "harbor tax on Thursday.\n",
}


@pytest.fixture(scope="module")
def dated_url(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("ui-dates")
    server = serve_corpus(write_corpus(tmp / "corpus", ARTICLES), tmp / "store", embedder)
    try:
        yield server.url
    finally:
        server.demo.close()


@pytest.fixture
def page(browser, dated_url: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(dated_url)
    page.wait_for_selector("#conversation button.example")
    yield page
    context.close()


def field(page, elem_id: str) -> object:
    return page.locator(f"#{elem_id} input, #{elem_id} textarea").first


def ask(page, question: str) -> object:
    before = page.locator("#conversation .turn").count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#conversation .turn:not(.pending)').length > n"
        " || document.querySelector('#conversation .bubble.failed')",
        arg=before - page.locator("#conversation .turn.pending").count(),
        timeout=ANSWER_TIMEOUT_MS,
    )
    return page.locator("#conversation .turn").last.locator(".bubble.answer")


def test_as_of_phrase_window_and_timeline(page, artifacts: Path) -> None:
    field(page, "date-as-of").fill("2023-08-16")
    answer = ask(page, "What did the council do to the harbor tax this week?")
    text = answer.inner_text()
    assert "2 percent" in text and "abolish" not in text
    assert 'Dates: "this week" = 2023-08-10 to 2023-08-16; nothing after 2023-08-16' in text
    assert "also reported by" in text
    points = answer.locator(".timeline .tl-point")
    assert points.count() >= 1
    page.screenshot(path=artifacts / "ui-dates-timeline.png")
    n = points.first.get_attribute("data-n")
    cited = answer.locator(f'.sources button.cite[data-n="{n}"]').first.get_attribute("title").split(",")[0]
    points.first.click()
    page.locator("#viewer .line.hl").first.wait_for(state="visible")
    assert cited in page.locator("#viewer").inner_text()


def test_since_until_bound_the_answer_and_a_bad_date_is_one_line(page) -> None:
    field(page, "date-since").fill("2021-01-01")
    field(page, "date-until").fill("2021-12-31")
    answer = ask(page, "What did the council do to the harbor tax?")
    assert "3 percent" in answer.inner_text()
    assert {b.get_attribute("title").split(",")[0] for b in answer.locator(".sources button.cite").all()} == {
        "tax_2021.txt"
    }
    field(page, "date-until").fill("soonish")
    failed = ask(page, "What did the council do to the harbor tax?")
    assert "Could not read the date 'soonish'" in failed.inner_text()
