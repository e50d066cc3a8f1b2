"""A UI process keeps answering while ``rag index --rebuild`` runs in another process on its store.

Before generations were swapped in, every question failed with ``NotFoundError: Collection …
does not exist`` from the moment the CLI dropped the collection until the UI was restarted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from gradio_client import Client

from tests.ui.support import ROOT, start_server

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning:gradio.queueing")]

QUESTION = "Which air base did Russian troops enter?"


def rebuild(store: Path, corpus: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env |= {"RAG_STORE_DIR": str(store), "RAG_CORPUS_DIR": str(corpus), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "rag.cli", "index", "--rebuild"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=store.parent)


def test_ui_keeps_answering_through_a_cli_rebuild(tmp_path: Path, embedder) -> None:
    server = start_server(tmp_path, embedder)
    try:
        store, corpus = server.assistant.settings.store.dir, server.corpus
        generation = server.assistant.store.generation
        failures: list[str] = []
        answered = {"during": 0}
        rebuilding = threading.Event()
        done = threading.Event()

        def session() -> None:
            client = Client(server.url, verbose=False, download_files=False)
            while not done.is_set():
                try:
                    html, _, _ = client.predict(QUESTION, 5, api_name="/ask")
                    viewer = client.predict("harbor_ferry.txt", 1, 2, api_name="/view_source")
                except Exception as exc:  # noqa: BLE001 - every failure is collected and shown
                    failures.append(f"{type(exc).__name__}: {exc}")
                    continue
                if "Could not answer" in html or "Air Base 101" not in html:
                    failures.append(html[html.rfind('<div class="turn') :][:400])
                if "Cannot show this source" in viewer:
                    failures.append(viewer[:400])
                if rebuilding.is_set():
                    answered["during"] += 1

        threads = [threading.Thread(target=session) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(2)
        rebuilding.set()
        runs = [rebuild(store, corpus) for _ in range(2)]
        rebuilding.clear()
        time.sleep(3)  # questions after the swap read the new generation
        done.set()
        for t in threads:
            t.join(120)
        for run in runs:
            assert run.returncode == 0, run.stderr
        assert not failures, failures[:3]
        assert answered["during"] >= 3
        assert server.assistant.store.generation == generation + 2
        assert server.assistant.store.opened_generation == generation + 2  # the UI reopened the new one
        assert [s.path for s in server.assistant.sources()]
    finally:
        server.demo.close()
