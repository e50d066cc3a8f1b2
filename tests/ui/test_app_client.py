"""End to end through Gradio's own client: a real server, real sessions, the bundled articles."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from gradio_client import Client

from tests.ui.support import HOSTILE_NAME, HOSTILE_QUESTION, UIServer

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning:gradio.queueing")]

FIRST = "Which air base did Russian troops enter?"
FOLLOW_UP = "Which city?"  # only answerable through the first turn


def last_turn(html: str) -> str:
    return html[html.rindex('<div class="turn') :]


def client(server: UIServer) -> Client:
    return Client(server.url, verbose=False, download_files=False)


def test_answer_then_follow_up_in_one_session(ui_server: UIServer) -> None:
    session = client(ui_server)
    html, box, _ = session.predict(FIRST, 5, api_name="/ask")
    assert box == ""
    assert "101" in html and "Air Base 101" in html
    assert re.search(r'<button type="button" class="cite" data-turn="0" data-n="1"', html)
    assert 'class="sources"' in html and "lines " in html and "“" in html

    html2, _, export2 = session.predict(FOLLOW_UP, 5, api_name="/ask")
    turn = last_turn(html2)
    assert html2.count('<div class="turn"') == 2 and 'data-turn="1"' in turn
    assert "Niamey" in turn and "Understood as: Which city?" in turn and "Not in the articles" not in turn

    # The same question in a fresh session has no history to lean on: the articles do not say.
    alone, _, _ = client(ui_server).predict(FOLLOW_UP, 5, api_name="/ask")
    assert alone.count('<div class="turn"') == 1 and "Not in the articles" in alone and "Niamey" not in alone

    # The export holds the whole conversation with citations and quotes, served over HTTP.
    path = export2["value"]["path"] if isinstance(export2["value"], dict) else export2["value"]
    markdown = httpx.get(f"{ui_server.url}gradio_api/file={path}", timeout=10).text
    assert f"## Q1: {FIRST}" in markdown and f"## Q2: {FOLLOW_UP}" in markdown
    assert "Sources:" in markdown and re.search(r"\[1\] \S+\.txt, lines \d+-\d+: “.+”", markdown)


def test_ten_concurrent_sessions_all_get_answers(ui_server: UIServer) -> None:
    questions = [
        "Which air base did Russian troops enter?",
        "Which international airport is Airbase 101 close to?",
        "How many French troops did Niger's post-coup government expel?",
        "Which US officials expressed concerns about the Russian military presence in Niger?",
        "In which month did the US officially label the military takeover in Niger a coup?",
        "Where are most US forces in Niger stationed?",
        "How many US soldiers were estimated to be stationed in Niger?",
        "Who is the US Defense Secretary?",
        "When did the harbor ferry of Port Elms return to service?",
        "Which air base did Russian troops enter?",
    ]
    assistant = ui_server.assistant
    real = assistant.stream
    lock = threading.Lock()
    running = peak = 0

    def counting(*args, **kwargs):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        try:
            time.sleep(0.3)  # hold the slot so overlapping requests are visible
            yield from real(*args, **kwargs)
        finally:
            with lock:
                running -= 1

    def ask(question: str) -> str:
        return client(ui_server).predict(question, 5, api_name="/ask")[0]

    assistant.stream = counting
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(ask, questions))
        elapsed = time.monotonic() - started
    finally:
        del assistant.stream
    assert len(answers) == 10
    for question, html in zip(questions, answers, strict=True):
        assert 'class="bubble answer' in html and "Could not answer" not in html, question
        assert html.count('<div class="turn"') == 1  # no session saw another's history
    assert sum('class="cite"' in html for html in answers) >= 8
    assert peak > 1, f"requests ran one at a time ({elapsed:.1f} s)"


def test_view_source_refuses_paths_outside_the_corpus(ui_server: UIServer) -> None:
    session = client(ui_server)
    for crafted in ("../../etc/passwd", "/etc/passwd", "..%2F..%2Fetc%2Fpasswd", "....//....//etc/passwd.txt"):
        html = session.predict(crafted, 0, 0, api_name="/view_source")
        assert "Cannot show this source" in html and "root:" not in html, crafted
    html = session.predict("000_66acf2913ab27397.txt", 6, 6, api_name="/view_source")
    assert 'class="line hl" data-line="6"' in html and "Air Base 101 in Niamey" in html


def test_hostile_article_is_escaped_in_every_panel(ui_server: UIServer) -> None:
    session = client(ui_server)
    html, _, _ = session.predict(HOSTILE_QUESTION, 5, api_name="/ask")
    assert HOSTILE_NAME in html and "<img" not in html and "&lt;img src=x" in html
    viewer = session.predict(HOSTILE_NAME, 4, 4, api_name="/view_source")
    assert "<script" not in viewer and "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in viewer


def test_served_locally_without_share_link_or_analytics(ui_server: UIServer) -> None:
    demo = ui_server.demo
    assert ui_server.url.startswith("http://127.0.0.1:")
    assert demo.share is False and demo.share_url is None and demo.analytics_enabled is False
    assert demo._queue.default_concurrency_limit == ui_server.assistant.settings.ui.concurrency == 10
    assert {"/ask", "/view_source"} <= set(
        client(ui_server).view_api(print_info=False, return_format="dict")["named_endpoints"]
    )
