"""Shared fixtures: a tiny corpus in a temp dir, a temp store per test (via RAG_STORE_DIR),
one embedding model per test session, and a scripted fake LLM."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "corpus"

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

TINY_ARTICLES = {
    "alpha.txt": (
        "Harbor Bridge Reopens After Repairs\n"
        "By Jane Porter\n"
        "March 4, 2024\n\n"
        "The Harbor Bridge in Port Elms reopened on Monday after eight months of repairs.\n"
        "City engineer Maria Lopez said the repairs cost $42 million.\n\n"
        "About 30,000 vehicles cross the bridge every day, according to the city.\n"
    ),
    "beta.md": (
        "# Orchard Festival Draws Crowds\n\n"
        "The annual orchard festival in Greenvale attracted 12,000 visitors this year.\n"
        "Organiser Tom Becker said apple cider sold out by noon.\n"
    ),
    "sub/gamma.txt": (
        "Library Extends Opening Hours\n\n"
        "The central library of Port Elms will stay open until 10 pm on weekdays.\n"
        "Head librarian Ana Silva said the change follows a survey of 2,400 residents.\n"
    ),
}


def write_corpus(root: Path, articles: dict[str, str]) -> Path:
    for name, text in articles.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", TINY_ARTICLES)


@pytest.fixture
def bundled_corpus(tmp_path: Path) -> Path:
    target = tmp_path / "bundled"
    shutil.copytree(BUNDLED, target)
    return target


@pytest.fixture(autouse=True)
def temp_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own store and never reads the user's rag.toml or RAG_* settings."""
    for key in list(os.environ):
        if key.startswith("RAG_"):
            monkeypatch.delenv(key)
    store = tmp_path / "store"
    monkeypatch.setenv("RAG_STORE_DIR", str(store))
    monkeypatch.chdir(tmp_path)
    return store


@pytest.fixture(scope="session")
def embedder():
    from rag.embeddings import get_embedder
    from rag.settings import EmbeddingSettings

    return get_embedder(EmbeddingSettings())


def indexed_assistant(root: Path, articles: dict[str, str], embedder, **llm: object):
    """An Assistant over ``articles`` written to ``root/corpus``, indexed into ``root/store`` (module fixtures)."""
    from rag.assistant import Assistant
    from rag.settings import Settings

    s = Settings()
    s.corpus.dir = write_corpus(root / "corpus", articles)
    s.store.dir = root / "store"
    for field, value in llm.items():
        setattr(s.llm, field, value)
    a = Assistant(s, embedder=embedder)
    a.index()
    return a


@pytest.fixture
def settings_for(temp_store: Path):
    """Build Settings for a corpus folder, with the per-test store."""
    from rag.settings import Settings

    def build(corpus: Path, **overrides: object) -> Settings:
        s = Settings()
        s.corpus.dir = corpus
        for dotted, value in overrides.items():
            group, field = dotted.split("__")
            setattr(getattr(s, group), field, value)
        return s

    return build


@pytest.fixture
def assistant_for(settings_for, embedder):
    from rag.assistant import Assistant

    def build(corpus: Path, **overrides: object) -> Assistant:
        return Assistant(settings_for(corpus, **overrides), embedder=embedder)

    return build


@pytest.fixture
def extractive_over(tmp_path: Path, assistant_for):
    """An indexed extractive Assistant over invented ``articles`` written to ``tmp_path/corpus``."""

    def build(articles: dict[str, str]):
        a = assistant_for(write_corpus(tmp_path / "corpus", articles), answer__backend="extractive")
        a.index()
        return a

    return build


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    """Run the real Typer app in-process (fresh settings each call); returns (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from rag import cli as cli_module

    def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
        monkeypatch.setattr(cli_module, "STATE", cli_module.State())
        result = CliRunner().invoke(cli_module.app, list(args), input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr

    return invoke


@pytest.fixture
def fake_llm() -> Iterator[object]:
    from tests.fakes import FakeLLM

    yield FakeLLM()
