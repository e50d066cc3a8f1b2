"""``rag ui`` serves the HTTP API of ``rag serve`` from its own process, beside the page."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from rag.errors import RagError
from tests.ui.support import free_port

QUESTION = "How much did the bridge repairs cost?"


@pytest.fixture
def ui(assistant_for, tiny_corpus: Path):
    from ui.app import build_app, serve

    assistant = assistant_for(tiny_corpus, answer__backend="extractive")
    assistant.index()
    demo = build_app(assistant)
    app, url, _ = serve(demo, assistant.settings, port=free_port(), block=False, quiet=True)
    try:
        yield assistant, demo, app, url.rstrip("/")
    finally:
        demo.close()


def test_ui_process_serves_the_api_and_announces_it(ui) -> None:
    assistant, demo, app, url = ui
    with assistant.serve_api(app, "127.0.0.1", demo.server_port) as info:
        assert info.url == url
        assert (assistant.settings.store.dir / "server.json").exists()
        answer = httpx.post(f"{url}/ask", json={"question": QUESTION}, timeout=60).json()
        assert "$42 million" in answer["answer"] and answer["citations"][0]["file"] == "alpha.txt"
        assert httpx.get(f"{url}/health").json()["status"] == "ok"
        page = httpx.get(f"{url}/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]  # Gradio still owns "/"
        assert info.docs == f"{url}/rag/docs" and httpx.get(info.docs).status_code == 200
        assert "/ask" in httpx.get(f"{url}/rag/openapi.json").json()["paths"]
    assert not (assistant.settings.store.dir / "server.json").exists()


def test_ui_off_loopback_without_token_serves_no_api(ui) -> None:
    assistant, demo, app, _ = ui
    with pytest.raises(RagError, match="RAG_API_TOKEN"):
        assistant.serve_api(app, "0.0.0.0", demo.server_port).__enter__()
    assert not (assistant.settings.store.dir / "server.json").exists()
