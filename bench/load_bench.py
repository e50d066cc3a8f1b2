"""Question latency of the UI under load, with and without an upload being indexed.

Starts the real UI (``ui.app.build_app`` + ``serve``) over a temporary copy of the bundled corpus,
then runs ``--sessions`` concurrent sessions through ``gradio_client``, each asking questions
back to back:

1. baseline: for ``--seconds`` with nothing else running;
2. indexing: an invented article of ``--upload-kb`` KB is added through ``Assistant.add_articles``
   (what the upload box calls) and indexed through the public ``/reindex`` endpoint (the same
   handler an upload runs); every question asked while it runs is counted, however long it waits.

Prints p50/p95 question latency for both phases, their ratio (target: p95 with indexing <= 2x
p95 without), how long indexing took, the CPU model and flags and the load average.
Run: .venv/bin/python bench/load_bench.py [--sessions 20] [--seconds 30] [--upload-kb 300]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.machine import machine  # noqa: E402
from evals.metrics import percentile  # noqa: E402

QUESTIONS = [
    "Which air base did Russian troops enter?",
    "Which international airport is Airbase 101 close to?",
    "How many French troops did Niger's post-coup government expel?",
    "In which month did the US officially label the military takeover in Niger a coup?",
    "Where is Air Base 201?",
]
WORDS = (
    "council harbor budget river school bridge market station museum transit orchard clinic storm ferry "
    "library tunnel festival engineer mayor report visitors million approved opened repairs"
).split()


def invented_article(kb: int, seed: int = 0) -> str:
    """Plain sentences about invented towns, ``kb`` kilobytes long (no real names)."""
    rng = random.Random(seed)
    lines = ["Regional Notes From Invented Towns", ""]
    size = 0
    while size < kb * 1024:
        town = f"Town {rng.randint(1, 999)}"
        sentence = (
            f"The {rng.choice(WORDS)} of {town} reported {rng.randint(10, 9999)} {rng.choice(WORDS)} "
            f"on day {rng.randint(1, 365)}, said the {rng.choice(WORDS)} office."
        )
        lines.append(sentence)
        size += len(sentence) + 1
    return "\n".join(lines) + "\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sessions:
    """``n`` gradio_client sessions asking questions until stopped; each latency with its start time."""

    def __init__(self, url: str, n: int) -> None:
        from gradio_client import Client

        self.clients = [Client(url, verbose=False, download_files=False) for _ in range(n)]
        self.samples: list[tuple[float, float, float]] = []  # (start, end, seconds)
        self.errors: list[str] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def _run(self, i: int) -> None:
        client = self.clients[i]
        n = i
        while not self.stop.is_set():
            question = QUESTIONS[n % len(QUESTIONS)]
            n += 1
            start = time.monotonic()
            try:
                html, _, _ = client.predict(question, 5, api_name="/ask")
            except Exception as exc:  # noqa: BLE001 - counted and reported
                self.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            end = time.monotonic()
            if "Could not answer" in html:
                self.errors.append("Could not answer")
            with self._lock:
                self.samples.append((start, end, end - start))

    def run_for(self, seconds: float | None, until: threading.Event | None = None) -> tuple[float, float]:
        self.stop.clear()
        threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(len(self.clients))]
        begin = time.monotonic()
        for t in threads:
            t.start()
        if until is not None:
            until.wait()
        else:
            time.sleep(seconds or 0)
        end = time.monotonic()
        self.stop.set()
        for t in threads:
            t.join(300)
        return begin, end

    def window(self, begin: float, end: float) -> list[float]:
        """Latencies of the questions asked between ``begin`` and ``end`` (however long they then took)."""
        return [s for start, _, s in self.samples if begin <= start < end]


def report(name: str, values: list[float]) -> float:
    p50, p95 = percentile(values, 50), percentile(values, 95)
    print(f"  {name:<22} n={len(values):4d}  p50 {1000 * (p50 or 0):8.0f} ms   p95 {1000 * (p95 or 0):8.0f} ms")
    return p95 or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the baseline phase")
    parser.add_argument("--upload-kb", type=int, default=300, help="size of the invented article indexed")
    args = parser.parse_args()

    from gradio_client import Client

    from rag.assistant import Assistant
    from rag.settings import Settings
    from ui.app import build_app, serve

    print(machine().line())
    with tempfile.TemporaryDirectory(prefix="rag-load-bench-") as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "corpus", root / "corpus")
        settings = Settings()
        settings.corpus.dir = root / "corpus"
        settings.store.dir = root / "store"
        settings.llm.ollama_url = "http://127.0.0.1:9"  # extractive answers: no model server needed
        settings.ui.concurrency = args.sessions
        assistant = Assistant(settings)
        assistant.index()
        demo = build_app(assistant)
        _, url, _ = serve(demo, settings, port=free_port(), block=False, quiet=True)
        try:
            sessions = Sessions(url, args.sessions)
            sessions.run_for(5)  # warm-up: sentence embeddings cached, threads started
            sessions.samples.clear()
            print(f"load before: {os.getloadavg()[0]:.2f} (1-min)")
            base_begin, base_end = sessions.run_for(args.seconds)
            baseline = sessions.window(base_begin, base_end)

            upload = root / "upload" / "invented_towns.txt"
            upload.parent.mkdir()
            upload.write_text(invented_article(args.upload_kb), encoding="utf-8")
            added = assistant.add_articles([upload])
            assert added.saved, added.rejected
            finished = threading.Event()
            timing: dict[str, float] = {}

            def index() -> None:
                timing["start"] = time.monotonic()
                Client(url, verbose=False, download_files=False).predict(api_name="/reindex")
                timing["end"] = time.monotonic()
                finished.set()

            indexer = threading.Thread(target=index, daemon=True)
            indexer.start()
            sessions.run_for(None, until=finished)
            indexer.join()
            during = sessions.window(timing["start"], timing["end"])
            load = os.getloadavg()[0]
        finally:
            demo.close()

    chunks = assistant.status().chunks
    print(f"\n{args.sessions} concurrent sessions, extractive backend, {chunks} chunks after the upload")
    print(f"indexing a {args.upload_kb} KB upload took {timing['end'] - timing['start']:.1f} s")
    p95_base = report("without indexing", baseline)
    p95_during = report("while indexing", during)
    ratio = p95_during / p95_base if p95_base else float("inf")
    verdict = "met" if ratio <= 2 else "NOT met"
    print(f"  p95 ratio {ratio:.2f} (target <= 2: {verdict}); errors: {len(sessions.errors)}")
    print(f"load after: {load:.2f} (1-min)")
    if sessions.errors:
        print("  first errors:", sessions.errors[:3])


if __name__ == "__main__":
    main()
