"""Fixtures for the UI tests: one real server and one headless Chromium for the whole session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, UIServer, start_server


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[UIServer]:
    """One server for the UI tests (indexing is the slow part), isolated from the user's RAG_* and rag.toml."""
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith("RAG_"):
                mp.delenv(key)
        tmp = tmp_path_factory.mktemp("ui")
        mp.chdir(tmp)
        server = start_server(tmp, embedder)
        try:
            yield server
        finally:
            server.demo.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright, shared by the browser tests."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
