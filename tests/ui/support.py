"""Helpers for the UI tests: a real UI server (``ui.app.build_app`` over a copy of the bundled
corpus plus one hostile article, launched in-process on a free port exactly as ``rag ui`` does),
the browser settings and the hostile article."""

from __future__ import annotations

import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ANSWER_TIMEOUT_MS = 120_000
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests"
)

# An article that tries everything: a script tag, an event handler and a template-literal
# expression. The UI must show all of it as text and run none of it.
HOSTILE_NAME = "harbor_ferry.txt"
HOSTILE_ARTICLE = (
    "Harbor Ferry Returns <script>window.__pwned = 1</script>\n"
    "By Jane Porter\n\n"
    "The harbor ferry of Port Elms returned to service on Tuesday after a two-year pause "
    '<img src=x onerror="window.__pwned = 2">.\n'
    "Captain Ana Ruiz said the ferry carries 400 passengers per trip `${window.__pwned = 3}`.\n"
)
HOSTILE_QUESTION = "When did the harbor ferry of Port Elms return to service?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class UIServer:
    url: str
    assistant: object
    demo: object
    corpus: Path


def start_server(tmp: Path, embedder, **overrides: object) -> UIServer:
    """The bundled corpus plus a hostile article, served by a real UI."""
    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    (corpus / HOSTILE_NAME).write_text(HOSTILE_ARTICLE, encoding="utf-8")
    return serve_corpus(corpus, tmp / "store", embedder, **overrides)


def serve_corpus(corpus: Path, store: Path, embedder, **overrides: object) -> UIServer:
    """Index ``corpus`` into ``store`` and serve the UI over it on a free port (Ollama deliberately absent)."""
    from rag.assistant import Assistant
    from rag.settings import Settings
    from ui.app import build_app, serve

    settings = Settings()
    settings.corpus.dir = corpus
    settings.store.dir = store
    settings.llm.ollama_url = "http://127.0.0.1:9"  # nothing listens: auto falls back to extractive
    for dotted, value in overrides.items():
        group, field = dotted.split("__")
        setattr(getattr(settings, group), field, value)
    assistant = Assistant(settings, embedder=embedder)
    assistant.index()
    demo = build_app(assistant)
    _, url, _ = serve(demo, settings, port=free_port(), block=False, quiet=True)
    return UIServer(url=url, assistant=assistant, demo=demo, corpus=corpus)


def ask(page, question: str) -> object:
    """Type a question, send it with Enter, wait for the verified answer; the new answer bubble."""
    turns = page.locator("#conversation .turn:not(.pending)").count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#conversation .turn:not(.pending)').length > n",
        arg=turns,
        timeout=ANSWER_TIMEOUT_MS,
    )
    return page.locator("#conversation .turn").last.locator(".bubble.answer")
