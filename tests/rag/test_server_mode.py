"""Server mode: the library and the ``rag`` CLI against a real ``chroma run`` server.

One server and one loaded embedding model serve the whole module; every test gets its own
collection, store folder and copy of the bundled corpus, so tests do not see each other.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    from tests.chroma_server import ChromaServer, free_port
except ImportError:  # tests/ is not a package and rootdir is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.chroma_server import ChromaServer, free_port

import chromadb

from rag.assistant import Assistant
from rag.embeddings import Embedder
from rag.settings import (
    BUNDLED_CORPUS,
    ChromaSettings,
    CorpusSettings,
    EmbeddingSettings,
    Settings,
    StoreSettings,
)

pytestmark = pytest.mark.slow

QUESTION = "Which air base did Russian troops enter?"
CORPUS_FILES = sorted(p.name for p in BUNDLED_CORPUS.glob("*.txt"))
# The articles that name the base (as "Air Base 101" or "Airbase 101").
FILES_WITH_101 = {
    name for name in CORPUS_FILES if "101" in (BUNDLED_CORPUS / name).read_text(encoding="utf-8", errors="replace")
}
RAG_EXE = Path(sys.executable).parent / "rag"


# -- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    with ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data") as running:
        yield running


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """Loaded once: loading the model costs seconds."""
    loaded = Embedder(EmbeddingSettings())
    loaded.embed(["warm up"])
    return loaded


@pytest.fixture(scope="module")
def http(server: ChromaServer) -> Any:
    """An independent client, to check what really landed on the server."""
    from chromadb.config import Settings as ChromaConfig

    return chromadb.HttpClient(host=server.host, port=server.port, settings=ChromaConfig(anonymized_telemetry=False))


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in CORPUS_FILES:
        shutil.copy2(BUNDLED_CORPUS / name, folder / name)
    return folder


@pytest.fixture()
def collection_name(request: pytest.FixtureRequest) -> str:
    return f"t-{request.node.name[5:30].replace('_', '-')}-{uuid.uuid4().hex[:8]}"


@pytest.fixture()
def settings(tmp_path: Path, server: ChromaServer, corpus: Path, collection_name: str) -> Settings:
    return Settings(
        store=StoreSettings(dir=tmp_path / "store"),
        chroma=ChromaSettings(host=server.host, port=server.port, collection=collection_name),
        corpus=CorpusSettings(dir=corpus),
    )


@pytest.fixture()
def assistant(settings: Settings, embedder: Embedder) -> Assistant:
    return Assistant(settings, embedder=embedder)


def server_paths(http: Any, collection: str) -> dict[str, int]:
    """Chunks per source path, read straight from the server."""
    got = http.get_collection(collection).get(include=["metadatas"])
    counts: dict[str, int] = {}
    for meta in got["metadatas"]:
        counts[meta["path"]] = counts.get(meta["path"], 0) + 1
    return counts


def cli_env(tmp_path: Path, host: str, port: int, collection: str, corpus: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(
        RAG_CHROMA_HOST=host,
        RAG_CHROMA_PORT=str(port),
        RAG_CHROMA_COLLECTION=collection,
        RAG_STORE_DIR=str(tmp_path / "store"),
        RAG_CORPUS_DIR=str(corpus),
        ANONYMIZED_TELEMETRY="False",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    return env


# -- library -----------------------------------------------------------------------------------
def test_index_writes_every_file_to_the_server(assistant: Assistant, settings: Settings, http: Any) -> None:
    summary = assistant.index()

    assert sorted(summary.added) == CORPUS_FILES
    assert summary.updated == summary.removed == summary.unchanged == []
    assert summary.chunks_embedded > len(CORPUS_FILES)

    collection = http.get_collection(settings.chroma.collection)
    assert collection.count() == summary.chunks_embedded
    per_file = server_paths(http, settings.chroma.collection)
    assert sorted(per_file) == CORPUS_FILES
    assert sum(per_file.values()) == summary.chunks_embedded
    # The store reports the server, and nothing was written to an embedded Chroma folder.
    status = assistant.status()
    assert status.location == f"chroma://{settings.chroma.host}:{settings.chroma.port}/{settings.chroma.collection}"
    assert status.files == len(CORPUS_FILES) and status.chunks == summary.chunks_embedded
    assert not (settings.store.dir / "chroma").exists()


def test_reindex_embeds_nothing(assistant: Assistant, settings: Settings, http: Any) -> None:
    first = assistant.index()
    ids_before = set(http.get_collection(settings.chroma.collection).get(include=[])["ids"])

    second = assistant.index()

    assert second.chunks_embedded == 0
    assert second.added == second.updated == second.removed == []
    assert sorted(second.unchanged) == CORPUS_FILES
    ids_after = set(http.get_collection(settings.chroma.collection).get(include=[])["ids"])
    assert ids_after == ids_before and len(ids_after) == first.chunks_embedded


def test_search_ranks_the_air_base_first(assistant: Assistant) -> None:
    assert FILES_WITH_101, "the bundled corpus no longer mentions Air Base 101"
    assistant.index()

    hits = assistant.search(QUESTION)

    assert hits, "no results"
    assert "101" in hits[0].text, [(h.file, h.text[:80]) for h in hits]
    assert hits[0].file in FILES_WITH_101
    assert all(h.path in CORPUS_FILES for h in hits)


def test_search_from_a_second_machine_rebuilds_keywords_from_the_server(
    assistant: Assistant, settings: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    """Another store folder (another machine) sharing the collection needs no local index."""
    assistant.index()
    other = Assistant(
        settings.model_copy(update={"store": StoreSettings(dir=tmp_path / "other-store")}), embedder=embedder
    )

    hits = other.search(QUESTION)

    assert hits and "101" in hits[0].text and hits[0].file in FILES_WITH_101
    assert "bm25" in {r for h in hits for r in h.retrievers}
    assert len(other.sources()) == len(CORPUS_FILES)


def test_removed_file_leaves_the_server(assistant: Assistant, settings: Settings, corpus: Path, http: Any) -> None:
    assistant.index()
    gone = CORPUS_FILES[1]
    assert server_paths(http, settings.chroma.collection).get(gone, 0) > 0
    (corpus / gone).unlink()

    summary = assistant.index()

    assert summary.removed == [gone]
    assert summary.chunks_embedded == 0
    per_file = server_paths(http, settings.chroma.collection)
    assert gone not in per_file
    assert sorted(per_file) == [n for n in CORPUS_FILES if n != gone]
    leftovers = http.get_collection(settings.chroma.collection).get(where={"path": gone}, include=[])
    assert leftovers["ids"] == []
    assert all(h.path != gone for h in assistant.search(QUESTION, k=10))
    assert {s.path for s in assistant.sources()} == set(per_file)


def test_a_persons_articles_are_listed_from_the_servers_bylines(
    server: ChromaServer, embedder: Embedder, collection_name: str, tmp_path: Path
) -> None:
    folder = tmp_path / "invented"
    folder.mkdir()
    (folder / "fares.txt").write_text(
        "Ferry Fares Rise\nBy Ines Carvalho and Tom Bell\nJune 12, 2024\n\nFares rose by eight percent.\n"
    )
    (folder / "plan.md").write_text(
        "---\ntitle: Port Plan Backed\nauthor: Ines Carvalho\ndate: 2024-03-05\n---\nThe board backed the plan.\n"
    )
    (folder / "quay.txt").write_text("Quay Repaired\nBy Tom Bell\n\nThe quay was repaired.\n")
    settings = Settings(
        store=StoreSettings(dir=tmp_path / "store"),
        chroma=ChromaSettings(host=server.host, port=server.port, collection=collection_name),
        corpus=CorpusSettings(dir=folder),
    )
    settings.answer.backend = "extractive"
    assistant = Assistant(settings, embedder=embedder)
    assistant.index()
    assert {h.path: h.byline for h in assistant.store.headers()} == {
        "fares.txt": "Ines Carvalho and Tom Bell",
        "plan.md": "Ines Carvalho",
        "quay.txt": "Tom Bell",
    }
    answer = assistant.ask("Which articles did Ines Carvalho write?")
    assert [(c.path, c.start_line) for c in answer.citations] == [("fares.txt", 2), ("plan.md", 3)]


# -- CLI ---------------------------------------------------------------------------------------
def test_cli_search_json_in_server_mode(
    assistant: Assistant, settings: Settings, server: ChromaServer, corpus: Path, tmp_path: Path
) -> None:
    assert RAG_EXE.is_file(), f"the rag command is not installed next to {sys.executable}"
    indexed = assistant.index()  # in-process, with the shared model: the CLI must find it on the server
    cwd = tmp_path / "cwd"  # no rag.toml here
    cwd.mkdir()
    env = cli_env(tmp_path, server.host, server.port, settings.chroma.collection, corpus)

    proc = subprocess.run(
        [str(RAG_EXE), "search", QUESTION, "--json"],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert proc.returncode == 0, proc.stderr
    assert "No index yet" not in proc.stderr  # it read the server's collection, did not re-index
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    assert data["query"] == QUESTION
    results = data["results"]
    assert results, proc.stdout
    assert "101" in results[0]["text"] and results[0]["file"] in FILES_WITH_101
    assert {r["file"] for r in results} <= set(CORPUS_FILES)
    assert not (tmp_path / "store" / "chroma").exists()
    assert assistant.status().chunks == indexed.chunks_embedded


def test_cli_unreachable_server_fails_fast_with_one_line(tmp_path: Path, corpus: Path) -> None:
    port = free_port()  # nothing listens there
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = cli_env(tmp_path, "127.0.0.1", port, "articles", corpus)

    start = time.monotonic()
    proc = subprocess.run(
        [str(RAG_EXE), "search", QUESTION, "--json"],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    elapsed = time.monotonic() - start

    assert proc.returncode != 0
    assert elapsed < 10, f"took {elapsed:.1f} s"
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert f"127.0.0.1:{port}" in lines[0]
    assert lines[0].startswith("Error:")
    assert proc.stdout.strip() == ""
