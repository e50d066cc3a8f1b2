"""``rag ui``: options reach the launcher; local-only defaults."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_ui_command_passes_host_and_port(cli, monkeypatch: pytest.MonkeyPatch, tiny_corpus: Path) -> None:
    import ui.app

    seen = {}

    def fake_launch(settings, assistant=None, watch=False) -> None:
        seen.update(host=settings.ui.host, port=settings.ui.port, assistant=assistant, watch=watch)

    monkeypatch.setattr(ui.app, "launch", fake_launch)
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tiny_corpus))
    code, _, err = cli("ui")
    assert code == 0, err
    assert seen["host"] == "127.0.0.1" and seen["port"] == 7860 and seen["assistant"] is not None
    assert seen["watch"] is False
    code, _, _ = cli("ui", "--host", "0.0.0.0", "--port", "8123", "--watch")
    assert code == 0 and (seen["host"], seen["port"], seen["watch"]) == ("0.0.0.0", 8123, True)


def test_ui_help_lists_the_options(cli) -> None:
    code, out, _ = cli("ui", "--help")
    assert code == 0 and "--host" in out and "--port" in out and "--watch" in out
